"""The input snapshot: is the current site, file for file, what a build would make now?

A build that leaves the site as its own (written, or found with nothing to do) records, in the
output's hidden folder (`state`), what it was made from and what it left:

- the stat of every file and folder it may have read (size, mtime_ns, ctime_ns, inode): the whole
  content folder, the theme folders in use, the generator's own code, the libraries it renders
  with. The change time cannot be set by a user tool, so an edit that keeps a file's size and
  modification time is still seen;
- what else decides the output (`key`: the options, the generator's version and place, the
  folders);
- the site as the build left it, as the cache records it (`stamps`: every file's stamp, every
  folder's), and the cache file's own stamp;
- what the build said about the content (`said`, the caller's plain values), to be said again.

The next build compares (`current`): every recorded file still has its stat, no name was added to
or removed from a recorded folder (each one listed again with `os.scandir`), the key is the same and
the site and the cache are as left. Then the site is what a build would make, and nothing else is
read: no library is imported, the cache is not opened.

The inputs are stat'ed before the build reads them (`Inputs.add`), so an edit while it runs is
seen next time; the snapshot is removed when a build starts (`discard`) and written, whole and
atomically (`save`), only after it succeeded, so no failed or killed build leaves one claiming the
site is current. A file changed just before the build began may share its recorded stat with a
later edit (file times tick coarsely): then no snapshot is written (`Inputs.settled`). A damaged,
truncated or foreign snapshot is ignored.
"""

from __future__ import annotations

import marshal
import os
import stat
import zlib
from pathlib import Path
from typing import Any

from generator.incremental.stamps import Stamp, files_unchanged, folders_unchanged, stamp_of
from generator.incremental.state import CACHE_FILE, state_dir

FILE_NAME = "snapshot"
FORMAT = 1
_MAGIC = b"nianbao input snapshot\n"

# A file changed within this long before the build began may share its recorded stat with its
# next content (as for the cache's report files, `stages.reports.RACY_NS`).
RACY_NS = 2_000_000_000

Entry = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode (size 0 for a folder)
Listing = dict[str, Entry | None]  # relative name -> entry; "" a lone file; "<link>\0" a link's target
CODE_SUFFIXES = (".py", ".yaml")  # of the generator's own folder: what it runs and reads
_SKIPPED = "__pycache__"  # written by Python beside the code it runs, never read as input


def _entry(st: os.stat_result) -> Entry:
    return (st.st_size if not stat.S_ISDIR(st.st_mode) else 0, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def _target(path: str) -> Entry | None:
    try:
        return _entry(os.stat(path))
    except OSError:
        return None


def listing(path: str, suffixes: tuple[str, ...] = ()) -> Listing | None:
    """The entries of a folder the build may read (all of it, or its files ending in `suffixes`,
    without folders' own entries), or of one file; None if there is nothing at `path`.

    Links are not followed into: a link's own entry, and its target's under "<name>\\0".
    """
    try:
        top = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISDIR(top.st_mode):
        return {"": _entry(top)}
    found: Listing = {}
    folders = not suffixes
    stack = [(path, "")]
    while stack:
        folder, prefix = stack.pop()
        with os.scandir(folder) as entries:
            for e in entries:
                rel = prefix + e.name
                if e.is_dir(follow_symlinks=False):
                    if e.name == _SKIPPED and not folders:
                        continue
                    stack.append((e.path, rel + "/"))
                    if folders:
                        found[rel + "/"] = _entry(e.stat(follow_symlinks=False))
                elif folders or e.name.endswith(suffixes):
                    found[rel] = _entry(e.stat(follow_symlinks=False))
                    if e.is_symlink():
                        found[rel + "\0"] = _target(e.path)
    return found


class Inputs:
    """What a build may read, stat'ed when added: folders (`listing`) and single files."""

    def __init__(self) -> None:
        self.recorded: list[tuple[str, tuple[str, ...], Listing | None]] = []

    def add(self, path: Path, suffixes: tuple[str, ...] = ()) -> None:
        """Record `path` (a folder, a file, or nothing yet: then it must still be missing)."""
        try:
            self.recorded.append((os.path.abspath(path), suffixes, listing(os.path.abspath(path), suffixes)))
        except OSError:
            self.recorded.append((os.path.abspath(path), suffixes, {"\0unlistable": None}))  # never matches again

    def settled(self, started_ns: int) -> bool:
        """Was nothing recorded changed within `RACY_NS` before `started_ns` (nor after)?"""
        limit = started_ns - RACY_NS
        return all(entry is None or entry[2] < limit
                   for _, _, found in self.recorded if found is not None for entry in found.values())

    def unchanged(self) -> bool:
        """Does every recorded path list and stat as recorded?"""
        try:
            return all(listing(path, suffixes) == found for path, suffixes, found in self.recorded)
        except OSError:  # a folder that can no longer be listed
            return False


def snapshot_path(out: Path) -> Path:
    return state_dir(out) / FILE_NAME


def discard(out: Path) -> None:
    """Remove the snapshot of `out`: a build has begun, and until it succeeds none describes the site."""
    try:
        os.unlink(snapshot_path(out))
    except FileNotFoundError:
        pass


def save(out: Path, key: tuple[str, ...], inputs: Inputs, files: dict[str, Stamp], folders: dict[str, tuple[int, int]], said: Any) -> bool:
    """Write the snapshot of a build that succeeded, whole or not at all; False if it could not be.

    `files` and `folders`: the site as the build left it (its cache's records, the cache being
    complete: its file's stamp is recorded with them); `said`: plain values (marshal's types).
    """
    value = (FORMAT, key, inputs.recorded, files, folders, stamp_of(state_dir(out) / CACHE_FILE), said)
    payload = marshal.dumps(value)
    target = snapshot_path(out)
    temporary = target.with_name(f"{FILE_NAME}-{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as sink:
            sink.write(_MAGIC + zlib.crc32(payload).to_bytes(4, "big") + payload)
        os.replace(temporary, target)
        return True
    except OSError:  # a snapshot only saves time: without it, the next build is an ordinary one
        try:
            os.unlink(temporary)
        except OSError:
            pass
        return False


def _read(out: Path) -> tuple[Any, ...] | None:
    try:
        with open(snapshot_path(out), "rb") as source:
            data = source.read()
    except OSError:
        return None
    head = len(_MAGIC)
    if not data.startswith(_MAGIC) or len(data) < head + 4:
        return None
    payload = data[head + 4:]
    if zlib.crc32(payload).to_bytes(4, "big") != data[head:head + 4]:
        return None
    try:
        value = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    if not isinstance(value, tuple) or len(value) != 7 or value[0] != FORMAT:
        return None
    return value


def current(out: Path, key: tuple[str, ...]) -> Any | None:
    """What the last build said, if its snapshot shows that the site is what a build would make
    now (same key, inputs, site and cache); None otherwise, and for no snapshot or a damaged one."""
    value = _read(out)
    if value is None:
        return None
    _, recorded_key, recorded, files, folders, cache_stamp, said = value
    inputs = Inputs()
    inputs.recorded = recorded
    if recorded_key != key or cache_stamp is None or stamp_of(state_dir(out) / CACHE_FILE) != cache_stamp:
        return None
    if not inputs.unchanged():
        return None
    if not folders_unchanged(out, folders) or not files_unchanged(out, files):
        return None
    return said
