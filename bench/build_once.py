"""One nianbao build, as the benchmark runs it: the build's own stage times and counts as JSON on stdout.

    python bench/build_once.py CONTENT OUT JOBS [--no-search]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from generator.build import SearchOptions, build


def main() -> int:
    content, out, jobs = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    result = build(content, out, SearchOptions(enabled="--no-search" not in sys.argv[4:]), jobs=jobs)
    r = result.rendered
    json.dump(
        {
            "ok": result.ok,
            "stages": result.timings.seconds,
            "pages": len(result.pages),
            "written": len(r.written),
            "unchanged": len(r.unchanged),
            "removed": len(r.removed),
            "reports_processed": result.reports_processed,
            "reports_reused": result.reports_reused,
            "search_files_written": result.search.written if result.search is not None else 0,
        },
        sys.stdout,
    )
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
