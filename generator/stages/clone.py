"""The next build's staging folder, prepared in the background after a build: a hard-linked copy of the site.

Writing a site into an empty staging folder costs a `mkdir` per folder and a link per unchanged
file: on this project's reference machine 11,000 folders took 1.5 s, most of a one-report edit
at 10,000 reports. So after a build of a large site has swapped its staging folder in, a
detached process (`python -m generator.stages.clone <out>`) copies the new site's tree into
`.<out>.next/`, every file a hard link to the site's own, and lists what it linked (name and
inode) in `.nianbao-clone` inside. The next build takes that folder as its staging folder
(`Staging`): a file to be written anew is unlinked there first, an unchanged file is kept if it
is still the same inode as the site's, and whatever is left over is removed before the swap.

Nothing is ever written into a file the clone shares with the site: files are unlinked and
created anew (never opened for writing), and the search index folder is moved out whole before
Pagefind writes its own. A clone that is being made holds `.<out>.next.lock`; one that is
incomplete, damaged or still being made is not used (the build starts from an empty folder as
before). The swap stays what it was: one atomic exchange of complete folders.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

MANIFEST = ".nianbao-clone"
# Below this many files a build is fast anyway: no clone, and nothing more beside the output.
# (The environment variable exists so that tests can have small sites cloned by the command.)
MIN_FILES = int(os.environ.get("NIANBAO_CLONE_MIN_FILES", "2000"))


def clone_dir(out: Path) -> Path:
    return out.parent / f".{out.name}.next"


def lock_path(out: Path) -> Path:
    return out.parent / f".{out.name}.next.lock"


def tmp_prefix(out: Path) -> str:
    return f".{out.name}.next-tmp-"


def start(out: Path) -> subprocess.Popen[bytes] | None:
    """Start making the clone of `out` in a detached process (None where that cannot be started)."""
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "generator.stages.clone", os.path.abspath(out)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            cwd=str(Path(__file__).resolve().parents[2]),
        )
    except OSError:
        return None


def hold_lock(out: Path) -> int | None:
    """The clone's lock, or None while another process (a cloner at work) holds it."""
    fd = os.open(lock_path(out), os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def take(out: Path, target: Path) -> dict[str, int] | None:
    """Move a finished clone of `out` to `target`; return its files (name -> inode), or None if there is none to use."""
    folder = clone_dir(out)
    if not folder.is_dir() or folder.is_symlink():
        return None
    fd = hold_lock(out)
    if fd is None:
        return None
    try:
        try:
            listed = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            files = {str(k): int(v) for k, v in listed["files"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None  # incomplete or damaged: the caller removes it
        os.rename(folder, target)
        os.unlink(target / MANIFEST)
        return files
    finally:
        os.close(fd)


def make(out: Path) -> None:
    """Copy the tree of `out` into `.<out>.next/` with hard links, listing every file linked."""
    fd = hold_lock(out)
    if fd is None:
        return  # another cloner is at work
    try:
        tmp = out.parent / f"{tmp_prefix(out)}{os.getpid()}"
        files: dict[str, int] = {}
        os.mkdir(tmp)
        stack = [("", str(out))]
        while stack:
            rel_dir, folder = stack.pop()
            try:
                entries = list(os.scandir(folder))
            except OSError:
                continue
            for entry in entries:
                rel = f"{rel_dir}{entry.name}"
                try:
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                if stat.S_ISDIR(st.st_mode):
                    os.mkdir(tmp / rel)
                    stack.append((f"{rel}/", entry.path))
                elif stat.S_ISREG(st.st_mode):
                    try:
                        os.link(entry.path, tmp / rel)
                    except OSError:
                        continue
                    files[rel] = os.lstat(tmp / rel).st_ino
        (tmp / MANIFEST).write_text(json.dumps({"files": files}, sort_keys=True), encoding="utf-8")
        old = clone_dir(out)
        if old.exists():
            replaced = out.parent / f"{tmp_prefix(out)}old-{os.getpid()}"
            os.rename(old, replaced)
            shutil.rmtree(replaced, ignore_errors=True)
        os.rename(tmp, old)
    finally:
        os.close(fd)


if __name__ == "__main__":
    make(Path(sys.argv[1]))
