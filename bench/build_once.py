"""One `nianbao build`, as the benchmark runs it: what the command does, with the build's own stage
times and counts as JSON on stdout (the command's messages go to stderr as usual).

    python bench/build_once.py CONTENT OUT JOBS [--no-search]

It goes through the command (`generator.commands.build.build_command`), input snapshot included,
so that a build with nothing to do costs here what it costs a clerk.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


def main() -> int:
    started_ns = time.time_ns()
    from generator.commands import build as command

    parser = argparse.ArgumentParser()
    command.configure(parser)
    args = parser.parse_args(["--content", sys.argv[1], "--out", sys.argv[2], "--jobs", sys.argv[3], *sys.argv[4:]])
    done = command.build_command(args, Path(args.content), Path(args.out), started_ns)
    result = done.result
    if result is None:  # the snapshot said nothing changed, or only narratives' texts did (or the output folder was unusable)
        summary = {"ok": done.code == 0, "stages": done.stages, "pages": done.pages, "written": done.written,
                   "unchanged": done.pages - done.written, "removed": 0, "reports_processed": done.written,
                   "reports_reused": 0, "search_files_written": 0, "how": done.how}
    else:
        r = result.rendered
        summary = {
            "ok": result.ok,
            "stages": result.timings.seconds,
            "pages": len(result.pages),
            "written": len(r.written),
            "unchanged": len(r.unchanged),
            "removed": len(r.removed),
            "reports_processed": result.reports_processed,
            "reports_reused": result.reports_reused,
            "search_files_written": result.search.written if result.search is not None else 0,
            "how": done.how,
        }
    json.dump(summary, sys.stdout)
    return done.code


if __name__ == "__main__":
    sys.exit(main())
