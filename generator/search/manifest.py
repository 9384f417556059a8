"""What one Pagefind bundle under pagefind/ holds: `nianbao-shard.json`, written beside Pagefind's files.

The manifest records, for the bundle (a base shard or the recent-edits overlay):

- `config`: the Pagefind version and options it was built with;
- `pages`: for every page it indexed, the SHA-256, size, mtime_ns and inode of the page file as
  indexed, and the Pagefind result id (the fragment's hash, `result.id` in the browser) and filter
  values of its entry, read from the bundle's own fragment files;
- `files`: for every file Pagefind wrote, and `nianbao-words.json` (every word of the bundle's pages
  with the number of pages holding it), its SHA-256, size, mtime_ns and inode.

Files under pagefind/ are never rewritten in place: a reused bundle is hard-linked into the next
site, so its files keep their inode and mtime. A file whose size, mtime_ns and inode are those
recorded is taken as intact without reading it (the page cache in generator/cache.py trusts the
same stamp); any other file is hashed and compared. A manifest is written when its bundle is
built; when a kept bundle's pages were written again with the same bytes (every page is, after a
template change that leaves report pages as they were), the next site gets a new manifest with
their new stamps (`restamp`), never a change to the linked file. Its first line is the SHA-256
of the rest, so that a damaged manifest is found (and its bundle indexed again) without
trusting anything it says.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import stat as stat_module
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MANIFEST = "nianbao-shard.json"
WORDS = "nianbao-words.json"  # word -> number of pages of the bundle holding it
FRAGMENT_SIGNATURE = b"pagefind_dcd"


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stamp(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ino]


@dataclass(frozen=True)
class Entry:
    """A page as one bundle indexed it."""

    sha: str
    stamp: list[int]  # size, mtime_ns, inode of the page file when it was indexed
    id: str  # Pagefind's result id: the name of the page's fragment file, without extension
    filters: dict[str, list[str]]


@dataclass(frozen=True)
class Manifest:
    name: str
    config: str
    pages: dict[str, Entry]
    files: dict[str, list[Any]]  # relative path -> [sha, size, mtime_ns, inode]


def load(folder: Path) -> dict[str, Any]:
    """The manifest's JSON, if its first line (the SHA-256 of the rest) holds; ValueError otherwise."""
    data = (folder / MANIFEST).read_bytes()
    head, _, body = data.partition(b"\n")
    if hashlib.sha256(body).hexdigest().encode() != head:
        raise ValueError(f"{MANIFEST}: checksum")
    raw = json.loads(body)
    if not isinstance(raw, dict):
        raise ValueError(MANIFEST)
    return raw


def read(folder: Path, name: str, config: str) -> Manifest | None:
    """The manifest of the bundle in `folder`, if it is intact and one built as `name` with `config`."""
    try:
        raw = load(folder)
        if raw["shard"] != name or raw["config"] != config:
            return None
        pages = {url: Entry(e["sha"], e["stamp"], e["id"], e["filters"]) for url, e in raw["pages"].items()}
        files = {rel: list(v) for rel, v in raw["files"].items()}
        if any(len(v) != 4 for v in files.values()):
            return None
        return Manifest(name, config, pages, files)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def read_fragment(path: Path) -> dict[str, Any]:
    return _fragment(path.read_bytes(), path)


def _fragment(raw: bytes, path: Path) -> dict[str, Any]:
    data = gzip.decompress(raw)
    if data.startswith(FRAGMENT_SIGNATURE):
        data = data[len(FRAGMENT_SIGNATURE):]
    fragment = json.loads(data)
    if not isinstance(fragment, dict):
        raise ValueError(f"{path.name}: not a fragment")
    return fragment


def words(fragment: dict[str, Any]) -> set[str]:
    """The words of a page as Pagefind segmented them (its content, split at zero-width spaces)."""
    # stripped once per distinct token, not once per occurrence (a page has ~1,000 tokens, ~300 distinct)
    return {t.strip() for t in set(str(fragment.get("content", "")).lower().split("\u200b"))} - {""}


def fragments(folder: Path) -> dict[str, tuple[str, dict[str, list[str]]]]:
    """url (site-relative) -> (result id, filter values), from a bundle's fragment files."""
    return {url: (id_, filters) for url, (id_, filters, _) in _fragments(folder).items()}


def _fragments(folder: Path, hashes: dict[str, str] | None = None) -> dict[str, tuple[str, dict[str, list[str]], set[str]]]:
    """url -> (result id, filter values, words) from the bundle's fragments; with `hashes`, the
    SHA-256 of each fragment file is put there too (by its name in the bundle), from the same read."""
    found: dict[str, tuple[str, dict[str, list[str]], set[str]]] = {}
    for path in sorted((folder / "fragment").glob("*.pf_fragment")):
        raw = path.read_bytes()
        if hashes is not None:
            hashes[f"fragment/{path.name}"] = hashlib.sha256(raw).hexdigest()
        fragment = _fragment(raw, path)
        url = str(fragment["url"]).lstrip("/")
        filters = {k: sorted(str(x) for x in v) for k, v in sorted((fragment.get("filters") or {}).items())}
        found[url] = (path.name.removesuffix(".pf_fragment"), filters, words(fragment))
    return found


def page_words(folder: Path, ids: list[str]) -> list[set[str]]:
    """The words of the pages with these result ids in the bundle in `folder`."""
    return [words(read_fragment(folder / "fragment" / f"{id_}.pf_fragment")) for id_ in ids]


