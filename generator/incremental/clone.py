"""The next build's staging folder: the replaced site, or a hard-linked copy of the site, beside it.

Writing a site into an empty staging folder costs a `mkdir` per folder and a link per unchanged
file: on this project's reference machine 11,000 folders took 1.5 s, most of a one-report edit
at 10,000 reports. So a large site's next staging folder is one that already holds its tree,
`next/` in the output's hidden folder (`state`), with what it holds (name and inode) listed in `.nianbao-clone` inside. The next
build takes that folder as its staging folder (`Staging`): a file to be written anew is unlinked
there first, an unchanged file is kept if it is still the same inode as the site's, and whatever
is left over is removed before the swap.

After a build that replaced a site, that folder is the replaced site itself (`adopt`): the new
site was made in a staging folder that shared every unchanged file with it, so it differs from
the new one only by the files this build wrote or removed, which the next build replaces or
removes. Listing it reads its folders, not its files' metadata (the inode comes with the name).
After a first build there is no replaced site, and a copy of the site is made with hard links
(`make`). Both happen inside the build, before it returns.

Nothing is ever written into a file the folder shares with the site: files are unlinked and
created anew (never opened for writing). A folder that is incomplete or damaged is not used (the build starts
from an empty folder). The swap stays what it was: one atomic exchange of complete folders.
"""

from __future__ import annotations

import marshal
import os
import shutil
import stat
import zlib
from pathlib import Path
from typing import Iterable

from generator.incremental.state import state_dir

MANIFEST = ".nianbao-clone"
_MAGIC = b"nianbao clone manifest 2\n"
# Below this many files a build is fast anyway: no clone (the default of `StagingOptions.clone_min_files`).
MIN_FILES = 2000


def clone_dir(out: Path) -> Path:
    return state_dir(out) / "next"


def tmp_prefix(out: Path) -> str:
    return "next-tmp-"


def folders_above(names: Iterable[str]) -> set[str]:
    """Every folder that holds one of these site-relative file names, however deep."""
    folders: set[str] = set()
    for name in names:
        folder = name.rpartition("/")[0]
        while folder and folder not in folders:
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    return folders


def read_manifest(folder: Path) -> dict[str, int] | None:
    """The files (name -> inode) a clone's manifest lists; None if it is missing or damaged."""
    try:
        data = (folder / MANIFEST).read_bytes()
    except OSError:
        return None
    if not data.startswith(_MAGIC) or len(data) < len(_MAGIC) + 4:
        return None
    payload = data[len(_MAGIC) + 4:]
    if zlib.crc32(payload).to_bytes(4, "big") != data[len(_MAGIC):len(_MAGIC) + 4]:
        return None
    try:
        names, inodes = marshal.loads(payload)
        return dict(zip(names, inodes, strict=True))
    except (EOFError, ValueError, TypeError):
        return None


def take(out: Path, target: Path) -> dict[str, int] | None:
    """Move a finished clone of `out` to `target`; return its files (name -> inode), or None if there is none to use.

    Called under the output's lock (`Staging`): no other process makes or takes a clone meanwhile.
    """
    folder = clone_dir(out)
    if not folder.is_dir() or folder.is_symlink():
        return None
    files = read_manifest(folder)
    if files is None:
        return None  # incomplete or damaged: the caller removes it
    os.rename(folder, target)
    os.unlink(target / MANIFEST)
    return files


def adopt(tree: Path, out: Path, files: dict[str, int] | None = None) -> None:
    """Make `tree` (the site `out` replaced) the next build's staging folder, listing what it holds.

    `files` (name -> inode) is what the build's records say `tree` holds, when they can be
    trusted (no folder of it changed since it was recorded: `reuse.decide`); else it is listed.
    """
    if files is not None:
        _install(tree, files, out)
        return
    files = {}
    stack = [("", os.fspath(tree))]
    while stack:
        rel_dir, folder = stack.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    rel = f"{rel_dir}{entry.name}"
                    if entry.is_dir(follow_symlinks=False):
                        stack.append((f"{rel}/", entry.path))
                    elif entry.is_file(follow_symlinks=False):
                        files[rel] = entry.inode()  # from the folder's listing: no stat
                    else:
                        os.unlink(entry.path)  # nothing a build writes: not carried into the next site
        except OSError:
            continue
    _install(tree, files, out)


def make(out: Path) -> None:
    """Copy the tree of `out` into the clone folder with hard links, listing every file linked."""
    tmp = state_dir(out) / f"{tmp_prefix(out)}{os.getpid()}"
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
                files[rel] = st.st_ino  # a hard link: the same inode
    _install(tmp, files, out)


def _install(folder: Path, files: dict[str, int], out: Path) -> None:
    """List `files` in `folder` and put it in place as the clone of `out` (replacing any other)."""
    # marshal, not JSON: at 100,000 reports the list has 420,000 names (JSON took 0.3 s to read and 0.7 s to write)
    payload = marshal.dumps((list(files), list(files.values())))
    (folder / MANIFEST).write_bytes(_MAGIC + zlib.crc32(payload).to_bytes(4, "big") + payload)
    old = clone_dir(out)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)
    os.rename(folder, old)
