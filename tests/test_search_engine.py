"""The search index writer: postings form, determinism, incremental = clean bytes, exact candidates."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

from generator.search.documents import plain_text
from generator.search.normalise import index_grams, search_terms, term_keys
from generator.search.postings import TF_CAP, decode, encode, join, part
from generator.search.reader import Index, holds
from generator.search import layout, writer
from generator.search.writer import ordered, update_index, write_index
from search_corpus import YEARS, ALL, LONG, NAME, NONE, PHRASE, PHRASE_DOCS, corpus, truth


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("n,span", [(1, 1), (50, 60), (3000, 3100), (400, 100_000)])
def test_postings_round_trip(n: int, span: int) -> None:
    rng = random.Random(n)
    ids = sorted(rng.sample(range(span), n))
    tfs = [rng.randint(1, TF_CAP) for _ in ids]
    text = encode(ids, tfs)
    assert decode(text) == dict(zip(ids, tfs))
    assert text[0] == ("d" if n * 3 > span else "s")
    cuts = sorted(rng.sample(range(1, n), min(n - 1, 5))) if n > 1 else []
    pieces = [(ids[a:b], tfs[a:b]) for a, b in zip([0, *cuts], [*cuts, n])]
    assert join([part(i, t) for i, t in pieces]) == text  # reports segmented in runs: the same bytes


def test_grams_are_the_substrings_of_runs() -> None:
    counts = index_grams("高质量，ＡＢ-2022年")
    assert counts["质量"] == 1 and counts["高质量"] == 1 and counts["ab"] == 1 and counts["2022"] == 1
    assert "量，" not in counts and "量a" not in counts and "b2" not in counts  # no gram crosses a break
    assert counts["2"] == 3 and counts["022年"] == 1 and "2022年" not in counts
    assert search_terms(" 高质量  ２０２２年，AB-c ") == ["高质量", "2022年", "ab", "c"]
    assert term_keys("高质量") == ["高质量"]
    assert term_keys("政府信息公开") == ["政府信息", "府信息公", "信息公开"]


def test_plain_text_drops_markdown_marks() -> None:
    assert plain_text("## 一、总体情况\n\n**本年度** [公开](http://x) 情况\n- 条目") == "一、总体情况\n\n本年度 公开 情况\n条目"


def test_same_documents_same_bytes_in_any_order_and_jobs(tmp_path: Path) -> None:
    docs = corpus(towns=48)
    write_index(docs, tmp_path / "a")
    shuffled = docs[:]
    random.Random(1).shuffle(shuffled)
    write_index(shuffled, tmp_path / "b", jobs=2)
    a, b = files_of(tmp_path / "a"), files_of(tmp_path / "b")
    assert a == b
    assert "meta.js" in a and any(n.startswith("b/") for n in a) and any(n.startswith("d/") for n in a)
    assert all(v.startswith(b'window.__nianbaoSearch("' + n.encode() + b'",') for n, v in a.items() if n != writer.STAMPS)
    assert a[writer.STAMPS].decode("utf-8").splitlines() == [f"- {d.key}" for d in ordered(docs)]  # no stamps given


def test_many_edited_reports_make_the_index_anew(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docs = corpus()
    assert writer.patch_limit(len(docs)) == 50
    for edits, segmented in ((50, 50), (51, len(docs))):  # a 51st edited report: the index is made in full
        write_index(docs, tmp_path / "index")
        edited = [replace(d, text=d.text + f"第{n}次修改。") if n < edits else d for n, d in enumerate(docs)]
        summary = update_index(tmp_path / "index", edited, tmp_path / "index")
        assert summary.segmented == segmented
        write_index(edited, tmp_path / "clean")
        assert files_of(tmp_path / "index") == files_of(tmp_path / "clean")


@pytest.mark.parametrize("big", [16_000, 60])  # 60: many grams in files of their own, some moving in and out
def test_update_after_an_edit_equals_a_clean_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, big: int) -> None:
    monkeypatch.setattr(layout, "BIG", big)
    docs = corpus()
    write_index(docs, tmp_path / "index")
    if big < 1000:
        assert len(Index(tmp_path / "index").meta["big"]) > 50
    before = files_of(tmp_path / "index")
    edited = docs[:]
    edited[30] = replace(docs[30], text=docs[30].text + "新增一句：网上受理渠道畅通。")
    summary = update_index(tmp_path / "index", edited, tmp_path / "index")
    write_index(edited, tmp_path / "clean")
    after = files_of(tmp_path / "index")
    assert after == files_of(tmp_path / "clean")
    changed = {n for n in after if before.get(n) != after[n]}
    assert summary.written == len(changed) and 0 < len(changed) < len(after) // 4
    assert summary.segmented == 1  # only the edited report was read again
    at = [d.key for d in ordered(edited)].index(docs[30].key)
    assert f"d/0/{at}.js" in changed
    index = Index(tmp_path / "index")
    assert index.search("网上受理渠道")[0] == [at]
    # more edits in a row, one a title (its field postings), one a text emptied; then back again
    again = edited[:]
    again[5] = replace(edited[5], title=edited[5].title + "（修订）")
    again[60] = replace(edited[60], text="")
    again[61] = replace(edited[61], text=edited[61].text * 40)  # grams big enough for their own file
    for version, segmented in ((again, 3), (docs, 4)):  # back to the start: report 30 too
        summary = update_index(tmp_path / "index", version, tmp_path / "index")
        assert summary.segmented == segmented
        write_index(version, tmp_path / "clean")
        assert files_of(tmp_path / "index") == files_of(tmp_path / "clean")
    # a report removed: its files go, the rest is renumbered as a clean build would
    fewer = edited[:10] + edited[11:]
    update_index(tmp_path / "index", fewer, tmp_path / "index")
    write_index(fewer, tmp_path / "clean")
    assert files_of(tmp_path / "index") == files_of(tmp_path / "clean")


@pytest.mark.parametrize("query", [NAME, f"{NAME} 2021", PHRASE, NONE, ALL, "2022", "pdf", "ＰＤＦ", "行政复议",
                                   "复议 2020", LONG, "的", "PDF 行政复议 某省"])
def test_candidates_are_exactly_the_holders(tmp_path: Path, query: str) -> None:
    docs = corpus()
    write_index(docs, tmp_path)
    index = Index(tmp_path)
    keys = [d.key for d in ordered(docs)]
    candidates, loaded = index.search(query)
    terms = search_terms(query)
    held = {keys[i] for i in candidates if holds(index.doc(i), terms)}
    assert held == truth(docs, query)
    if all(len(t) <= 4 for t in terms):
        assert {keys[i] for i in candidates} == held  # one gram per term: no candidate to drop
    assert len(loaded.files) <= 1 + sum(len(term_keys(t)) for t in terms)


def test_planted_counts(tmp_path: Path) -> None:
    docs = corpus()
    assert len(truth(docs, PHRASE)) == PHRASE_DOCS
    assert len(truth(docs, NAME)) == len(YEARS) + 2 and len(truth(docs, ALL)) == len(docs) and not truth(docs, NONE)
    write_index(docs, tmp_path)
    index = Index(tmp_path)
    assert len(index.search(LONG)[0]) == 1  # one candidate that does not hold it: dropped by the check
    assert not truth(docs, LONG)


def test_meta_ranges(tmp_path: Path) -> None:
    docs = ordered(corpus())
    write_index(docs, tmp_path)
    meta = Index(tmp_path).meta
    assert meta["count"] == len(docs)
    for name, path, first, end, _ in meta["towns"]:
        assert {d.town_path for d in docs[first:end]} == {path} and end - first == 5
    for name, parent, first, end in meta["regions"]:
        assert all(name in d.region for d in docs[first:end])
        assert sum(1 for d in docs if name in d.region and (parent < 0 or meta["regions"][parent][0] in d.region)) == end - first
    assert meta["years"] == [2019, 2020, 2021, 2022, 2023]
    assert "".join(meta["docYears"]) == "".join(str(d.year - 2019) for d in docs)
