"""The edit loop as a clerk lives it: `nianbao build` after each save, with no pause in between.

    python bench/edit_loop.py --towns 1000 --work /tmp/nianbao-edit-loop [--edits 5] [--keep]

Makes a synthetic corpus (`nianbao synth`, ten years per town), builds it cold, builds it again
with nothing changed, then edits one report's narrative `--edits` times, each build started as
soon as the last returned. Each build runs as its own command, as a clerk runs it; the wall time
of each is printed, with the median of the edits. The work folder is removed at the end unless
`--keep`.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.loop_args import loop_options  # noqa: E402


def nianbao(*args: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "generator", *args], env=env, capture_output=True, text=True)
    wall = time.monotonic() - start
    if done.returncode != 0:
        sys.exit(f"nianbao {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return wall


def main() -> None:
    args = loop_options(__doc__, "/tmp/nianbao-edit-loop", jobs=True)
    content, out = args.work / "content", args.work / "site"
    try:
        nianbao("synth", "--towns", str(args.towns), "--out", str(content))
        build = ("build", "--content", str(content), "--out", str(out), "--jobs", str(args.jobs))
        print(f"cold: {nianbao(*build):.2f} s", flush=True)
        print(f"nothing changed: {nianbao(*build):.2f} s", flush=True)
        edited = sorted(content.rglob("*.md"))[len(list(content.rglob('*.md'))) // 2]
        walls = []
        for i in range(args.edits):
            with edited.open("a", encoding="utf-8") as narrative:
                narrative.write(f"\n补充说明第{i + 1}条。\n")
            walls.append(nianbao(*build))
            print(f"edit {i + 1}: {walls[-1]:.2f} s", flush=True)
        print(f"median of {len(walls)} edits: {statistics.median(walls):.2f} s", flush=True)
        print(f"nothing changed after the edits: {nianbao(*build):.2f} s", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(args.work, ignore_errors=True)


if __name__ == "__main__":
    main()
