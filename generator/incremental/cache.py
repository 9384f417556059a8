"""The build cache: validated reports and written pages of the last build, beside the output folder.

`.<out>.nianbao-cache/cache.bin` holds a magic line, a JSON header (cache format, generator
version, the content and output folders it belongs to, size and SHA-256 of the payload) and the
payload (a pickle). Nothing in it is used unless every header field matches this build and the
checksum holds: a corrupted, truncated, foreign or other-version cache is ignored (and the
build is a clean one). Entries are keyed by content fingerprints (`generator.incremental.fingerprint`), so
a stale entry is never looked up. Like the content folder, the cache is trusted only as far as
the account that builds the site: it is written and read by that account alone.

The cache is written by the build itself, after the site is in place and before the command
returns. If the build dies in between, the next build finds no cache (the build removed the old
one before its swap) and is a clean build.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, NamedTuple

from generator import __version__
from generator.diagnostics import Problem
from generator.model import Report

MAGIC = b"nianbao-build-cache\n"
CACHE_FORMAT = 3
FILE_NAME = "cache.bin"


Stamp = tuple[int, int, int]  # size, mtime_ns, inode: a file as written, unless edited or replaced since


def stamp_of(path: Path | str) -> Stamp | None:
    """The file's stamp, or None if it is not there."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


class PageRecord(NamedTuple):
    """A page written by the last build: its fingerprint and the file's identity on disk.

    A named tuple unpickled without running Python code, as `model.IndicatorValue` (one per page).
    """

    fingerprint: str
    size: int
    mtime_ns: int
    inode: int

    @property
    def stamp(self) -> Stamp:
        return (self.size, self.mtime_ns, self.inode)

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return (tuple.__new__, (type(self), tuple(self)))


@dataclass
class CacheData:
    # fingerprint -> (report without its narrative, which is re-read from its file; problems)
    reports: dict[str, tuple[Report | None, tuple[Problem, ...]]] = field(default_factory=dict)
    pages: dict[str, PageRecord] = field(default_factory=dict)
    # the site's files that are not pages (assets, search index, marker): (size, mtime_ns, inode)
    others: dict[str, Stamp] = field(default_factory=dict)
    others_made_from: str = ""  # fingerprint of what those files were made from
    # report files: content path -> ((size, mtime_ns, inode, ctime_ns), content hash), and when the
    # build that recorded them began (a file changed just before it is not vouched for)
    files: dict[str, tuple[tuple[int, int, int, int], str]] = field(default_factory=dict)
    started_ns: int = 0
    # site-wide data files written piece by piece: url -> where each report's piece lies (generator.incremental.splice)
    splices: dict[str, dict[str, tuple[str, int, int]]] = field(default_factory=dict)


class _HashingWriter:
    """A binary file for `pickle.dump` that also counts and hashes what is written to it."""

    def __init__(self, file: BinaryIO) -> None:
        self.file = file
        self.size = 0
        self.sha256 = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        self.size += memoryview(data).nbytes
        return self.file.write(data)


def _copy_all(source: int, target: int, size: int) -> None:
    """Append `size` bytes of `source` (from its start) to `target`, by the kernel where it can."""
    offset = 0
    while offset < size:
        try:
            n = os.copy_file_range(source, target, size - offset, offset)
        except OSError:  # another file system, or an old kernel: through memory
            n = os.write(target, os.pread(source, min(size - offset, 1 << 20), offset))
        if n <= 0:
            raise OSError("short copy of the cache payload")
        offset += n


def cache_dir(out: Path) -> Path:
    return out.parent / f".{out.name}.nianbao-cache"


def cache_size(out: Path) -> int:
    """The size of the cache file of `out` (0 if there is none): what reading it will cost."""
    try:
        return os.stat(cache_dir(out) / FILE_NAME).st_size
    except OSError:
        return 0


