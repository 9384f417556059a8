"""What the two loop benchmarks (`edit_loop.py`, `serve_loop.py`) share: their options and their work folder."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path


def loop_options(doc: str | None, work: str, *, jobs: bool) -> argparse.Namespace:
    """--towns, --edits, --work, --keep (and --jobs), parsed; the work folder emptied and made."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--towns", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=5)
    if jobs:
        parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--work", type=Path, default=Path(work))
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    if args.work.exists():
        shutil.rmtree(args.work)
    args.work.mkdir(parents=True)
    return args
