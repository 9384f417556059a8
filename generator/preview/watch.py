"""Noticing changes to the watched files: by inotify on Linux, else by polling modification times.

A watcher's `changes(timeout)` returns the files added, removed or modified (sorted paths), once
an editor's save has settled (no event for `SETTLE_SECONDS`), or [] when nothing changed within
`timeout`. Hidden files and folders (a name starting with ".") are left out, as the build leaves
them out. `open_watcher` picks inotify (`preview.inotify`) unless told to poll or it cannot be used
(another system, or the watch limit reached).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Protocol

Snapshot = dict[str, tuple[int, int]]

POLL_SECONDS = 0.3  # polling: how often every file is looked at
SETTLE_SECONDS = 0.05  # inotify: a save is over when no event came for this long (an editor's save is several events)


class Unavailable(Exception):
    """This way of watching cannot watch these roots here (inotify: not Linux, or the watch limit reached)."""


class Watcher(Protocol):
    def watch(self, roots: list[Path]) -> None:
        """Watch these roots (files or folders, maybe not there yet) from now on."""

    def changes(self, timeout: float) -> list[str]:
        """The files changed since the last call, once the changes have settled; [] after `timeout` without any.

        Raises `Unavailable` when it can watch no longer (a new folder past the watch limit)."""

    def close(self) -> None: ...


def open_watcher(roots: list[Path], method: str = "auto") -> Watcher:
    """`method`: "auto" (inotify where it works, else polling), "inotify" or "poll"."""
    if method != "poll":
        from generator.preview.inotify import InotifyWatcher

        try:
            return InotifyWatcher(roots)
        except Unavailable:
            if method == "inotify":
                raise
    return PollingWatcher(roots)


class PollingWatcher:
    """`stat` of every watched file every `POLL_SECONDS`: no dependency, works on every file system."""

    def __init__(self, roots: list[Path]) -> None:
        self.roots = list(roots)
        self.seen = snapshot(self.roots)

    def watch(self, roots: list[Path]) -> None:
        if roots != self.roots:
            self.roots = list(roots)
            self.seen.update({k: v for k, v in snapshot(self.roots).items() if k not in self.seen})

    def changes(self, timeout: float) -> list[str]:
        deadline = time.monotonic() + timeout
        while True:
            time.sleep(POLL_SECONDS)
            now = snapshot(self.roots)
            edits = changed(self.seen, now)
            if edits:
                time.sleep(POLL_SECONDS)  # let an editor finish writing, then take the files as they are
                after = snapshot(self.roots)
                edits = sorted(set(edits) | set(changed(now, after)))
                self.seen = after
                return edits
            if time.monotonic() >= deadline:
                return []

    def close(self) -> None:
        return


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
