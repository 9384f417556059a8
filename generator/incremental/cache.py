"""The build cache: validated reports and written files of the last build, in the output's hidden folder.

`.<out>.nianbao/cache.sqlite` (`state`) is an SQLite database (the standard library's): a `meta`
table (cache format, generator version, the content and output folders it belongs to, whether
it is complete), the reports by town (a pickle of each town's reports, with its checksum), and one row per report file, page, other site file, site folder and spliced data
file. A build reads it whole (the model needs every report) but writes only the rows that
changed, in one transaction: an edit rewrites its town's row and a few page rows.

Nothing in it is used unless every `meta` field matches this build and every town row's checksum
holds: a damaged, foreign or other-version cache is ignored (and the build is a clean one).
Entries are keyed by content fingerprints (`fingerprint`), so a stale entry is never looked up.
Like the content folder, the cache is trusted only as far as the account that builds the site:
it is written and read by that account alone.

The cache is marked incomplete before the site is swapped and complete, with this build's rows,
after (before the command returns). If the build dies in between, the next build finds it
incomplete and is a clean build.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, NamedTuple

from generator import __version__
from generator.diagnostics import Problem
from generator.incremental.splice import PieceIndex
from generator.incremental.stamps import Stamp, stamp_of
from generator.incremental.state import CACHE_FILE, state_dir
from generator.model import Report

CACHE_FORMAT = 4
FILE_NAME = CACHE_FILE


class PageRecord(NamedTuple):
    """A page written by the last build: its fingerprint and the file's identity on disk."""

    fingerprint: str
    size: int
    mtime_ns: int
    inode: int

    @property
    def stamp(self) -> Stamp:
        return (self.size, self.mtime_ns, self.inode)


Outcome = tuple[Report | None, tuple[Problem, ...]]
FileRecord = tuple[tuple[int, int, int, int], str]  # ((size, mtime_ns, inode, ctime_ns), content hash)


@dataclass
class CacheData:
    # fingerprint -> (report without its narrative, which is re-read from its file; problems)
    reports: dict[str, Outcome] = field(default_factory=dict)
    pages: dict[str, PageRecord] = field(default_factory=dict)
    # the site's files that are not pages (assets, search index, marker): (size, mtime_ns, inode)
    others: dict[str, Stamp] = field(default_factory=dict)
    others_made_from: str = ""  # fingerprint of what those files were made from
    # the site's folders ("" the site itself): (mtime_ns, inode); a file added or removed changes its folder's time
    folders: dict[str, tuple[int, int]] = field(default_factory=dict)
    # report files: content path -> ((size, mtime_ns, inode, ctime_ns), content hash), and when the
    # build that recorded them began (a file changed just before it is not vouched for)
    files: dict[str, FileRecord] = field(default_factory=dict)
    started_ns: int = 0
    # site-wide data files written piece by piece: url -> where each report's piece lies
    splices: dict[str, PieceIndex] = field(default_factory=dict)


