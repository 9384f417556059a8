"""Check an archive, zipped or unpacked, against its manifest: which files are missing, extra or altered.

The manifest may sit at the top of the zip or folder, or inside its one top folder (the layout
`nianbao archive` writes). Every other file found is hashed and compared; nothing is skipped.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from generator.archive.manifest import MANIFEST, ManifestError, Verdict, compare, read_manifest, sha256


def verify_path(path: Path) -> Verdict:
    """Raises ManifestError when there is no readable manifest, or the zip itself is unreadable."""
    if path.is_dir():
        return verify_folder(path)
    return verify_zip(path)


def verify_folder(folder: Path) -> Verdict:
    root = folder
    if not (root / MANIFEST).is_file():
        subfolders = [p for p in folder.iterdir() if p.is_dir()]
        if len(subfolders) == 1 and (subfolders[0] / MANIFEST).is_file():
            root = subfolders[0]
        else:
            raise ManifestError(f"在 {folder} 中找不到清单 {MANIFEST}")
    expected = read_manifest((root / MANIFEST).read_bytes())
    actual: dict[str, str] = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() or p.is_symlink():
            rel = p.relative_to(root).as_posix()
            if rel != MANIFEST:
                actual[rel] = sha256(p.read_bytes()) if p.is_file() else "symlink"
    if root != folder:  # anything beside the top folder is extra as well
        for p in sorted(folder.iterdir()):
            if p != root:
                actual[f"../{p.name}"] = "outside"
    return compare(expected, actual)


def verify_zip(path: Path) -> Verdict:
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ManifestError(f"{path} 不是可读的 zip 文件（{exc}）") from exc
    with z:
        names = [i.filename for i in z.infolist() if not i.is_dir()]
        prefix = ""
        if MANIFEST not in names:
            tops = {n.split("/", 1)[0] for n in names}
            if len(tops) == 1 and f"{next(iter(tops))}/{MANIFEST}" in names:
                prefix = f"{next(iter(tops))}/"
            else:
                raise ManifestError(f"{path} 中找不到清单 {MANIFEST}")
        expected = read_manifest(z.read(prefix + MANIFEST))
        actual: dict[str, str] = {}
        for name in names:
            rel = name[len(prefix):]
            if rel == MANIFEST:
                continue
            try:
                actual[rel] = sha256(z.read(name))
            except (zipfile.BadZipFile, OSError, ValueError):  # a damaged entry (CRC error, say) counts as altered
                actual[rel] = "unreadable"
    return compare(expected, actual)
