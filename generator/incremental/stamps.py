"""How a build recognises the files and folders it wrote: one `stat` each, no reading, no listing.

A file's stamp is its size, modification time and inode: unchanged, the file is the one written
(an edit changes its time, a replacement its inode). A folder's stamp is its modification time and
inode: unchanged, no name in it was added, removed or renamed. Used by the reuse decision
(`reuse`), the cache (`cache`) and the input snapshot (`snapshot`), which must not import
anything heavy.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Iterable, Mapping

Stamp = tuple[int, int, int]  # size, mtime_ns, inode: a file as written, unless edited or replaced since


def stamp_of(path: Path | str) -> Stamp | None:
    """The file's stamp, or None if it is not there."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def files_unchanged(out: Path, files: Mapping[str, Stamp]) -> bool:
    """Is every one of `files` (site-relative names) still the file recorded?"""
    base = os.fspath(out)
    return all(stamp_of(f"{base}/{rel}") == recorded for rel, recorded in files.items())


def folder_stamps(out: Path, folders: Iterable[str]) -> dict[str, tuple[int, int]]:
    """(mtime_ns, inode) of each of the site's `folders` ("" the site itself) that is a real folder.

    A folder's modification time changes whenever a name in it is added, removed or renamed, so
    these stamps unchanged, with every recorded file's, mean that the site holds exactly the
    recorded files: no listing of the site's 11,000 folders (1.5 s at 10,000 reports).
    """
    base = os.fspath(out)
    found: dict[str, tuple[int, int]] = {}
    for rel in folders:
        try:
            st = os.lstat(f"{base}/{rel}") if rel else os.stat(base)  # (the site may be a link to its folder)
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode):
            found[rel] = (st.st_mtime_ns, st.st_ino)
    return found


def folders_unchanged(out: Path, folders: Mapping[str, tuple[int, int]]) -> bool:
    """Were these folders recorded, and is each still as recorded (no name added, removed or renamed)?"""
    return bool(folders) and folder_stamps(out, folders) == folders
