"""The input snapshot: is the current site, file for file, what a build would make now?

A build that leaves the site as its own (written, or found with nothing to do) records, in the
output's hidden folder (`state`), what it was made from and what it left:

- the stat of every file and folder it may have read (size, mtime_ns, ctime_ns, inode): the whole
  content folder, the theme folders in use, the generator's own code, the libraries it renders
  with. The change time cannot be set by a user tool, so an edit that keeps a file's size and
  modification time is still seen;
- what else decides the output (`key`: the options, the generator's version and place, the
  folders);
- the site as the build left it: every folder's stamp (`stamps`), as the cache records it, and the
  cache file's own stamp;
- what the build said about the content (`said`, the caller's plain values), to be said again.

The next build compares (`changes`): every recorded input file and folder still has its stat (no
name can be added to, removed from or renamed in a folder without changing its modification and
change times, so no folder is listed again), the key is the same, the cache is as left and so is
every folder of the site: no file of it was added, removed, renamed or replaced. Then the site is
what a build would make, and nothing else is read: no library is imported, the cache is not opened.
The site's files are not stat'ed one by one (at 100,000 reports that was 420,000 calls, 1.3 s):
the output folder is the build's, and a file in it edited in place, under its name, is put right by
the next build that has something to do (which stats every page it keeps) or by `--no-cache`. At
10,000 reports the check is 35,000 `stat` calls, made from C (`stamps.stat_fields`) and compared as
arrays; the records are kept as flat arrays too, so that reading them is quick.

The inputs are listed and stat'ed before the build reads them (`Inputs.add`), so an edit while it
runs is seen next time (a custom theme, named in site.yaml, is listed after the build: a change to
it while the build ran is within `RACY_NS` of its start, and refused as below); the snapshot is removed when a build starts (`discard`) and written, whole and
atomically (`save`), only after it succeeded, so no failed or killed build leaves one claiming the
site is current. A file changed just before the build began may share its recorded stat with a
later edit (file times tick coarsely): it is recorded as changed (`Inputs.unsettle`), so that the
next build looks at it again. A damaged,
truncated or foreign snapshot is ignored.
"""

from __future__ import annotations

import marshal
import os
import zlib
from array import array
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from generator.incremental.stamps import flat, folder_stamps_flat, stat_fields, stamp_of
from generator.incremental.state import CACHE_FILE, state_dir

if TYPE_CHECKING:  # (not imported: the cache's module needs SQLite, pickle and the model)
    from generator.incremental.cache import CacheData

FILE_NAME = "snapshot"
FORMAT = 3
_MAGIC = b"nianbao input snapshot\n"

# A file or folder changed within this long before the build began may share its recorded stat with
# its next state (file times tick coarsely), as for the cache's report files (`stages.reports.RACY_NS`).
RACY_NS = 2_000_000_000

# size, mtime_ns, ctime_ns, inode of a file or folder, as recorded
_FIELDS = attrgetter("st_size", "st_mtime_ns", "st_ctime_ns", "st_ino")
CODE_SUFFIXES = (".py", ".yaml")  # of the generator's own folder: what it runs and reads
_SKIPPED = "__pycache__"  # written by Python beside the code it runs, never read as input

# One path the build may read: (path, suffixes, names, values, followed names, followed values).
# names: what is under it, relative ("" the path itself), stat'ed without following a link;
# followed: the path itself and the targets of links, stat'ed through them. values: 4 per name
# (`_FIELDS`), flat. names None: nothing was at the path.
Record = tuple[str, tuple[str, ...], list[str] | None, bytes, list[str], bytes]


def _under(base: str, rel: str) -> str:
    return f"{base}/{rel}" if rel else base


def _fields(base: str, names: list[str], *, follow: bool) -> array | None:
    return stat_fields([_under(base, rel) for rel in names], _FIELDS, follow=follow)


def _array(values: bytes) -> array:
    found = array("q")
    found.frombytes(values)
    return found


def record(path: Path, suffixes: tuple[str, ...] = ()) -> Record:
    """List and stat what is at `path`: a folder (all of it, or the files ending in `suffixes`, with
    the folders holding them), one file, or nothing. A link is recorded, and followed by its target's
    stat, never walked into."""
    base = os.path.abspath(path)
    if not os.path.exists(base):
        return (base, suffixes, None, b"", [], b"")
    names: list[str] = []
    followed = [""]
    if os.path.isdir(base):
        stack = [(base, "")]
        while stack:
            folder, prefix = stack.pop()
            with os.scandir(folder) as entries:
                for e in entries:
                    rel = prefix + e.name
                    if e.is_dir(follow_symlinks=False):
                        if e.name != _SKIPPED or not suffixes:
                            names.append(rel)
                            stack.append((e.path, rel + "/"))
                    elif not suffixes or e.name.endswith(suffixes):
                        names.append(rel)
                        if e.is_symlink():
                            followed.append(rel)
    values = _fields(base, names, follow=False)
    followed_values = _fields(base, followed, follow=True)
    if values is None or followed_values is None:
        raise FileNotFoundError(f"gone while listed, or a link to nothing, under {base}")
    return (base, suffixes, names, values.tobytes(), followed, followed_values.tobytes())


def _unchanged(recorded: Record) -> bool:
    base, _, names, values, followed, followed_values = recorded
    if names is None:
        return not os.path.exists(base)
    return _fields(base, followed, follow=True) == _array(followed_values) and _fields(base, names, follow=False) == _array(values)


