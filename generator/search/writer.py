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
import os
import shutil
from array import array
from collections import defaultdict, deque
from itertools import repeat
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from generator.search.buckets import FIELD, big_file, bucket_file, bucket_of, doc_file, fnv1a_all
from generator.search.documents import SearchDoc, field_text, searched_text
from generator.search.normalise import index_grams
from generator.search.postings import ALPHABET, SHIFT, TF_CAP, Part, decode, encode, join, packed_part

VERSION = 1
CALLBACK = "window.__nianbaoSearch"
BUCKET_TARGET = 48_000  # bytes of postings a bucket file is sized for
BIG = 16_000  # a gram whose postings are longer has its own file


@dataclass(frozen=True)
class IndexSummary:
    docs: int
    grams: int
    buckets: int
    big: int
    files: int
    bytes: int
    written: int  # files written (the rest were already there with the same bytes)
    segmented: int = 0  # reports whose text was cut into grams (all of them, unless an update could patch)


def ordered(docs: Sequence[SearchDoc]) -> list[SearchDoc]:
    return sorted(docs, key=lambda d: (d.town_path, d.year, d.key))


def write_index(docs: Sequence[SearchDoc], out: Path, *, jobs: int = 1, stamps: Mapping[str, str] | None = None) -> IndexSummary:
    """Write `out` (the site's `search-data/` folder) completely for `docs` (their texts read).

    `stamps` (report key -> `documents.stamp`) are kept in `reports.txt`, for `update_index`."""
    return replace(_write(index_files(docs, jobs=jobs, stamps=stamps), out, previous=None), segmented=len(docs))


Complete = Callable[[Sequence[SearchDoc]], list[SearchDoc]]  # documents with their texts read


def update_index(out: Path, docs: Sequence[SearchDoc], previous: Path, cache: Path | None = None, *, jobs: int = 1,
                 stamps: Mapping[str, str] | None = None, complete: Complete = list) -> IndexSummary:
    """The same bytes as `write_index(complete(docs), out, stamps=stamps)`, writing only the files
    that differ from the index in `previous` (the others are linked from it, or left alone when
    `previous` is `out`).

    `docs` may lack their texts (None): `complete` reads those it is given. A report whose stamp
    is the one `previous` records for the same id is the same document: its text is not read and
    its files not compared. When the reports are the same ones as in `previous` (same keys, so the
    same ids), only the others are read, and of those only the edited ones are segmented: their old
    grams are read back from their old `d/` files, and only the postings files holding a gram of
    theirs are decoded, patched and written again. Otherwise (a report added or removed, or the
    number of buckets would change) the index is made in full. `cache` is not needed: the
    previous index is its own cache."""
    docs = ordered(docs)
    patched = patched_files(docs, previous, stamps or {}, complete)
    if patched is None:
        docs = complete(docs)
        return replace(_write(index_files(docs, jobs=jobs, stamps=stamps), out, previous=previous), segmented=len(docs))
    files, segmented = patched
    return replace(_write(files, out, previous=previous), segmented=segmented)


STAMPS = "reports.txt"  # per id: the stamp of its document and its key, one line each


def stamps_file(docs: Sequence[SearchDoc], stamps: Mapping[str, str] | None) -> bytes:
    stamps = stamps or {}
    return "".join(f"{stamps.get(d.key, '-')} {d.key}\n" for d in docs).encode("utf-8")


def _old_stamps(previous: Path) -> list[str]:
    """The lines of the previous index's `reports.txt` (none when it has none)."""
    try:
        return (previous / STAMPS).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def index_files(docs: Sequence[SearchDoc], *, jobs: int = 1, stamps: Mapping[str, str] | None = None) -> dict[str, bytes]:
    """Every file of the index, by its path relative to `search-data/`."""
    docs = ordered(docs)
    body, fields = collect(docs, jobs)
    files: dict[str, bytes] = {}
    grams = sorted(body)
    sizes = [len(g) * 3 + len(v) + 6 for g, v in zip(grams, map(body.__getitem__, grams))]  # entry_size, inlined
    for n, gram in enumerate(grams):
        f = fields.get(gram)
        if f is not None:
            sizes[n] += (len(gram) + 1) * 3 + len(f) + 6
    big = [g for g, size in zip(grams, sizes) if size > BIG]
    small_total = sum(size for size in sizes if size <= BIG)
    buckets = bucket_count(small_total)
    shared: list[dict[str, str]] = [{} for _ in range(buckets)]
    for gram, size, h in zip(grams, sizes, fnv1a_all(grams)):
        if size <= BIG:
            group = shared[h % buckets]
            group[gram] = body[gram]
            if gram in fields:
                group[FIELD + gram] = fields[gram]
    for n, group in enumerate(shared):
        files[bucket_file(n)] = script(bucket_file(n), group)
    for n, gram in enumerate(big):
        entry = {gram: body[gram]}
        if gram in fields:
            entry[FIELD + gram] = fields[gram]
        files[big_file(n)] = script(big_file(n), entry)
    for i, doc in enumerate(docs):
        files[doc_file(i)] = script(doc_file(i), shown(i, doc))
    files["meta.js"] = script("meta.js", meta(docs, buckets, big, len(grams), small_total))
    files[STAMPS] = stamps_file(docs, stamps)
    return files


