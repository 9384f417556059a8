"""Write stage: pages and assets into a staging folder in the output's hidden folder, swapped in only on success.

A failed or killed build never leaves a half-written site over the last good one. On
Linux the finished staging folder and the output are exchanged in one step
(renameat2 with RENAME_EXCHANGE), so the output path always holds a complete site.
Where that is unavailable (another system, a file system that refuses it) the old site
is moved aside and the new one moved in by two renames; a build that finds the output
missing but the moved-aside copy present puts it back first. One build at a time may
write to an output folder (a lock in its hidden folder, `generator.incremental.state`).
Nothing outlives the command: the replaced site, which shares every unchanged file with the new
one, becomes the next build's staging folder (`generator.incremental.clone.adopt`) for a large site,
and is deleted before the build returns for a small one. A later build removes whatever a killed
build left behind.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import re
import shutil
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from generator.incremental import clone
from generator.incremental.clone import folders_above
from generator.incremental.state import state_dir
from generator.incremental.stamps import Stamp, stamp_of

MARKER = ".nianbao-site"
MAX_NAME_BYTES = 255  # one path segment, as most file systems allow
_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f-\x9f\\:*?"<>|]')


def unsafe_name(rel: str) -> str:
    """Why a site-relative file name is unsafe ("" if it is fine).

    Names are `/`-separated and relative; no segment may be empty, `.` or `..`, or carry
    characters that mean something else on another system (a backslash or a drive colon
    on Windows, where the archive may be opened) or control characters.
    """
    if not rel or rel.startswith("/"):
        return "须为相对路径"
    for segment in rel.split("/"):
        if segment in ("", ".", ".."):
            return "路径中不能有空段、“.”或“..”"
        if _FORBIDDEN.search(segment):
            return "路径中含有控制字符或 \\ : * ? \" < > | 等字符"
        if len(segment.encode("utf-8")) > MAX_NAME_BYTES:
            return f"文件名超过 {MAX_NAME_BYTES} 字节"
    return ""


class OutputError(Exception):
    """The output folder cannot be used (it holds something that is not a nianbao site, say)."""


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


@dataclass(frozen=True)
class StagingOptions:
    """How the new site replaces the old one.

    `swap`: "exchange" (atomic, the default where the system has it) or "rename" (the two-rename
    fallback, which tests and deployments on other file systems can choose). `clone_min_files`:
    from this many files on, the replaced site becomes the next build's staging folder
    (`generator.incremental.clone`); below it a build is fast anyway and it is deleted.
    """

    swap: str = "exchange"
    clone_min_files: int = clone.MIN_FILES


def _renameat2() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        fn: Any = ctypes.CDLL(None, use_errno=True).renameat2  # glibc 2.28+
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn  # type: ignore[no-any-return]


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths atomically; False when this system or file system cannot."""
    fn = _renameat2()
    if fn is None:
        return False
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


