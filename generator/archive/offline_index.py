"""The offline search index as classic script files (JSONP style), loadable from file:// by `<script src>`.

Files, all under `offline-search/`:
- `meta.js`: `NianbaoOffline.meta({...})`: the reports (url, title, town, regions, year, format,
  text chunk), the number of index shards, and the lists the filters offer;
- `index-N.js`: `NianbaoOffline.index(N, {gram: postings})`: for every gram (see `grams`) whose
  `shard_of` is N, the ids of the reports containing it, as ascending gaps in base 36 joined by commas;
- `text-N.js`: `NianbaoOffline.text(N, [...])`: the indexed text of a run of reports, read only for
  candidates, to check that a term really occurs (bigrams can all be present without being adjacent)
  and to cut the excerpt.
A query loads `meta.js`, one shard per distinct gram at most, and the text chunks of its candidates.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass

from generator.archive.extract import Record
from generator.archive.grams import grams, normalise, shard_of

FOLDER = "offline-search"
FORMAT_VERSION = 1
SHARD_BYTES = 96_000  # aim for index files of about this size
TEXT_BYTES = 192_000  # and text chunks of about this size


@dataclass(frozen=True)
class IndexStats:
    reports: int
    grams: int
    postings: int
    shards: int
    text_chunks: int
    index_bytes: int
    text_bytes: int
    meta_bytes: int


def _js(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    # JSON allows these two in strings, older JavaScript parsers do not
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


def _postings(ids: list[int]) -> str:
    previous, parts = 0, []
    for i in ids:
        parts.append(_base36(i - previous))
        previous = i
    return ",".join(parts)


def build_index(records: list[Record]) -> tuple[dict[str, bytes], IndexStats]:
    """Files (path under the archive root -> bytes) of the offline index of these records."""
    postings: dict[str, list[int]] = defaultdict(list)
    for doc_id, record in enumerate(records):
        for gram in sorted(set(grams(normalise(record.text)))):
            postings[gram].append(doc_id)
    encoded = {gram: _postings(ids) for gram, ids in postings.items()}
    total = sum(len(g.encode()) + len(p) + 6 for g, p in encoded.items())
    shards = max(1, -(-total // SHARD_BYTES))
    by_shard: list[dict[str, str]] = [{} for _ in range(shards)]
    for gram, value in encoded.items():
        by_shard[shard_of(gram, shards)][gram] = value

    files: dict[str, bytes] = {}
    for n, shard in enumerate(by_shard):
        files[f"{FOLDER}/index-{n}.js"] = f"NianbaoOffline.index({n},{_js(shard)});\n".encode()

    chunks: list[list[str]] = [[]]
    size = 0
    chunk_of: list[int] = []
    for record in records:
        if chunks[-1] and size + len(record.text.encode()) > TEXT_BYTES:
            chunks.append([])
            size = 0
        chunks[-1].append(record.text)
        size += len(record.text.encode())
        chunk_of.append(len(chunks) - 1)
    if not records:
        chunks = []
    for n, texts in enumerate(chunks):
        files[f"{FOLDER}/text-{n}.js"] = f"NianbaoOffline.text({n},{_js(texts)});\n".encode()

    docs = [[r.url, r.title, r.town, r.regions, r.year, r.format, chunk_of[i]] for i, r in enumerate(records)]
    facets = {
        "year": sorted({r.year for r in records if r.year}, reverse=True),
        "town": sorted({r.town for r in records if r.town}),
        "region": sorted({x for r in records for x in r.regions}),
        "format": sorted({r.format for r in records if r.format}),
    }
    meta = {"version": FORMAT_VERSION, "shards": shards, "chunks": len(chunks), "docs": docs, "facets": facets}
    files[f"{FOLDER}/meta.js"] = f"NianbaoOffline.meta({_js(meta)});\n".encode()

    stats = IndexStats(
        reports=len(records),
        grams=len(encoded),
        postings=sum(len(v) for v in postings.values()),
        shards=shards,
        text_chunks=len(chunks),
        index_bytes=sum(len(v) for k, v in files.items() if "/index-" in k),
        text_bytes=sum(len(v) for k, v in files.items() if "/text-" in k),
        meta_bytes=len(files[f"{FOLDER}/meta.js"]),
    )
    return files, stats
