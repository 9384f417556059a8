"""The build cache: validated reports and written pages of the last build, beside the output folder.

`.<out>.nianbao-cache/cache.bin` holds a magic line, a JSON header (cache format, generator
version, the content and output folders it belongs to, size and SHA-256 of the payload) and the
payload (a pickle). Nothing in it is used unless every header field matches this build and the
checksum holds: a corrupted, truncated, foreign or other-version cache is ignored (and the
build is a clean one). Entries are keyed by content fingerprints (`generator.fingerprint`), so
a stale entry is never looked up. Like the content folder, the cache is trusted only as far as
the account that builds the site: it is written and read by that account alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path

from generator import __version__
from generator.diagnostics import Problem
from generator.model import Report

MAGIC = b"nianbao-build-cache\n"
CACHE_FORMAT = 3
FILE_NAME = "cache.bin"


Stamp = tuple[int, int, int]  # size, mtime_ns, inode: a file as written, unless edited or replaced since


def stamp_of(path: Path) -> Stamp | None:
    """The file's stamp, or None if it is not there."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


@dataclass(frozen=True)
class PageRecord:
    """A page written by the last build: its fingerprint and the file's identity on disk."""

    fingerprint: str
    size: int
    mtime_ns: int
    inode: int

    @property
    def stamp(self) -> Stamp:
        return (self.size, self.mtime_ns, self.inode)


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
    # site-wide data files written piece by piece: url -> where each report's piece lies (generator.splice)
    splices: dict[str, dict[str, tuple[str, int, int]]] = field(default_factory=dict)


def cache_dir(out: Path) -> Path:
    return out.parent / f".{out.name}.nianbao-cache"


class BuildCache:
    """The previous build's results (`old`, read-only) and this build's (`new`, saved at the end)."""

    def __init__(self, out: Path, content: Path) -> None:
        self.out = out
        self.content = content
        self.old = CacheData()
        self.new = CacheData()
        self.status = "none"  # none | used | ignored: <reason>

    @classmethod
    def open(cls, out: Path, content: Path, *, enabled: bool = True) -> "BuildCache":
        cache = cls(out, content)
        if enabled:
            cache._read()
        return cache

    def _header(self, payload: bytes) -> dict[str, object]:
        return {
            "format": CACHE_FORMAT,
            "generator": __version__,
            "content": str(self.content.resolve()),
            "out": str(self.out.resolve()),
            "size": len(payload),
            "sha256": hashlib.sha256(payload).hexdigest(),
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
            payload = raw[header_end + 1:]
            if header != self._header(payload):
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
        folder = cache_dir(self.out)
        folder.mkdir(parents=True, exist_ok=True)
        payload = pickle.dumps(self.new, protocol=pickle.HIGHEST_PROTOCOL)
        header = json.dumps(self._header(payload), sort_keys=False).encode("utf-8")
        tmp = folder / f"{FILE_NAME}.{os.getpid()}.tmp"
        tmp.write_bytes(MAGIC + header + b"\n" + payload)
        os.replace(tmp, folder / FILE_NAME)

    @staticmethod
    def forget(out: Path) -> None:
        """Drop the cache (a build that failed after moving the site must not leave it describing old files)."""
        path = cache_dir(out) / FILE_NAME
        if path.exists():
            path.unlink()
