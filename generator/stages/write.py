"""Write stage: pages and assets into a staging folder beside the output, swapped in only on success.

A failed or killed build never leaves a half-written site over the last good one:
the old site is moved aside and the new one moved in by two renames, and a build that
finds the output missing but the moved-aside copy present puts it back first.
The replaced site is deleted by a background process (deleting thousands of folders can take
longer than the build itself); a later build removes whatever such a deletion left behind.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

MARKER = ".nianbao-site"
_CLEANERS: list[subprocess.Popen[bytes]] = []


class OutputError(Exception):
    """The output folder cannot be used (it holds something that is not a nianbao site, say)."""


class Staging:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.stage = out.parent / f".{out.name}.building-{os.getpid()}"
        self.old = out.parent / f".{out.name}.old"
        self.written: set[str] = set()

    def __enter__(self) -> "Staging":
        recover(self.out)
        if self.out.exists() and not (self.out / MARKER).exists() and any(self.out.iterdir()):
            raise OutputError(f"输出目录 {self.out} 不是 nianbao 生成的站点，且不为空；为免误删，已停止")
        self.out.parent.mkdir(parents=True, exist_ok=True)
        for pattern in (f".{self.out.name}.building-*", f".{self.out.name}.trash-*"):
            for stale in self.out.parent.glob(pattern):
                shutil.rmtree(stale, ignore_errors=True)
        self.stage.mkdir()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:  # type: ignore[no-untyped-def]
        if self.stage.exists():
            shutil.rmtree(self.stage, ignore_errors=True)

    def path(self, rel: str) -> Path:
        # checked by its words, not by resolving: the staging folder is new and holds no links
        parts = rel.split("/")
        if not rel or rel.startswith("/") or "\\" in rel or any(p in ("", ".", "..") for p in parts):
            raise OutputError(f"拒绝写到输出目录之外：{rel}")
        target = self.stage.joinpath(*parts)
        return target

    def claim(self, rel: str) -> Path:
        """Reserve `rel` (once only) and return where to write it; the caller (maybe a worker) writes it."""
        if rel in self.written:
            raise OutputError(f"同一文件写了两次：{rel}")
        target = self.path(rel)
        self.written.add(rel)
        return target

    def write(self, rel: str, data: bytes) -> None:
        target = self.claim(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    def reuse(self, rel: str) -> str | None:
        """Put the current site's `rel` into the new one without rewriting it: "linked", "copied" or None."""
        source = self.out / rel
        target = self.claim(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
            return "linked"
        except OSError:
            try:
                shutil.copy2(source, target)
                return "copied"
            except OSError:
                self.written.discard(rel)
                return None

    def copy_tree(self, source: Path, rel: str) -> None:
        """Copy a folder of assets (later sources do not overwrite earlier ones: overrides come first)."""
        for path in sorted(source.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                name = f"{rel}/{path.relative_to(source).as_posix()}"
                if name not in self.written:
                    self.write(name, path.read_bytes())

    def commit(self) -> None:
        self.write(MARKER, b"nianbao\n")
        if self.old.exists():
            shutil.rmtree(self.old)
        if self.out.exists():
            os.replace(self.out, self.old)
        os.replace(self.stage, self.out)
        if self.old.exists():
            trash = self.out.parent / f".{self.out.name}.trash-{os.getpid()}-{time.time_ns()}"
            os.replace(self.old, trash)
            delete_in_background(trash)


def delete_in_background(folder: Path) -> None:
    """Remove `folder` in a detached process; where that cannot be started, here and now."""
    code = "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)"
    _CLEANERS[:] = [p for p in _CLEANERS if p.poll() is None]
    try:
        cleaner = subprocess.Popen(
            [sys.executable, "-c", code, str(folder)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        _CLEANERS.append(cleaner)  # kept so that it is reaped, not reported as forgotten
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)


def recover(out: Path) -> None:
    """Undo a swap interrupted between its two renames."""
    old = out.parent / f".{out.name}.old"
    if old.exists() and not out.exists():
        os.replace(old, out)