class Staging:
    """The new site, written into a folder of the output's hidden folder (`generator.incremental.state`)
    under the output's lock, and swapped in by `commit`.

    The lock is a `flock` on `lock` in the hidden folder, held by this object's descriptor alone
    and released when it closes (or the process dies). Forked workers inherit the descriptor; they
    die with the build (`generator.parallel`), so a killed build leaves the output unlocked.
    """

    def __init__(self, out: Path, options: StagingOptions = StagingOptions(), *, previous_files: dict[str, int] | None = None) -> None:
        if out.is_symlink():  # publish into the linked folder; the link itself stays as the deployer made it
            out = out.resolve()
        self.out = out
        self.options = options
        self.state = state_dir(out)
        self.stage = self.state / f"building-{os.getpid()}"
        self.old = self.state / "old"
        self.lock_path = self.state / "lock"
        # what the current site holds (name -> inode) by the last build's records, when they can be
        # trusted: the replaced site is then adopted as the next staging folder without listing it
        self.previous_files = previous_files
        self.written: set[str] = set()
        self._root = str(self.stage)
        self._folders: set[str] = set()  # folders made in the staging folder (site-relative)
        self._lock: int | None = None
        # files already in the staging folder when it is a clone of the site (generator.incremental.clone): name -> inode
        self.present: dict[str, int] = {}
        self.fresh = False  # the staging folder was made empty by this build (not a clone)
        self.rewritten = 0  # files written anew, as the build tells `commit`

    def __enter__(self) -> "Staging":
        self.state.mkdir(parents=True, exist_ok=True)
        self._lock = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._lock)
            self._lock = None
            raise OutputError(f"另一个 nianbao 正在生成站点到 {self.out}，请等它结束后再试") from None
        try:
            return self._prepare()
        except BaseException:
            self._unlock()
            raise

    def _prepare(self) -> "Staging":
        recover(self.out, self.old)
        if self.out.exists() and not self.out.is_dir():
            raise OutputError(f"输出路径 {self.out} 是一个文件，不是目录；为免误删，已停止")
        if self.out.exists() and not (self.out / MARKER).exists() and any(self.out.iterdir()):
            raise OutputError(f"输出目录 {self.out} 不是 nianbao 生成的站点，且不为空；为免误删，已停止")
        removable = ("building-", clone.tmp_prefix(self.out))
        for stale in self.state.iterdir():  # left by killed builds (the lock says none is running)
            if stale.name.startswith(removable) and stale.is_dir() and not stale.is_symlink():
                remove_tree(stale)
        if self.out.is_dir():
            present = clone.take(self.out, self.stage)
            if present is not None:
                self.present = present
                self._folders = folders_above(present)  # there already
                return self
            if clone.clone_dir(self.out).exists():  # incomplete or damaged: not used
                remove_tree(clone.clone_dir(self.out))
        self.stage.mkdir()
        self.fresh = True
        return self

    def __exit__(self, exc_type, exc, tb) -> None:  # type: ignore[no-untyped-def]
        if self.stage.exists():
            shutil.rmtree(self.stage, ignore_errors=True)
        self._unlock()

    def _unlock(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # closing releases the lock (so does the process dying)
            self._lock = None

    def path(self, rel: str) -> Path:
        """The staging path for a site-relative name, its folders made; anything that could leave the site is refused.

        Folders are made here, once each, and one that exists already must be a real folder (not a
        link planted in the staging folder); files are created exclusively and never through a link
        (`write_new`). That keeps every write inside the staging folder without resolving each path.
        """
        problem = unsafe_name(rel)
        if problem:
            raise OutputError(f"拒绝写出文件“{rel[:200]!r}”：{problem}")
        folder, _, _ = rel.rpartition("/")
        self._folder(folder)
        return Path(f"{self._root}/{rel}")

    def _folder(self, rel: str) -> None:
        if not rel or rel in self._folders:
            return
        parent, _, _ = rel.rpartition("/")
        self._folder(parent)
        target = f"{self._root}/{rel}"
        try:
            os.mkdir(target)
        except FileExistsError:
            if not stat.S_ISDIR(os.lstat(target).st_mode):  # a link or a file where a folder should be
                raise OutputError(f"拒绝写到输出目录之外：{rel!r}") from None
        self._folders.add(rel)

    def claim(self, rel: str, *, make_folder: bool = True) -> Path:
        """Reserve `rel` (once only) and return where to write it; the caller (maybe a worker) writes it.

        With `make_folder` False, a staging folder this build made empty leaves making the file's
        folder to the writer (the render workers make theirs side by side: 11,000 `mkdir` calls
        took 1 to 7 s of system time on this disk, depending on what had been deleted shortly
        before). A clone's folders exist, and are checked here as always.
        """
        if rel in self.written:
            raise OutputError(f"同一文件写了两次：{rel}")
        if not make_folder and self.fresh:
            problem = unsafe_name(rel)
            if problem:
                raise OutputError(f"拒绝写出文件“{rel[:200]!r}”：{problem}")
            self.written.add(rel)
            return Path(f"{self._root}/{rel}")
        target = self.path(rel)
        if self.present.pop(rel, None) is not None:
            _unlink(target)  # the clone's link to the current site's file: never written through
        self.written.add(rel)
        return target

    def set_aside(self, folder: str) -> None:
        """Move the clone's copy of `folder` out of the staging folder, to be written anew by another program."""
        if not any(rel.startswith(folder + "/") for rel in self.present):
            return
        self.hand_over(folder)
        remove_tree(self.stage / folder)

    def hand_over(self, folder: str) -> None:
        """Leave the clone's copy of `folder` where it is, in the charge of another program.

        Its files are no longer this staging folder's to keep or remove: the program that takes
        `folder` over (the search indexer) keeps what it can vouch for and unlinks the rest before
        it writes there, as this class does (never through a link to the current site).
        """
        prefix = folder + "/"
        for rel in [rel for rel in self.present if rel.startswith(prefix)]:
            del self.present[rel]
        self._folders = {f for f in self._folders if f != folder and not f.startswith(prefix)}

    def write(self, rel: str, data: bytes) -> None:
        write_new(self.claim(rel), data)

    def take_over(self, files: Mapping[str, Stamp]) -> tuple[dict[str, Stamp], list[str]]:
        """Put the current site's `files` (name -> stamp as checked in the current site) into the new
        one without rewriting them; return the stamps of those copied (new files, where a hard link
        cannot be made) and the names that could not be taken over at all (to be made).

        A clone's link to the very same file (the same inode: `generator.incremental.clone`) is
        kept as it is; any other file is linked from the current site.
        """
        copied: dict[str, Stamp] = {}
        failed: list[str] = []
        present, written = self.present, self.written
        for rel, stamp in files.items():
            if present.get(rel) == stamp[2] and rel not in written:
                del present[rel]
                written.add(rel)
                continue
            how = self.reuse(rel)
            if how == "copied":
                copied[rel] = stamp_of(self.path(rel)) or stamp
            elif how is None:
                failed.append(rel)
        return copied, failed

    def reuse(self, rel: str) -> str | None:
        """Put the current site's `rel` into the new one without rewriting it: "linked", "copied" or None.

        (In a clone, a link that is still the current file is kept by `take_over`; any other is replaced.)
        """
        source = self.out / rel
        target = self.claim(rel)
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
        real_source = source.resolve()
        for path in sorted(source.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                if not path.resolve().is_relative_to(real_source):
                    raise OutputError(f"拒绝复制链接到主题目录之外的文件：{path}")
                name = f"{rel}/{path.relative_to(source).as_posix()}"
                if name not in self.written:
                    self.write(name, path.read_bytes())

    def commit(self, *, rewritten: int = 0) -> None:
        """Swap the staging folder in. `rewritten`: how many of its files were written anew (not
        taken over), which decides what becomes of the replaced site (`_retire`)."""
        self.rewritten = rewritten
        if MARKER not in self.written:
            self.write(MARKER, b"nianbao\n")
        self._remove_leftovers()
        if self.old.exists():
            shutil.rmtree(self.old)
        if self.out.exists():
            if self.options.swap == "exchange" and exchange(self.stage, self.out):
                self._retire(self.stage)  # the staging folder now holds the previous site
                return
            os.replace(self.out, self.old)
            os.replace(self.stage, self.out)
            self._retire(self.old)
            return
        os.replace(self.stage, self.out)
        if len(self.written) >= self.options.clone_min_files:  # no previous site to take: the next build's staging folder made here
            clone.make(self.out)

    def _remove_leftovers(self) -> None:
        """In a clone: remove what the new site does not have (files, then folders left empty)."""
        for rel in sorted(self.present):
            _unlink(f"{self._root}/{rel}")
        folders = folders_above(self.present)
        self.present.clear()
        for folder in sorted(folders, key=lambda f: f.count("/"), reverse=True):
            try:
                os.rmdir(f"{self._root}/{folder}")
            except OSError:
                pass  # not empty: the new site has files there

    def _retire(self, previous: Path) -> None:
        """The replaced site: the next build's staging folder for a large site, else deleted now.

        When most of the site was written anew (a changed template, say), the replaced site shares
        few files with the new one: as a staging folder, the next build (an edit, which should be
        quick) would have to unlink and link again almost every file (63 s at 100,000 reports). It
        is deleted now instead, and the next staging folder linked from the new site (`clone.make`)."""
        large = len(self.written) >= self.options.clone_min_files
        if large and 2 * self.rewritten <= len(self.written):
            clone.adopt(previous, self.out, self.previous_files)
            return
        remove_tree(previous)
        if large:
            clone.make(self.out)


def _unlink(path: str | Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def write_new(target: Path, data: bytes) -> None:
    """Create `target` with `data`; never through a link, never over an existing file."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), 0o666)
    with os.fdopen(fd, "wb") as sink:
        sink.write(data)


def remove_tree(folder: Path) -> None:
    """Remove `folder` before returning. Every folder removed so is under a name that the next
    build clears if this one is killed while deleting (`Staging._prepare`, `Staging.commit`)."""
    shutil.rmtree(folder, ignore_errors=True)



def recover(out: Path, old: Path | None = None) -> None:
    """Undo a swap interrupted between its two renames (`old`: where the replaced site was moved)."""
    old = old if old is not None else state_dir(out) / "old"
    if old.exists() and not out.exists():
        os.replace(old, out)
