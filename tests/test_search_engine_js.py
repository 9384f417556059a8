"""engine.js in Node over a written index: exact counts and reports against a brute-force truth,
ranking, filters, checking of long terms, and the same character rules as Python."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.search.documents import SearchDoc, field_text
from generator.search.normalise import run_text, search_terms
from generator.search.writer import ordered, write_index
from search_corpus import ALL, LONG, NAME, NONE, PHRASE, PHRASE_DOCS, corpus, truth

ROOT = Path(__file__).resolve().parents[1]
ENGINE = ROOT / "themes" / "default" / "static" / "search" / "engine.js"
HARNESS = Path(__file__).with_name("search_harness.js")
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed")


def ask(folder: Path, queries: list[dict]) -> list[dict]:
    run = subprocess.run([NODE or "node", str(HARNESS), str(ENGINE), str(folder)], input=json.dumps(queries),
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[SearchDoc]]:
    folder = tmp_path_factory.mktemp("search-data")
    docs = ordered(corpus())
    write_index(docs, folder)
    return folder, docs


QUERIES = [NAME, f"{NAME} 2021", PHRASE, NONE, ALL, "2022", "pdf", "ＰＤＦ", "Pdf 行政复议", "复议", "的", LONG, "政务 公开",
           f"“{NAME}”"]


def test_results_are_exactly_the_holders(index: tuple[Path, list[SearchDoc]]) -> None:
    folder, docs = index
    answers = ask(folder, [{"q": q, "pages": -1} for q in QUERIES])
    keys = [d.key for d in docs]
    for q, a in zip(QUERIES, answers):
        want = truth(docs, q)
        assert {keys[i] for i in a["checkedIds"]} == want, q
        assert a["checkedCount"] == len(want) == len(a["shown"]), q
        assert [s["id"] for s in a["shown"]] == a["checkedIds"], q
        if all(len(t) <= 4 for t in search_terms(q)):
            assert a["count"] == len(want), q  # exact before any text is read
        assert a["loadedFiles"] <= 30 or len(want) > 20, q
    by_query = dict(zip(QUERIES, answers))
    assert by_query[PHRASE]["count"] == PHRASE_DOCS and by_query[NONE]["count"] == 0
    assert by_query[ALL]["count"] == len(docs) and by_query[f"{NAME} 2021"]["count"] >= 1
    assert by_query[LONG]["count"] == 1 and by_query[LONG]["checkedCount"] == 0  # a candidate, dropped when read


def test_first_page_loads_little(index: tuple[Path, list[SearchDoc]]) -> None:
    folder, docs = index
    (a,) = ask(folder, [{"q": ALL}])
    assert a["count"] == len(docs) and len(a["shown"]) == 10
    assert a["loadedFiles"] == 1 + a["files"] - 1 + 10  # meta, the term's postings file, ten reports


def test_ranking_title_first_then_frequency_then_newest(index: tuple[Path, list[SearchDoc]]) -> None:
    folder, docs = index
    a, b = ask(folder, [{"q": NAME, "pages": -1}, {"q": "行政复议", "pages": -1}])
    in_title = [NAME in run_text(field_text(docs[i])) for i in a["ids"]]
    assert in_title == sorted(in_title, reverse=True) and in_title.count(True) == 5
    assert [docs[i].year for i in a["ids"][:5]] == [2023, 2022, 2021, 2020, 2019]
    tf = [run_text(docs[i].text).count("行政复议") for i in b["ids"]]
    assert tf == sorted(tf, reverse=True) and len(set(tf)) > 1
    for x, y in zip(b["ids"], b["ids"][1:]):
        if tf[b["ids"].index(x)] == tf[b["ids"].index(y)]:
            assert (docs[x].year, -x) >= (docs[y].year, -y)


def test_filters_and_sorts(index: tuple[Path, list[SearchDoc]]) -> None:
    folder, docs = index
    keys = [d.key for d in docs]
    town = docs[40].town_path
    queries = [{"q": ALL, "year": 2021, "pages": -1}, {"q": ALL, "town": town, "pages": -1},
               {"q": "复议", "format": "f2021", "pages": -1}, {"q": "复议", "sort": "oldest", "pages": -1},
               {"q": "复议", "sort": "newest", "pages": -1}, {"q": "复议", "format": "nope"}]
    meta_regions = json.loads((folder / "meta.js").read_text("utf-8").split(",", 1)[1].rsplit(")", 1)[0])["regions"]
    east = next(n for n, r in enumerate(meta_regions) if r[0] == "东县" and meta_regions[r[1]][0] == "乙市")
    queries.append({"q": "PDF", "region": east, "pages": -1})
    a = ask(folder, queries)
    assert {keys[i] for i in a[0]["ids"]} == {d.key for d in docs if d.year == 2021}
    assert {keys[i] for i in a[1]["ids"]} == {d.key for d in docs if d.town_path == town} and a[1]["count"] == 5
    assert {keys[i] for i in a[2]["ids"]} == {d.key for d in docs if d.format == "f2021"} & truth(docs, "复议")
    assert [docs[i].year for i in a[3]["ids"]] == sorted(docs[i].year for i in a[3]["ids"])
    assert [docs[i].year for i in a[4]["ids"]] == sorted((docs[i].year for i in a[4]["ids"]), reverse=True)
    assert a[5]["count"] == 0
    assert {keys[i] for i in a[6]["ids"]} == {d.key for d in docs if d.region[1:] == ("乙市", "东县")} and a[6]["count"] > 0


def test_snippet_marks_the_hit(index: tuple[Path, list[SearchDoc]]) -> None:
    folder, docs = index
    (a,) = ask(folder, [{"q": "ｐｄｆ 行政复议"}])
    for entry in a["shown"]:
        marked = [p["text"] for p in entry["snippet"] if p["hit"]]
        assert "PDF" in marked and "行政复议" in marked or "ＰＤＦ" in marked
        assert "".join(p["text"] for p in entry["snippet"]) in docs[entry["id"]].text
        assert entry["url"] == docs[entry["id"]].url and entry["year"] == docs[entry["id"]].year


def test_character_rules_agree_with_python(tmp_path: Path) -> None:
    samples = ["ＡＢＣ１２３", "高质量，发展", "Ⅻ ㈠ ①", "ﬁ café ÀÉ × ÷", "𠀀𠀁 字", "（一）　全角空格", "ｶﾀｶﾅ ｱ", "İstanbul", "™℃"]
    script = ("const fs=require('fs');const vm=require('vm');const box={};box.window=box;vm.createContext(box);"
              f"vm.runInContext(fs.readFileSync({json.dumps(str(ENGINE))},'utf8'),box);"
              "const s=JSON.parse(fs.readFileSync(0,'utf8'));"
              "process.stdout.write(JSON.stringify(s.map(x=>[box.NianbaoSearch.runText(x),box.NianbaoSearch.terms(x),box.NianbaoSearch.fnv1a(x)])))")
    run = subprocess.run([NODE or "node", "-e", script], input=json.dumps(samples), capture_output=True, text=True, check=True)
    from generator.search.buckets import fnv1a

    for sample, (js_run, js_terms, js_hash) in zip(samples, json.loads(run.stdout)):
        # JS keeps UTF-16 length: a non-word character outside the BMP is two breaks there
        py_run = "".join(r if r != "\x00" else "\x00" * (2 if ord(c) > 0xFFFF else 1) for c, r in zip(sample, run_text(sample)))
        assert js_run == py_run, sample
        assert js_terms == search_terms(sample), sample
        assert js_hash == fnv1a(sample), sample