def vocabulary(folder: Path) -> dict[str, int]:
    """word -> number of pages holding it, for the bundle in `folder` (checked by the caller)."""
    raw = json.loads((folder / WORDS).read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ValueError(WORDS)
    return raw


def write(folder: Path, name: str, config: str, pages: dict[str, tuple[str, list[int]]]) -> Manifest:
    """Record the bundle Pagefind just wrote into `folder` from `pages` (url -> (sha, stamp)).

    Raises ValueError when the fragments do not name exactly the pages given.
    """
    hashes: dict[str, str] = {}  # the fragments' own, taken as they are read
    indexed = _fragments(folder, hashes)
    if set(indexed) != set(pages):
        missing = sorted(set(pages) - set(indexed))[:3]
        extra = sorted(set(indexed) - set(pages))[:3]
        raise ValueError(f"索引 {name} 的页面与输入不符（缺少 {missing}，多出 {extra}）")
    entries = {url: Entry(sha, st, *indexed[url][:2]) for url, (sha, st) in sorted(pages.items())}
    counts: dict[str, int] = {}
    for _, _, page in indexed.values():
        for word in page:
            counts[word] = counts.get(word, 0) + 1
    (folder / WORDS).write_text(json.dumps(counts, ensure_ascii=False, sort_keys=True, separators=(",", ":")), encoding="utf-8")
    files: dict[str, list[Any]] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            rel = path.relative_to(folder).as_posix()
            files[rel] = [hashes.get(rel) or sha256_file(path), *stamp(path.stat())]
    manifest = Manifest(name, config, entries, files)
    _save(folder, manifest)
    return manifest


def restamp(folder: Path, manifest: Manifest, stamps: dict[str, list[int]]) -> Manifest:
    """The manifest of a kept bundle (linked into `folder`) with new stamps for pages of the same bytes."""
    pages = {url: Entry(e.sha, stamps.get(url, e.stamp), e.id, e.filters) for url, e in manifest.pages.items()}
    renewed = Manifest(manifest.name, manifest.config, pages, manifest.files)
    os.unlink(folder / MANIFEST)  # a link to the last site's manifest: never written through
    _save(folder, renewed)
    return renewed


def _save(folder: Path, manifest: Manifest) -> None:
    raw = {
        "shard": manifest.name,
        "config": manifest.config,
        "pages": {url: {"sha": e.sha, "stamp": e.stamp, "id": e.id, "filters": e.filters} for url, e in sorted(manifest.pages.items())},
        "files": manifest.files,
    }
    body = json.dumps(raw, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8") + b"\n"
    (folder / MANIFEST).write_bytes(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)


def link_intact(manifest: Manifest, old: Path, new: Path) -> str | None:
    """Hard-link (copy where linking fails) the bundle in `old` to `new` if every file is as recorded.

    Returns "linked", "copied" or "kept", or None (and nothing left at `new`) if a file is missing,
    extra or altered. "kept": `new` held a copy of the bundle already (a clone's links to the last
    site, `Staging.hand_over`) and every file of it is as recorded. (Plain string paths: this runs
    over every file of every kept shard.)
    """
    if os.path.isdir(new) and not os.path.islink(new):
        try:
            intact = _intact_in_place(manifest, os.fspath(old), os.fspath(new))
        except OSError:  # a file gone while it was checked, say: not kept
            intact = False
        if intact:
            return "kept"
        shutil.rmtree(new)
    how = "linked"
    source_root, target_root = os.fspath(old), os.fspath(new)
    try:
        on_disk: dict[str, str] = {}
        folders: list[str] = []
        for dirpath, _, names in os.walk(source_root):
            rel_dir = os.path.relpath(dirpath, source_root)
            folders.append(rel_dir)
            for file_name in names:
                rel = file_name if rel_dir == "." else f"{rel_dir}/{file_name}"
                on_disk[rel] = f"{dirpath}/{file_name}"
        if on_disk.keys() != set(manifest.files) | {MANIFEST}:
            return None
        for rel_dir in folders:
            os.makedirs(target_root if rel_dir == "." else f"{target_root}/{rel_dir}", exist_ok=True)
        for rel, source in on_disk.items():
            if rel != MANIFEST:
                sha, *recorded = manifest.files[rel]
                if stamp(os.stat(source)) != recorded and sha256_file(Path(source)) != sha:
                    raise _Altered(rel)
            target = f"{target_root}/{rel}"
            try:
                os.link(source, target)
            except OSError:
                shutil.copy2(source, target)
                how = "copied"
        return how
    except (_Altered, OSError, ValueError):
        shutil.rmtree(new, ignore_errors=True)
        return None


class _Altered(Exception):
    pass


def _intact_in_place(manifest: Manifest, old: str, new: str) -> bool:
    """Does `new` hold exactly the bundle's files as recorded, and the manifest read from `old`?

    Only regular files and real folders count: a link to a folder, or anything else, is a change.
    """
    found: dict[str, os.stat_result] = {}
    stack = [(new, "")]
    while stack:
        folder, prefix = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                st = entry.stat(follow_symlinks=False)
                if stat_module.S_ISDIR(st.st_mode):
                    stack.append((entry.path, f"{prefix}{entry.name}/"))
                elif stat_module.S_ISREG(st.st_mode):
                    found[prefix + entry.name] = st
                else:
                    return False
    if found.keys() != set(manifest.files) | {MANIFEST}:
        return False
    read = os.stat(f"{old}/{MANIFEST}")
    if (found[MANIFEST].st_ino, found[MANIFEST].st_dev) != (read.st_ino, read.st_dev):
        return False  # not the manifest this build read and trusts
    for rel, st in found.items():
        if rel != MANIFEST:
            sha, *recorded = manifest.files[rel]
            if stamp(st) != recorded and sha256_file(Path(f"{new}/{rel}")) != sha:
                return False
    return True
