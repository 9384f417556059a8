"""Watching folders with Linux inotify (through ctypes, no dependency): the kernel says what changed.

Every folder under the watched roots has a watch (hidden ones left out); a folder created or moved
in gets one as it appears, and its files count as changed. In-place writes are seen when the file
is closed, saves by rename as the name moved in (and the one moved away), deletions as such. When
the kernel's queue overflows, every root counts as changed. `InotifyWatcher` raises `Unavailable`
where inotify cannot be used (not Linux, no instance left, the watch limit reached), and the
preview polls instead (`preview.watch`).
"""

from __future__ import annotations

import ctypes
import errno
import os
import select
import struct
import sys
import time
from pathlib import Path
from typing import Any

from generator.preview.watch import SETTLE_SECONDS, Unavailable

IN_CLOSE_WRITE = 0x8
IN_MOVED_FROM = 0x40
IN_MOVED_TO = 0x80
IN_CREATE = 0x100
IN_DELETE = 0x200
IN_DELETE_SELF = 0x400
IN_MOVE_SELF = 0x800
IN_Q_OVERFLOW = 0x4000
IN_IGNORED = 0x8000
IN_ONLYDIR = 0x1000000
IN_ISDIR = 0x40000000
IN_NONBLOCK = os.O_NONBLOCK
IN_CLOEXEC = os.O_CLOEXEC
MASK = IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF
EVENT = struct.Struct("iIII")  # wd, mask, cookie, len (then the name, NUL-padded)
MAX_SETTLE_SECONDS = 1.0  # a save that keeps writing is taken as it is after this long


def _libc() -> Any:
    if not sys.platform.startswith("linux"):
        raise Unavailable("not Linux")
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        init, add, rm = libc.inotify_init1, libc.inotify_add_watch, libc.inotify_rm_watch
    except (OSError, AttributeError) as exc:
        raise Unavailable(str(exc)) from None
    init.argtypes, init.restype = [ctypes.c_int], ctypes.c_int
    add.argtypes, add.restype = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32], ctypes.c_int
    rm.argtypes, rm.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return libc


class InotifyWatcher:
    def __init__(self, roots: list[Path]) -> None:
        self._libc = _libc()
        self._fd = self._libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if self._fd < 0:
            raise Unavailable(os.strerror(ctypes.get_errno()))
        self._folders: dict[int, str] = {}  # watch descriptor -> folder
        self._roots: list[Path] = []
        self._waiting: list[Path] = []  # roots not there yet: looked for at each call
        self._changed: set[str] = set()
        try:
            self.watch(roots)
        except Unavailable:
            self.close()
            raise

    def watch(self, roots: list[Path]) -> None:
        for root in roots:
            if root not in self._roots:
                self._roots.append(root)
                self._waiting.append(root)
        self._look_for_roots()

    def _look_for_roots(self) -> None:
        for root in list(self._waiting):
            if root.is_dir():
                self._waiting.remove(root)
                self._add_tree(os.fspath(root), report=False)
            elif root.exists():
                raise Unavailable(f"{root} is not a folder")  # polling watches single files

    def _add(self, folder: str) -> bool:
        wd = self._libc.inotify_add_watch(self._fd, os.fsencode(folder), MASK | IN_ONLYDIR)
        if wd < 0:
            err = ctypes.get_errno()
            if err == errno.ENOSPC:
                raise Unavailable("the inotify watch limit is reached (fs.inotify.max_user_watches)")
            return False  # gone already, or not a folder: nothing to watch
        self._folders[wd] = folder
        return True

    def _add_tree(self, top: str, *, report: bool) -> None:
        """Watch `top` and every folder under it; with `report`, count its files as changed."""
        stack = [top]
        while stack:
            folder = stack.pop()
            if not self._add(folder):
                continue
            try:
                with os.scandir(folder) as entries:
                    for entry in entries:
                        if entry.name.startswith("."):
                            continue
                        if entry.is_dir(follow_symlinks=False):
                            stack.append(entry.path)
                        elif report:
                            self._changed.add(entry.path)
            except OSError:
                continue

    def changes(self, timeout: float) -> list[str]:
        self._look_for_roots()
        if not self._changed and not self._wait(timeout):
            return []
        settle_until = time.monotonic() + MAX_SETTLE_SECONDS
        while True:
            self._read()
            if not self._wait(min(SETTLE_SECONDS, max(0.0, settle_until - time.monotonic()))):
                break
        found, self._changed = sorted(self._changed), set()
        return found

    def _wait(self, seconds: float) -> bool:
        """Is there an event to read within `seconds`?"""
        ready, _, _ = select.select([self._fd], [], [], seconds)
        return bool(ready)

    def _read(self) -> None:
        try:
            data = os.read(self._fd, 1 << 16)
        except BlockingIOError:
            return
        at = 0
        while at + EVENT.size <= len(data):
            wd, mask, _cookie, size = EVENT.unpack_from(data, at)
            name = data[at + EVENT.size: at + EVENT.size + size].rstrip(b"\0").decode("utf-8", "surrogateescape")
            at += EVENT.size + size
            self._event(wd, mask, name)

    def _event(self, wd: int, mask: int, name: str) -> None:
        if mask & IN_Q_OVERFLOW:  # events were lost: say everything changed
            self._changed.update(os.fspath(root) for root in self._roots)
            return
        folder = self._folders.get(wd)
        if mask & IN_IGNORED:
            self._folders.pop(wd, None)
            return
        if folder is None:
            return
        if mask & (IN_DELETE_SELF | IN_MOVE_SELF):
            if Path(folder) in self._roots and Path(folder) not in self._waiting:
                self._forget(folder)
                self._waiting.append(Path(folder))  # a root removed or moved away: watched again when it is back
            return
        if not name or name.startswith("."):
            return
        path = f"{folder}/{name}"
        if mask & IN_ISDIR and mask & IN_MOVED_FROM:
            self._forget(path)  # moved away: what happens there is none of the preview's business
        if mask & IN_ISDIR and mask & (IN_CREATE | IN_MOVED_TO):
            self._add_tree(path, report=True)
        self._changed.add(path)

    def _forget(self, top: str) -> None:
        """Stop watching `top` and the folders under it."""
        for wd, folder in list(self._folders.items()):
            if folder == top or folder.startswith(top + "/"):
                self._libc.inotify_rm_watch(self._fd, wd)
                del self._folders[wd]

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