class BuildCache:
    """The previous build's results (`old`, read-only) and this build's (`new`, saved at the end)."""

    def __init__(self, out: Path, content: Path) -> None:
        self.out = out
        self.content = content
        self.old = CacheData()
        self.new = CacheData()
        self.status = "none"  # none | used | ignored: <reason>
        self.enabled = False

    @classmethod
    def open(cls, out: Path, content: Path, *, enabled: bool = True) -> "BuildCache":
        cache = cls(out, content)
        cache.enabled = enabled
        if enabled:
            cache._read()
        return cache

    def templates_dir(self) -> Path | None:
        """Where Jinja keeps compiled templates between builds (checked against their source), if caching."""
        return cache_dir(self.out) / "templates" if self.enabled else None

    def _header(self, size: int, sha256: str) -> dict[str, object]:
        return {
            "format": CACHE_FORMAT,
            "generator": __version__,
            "content": str(self.content.resolve()),
            "out": str(self.out.resolve()),
            "size": size,
            "sha256": sha256,
        }

    def _read(self) -> None:
        path = cache_dir(self.out) / FILE_NAME
        if not path.is_file():
            return
        try:
            raw = path.read_bytes()
            if not raw.startswith(MAGIC):
                raise ValueError("not a nianbao cache")
            header_end = raw.index(b"\n", len(MAGIC))
            header = json.loads(raw[len(MAGIC):header_end])
            with memoryview(raw)[header_end + 1:] as payload:  # not a copy: at 100,000 reports it is 300 MB
                if header != self._header(len(payload), hashlib.sha256(payload).hexdigest()):
                    raise ValueError("made by another version, for other folders, or damaged")
                data = pickle.loads(payload)
            if not isinstance(data, CacheData):
                raise ValueError("unexpected contents")
        except Exception as exc:  # noqa: BLE001 - whatever is wrong with it, a cache is only ever ignored
            self.status = f"ignored: {exc}"
            return
        self.old = data
        self.status = "used"

    def unchanged(self) -> bool:
        """Does the cache on disk already describe this build (same reports, same page files)?"""
        return (self.status == "used" and self.new.pages == self.old.pages and self.new.reports.keys() == self.old.reports.keys()
                and self.new.files == self.old.files)

    def save(self) -> None:
        """Write the cache (complete when this returns)."""
        folder = cache_dir(self.out)
        folder.mkdir(parents=True, exist_ok=True)
        self._write(folder)

    def _write(self, folder: Path) -> None:
        _remove_leftovers(folder)
        tmp = folder / f"{FILE_NAME}.{os.getpid()}.tmp"
        pickled = folder / f"{FILE_NAME}.{os.getpid()}.payload"
        try:
            # The pickle goes to disk frame by frame, hashed on the way: never a payload in memory
            # (hundreds of MB at 100,000 reports), then behind the header that describes it.
            with pickled.open("w+b") as payload:
                sink = _HashingWriter(payload)
                pickle.dump(self.new, sink, protocol=pickle.HIGHEST_PROTOCOL)
                payload.flush()
                header = json.dumps(self._header(sink.size, sink.sha256.hexdigest()), sort_keys=False).encode("utf-8")
                with tmp.open("wb") as out:
                    out.write(MAGIC + header + b"\n")
                    out.flush()
                    _copy_all(payload.fileno(), out.fileno(), sink.size)
            os.replace(tmp, folder / FILE_NAME)
        finally:
            pickled.unlink(missing_ok=True)
            tmp.unlink(missing_ok=True)

    @staticmethod
    def forget(out: Path) -> None:
        """Drop the cache (a build that failed after moving the site must not leave it describing old files)."""
        path = cache_dir(out) / FILE_NAME
        if path.exists():
            path.unlink()


def _remove_leftovers(folder: Path) -> None:
    """Remove the partial files of a writer that was killed: only one writes at a time (a build
    holds the output's lock)."""
    mine = f"{FILE_NAME}.{os.getpid()}."
    for path in folder.glob(f"{FILE_NAME}.*"):
        if path.suffix in (".tmp", ".payload") and not path.name.startswith(mine):
            path.unlink(missing_ok=True)
