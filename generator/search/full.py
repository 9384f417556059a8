"""The full build of an index, in partitions: its memory follows one partition, not the corpus.

Three passes, each spread over the build's processes (`parallel.run_chunks`), with files in a
spill folder inside the index's folder (removed at the end) between them:

1. **count**: each run of consecutive reports is read (its narratives), its `d/` files written, its
   grams counted (`counting`), and each gram's postings parts written to the run's spill file, in
   P sections by the gram's hash (P = `layout.partition_count`);
2. **join**: per partition, the sections of every run are read in id order and each gram's parts
   joined (`postings.join`) into its final postings; the joined entries are spilled again, and
   what the bucket count needs (bytes of bucketed postings, the big grams) is returned;
3. **place**: with B (a multiple of P) and the big grams known, per partition, its entries are
   written into its buckets (those n with n % P equal to the partition, since the gram's bucket
   is hash % B) and the big grams' own files.

The build process holds only the documents without their texts and what the passes return. The
bytes do not depend on P, the runs or the number of processes, except for B, a function of the
number of reports and the postings' bytes (a test compares the results).
"""

from __future__ import annotations

import marshal
from array import array
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from generator.parallel import run_chunks
from generator.search.buckets import FIELD, big_file, bucket_file, doc_file, fnv1a_all
from generator.search.documents import SearchDoc, field_text, searched_text
from generator.search import layout
from generator.search.folder import IndexFolder
from generator.search.layout import (STAMPS, IndexSummary, bucket_count, meta, partition_count, script, shown,
                                     stamps_file)
from generator.search.normalise import index_grams
from generator.search.postings import SHIFT, TF_CAP, Part, join, merged, packed_part

Complete = Callable[[Sequence[SearchDoc]], list[SearchDoc]]  # documents with their texts read
SPILL = ".partitions"  # inside the index's folder while it is made
BATCH_CHARS = 1_500_000  # searched characters counted at once (numpy arrays of about 100 MB)
COUNT_CHUNK = 1_024  # reports counted by a process at a time: the fewer parts a gram has, the cheaper the join
REPORTS_PER_PROCESS = 10_000  # a counting process is replaced after that many (what it copied of the model is given back)


@dataclass(frozen=True)
class _Job:
    docs: Sequence[SearchDoc]  # in id order, texts maybe None
    complete: Complete
    folder: IndexFolder
    spill: Path
    partitions: int


Dumped = tuple[list[str], bytes, list[str], list["str | None"]]  # a `_Section` as spilled


class _Section:
    """The parts of some grams over one run of reports, as flat lists (cheap to spill and read back)."""

    def __init__(self) -> None:
        self.grams: list[str] = []
        self.ids: list[int] = []  # first and last id of each part
        self.bodies: list[str] = []
        self.rows: list[str | None] = []

    def add(self, gram: str, part: Part) -> None:
        self.grams.append(gram)
        self.ids.append(part[0])
        self.ids.append(part[1])
        self.bodies.append(part[2])
        self.rows.append(part[3])

    def dumped(self) -> Dumped:
        return self.grams, array("q", self.ids).tobytes(), self.bodies, self.rows


def _parts(dumped: Dumped) -> Iterator[tuple[str, Part]]:
    grams, id_bytes, bodies, rows = dumped
    ids = array("q")
    ids.frombytes(id_bytes)
    firsts, lasts = ids[::2], ids[1::2]
    return zip(grams, zip(firsts, lasts, bodies, rows))


@dataclass(frozen=True)
class _Run:
    start: int  # id of its first report
    offsets: list[int]  # where each partition's section begins in its spill file, and the end
    written: int
    bytes: int


@dataclass(frozen=True)
class _Joined:
    small: int  # bytes of the postings that go into buckets
    big: list[str]
    grams: int


