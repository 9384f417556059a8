"""Write stage: pages and assets into a staging folder beside the output, swapped in only on success.

A failed or killed build never leaves a half-written site over the last good one:
the old site is moved aside and the new one moved in by two renames, and a build that
finds the output missing but the moved-aside copy present puts it back first.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

MARKER = ".nianbao-site"


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
        for stale in self.out.parent.glob(f".{self.out.name}.building-*"):
            shutil.rmtree(stale, ignore_errors=True)
        self.stage.mkdir()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:  # type: ignore[no-untyped-def]
        if self.stage.exists():
            shutil.rmtree(self.stage, ignore_errors=True)

    def path(self, rel: str) -> Path:
        target = (self.stage / rel).resolve()
        if not target.is_relative_to(self.stage.resolve()) or rel.startswith("/") or ".." in Path(rel).parts:
            raise OutputError(f"拒绝写到输出目录之外：{rel}")
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

    def reuse(self, rel: str) -> Path | None:
        """Put the current site's `rel` into the new one without rewriting it (a hard link, else a copy)."""
        source = self.out / rel
        target = self.claim(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            try:
                shutil.copy2(source, target)
            except OSError:
                self.written.discard(rel)
                return None
        return target

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
        shutil.rmtree(self.old, ignore_errors=True)


def recover(out: Path) -> None:
    """Undo a swap interrupted between its two renames."""
    old = out.parent / f".{out.name}.old"
    if old.exists() and not out.exists():
        os.replace(old, out)
