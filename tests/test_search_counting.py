"""The index's gram counting with numpy (`generator.search.counting`) against the gram-by-gram reference."""

from __future__ import annotations

import json
import random
import shutil
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from generator.search import counting, full, layout, writer
from generator.search.buckets import fnv1a, fnv1a_all
from generator.search.counting import TooManyCharacters, counted_parts, gram_postings
from generator.search.normalise import index_grams
from generator.search.postings import TF_CAP, SHIFT, packed_part
from search_corpus import corpus

# Word characters of every kind the rules know: CJK, full-width forms, Latin letters with marks,
# digits, a character outside the BMP, an enclosed ideograph, and breaks between them.
SAMPLES = [
    "高质量发展，ＡＢＣ１２３与abc123。Ｐｄｆ文件、Café naïve；政府信息公开" * 3,
    "𠀀𠀁𠀂 ㈠㈡ 一一一一一一一一" + "公开" * 70,  # a tf over TF_CAP
    "",
    "，。、！",
    "a",
    "2022年行政复议0件\n行政诉讼0件\t2022",
]


def index_bytes(docs: list, folder: Path) -> dict[str, bytes]:
    """Every file of the index of `docs`, written into `folder` (made anew)."""
    shutil.rmtree(folder, ignore_errors=True)
    writer.write_index(docs, folder, jobs=1)
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def reference(texts: list[str], first: int) -> dict[str, tuple[int, int, str, str | None]]:
    """`parts` as the gram-by-gram writer makes them: index_grams per report, packed per gram."""
    packed: dict[str, list[int]] = {}
    for i, text in enumerate(texts, first):
        for gram, tf in index_grams(text).items():
            packed.setdefault(gram, []).append(i << SHIFT | min(tf, TF_CAP))
    return {g: packed_part(p) for g, p in packed.items()}


def test_counts_are_index_grams_report_by_report() -> None:
    grams, starts, reports, tfs = gram_postings(SAMPLES)
    got: dict[int, Counter[str]] = {}
    for g, gram in enumerate(grams):
        for k in range(starts[g], starts[g + 1]):
            got.setdefault(int(reports[k]), Counter())[gram] = int(tfs[k])
    for n, text in enumerate(SAMPLES):
        assert got.get(n, Counter()) == index_grams(text), text
    assert len(grams) == len(set(grams))


@pytest.mark.parametrize("first", [0, 31, 1_000_003])
def test_parts_are_those_of_the_reference(first: int) -> None:
    rng = random.Random(first)
    texts = [rng.choice(SAMPLES) + rng.choice(SAMPLES)[: rng.randint(0, 40)] for _ in range(300)]
    assert counted_parts(texts, first) == reference(texts, first)


def test_synthetic_reports_give_the_same_index_bytes_both_ways(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    docs = corpus(towns=24)
    counted = index_bytes(docs, tmp_path / "index")

    def refuse(texts: object, first: int) -> object:
        raise TooManyCharacters(0)

    monkeypatch.setattr(counting, "counted_parts", refuse)  # every run cut down to single reports, counted gram by gram
    assert index_bytes(docs, tmp_path / "index") == counted


def test_a_run_with_too_many_characters_is_cut(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    docs = corpus(towns=4)
    wide = "".join(chr(0x4E00 + i) for i in range(20_000))  # 15 bits a character: 4 × 15 + 5 > 64 for 32 reports
    docs = [replace(d, text=d.text + wide[i * 500 :]) for i, d in enumerate(writer.ordered(docs))]
    with pytest.raises(TooManyCharacters):
        gram_postings([d.text or "" for d in docs])
    calls: list[int] = []
    original = counting.counted_parts

    def counted(texts: list[str], first: int) -> object:
        calls.append(len(texts))
        return original(texts, first)

    monkeypatch.setattr(counting, "counted_parts", counted)
    files = index_bytes(docs, tmp_path / "index")
    assert calls[0] == len(docs) and len(calls) > 2 and min(calls) < len(docs)  # refused whole, then cut
    monkeypatch.setattr(counting, "counted_parts", lambda texts, first: (_ for _ in ()).throw(TooManyCharacters(0)))
    assert index_bytes(docs, tmp_path / "index") == files


def test_runs_cover_the_reports_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    docs = writer.ordered(corpus(towns=30))
    for chars in (1, 2_000, 10_000_000):
        monkeypatch.setattr(full, "BATCH_CHARS", chars)
        runs = full._runs(docs, 17)
        assert [d for run, _ in runs for d in run] == docs
        assert [first for _, first in runs] == [17 + sum(len(r) for r, _ in runs[:n]) for n in range(len(runs))]
        if chars == 1:
            assert len(runs) == len(docs)  # every report over the limit: one run each
        elif chars > 1_000_000:
            assert len(runs) == 1
        else:
            assert 1 < len(runs) < len(docs)
            assert all(sum(len(d.text or "") + len(d.title) + 64 for d in run) <= chars for run, _ in runs)


def entries(files: dict[str, bytes]) -> dict[str, str]:
    """Every gram's postings (and "#"-keyed title-and-town postings) of an index, from whichever file holds it."""
    found: dict[str, str] = {}
    for name, data in files.items():
        if name.startswith(("b/", "g/")):
            found.update(json.loads(data[data.index(b",") + 1 : data.rindex(b")")]))
    return found


@pytest.mark.parametrize("jobs", [1, 2])
def test_partitions_change_the_bucket_count_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, jobs: int) -> None:
    docs = corpus(towns=40)  # 200 reports
    one = index_bytes(docs, tmp_path / "one")
    monkeypatch.setattr(layout, "REPORTS_PER_PARTITION", 30)
    monkeypatch.setattr(full, "BATCH_CHARS", 5_000)  # many runs inside each process's share
    shutil.rmtree(tmp_path / "many", ignore_errors=True)
    writer.write_index(docs, tmp_path / "many", jobs=jobs)
    many = {p.relative_to(tmp_path / "many").as_posix(): p.read_bytes() for p in sorted((tmp_path / "many").rglob("*")) if p.is_file()}
    assert layout.partition_count(len(docs)) == 6
    meta_one, meta_many = (json.loads(f["meta.js"][f["meta.js"].index(b",") + 1 : f["meta.js"].rindex(b")")]) for f in (one, many))
    assert meta_many["buckets"] % 6 == 0 and meta_many["buckets"] >= meta_one["buckets"]
    assert {k: v for k, v in meta_one.items() if k != "buckets"} == {k: v for k, v in meta_many.items() if k != "buckets"}
    assert entries(many) == entries(one) and len(entries(one)) > meta_one["grams"]  # grams, and title grams with "#"
    assert {n: v for n, v in many.items() if n.startswith("d/")} == {n: v for n, v in one.items() if n.startswith("d/")}
    assert len([n for n in many if n.startswith("b/")]) == meta_many["buckets"]
    for name, data in many.items():
        if name.startswith("b/"):
            for key in json.loads(data[data.index(b",") + 1 : data.rindex(b")")]):
                assert fnv1a(key.removeprefix("#")) % meta_many["buckets"] == int(name[2:-3]), (name, key)
    assert not (tmp_path / "many" / full.SPILL).exists()


def test_bucket_hashes_at_once_are_fnv1a_one_by_one() -> None:
    rng = random.Random(3)
    grams = ["".join(chr(rng.choice([0x41, 0x4E00, 0x20000, 0xE9]) + rng.randint(0, 50)) for _ in range(rng.randint(1, 4)))
             for _ in range(3000)]
    assert fnv1a_all(grams) == [fnv1a(g) for g in grams]
    assert fnv1a_all([]) == []