def entry_size(entry: dict[str, str]) -> int:
    """What a gram's entry adds to a file (about: keys counted as three bytes a character)."""
    return sum(len(k) * 3 + len(v) + 6 for k, v in entry.items())


def bucket_count(small_total: int) -> int:
    return max(1, -(-small_total // BUCKET_TARGET))


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
    for i, doc in zip(maybe, complete([docs[i] for i in maybe])):
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
            if size <= BIG:
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
        if entry and entry_size(entry) <= BIG:
            small_total += entry_size(entry)
        new_entries[gram] = entry
    buckets = bucket_count(small_total)
    if buckets != old_buckets:
        return None
    big = sorted((set(old_meta["big"]) - set(new_entries)) | {g for g, e in new_entries.items() if e and entry_size(e) > BIG})
    # buckets holding an affected gram: their other entries as they were
    touched: dict[int, dict[str, str]] = {}
    for gram, entry in new_entries.items():
        n = bucket_of(gram, buckets)
        if n not in touched:
            touched[n] = {k: v for k, v in read(bucket_file(n)).items() if (k[len(FIELD):] if k.startswith(FIELD) else k) not in new_entries}
        if entry and entry_size(entry) <= BIG:
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


def shown(i: int, doc: SearchDoc) -> dict[str, object]:
    return {"id": i, "key": doc.key, "title": doc.title, "url": doc.url, "town": doc.town,
            "region": list(doc.region), "year": doc.year, "format": doc.format, "text": doc.text}


def script(name: str, payload: object) -> bytes:
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return f'{CALLBACK}("{name}",{data});\n'.encode("utf-8")


def meta(docs: Sequence[SearchDoc], buckets: int, big: list[str], grams: int, small_bytes: int) -> dict[str, object]:
    years = sorted({d.year for d in docs})
    base = years[0] if years else 0
    if years and years[-1] - base >= len(ALPHABET):
        raise ValueError(f"search index: years {base}–{years[-1]} span more than {len(ALPHABET)} years")
    formats = sorted({(d.format, d.format_name) for d in docs})
    if len(formats) > len(ALPHABET):
        raise ValueError(f"search index: {len(formats)} formats, at most {len(ALPHABET)} can be told apart")
    format_index = {f: n for n, (f, _) in enumerate(formats)}
    towns: list[list[object]] = []
    regions: list[list[object]] = []  # [name, parent index or -1, first id, last id + 1]
    region_index: dict[tuple[str, ...], int] = {}
    for i, doc in enumerate(docs):
        parent = -1
        for depth in range(1, len(doc.region) + 1):
            path = doc.region[:depth]
            n = region_index.get(path)
            if n is None or regions[n][3] != i:  # a region reappearing later starts a new range
                n = len(regions)
                region_index[path] = n
                regions.append([path[-1], parent, i, i + 1])
            else:
                regions[n][3] = i + 1
            parent = n
        if towns and towns[-1][1] == doc.town_path and towns[-1][3] == i:
            towns[-1][3] = i + 1
        else:
            towns.append([doc.town, doc.town_path, i, i + 1, parent])
    return {
        "version": VERSION,
        "count": len(docs),
        "grams": grams,
        "yearBase": base,
        "years": years,
        "docYears": "".join(ALPHABET[d.year - base] for d in docs),
        "formats": [{"id": f, "name": name} for f, name in formats],
        "docFormats": "".join(ALPHABET[format_index[d.format]] for d in docs),
        "towns": towns,
        "regions": regions,
        "buckets": buckets,
        "big": big,
        "smallBytes": small_bytes,  # for an update: the bucket count a clean build would choose
    }


BATCH_CHARS = 1_500_000  # searched characters counted at once (numpy arrays of about 100 MB)


def collect(docs: Sequence[SearchDoc], jobs: int) -> tuple[dict[str, str], dict[str, str]]:
    """Encoded postings of every gram over the searched texts and over the title-and-town texts.

    Consecutive runs of reports (at most BATCH_CHARS characters each, and at least one per
    process) are counted and encoded apart (in `jobs` processes), then the parts of each gram are
    joined: the bytes do not depend on how the reports were cut."""
    chunks = batches(docs, jobs)
    body: dict[str, list[Part]] = {}
    fields: dict[str, list[Part]] = {}
    if jobs <= 1 or len(chunks) <= 1:
        return _joined(map(_parts_of, chunks), body, fields)
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(jobs) as pool:
        return _joined(pool.map(_parts_of, chunks), body, fields)


def batches(docs: Sequence[SearchDoc], jobs: int) -> list[tuple[Sequence[SearchDoc], int]]:
    """`docs` cut into consecutive runs, (run, id of its first report): none over BATCH_CHARS
    characters of searched text (unless one report is), and at least `jobs` runs."""
    most = -(-len(docs) // max(1, jobs))
    chunks: list[tuple[Sequence[SearchDoc], int]] = []
    start = size = 0
    for i, doc in enumerate(docs):
        length = len(doc.text or "") + len(doc.title) + 64
        if i > start and (size + length > BATCH_CHARS or i - start >= most):
            chunks.append((docs[start:i], start))
            start, size = i, 0
        size += length
    if start < len(docs):
        chunks.append((docs[start:], start))
    return chunks


def _joined(results: Iterable[list[tuple[dict[str, Part], dict[str, Part]]]], body: dict[str, list[Part]],
            fields: dict[str, list[Part]]) -> tuple[dict[str, str], dict[str, str]]:
    for pieces in results:
        for part_body, part_fields in pieces:
            for into, part in ((body, part_body), (fields, part_fields)):
                for gram, p in part.items():
                    have = into.get(gram)
                    if have is None:
                        into[gram] = [p]
                    else:
                        have.append(p)
    return {g: join(ps) for g, ps in body.items()}, {g: join(ps) for g, ps in fields.items()}


def _parts_of(chunk: tuple[Sequence[SearchDoc], int]) -> list[tuple[dict[str, Part], dict[str, Part]]]:
    """The parts of a run of reports, counted with numpy (`counting`); a run with more distinct
    characters than its gram keys can hold is cut in two, and a single such report is counted
    gram by gram (`index_grams`)."""
    from generator.search.counting import TooManyCharacters, counted_parts  # (numpy: imported by the builds that count)

    docs, first = chunk
    try:
        return [(counted_parts([searched_text(d) for d in docs], first), counted_parts([field_text(d) for d in docs], first))]
    except TooManyCharacters:
        if len(docs) == 1:
            return [_parts_by_counter(docs, first)]
        half = len(docs) // 2
        return _parts_of((docs[:half], first)) + _parts_of((docs[half:], first + half))


def _parts_by_counter(docs: Sequence[SearchDoc], first: int) -> tuple[dict[str, Part], dict[str, Part]]:
    body: defaultdict[str, array] = defaultdict(_postings)
    fields: defaultdict[str, array] = defaultdict(_postings)
    for i, doc in enumerate(docs, first):
        _add(body, i << SHIFT, index_grams(searched_text(doc)))
        _add(fields, i << SHIFT, index_grams(field_text(doc)))
    return {g: packed_part(p) for g, p in body.items()}, {g: packed_part(p) for g, p in fields.items()}


def _postings() -> array:
    return array("q")


def _add(postings: defaultdict[str, array], base: int, counts: Mapping[str, int]) -> None:
    """Append report `base >> SHIFT`'s postings (packed with their capped tf) to each gram's array.
    (A map over built-in functions: `defaultdict.__getitem__` makes a missing array.)"""
    tfs = map(base.__add__, map(min, counts.values(), repeat(TF_CAP)))
    deque(map(array.append, map(postings.__getitem__, counts.keys()), tfs), 0)


def _write(files: Mapping[str, bytes | None], out: Path, previous: Path | None) -> IndexSummary:
    """Write `files` into `out`; a file given as None is the same as in `previous`."""
    same_folder = previous is not None and previous.resolve() == out.resolve()
    if not same_folder and out.exists():
        shutil.rmtree(out)
    written = 0
    total = 0
    for name in sorted(files):
        data = files[name]
        target = out / name
        if previous is not None:
            old = previous / name
            try:
                unchanged = data is None or (old.stat().st_size == len(data) and old.read_bytes() == data)
            except OSError:
                unchanged = False
            total += old.stat().st_size if data is None else len(data)
            if unchanged:
                if not same_folder:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.link(old, target)
                continue
        assert data is not None
        if previous is None:
            total += len(data)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
        written += 1
    if same_folder:
        wanted = {out / n for n in files}
        for p in sorted(out.rglob("*"), reverse=True):
            if p.is_file() and p not in wanted:
                p.unlink()
            elif p.is_dir() and not any(p.iterdir()):
                p.rmdir()
    meta_payload = files["meta.js"] or (out / "meta.js").read_bytes()
    info = json.loads(meta_payload[meta_payload.index(b",") + 1 : meta_payload.rindex(b")")])
    return IndexSummary(docs=info["count"], grams=info["grams"], buckets=info["buckets"], big=len(info["big"]),
                        files=len(files), bytes=total, written=written)
