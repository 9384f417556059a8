"""Noticing changes by polling file modification times: no dependency, works on every file system."""

from __future__ import annotations

from pathlib import Path

Snapshot = dict[str, tuple[int, int]]


def snapshot(roots: list[Path]) -> Snapshot:
    """(mtime_ns, size) of every file under the roots, hidden files and folders left out."""
    found: Snapshot = {}
    for root in roots:
        if root.is_file():
            _stat(root, found)
            continue
        if not root.is_dir():
            continue
        for path in root.rglob("*"):
            rel = path.relative_to(root).parts
            if any(part.startswith(".") for part in rel) or not path.is_file():
                continue
            _stat(path, found)
    return found


def _stat(path: Path, found: Snapshot) -> None:
    try:
        st = path.stat()
    except OSError:  # deleted between listing and stat: the next poll sees it gone
        return
    found[str(path)] = (st.st_mtime_ns, st.st_size)


def changed(before: Snapshot, after: Snapshot) -> list[str]:
    """Files added, removed or modified, sorted."""
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
