"""Writing the search index (`search-data/`) from the model's reports; see docs/search.md.

Reports are numbered 0..N-1 in the order (town path, year, key), so that every town and every
region is one contiguous range of ids. Files, each a classic script calling
`window.__nianbaoSearch("<name>", <payload>)` so that a page opened from file:// can load it:
- `meta.js`: counts, per-report year and format, towns, regions, formats, buckets, big grams;
- `b/<n>.js`: the postings of the grams hashed to bucket n ({gram: postings, "#"+gram: ...});
- `g/<n>.js`: the postings of the n-th big gram (one too large to share a bucket);
- `d/<k>/<id>.js`: what a result shows of one report (title, url, town, text for the snippet).
The same documents give the same bytes; `update_index` writes only the files whose bytes changed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from generator.search.buckets import FIELD, big_file, bucket_file, bucket_of, doc_file
from generator.search.documents import SearchDoc, field_text, searched_text
from generator.search import layout
from generator.search.folder import IndexFolder
from generator.search.full import Complete, write_full
from generator.search.layout import (STAMPS, VERSION, IndexSummary, bucket_count, entry_size, meta, ordered, script,
                                     shown, stamps_file)
from generator.search.normalise import index_grams
from generator.search.postings import TF_CAP, decode, encode

__all__ = ["STAMPS", "IndexSummary", "ordered", "patch_texts", "update_index", "write_index"]


def write_index(docs: Sequence[SearchDoc], out: Path, *, jobs: int = 1, stamps: Mapping[str, str] | None = None,
                complete: Complete = list) -> IndexSummary:
    """Write `out` (the site's `search-data/` folder) completely for `docs`.

    `docs` may lack their texts (None): `complete` reads them, a run of reports at a time, in the
    process that counts them (`full`). `stamps` (report key -> `documents.stamp`) are kept in
    `reports.txt`, for `update_index`."""
    return write_full(ordered(docs), out, None, jobs=jobs, stamps=dict(stamps or {}), complete=complete)


def update_index(out: Path, docs: Sequence[SearchDoc], previous: Path, *, jobs: int = 1,
                 stamps: Mapping[str, str] | None = None, complete: Complete = list) -> IndexSummary:
    """The same bytes as `write_index(docs, out, stamps=stamps, complete=complete)`, writing only the
    files that differ from the index in `previous` (the others are linked from it, or left alone
    when `previous` is `out`).

    A report whose stamp is the one `previous` records for the same id is the same document: its
    text is not read and its files not compared. When the reports are the same ones as in
    `previous` (same keys, so the same ids), only the others are read, and of those only the edited
    ones are segmented: their old grams are read back from their old `d/` files, and only the
    postings files holding a gram of theirs are decoded, patched and written again. Otherwise (a
    report added or removed, or the number of buckets would change) the index is made in full:
    the previous index is its own cache."""
    docs = ordered(docs)
    patched = patched_files(docs, previous, stamps or {}, complete)
    if patched is None:
        return write_full(docs, out, previous, jobs=jobs, stamps=dict(stamps or {}), complete=complete)
    files, segmented = patched
    return replace(_write(files, out, previous=previous), segmented=segmented)


def _old_stamps(previous: Path) -> list[str]:
    """The lines of the previous index's `reports.txt` (none when it has none)."""
    try:
        return (previous / STAMPS).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def patched_files(docs: list[SearchDoc], previous: Path, stamps: Mapping[str, str], complete: Complete) -> tuple[dict[str, bytes | None], int] | None:
    """The files of the index of `docs` that differ from `previous` (None: unchanged), made from
    the previous index and the edited reports alone; None when that cannot be done."""
    from generator.search.reader import payload

    try:
        old_meta: dict = payload(previous / "meta.js")  # type: ignore[assignment]
    except (OSError, ValueError):
        return None
    if old_meta.get("version") != VERSION or old_meta.get("count") != len(docs) or "smallBytes" not in old_meta:
        return None
    files: dict[str, bytes | None] = {}
    old_stamps = _old_stamps(previous)
    new_stamps = stamps_file(docs, stamps)
    files[STAMPS] = None if old_stamps == new_stamps.decode("utf-8").splitlines() else new_stamps
    maybe: list[int] = []  # ids whose document may differ from the one in `previous`
    for i, doc in enumerate(docs):
        line = f"{stamps.get(doc.key, '-')} {doc.key}"
        if i < len(old_stamps) and old_stamps[i] == line and not line.startswith("- "):
            files[doc_file(i)] = None
        else:
            maybe.append(i)
    changed: list[tuple[int, SearchDoc | None, SearchDoc]] = []
    for i, doc in _completed(maybe, docs, complete):
        name = doc_file(i)
        data = script(name, shown(i, doc))
        try:
            old = (previous / name).read_bytes()
        except OSError:
            return None
        if old == data:
            files[name] = None
            continue
        before: dict = payload(previous / name)  # type: ignore[assignment]
        if before.get("key") != doc.key:
            return None  # other reports: ids move, every postings list changes
        if len(changed) >= patch_limit(len(docs)):
            return None  # so many edited reports that making the index anew is cheaper (and holds less)
        files[name] = data
        was = SearchDoc(key=before["key"], url=before["url"], title=before["title"], town=before["town"], town_path=doc.town_path,
                        region=tuple(before["region"]), year=before["year"], format=before["format"], format_name="", text=before["text"])
        changed.append((i, was, doc))
    patched = _patch_postings(changed, previous, old_meta, files)
    if patched is None:
        return None
    buckets, big, grams, small_total = patched
    files["meta.js"] = script("meta.js", meta(docs, buckets, big, grams, small_total))
    return files, len(changed)


def patch_limit(reports: int) -> int:
    """How many edited reports an index of `reports` is patched for, at most (beyond, it is made anew)."""
    return max(50, reports // 50)


READ_AT_ONCE = 1_000  # documents whose texts are read and compared at a time (not all of them held at once)


def _completed(ids: list[int], docs: list[SearchDoc], complete: Complete) -> Iterator[tuple[int, SearchDoc]]:
    """(id, document with its text) for each of `ids`, read a thousand at a time."""
    for at in range(0, len(ids), READ_AT_ONCE):
        some = ids[at : at + READ_AT_ONCE]
        yield from zip(some, complete([docs[i] for i in some]))


def patch_texts(previous: Path, docs: Mapping[str, SearchDoc], stamps: Mapping[str, str]) -> tuple[dict[str, bytes | None], int] | None:
    """The files of the index `previous` with only the texts of `docs` (report key -> its new
    document) changed (None: a file that stays as it is) and how many
    texts changed: what `update_index` would write for the whole site, without the other reports'
    documents. That holds when each of `docs` has the id, title, town, regions, year and format it
    had (so `meta.js` keeps its years, formats, towns and regions); `stamps` are their new stamps.
    None when it does not, or the index cannot be patched: the caller makes it in full."""
    from generator.search.reader import payload

    try:
        old_meta: dict = payload(previous / "meta.js")  # type: ignore[assignment]
    except (OSError, ValueError):
        return None
    old_stamps = _old_stamps(previous)
    if old_meta.get("version") != VERSION or old_meta.get("count") != len(old_stamps) or "smallBytes" not in old_meta:
        return None
    ids = {line.split(" ", 1)[-1]: i for i, line in enumerate(old_stamps)}
    files: dict[str, bytes | None] = {doc_file(i): None for i in range(len(old_stamps))}
    lines = list(old_stamps)
    changed: list[tuple[int, SearchDoc | None, SearchDoc]] = []
    for key, doc in sorted(docs.items()):
        i = ids.get(key)
        if i is None or doc.text is None:
            return None
        lines[i] = f"{stamps.get(key, '-')} {key}"
        name = doc_file(i)
        new = shown(i, doc)
        try:
            before: dict = payload(previous / name)  # type: ignore[assignment]
        except (OSError, ValueError):
            return None
        if {k: v for k, v in before.items() if k != "text"} != {k: v for k, v in new.items() if k != "text"}:
            return None  # more than the text: ids, the towns' and regions' ranges may move
        if before["text"] == doc.text:
            continue
        files[name] = script(name, new)
        was = replace(doc, text=before["text"])
        changed.append((i, was, doc))
    files[STAMPS] = None if lines == old_stamps else "".join(f"{line}\n" for line in lines).encode("utf-8")
    patched = _patch_postings(changed, previous, old_meta, files)
    if patched is None:
        return None
    buckets, big, grams, small_total = patched
    files["meta.js"] = script("meta.js", {**old_meta, "buckets": buckets, "big": big, "grams": grams, "smallBytes": small_total})
    return files, len(changed)


def _patch_postings(changed: list[tuple[int, SearchDoc | None, SearchDoc]], previous: Path, old_meta: dict,  # type: ignore[type-arg]
                    files: dict[str, bytes | None]) -> tuple[int, list[str], int, int] | None:
    """Into `files`: every bucket and big-gram file of the index `previous` with the postings of the
    `changed` reports (id, old document, new) patched (None for a file that stays as it is).
    Returns (buckets, big grams, grams, small bytes) for `meta.js`; None if the number of buckets
    would change (a clean build would choose another: the index is then made in full)."""
    from generator.search.reader import payload

    # per gram: the changed reports' new tf (0: no longer there), body and title-and-town apart
    delta: dict[str, dict[int, int]] = {}
    for i, was, doc in changed:
        for texts in ((searched_text, ""), (field_text, FIELD)):
            make, prefix = texts
            old_counts = index_grams(make(was)) if was else {}
            new_counts = index_grams(make(doc))
            for gram in old_counts.keys() | new_counts.keys():
                tf = min(new_counts.get(gram, 0), TF_CAP)
                if tf != min(old_counts.get(gram, 0), TF_CAP):
                    delta.setdefault(prefix + gram, {})[i] = tf
    affected = sorted({k[len(FIELD):] if k.startswith(FIELD) else k for k in delta})
    old_big = {g: n for n, g in enumerate(old_meta["big"])}
    old_buckets = old_meta["buckets"]
    loaded: dict[str, dict[str, str]] = {}

    def old_file(gram: str) -> str:
        n = old_big.get(gram)
        return big_file(n) if n is not None else bucket_file(bucket_of(gram, old_buckets))

    def read(name: str) -> dict[str, str]:
        if name not in loaded:
            loaded[name] = payload(previous / name)  # type: ignore[assignment]
        return loaded[name]

    small_total = old_meta["smallBytes"]
    grams = old_meta["grams"]
    new_entries: dict[str, dict[str, str]] = {}
    for gram in affected:
        old_entry = {k: v for k, v in read(old_file(gram)).items() if k in (gram, FIELD + gram)}
        if old_entry:
            size = entry_size(old_entry)
            if size <= layout.BIG:
                small_total -= size
        entry: dict[str, str] = {}
        for key in (gram, FIELD + gram):
            postings = decode(old_entry[key]) if key in old_entry else {}
            for i, tf in delta.get(key, {}).items():
                if tf:
                    postings[i] = tf
                else:
                    postings.pop(i, None)
            if postings:
                ids = sorted(postings)
                entry[key] = encode(ids, [postings[i] for i in ids])
        if gram not in entry:
            entry = {}  # a title gram is always a body gram too
        grams += (1 if entry else 0) - (1 if gram in old_entry else 0)
        if entry and entry_size(entry) <= layout.BIG:
            small_total += entry_size(entry)
        new_entries[gram] = entry
    buckets = bucket_count(small_total, old_meta["count"])
    if buckets != old_buckets:
        return None
    big = sorted((set(old_meta["big"]) - set(new_entries)) | {g for g, e in new_entries.items() if e and entry_size(e) > layout.BIG})
    # buckets holding an affected gram: their other entries as they were
    touched: dict[int, dict[str, str]] = {}
    for gram, entry in new_entries.items():
        n = bucket_of(gram, buckets)
        if n not in touched:
            touched[n] = {k: v for k, v in read(bucket_file(n)).items() if (k[len(FIELD):] if k.startswith(FIELD) else k) not in new_entries}
        if entry and entry_size(entry) <= layout.BIG:
            touched[n].update(entry)
    for n in range(buckets):
        files[bucket_file(n)] = script(bucket_file(n), touched[n]) if n in touched else None
    for n, gram in enumerate(big):
        if gram in new_entries:
            files[big_file(n)] = script(big_file(n), new_entries[gram])
        elif old_big[gram] == n:
            files[big_file(n)] = None
        else:
            files[big_file(n)] = script(big_file(n), read(big_file(old_big[gram])))
    return buckets, big, grams, small_total


def _write(files: Mapping[str, bytes | None], out: Path, previous: Path) -> IndexSummary:
    """Write `files` into `out`; a file given as None is the same as in `previous`."""
    folder = IndexFolder(out, previous)
    written = total = 0
    for name in sorted(files):
        w, size = folder.put(name, files[name])
        written += w
        total += size
    folder.keep_only(files)
    meta_payload = files["meta.js"] or (out / "meta.js").read_bytes()
    info = json.loads(meta_payload[meta_payload.index(b",") + 1 : meta_payload.rindex(b")")])
    return IndexSummary(docs=info["count"], grams=info["grams"], buckets=info["buckets"], big=len(info["big"]),
                        files=len(files), bytes=total, written=written)