def write_full(docs: Sequence[SearchDoc], out: Path, previous: Path | None, *, jobs: int, stamps: dict[str, str] | None,
               complete: Complete) -> IndexSummary:
    """Write the whole index of `docs` (in id order) into `out`; files whose bytes are in `previous`
    are linked from it (or left, when it is `out`)."""
    folder = IndexFolder(out, previous)
    spill = out / SPILL
    if spill.exists():
        shutil.rmtree(spill)
    spill.mkdir(parents=True)
    p = partition_count(len(docs))
    job = _Job(docs, complete, folder, spill, p)
    try:
        chunk = min(COUNT_CHUNK, max(32, -(-len(docs) // (4 * max(1, jobs)))))
        runs = sorted(run_chunks(_count, len(docs), lambda: job, jobs=jobs, items_per_process=REPORTS_PER_PROCESS,
                                 chunk_size=chunk), key=lambda r: r.start)
        joined = [j for done in run_chunks(_join, p, lambda: (job, runs), jobs=jobs) for j in done]
        small = sum(j.small for j in joined)
        buckets = bucket_count(small, len(docs))
        big = sorted(g for j in joined for g in j.big)
        placed = list(run_chunks(_place, p, partial(_Placing, job, buckets, big), jobs=jobs))
    finally:
        shutil.rmtree(spill, ignore_errors=True)
    written = sum(r.written for r in runs) + sum(w for w, _ in placed)
    total = sum(r.bytes for r in runs) + sum(b for _, b in placed)
    grams = sum(j.grams for j in joined)
    names = [doc_file(i) for i in range(len(docs))] + [bucket_file(n) for n in range(buckets)] + [big_file(n) for n in range(len(big))]
    for name, data in (("meta.js", script("meta.js", meta(docs, buckets, big, grams, small))), (STAMPS, stamps_file(docs, stamps))):
        w, size = folder.put(name, data)
        written += w
        total += size
        names.append(name)
    folder.keep_only(names)
    return IndexSummary(docs=len(docs), grams=grams, buckets=buckets, big=len(big), files=len(names), bytes=total,
                        written=written, segmented=len(docs))


def _count(job: _Job, start: int, stop: int) -> _Run:
    """Pass 1 over reports [start, stop): their `d/` files, and their grams' parts spilled by partition."""
    docs = job.complete(job.docs[start:stop])
    written = total = 0
    for i, doc in enumerate(docs, start):
        w, size = job.folder.put(doc_file(i), script(doc_file(i), shown(i, doc)))
        written += w
        total += size
    body: dict[str, list[Part]] = {}
    fields: dict[str, list[Part]] = {}
    for run in _runs(docs, start):
        for part_body, part_fields in _parts_of(run):
            _gather(body, part_body.items())
            _gather(fields, part_fields.items())
    grams = list(body)
    where = dict(zip(grams, (h % job.partitions for h in fnv1a_all(grams))))
    sections = [(_Section(), _Section()) for _ in range(job.partitions)]
    for n, into in enumerate((body, fields)):
        for gram, parts in into.items():
            sections[where[gram]][n].add(gram, merged(parts))  # a title or town gram is a body gram too
    offsets = [0]
    with open(job.spill / f"{start}.count", "wb") as f:
        for section in sections:
            offsets.append(offsets[-1] + f.write(marshal.dumps(tuple(half.dumped() for half in section))))
    return _Run(start, offsets, written, total)


def _gather(into: dict[str, list[Part]], parts: Iterable[tuple[str, Part]]) -> None:
    """Append each (gram, part) to the gram's list of parts (in the order given: id order)."""
    for gram, part in parts:
        have = into.get(gram)
        if have is None:
            into[gram] = [part]
        else:
            have.append(part)


def _join(state: tuple[_Job, list[_Run]], start: int, stop: int) -> list[_Joined]:
    """Pass 2 over partitions [start, stop): every gram's parts joined, the entries spilled again."""
    job, runs = state
    done = []
    for q in range(start, stop):
        body: dict[str, list[Part]] = {}
        fields: dict[str, list[Part]] = {}
        for section_body, section_fields in _sections(job.spill, runs, q):
            _gather(body, _parts(section_body))
            _gather(fields, _parts(section_fields))
        entries: list[tuple[str, str, str | None]] = []
        small = 0
        big: list[str] = []
        for gram, parts in body.items():
            postings = join(parts)
            title = join(fields[gram]) if gram in fields else None
            entries.append((gram, postings, title))
            size = len(gram) * 3 + len(postings) + 6  # layout.entry_size, inlined
            if title is not None:
                size += (len(gram) + 1) * 3 + len(title) + 6
            if size > layout.BIG:
                big.append(gram)
            else:
                small += size
        (job.spill / f"{q}.joined").write_bytes(marshal.dumps(entries))
        done.append(_Joined(small, big, len(entries)))
    return done


def _sections(spill: Path, runs: list[_Run], q: int) -> Iterator[tuple[Dumped, Dumped]]:
    """Partition q's section of every run's spill file, in id order."""
    for run in runs:
        with open(spill / f"{run.start}.count", "rb") as f:
            f.seek(run.offsets[q])
            yield marshal.loads(f.read(run.offsets[q + 1] - run.offsets[q]))


@dataclass(frozen=True)
class _Placing:
    job: _Job
    buckets: int
    big: list[str]

    def big_numbers(self) -> dict[str, int]:
        return {g: n for n, g in enumerate(self.big)}


def _place(placing: _Placing, start: int, stop: int) -> tuple[int, int]:
    """Pass 3 over partitions [start, stop): their buckets and big-gram files written. Returns (written, bytes)."""
    job, buckets, p = placing.job, placing.buckets, placing.job.partitions
    big = placing.big_numbers()
    written = total = 0
    for q in range(start, stop):
        entries: list[tuple[str, str, str | None]] = marshal.loads((job.spill / f"{q}.joined").read_bytes())
        groups: dict[int, dict[str, str]] = {n: {} for n in range(q, buckets, p)}
        files: list[tuple[str, dict[str, str]]] = []
        for (gram, postings, title), h in zip(entries, fnv1a_all([e[0] for e in entries])):
            entry = {gram: postings} if title is None else {gram: postings, FIELD + gram: title}
            n = big.get(gram)
            if n is None:
                groups[h % buckets].update(entry)
            else:
                files.append((big_file(n), entry))
        files.extend((bucket_file(n), group) for n, group in groups.items())
        for name, payload in files:
            w, size = job.folder.put(name, script(name, payload))
            written += w
            total += size
    return written, total


def _runs(docs: Sequence[SearchDoc], first: int) -> list[tuple[Sequence[SearchDoc], int]]:
    """`docs` (report `first` onwards) cut into consecutive runs of at most BATCH_CHARS characters of
    searched text (unless one report is), with the id of each run's first report."""
    runs: list[tuple[Sequence[SearchDoc], int]] = []
    start = size = 0
    for i, doc in enumerate(docs):
        length = len(doc.text or "") + len(doc.title) + 64
        if i > start and size + length > BATCH_CHARS:
            runs.append((docs[start:i], first + start))
            start, size = i, 0
        size += length
    if start < len(docs):
        runs.append((docs[start:], first + start))
    return runs


def _parts_of(run: tuple[Sequence[SearchDoc], int]) -> list[tuple[dict[str, Part], dict[str, Part]]]:
    """The parts of a run of reports, counted with numpy (`counting`); a run with more distinct
    characters than its gram keys can hold is cut in two, and a single such report is counted
    gram by gram (`index_grams`)."""
    from generator.search.counting import TooManyCharacters, counted_parts  # (numpy: imported by the builds that count)

    docs, first = run
    try:
        return [(counted_parts([searched_text(d) for d in docs], first), counted_parts([field_text(d) for d in docs], first))]
    except TooManyCharacters:
        if len(docs) == 1:
            return [_parts_by_counter(docs, first)]
        half = len(docs) // 2
        return _parts_of((docs[:half], first)) + _parts_of((docs[half:], first + half))


def _parts_by_counter(docs: Sequence[SearchDoc], first: int) -> tuple[dict[str, Part], dict[str, Part]]:
    body: dict[str, list[int]] = {}
    fields: dict[str, list[int]] = {}
    for i, doc in enumerate(docs, first):
        for into, text in ((body, searched_text(doc)), (fields, field_text(doc))):
            for gram, tf in index_grams(text).items():
                into.setdefault(gram, []).append(i << SHIFT | min(tf, TF_CAP))
    return {g: packed_part(p) for g, p in body.items()}, {g: packed_part(p) for g, p in fields.items()}
