"""What the index's files hold and how they are sized: shared by the full build and the patches.

Every file is a classic script calling `window.__nianbaoSearch("<name>", <payload>)`, so that a page
opened from file:// can load it (see `writer` for the files). Grams are spread over B bucket files by
hash (`buckets.bucket_of`); B is chosen from the bytes of postings the buckets hold, rounded up to a
multiple of the partitions a full build is made in (`partition_count`), so that each partition
writes whole buckets of its own.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from generator.search.documents import SearchDoc
from generator.search.postings import ALPHABET

VERSION = 1
CALLBACK = "window.__nianbaoSearch"
BUCKET_TARGET = 48_000  # bytes of postings a bucket file is sized for
BIG = 16_000  # a gram whose postings are longer has its own file
STAMPS = "reports.txt"  # per id: the stamp of its document and its key, one line each
REPORTS_PER_PARTITION = 1_000  # a full build joins the postings of about 1/P of the grams at a time
MAX_PARTITIONS = 64


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


def partition_count(reports: int) -> int:
    """How many partitions (of the grams, by hash) a full build of `reports` reports is made in."""
    return max(1, min(MAX_PARTITIONS, reports // REPORTS_PER_PARTITION))


def bucket_count(small_total: int, reports: int) -> int:
    """B for `small_total` bytes of bucketed postings: about BUCKET_TARGET each, a multiple of the partitions."""
    p = partition_count(reports)
    wanted = max(1, -(-small_total // BUCKET_TARGET))
    return -(-wanted // p) * p


def entry_size(entry: Mapping[str, str]) -> int:
    """What a gram's entry adds to a file (about: keys counted as three bytes a character)."""
    return sum(len(k) * 3 + len(v) + 6 for k, v in entry.items())


def stamps_file(docs: Sequence[SearchDoc], stamps: Mapping[str, str] | None) -> bytes:
    stamps = stamps or {}
    return "".join(f"{stamps.get(d.key, '-')} {d.key}\n" for d in docs).encode("utf-8")


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