class Inputs:
    """What a build may read, listed and stat'ed when added."""

    def __init__(self) -> None:
        self.recorded: list[Record] = []
        self.complete = True  # False once a path could not be recorded (no snapshot is written)

    def add(self, path: Path, suffixes: tuple[str, ...] = ()) -> None:
        """Record `path` (a folder, a file, or nothing yet: then it must still be missing)."""
        try:
            self.recorded.append(record(path, suffixes))
        except OSError:  # a folder that cannot be listed, a file gone while it was
            self.complete = False

    def unsettle(self, started_ns: int) -> None:
        """Record every file and folder changed within `RACY_NS` before `started_ns` (or after) as
        changed: its size is recorded as -1, which no stat has, so the next build looks at it again
        (a narrative, by its content: `generator.build.text_edit`) instead of trusting a stat that its
        next edit may share."""
        limit = started_ns - RACY_NS
        for n, (base, suffixes, names, values, followed, followed_values) in enumerate(self.recorded):
            fields = [_array(values), _array(followed_values)]
            touched = False
            for array_ in fields:
                for k in range(2, len(array_), 4):
                    if array_[k] >= limit:
                        array_[k - 2] = -1
                        touched = True
            if touched:
                self.recorded[n] = (base, suffixes, names, fields[0].tobytes(), followed, fields[1].tobytes())



def snapshot_path(out: Path) -> Path:
    return state_dir(out) / FILE_NAME


def discard(out: Path) -> None:
    """Remove the snapshot of `out`: a build has begun, and until it succeeds none describes the site.
    (With it, what a build killed while writing one left: `snapshot-<pid>.tmp`.)"""
    target = snapshot_path(out)
    try:
        os.unlink(target)
    except (FileNotFoundError, NotADirectoryError):  # none there (nor, maybe, its folder)
        pass
    try:
        with os.scandir(target.parent) as entries:
            stale = [e.path for e in entries if e.name.startswith(f"{FILE_NAME}-") and e.name.endswith(".tmp")]
    except OSError:
        return
    for path in stale:
        try:
            os.unlink(path)
        except OSError:
            pass


def save(out: Path, key: tuple[str, ...], inputs: Inputs, site: CacheData, said: Any) -> bool:
    """Write the snapshot of a build that succeeded, whole or not at all; False if it could not be.

    `site`: the cache's records of the site as the build left it (the cache being complete: its
    file's stamp is recorded with them); `said`: plain values (marshal's types).
    """
    folders = sorted(site.folders)  # "" first
    try:
        value = (FORMAT, key, inputs.recorded, folders, flat(site.folders[rel] for rel in folders).tobytes(),
                 stamp_of(state_dir(out) / CACHE_FILE), said)
        payload = marshal.dumps(value)
    except (OverflowError, ValueError):  # a number that does not fit, a value marshal cannot write
        return False
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


class Changes(NamedTuple):
    """What differs from the last build's snapshot, when only files and folders inside the content
    folder changed (same names everywhere) and the site and the cache are as that build left them."""

    said: Any  # what that build said
    inputs: Inputs  # the snapshot's inputs, with the content folder recorded anew
    names: list[str]  # content-relative names whose stat differs (folders and files)


def changes(out: Path, key: tuple[str, ...], content: Path) -> Changes | None:
    """Compare the snapshot of `out` with the inputs as they are now; `Changes` if the only
    differences are in the stats of names inside `content` (no name added, removed or renamed),
    with no names if there are none (the site is current); None otherwise (no snapshot, another
    key, the code, a theme or the site's folders changed...). The cheap checks first: the code, the
    themes, then the site's folders, then the content's recorded names, stat'ed anew (and listed
    again only where a folder of it changed)."""
    value = _read(out)
    if value is None:
        return None
    _, recorded_key, recorded, folder_names, folder_values, cache_stamp, said = value
    if recorded_key != key or cache_stamp is None or stamp_of(state_dir(out) / CACHE_FILE) != cache_stamp:
        return None
    base_of_content = os.path.abspath(content)
    mine = [n for n, r in enumerate(recorded) if r[0] == base_of_content and not r[1]]
    if len(mine) != 1 or recorded[mine[0]][2] is None:
        return None
    at = mine[0]
    try:
        if not all(_unchanged(r) for n, r in enumerate(recorded) if n != at):
            return None
        if folder_stamps_flat(os.fspath(out), folder_names) != _array(folder_values):
            return None
        found = _content_now(recorded[at])
    except (OSError, TypeError, ValueError):
        return None
    if found is None:
        return None
    now, names = found
    inputs = Inputs()
    inputs.recorded = [*recorded[:at], now, *recorded[at + 1:]]
    return Changes(said, inputs, names)


def _content_now(before: Record) -> tuple[Record, list[str]] | None:
    """The content folder's record as it is now and the names whose stat changed, if it holds the
    names it held (None otherwise).

    Its recorded names are stat'ed again; only if one of the changed ones is a folder (a name in
    it may have been added, removed or renamed) is the content folder listed again."""
    base, suffixes, names, values, followed, followed_values = before
    assert names is not None
    now_values = _fields(base, names, follow=False)
    now_followed = _fields(base, followed, follow=True)
    if now_values is None or now_followed is None or now_followed != _array(followed_values):
        return None  # a name gone, a link changed, or the folder itself
    old = _array(values)
    changed = _differing(names, old, now_values)
    if not any(os.path.isdir(_under(base, name)) for name in changed):
        return (base, suffixes, names, now_values.tobytes(), followed, now_followed.tobytes()), changed
    now = record(Path(base), suffixes)
    if now[2] != names or now[4] != followed or now[5] != followed_values:
        return None  # a name added, removed or renamed, or a link changed
    return now, _differing(names, old, _array(now[3]))


def _differing(names: list[str], old: array, new: array) -> list[str]:
    """The names whose four recorded fields differ between `old` and `new`."""
    return [name for n, name in enumerate(names) if old[4 * n:4 * n + 4] != new[4 * n:4 * n + 4]]