_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE reports (town TEXT PRIMARY KEY, data BLOB NOT NULL, sha256 TEXT NOT NULL);
CREATE TABLE files (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, inode INTEGER, ctime_ns INTEGER, hash TEXT);
CREATE TABLE pages (url TEXT PRIMARY KEY, fingerprint TEXT, size INTEGER, mtime_ns INTEGER, inode INTEGER);
CREATE TABLE others (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, inode INTEGER);
CREATE TABLE folders (path TEXT PRIMARY KEY, mtime_ns INTEGER, inode INTEGER);
CREATE TABLE splices (url TEXT PRIMARY KEY, data BLOB NOT NULL, sha256 TEXT NOT NULL);
"""


def cache_dir(out: Path) -> Path:
    return state_dir(out)


def cache_size(out: Path) -> int:
    """The size of the cache file of `out` (0 if there is none): what reading it will cost."""
    try:
        return os.stat(cache_dir(out) / FILE_NAME).st_size
    except OSError:
        return 0


def _town_row(outcome: Outcome) -> str:
    """The row a report is stored in: its town's (which its reports share, in one pickle), or "" for a
    report that could not be validated."""
    report = outcome[0]
    return report.town.path if report is not None else ""


def _blob(value: object) -> tuple[bytes, str]:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return data, hashlib.sha256(data).hexdigest()


def _unblob(data: bytes, sha256: str) -> Any:
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ValueError("damaged (a checksum does not hold)")
    return pickle.loads(data)


@dataclass
class Memory:
    """The last build's cache, kept in memory by a long-lived caller (the `serve` preview, say) that
    passes the same object to every `build(..., memory=...)`.

    The next build then takes its records and reports from here instead of reading the database,
    as long as the database on disk is still the file this object saw written (same size,
    modification time and inode, for the same content and output folders): a build by another
    process in between, or any change to the file, makes the build read it as usual. What is kept
    is the cache's data (the reports, which the model is made of, and the records of every file),
    not a copy: the build never changes what it read.
    """

    data: CacheData | None = None
    folders: tuple[str, str] = ("", "")  # (content, out) resolved, as the data's meta rows say
    stamp: tuple[int, int, int] | None = None  # of the database file when `data` was written or read

    def recall(self, content: Path, out: Path, path: Path) -> CacheData | None:
        """The data, if it still describes `path` (the cache of `out` built from `content`)."""
        if self.data is None or self.stamp is None or self.folders != (str(content.resolve()), str(out.resolve())):
            return None
        return self.data if stamp_of(path) == self.stamp else None

    def keep(self, content: Path, out: Path, path: Path, data: CacheData) -> None:
        self.data, self.folders, self.stamp = data, (str(content.resolve()), str(out.resolve())), stamp_of(path)


class BuildCache:
    """The previous build's results (`old`, read-only) and this build's (`new`, saved at the end)."""

    def __init__(self, out: Path, content: Path) -> None:
        self.out = out
        self.content = content
        self.old = CacheData()
        self.new = CacheData()
        self.status = "none"  # none | used | ignored: <reason>
        self.enabled = False
        self.memory: Memory | None = None

    @classmethod
    def open(cls, out: Path, content: Path, *, enabled: bool = True, memory: Memory | None = None) -> "BuildCache":
        cache = cls(out, content)
        cache.enabled = enabled
        cache.memory = memory
        if enabled:
            recalled = memory.recall(content, out, cache.path) if memory is not None else None
            if recalled is not None:
                cache.old, cache.status = recalled, "used"
            else:
                cache._read()
        return cache

    @classmethod
    def open_towns(cls, out: Path, content: Path, towns: Iterable[str], folders: Iterable[str]) -> "BuildCache | None":
        """The cache with only these towns' reports read, and of the report files' records only those
        under `folders` (content-relative, as the records name them, ending in "/"); every other
        record whole. For a build that changes nothing else (`generator.build.text_edit`): saved, the rows
        it did not read stay as they are. None if it cannot be used as it is."""
        cache = cls(out, content)
        cache.enabled = True
        if not cache.path.is_file():
            return None
        try:
            cache.old = cache._load(towns=sorted(set(towns)), folders=sorted(set(folders)))
        except Exception:  # noqa: BLE001 - a cache is only ever ignored (the full build then says why)
            return None
        cache.status = "used"
        return cache

    @property
    def path(self) -> Path:
        return cache_dir(self.out) / FILE_NAME

    def templates_dir(self) -> Path | None:
        """Where Jinja keeps compiled templates between builds (checked against their source), if caching."""
        return cache_dir(self.out) / "templates" if self.enabled else None

    def _meta(self) -> dict[str, str]:
        return {
            "format": str(CACHE_FORMAT),
            "generator": __version__,
            "content": str(self.content.resolve()),
            "out": str(self.out.resolve()),
        }

    def _read(self) -> None:
        if not self.path.is_file():
            return
        try:
            data = self._load()
        except Exception as exc:  # noqa: BLE001 - whatever is wrong with it, a cache is only ever ignored
            self.status = f"ignored: {exc}"
            return
        self.old = data
        self.status = "used"
        if self.memory is not None:
            self.memory.keep(self.content, self.out, self.path, data)

    def _load(self, towns: list[str] | None = None, folders: list[str] | None = None) -> CacheData:
        db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        try:
            meta = dict(db.execute("SELECT key, value FROM meta"))
            expected = self._meta()
            if any(meta.get(k) != v for k, v in expected.items()):
                raise ValueError("made by another version, for other folders, or not a nianbao cache")
            if meta.get("complete") != "1":
                raise ValueError("incomplete (a build stopped before it was saved)")
            data = CacheData(others_made_from=meta.get("others_made_from", ""), started_ns=int(meta.get("started_ns", "0")))
            rows = db.execute("SELECT town, data, sha256 FROM reports") if towns is None else \
                db.execute(f"SELECT town, data, sha256 FROM reports WHERE town IN ({', '.join('?' * len(towns))})", towns)
            for _, blob, sha256 in rows:
                data.reports.update(_unblob(blob, sha256))
            if folders is None:
                data.files = {p: ((s, m, i, c), h) for p, s, m, i, c, h in db.execute("SELECT * FROM files")}
            else:  # each folder's range of paths ("x/" up to "x0": "0" follows "/")
                for folder in folders:
                    assert folder.endswith("/"), folder
                    rows = db.execute("SELECT * FROM files WHERE path >= ? AND path < ?", (folder, folder[:-1] + "0"))
                    data.files.update((p, ((s, m, i, c), h)) for p, s, m, i, c, h in rows)
            data.pages = {u: PageRecord(f, s, m, i) for u, f, s, m, i in db.execute("SELECT * FROM pages")}
            data.others = {p: (s, m, i) for p, s, m, i in db.execute("SELECT * FROM others")}
            data.folders = {p: (m, i) for p, m, i in db.execute("SELECT * FROM folders")}
            data.splices = {u: _unblob(blob, sha256) for u, blob, sha256 in db.execute("SELECT * FROM splices")}
            return data
        finally:
            db.close()

    def _connect(self) -> sqlite3.Connection:
        """The cache for writing: the one read if it was used, else a new one (any other is replaced)."""
        folder = cache_dir(self.out)
        folder.mkdir(parents=True, exist_ok=True)
        if self.status != "used":
            for suffix in ("", "-journal"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            self.old = CacheData()
        db = sqlite3.connect(self.path, isolation_level=None)
        if self.status != "used":
            db.executescript(_SCHEMA)
            self.status = "new"
        return db

    def mark_incomplete(self) -> None:
        """Before the swap: until `save`, the cache describes no site (a build dying in between leaves it
        unused). A build that keeps no cache removes the one there: it would describe the replaced site."""
        if not self.enabled:
            self.path.unlink(missing_ok=True)
            return
        db = self._connect()
        try:
            db.execute("INSERT OR REPLACE INTO meta VALUES ('complete', '0')")
        finally:
            db.close()

    def save(self) -> None:
        """Write what changed since the last build, and mark the cache complete, in one transaction."""
        if not self.enabled:
            return
        db = self._connect()
        try:
            db.execute("BEGIN")
            meta = {**self._meta(), "others_made_from": self.new.others_made_from, "started_ns": str(self.new.started_ns), "complete": "1"}
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta.items())
            self._save_reports(db)
            old, new = self.old, self.new
            _sync(db, "files", old.files, new.files, lambda p, r: (p, *r[0], r[1]))
            _sync(db, "pages", old.pages, new.pages, lambda u, r: (u, *r))
            _sync(db, "others", old.others, new.others, lambda p, s: (p, *s))
            _sync(db, "folders", old.folders, new.folders, lambda p, s: (p, *s))
            _sync(db, "splices", old.splices, new.splices, lambda u, index: (u, *_blob(index)))
            db.execute("COMMIT")
            if self.memory is not None:
                self.memory.keep(self.content, self.out, self.path, self.new)
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        finally:
            db.close()

    def _save_reports(self, db: sqlite3.Connection) -> None:
        """Rewrite the rows of the towns whose reports changed; drop those left empty."""
        old, new = self.old.reports, self.new.reports
        if self.status == "new":
            changed = {_town_row(outcome) for outcome in new.values()}
        else:
            changed = {_town_row(new[fp]) for fp in new.keys() - old.keys()} | {_town_row(old[fp]) for fp in old.keys() - new.keys()}
        buckets: dict[str, dict[str, Outcome]] = {b: {} for b in changed}
        if changed:
            for fp, outcome in new.items():
                bucket = buckets.get(_town_row(outcome))
                if bucket is not None:
                    bucket[fp] = outcome
        for name, members in sorted(buckets.items()):
            if members:
                db.execute("INSERT OR REPLACE INTO reports VALUES (?, ?, ?)", (name, *_blob(members)))
            else:
                db.execute("DELETE FROM reports WHERE town = ?", (name,))


def _sync(db: sqlite3.Connection, table: str, old: Mapping[str, Any], new: Mapping[str, Any], row: Any) -> None:
    """Make `table` (keyed by its first column) hold `new`, given that it holds `old`: only the differences are written."""
    key = "url" if table in ("pages", "splices") else "path"
    gone: Iterable[str] = [k for k in old if k not in new]
    db.executemany(f"DELETE FROM {table} WHERE {key} = ?", ((k,) for k in gone))
    changed = [row(k, v) for k, v in new.items() if old.get(k) != v]
    if changed:
        marks = ", ".join("?" * len(changed[0]))
        db.executemany(f"INSERT OR REPLACE INTO {table} VALUES ({marks})", changed)
