"""Writing an index's files into its folder: each file written, or linked from (or left as it is
in) the previous index when its bytes are the same there.

The folder is either new (`previous` another index, or none) or the previous index itself, updated
in place. A file is written under a temporary name and renamed over its target, so nothing is ever
written through a link into another index.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Collection
from pathlib import Path


class IndexFolder:
    def __init__(self, out: Path, previous: Path | None) -> None:
        """Makes `out` empty first, unless it is `previous`."""
        self.out = out
        self.previous = previous
        self.in_place = previous is not None and previous.resolve() == out.resolve()
        if not self.in_place and out.exists():
            shutil.rmtree(out)

    def put(self, name: str, data: bytes | None) -> tuple[bool, int]:
        """Write file `name` (None: the same as in `previous`). Returns (written, its size)."""
        target = self.out / name
        if self.previous is not None:
            old = self.previous / name
            try:
                size = old.stat().st_size
                unchanged = data is None or (size == len(data) and old.read_bytes() == data)
            except OSError:
                if data is None:
                    raise
                unchanged = False
            if unchanged:
                if not self.in_place:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.link(old, target)
                return False, size
        assert data is not None, name
        target.parent.mkdir(parents=True, exist_ok=True)
        if self.previous is None:
            target.write_bytes(data)  # a new folder: nothing to replace
        else:
            tmp = target.with_name(target.name + ".tmp")
            tmp.write_bytes(data)
            os.replace(tmp, target)
        return True, len(data)

    def keep_only(self, names: Collection[str]) -> None:
        """In an index updated in place: remove the files not in `names`, and folders left empty."""
        if not self.in_place:
            return
        wanted = {self.out / n for n in names}
        for p in sorted(self.out.rglob("*"), reverse=True):
            if p.is_file() and p not in wanted:
                p.unlink()
            elif p.is_dir() and not any(p.iterdir()):
                p.rmdir()
