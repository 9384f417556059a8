"""The search stage of the build, without a browser: what it writes into search-data/, how an edit
re-indexes it (the same bytes as a clean build), failure, and the search page's markup."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import run_cli
from generator.build.pipeline import SearchOptions, build
from generator.search import stage
from generator.search.normalise import search_terms
from generator.search.reader import Index, holds
from sites import snapshot
from search_edits import (ADDED_WORD, APPENDED, JICHANG_NEW, LOST_WORD, REMOVED_WORD, YANGJUN, YANGJUN_DELETED, YANGTING,
                          edit_delete_add, lose_a_word, prepare)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def found(site: Path, query: str) -> list[str]:
    """The pages of the reports that hold `query`, read from the site's index as the page does."""
    index = Instance(site)
    return index.pages(query)


class Instance:
    def __init__(self, site: Path) -> None:
        self.index = Index(site / "search-data")

    def pages(self, query: str) -> list[str]:
        ids, _ = self.index.search(query)
        docs = [self.index.doc(i) for i in ids]
        return sorted(d["url"] for d in docs if holds(d, search_terms(query)))


def search_files(site: Path) -> dict[str, bytes]:
    return {k: v for k, v in snapshot(site).items() if k.startswith("search-data/")}


def test_the_build_indexes_every_report_from_the_model(default_content: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = build(default_content, out, jobs=1)
    assert result.ok and result.search is not None and result.search.docs == 3
    assert Index(out / "search-data").meta["count"] == 3
    assert found(out, "羊亭镇") == [YANGTING]
    assert found(out, "区块链") == []
    assert len(found(out, "政府信息公开")) == 3
    # nothing of the official tables' labels (every report of a format has them) is searched
    assert found(out, "本年新收政府信息公开申请数量") == []


def test_the_search_page_uses_classic_scripts_of_the_site_only_and_keeps_the_no_script_fallback(default_content: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert build(default_content, out, jobs=1).ok
    page = soup(out / "search/index.html")
    assert page.html["lang"] == "zh-CN"
    scripts = [s["src"] for s in page.find_all("script", src=True)]
    assert "../assets/search/engine.js" in scripts and "../assets/search.js" in scripts
    assert all(not s.get("type") for s in page.find_all("script", src=True))  # no modules: they fail from file://
    assert all(not src.startswith(("http:", "https:", "//")) for src in scripts)
    form = page.find("form", id="search-form")
    assert form["action"] == "index.html" and form["data-index"] == "../search-data/"
    names = {el["name"] for el in form.find_all(["input", "select"])}
    assert names == {"q", "region", "town", "year", "format", "sort"}
    assert [o.text for o in page.find("select", id="sort").find_all("option")] == ["相关度", "年份新→旧", "年份旧→新"]
    assert "启用浏览器的 JavaScript" in page.find("noscript").text
    assert (out / "assets/search/engine.js").is_file() and (out / "assets/search.js").is_file()
    for rel in ("index.html", YANGTING):  # every page's search box leads to it
        forms = soup(out / rel).find_all("form", attrs={"role": "search"})
        assert forms and all(f["action"].endswith("search/index.html") for f in forms)


def test_without_search_there_is_no_index_and_the_search_page_says_so(default_content: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert build(default_content, out, SearchOptions(enabled=False), jobs=1).ok
    assert not (out / "search-data").exists()
    page = soup(out / "search/index.html")
    assert "未建立全文检索索引" in page.find(id="search-status").text
    assert not page.find_all("script", src=lambda s: s and "search" in s)
    # and a build with search after one without makes the index
    assert build(default_content, out, jobs=1).ok and (out / "search-data/meta.js").is_file()


def test_an_edit_is_found_and_the_index_is_the_one_a_clean_build_writes(default_content: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    prepare(default_content)
    assert build(default_content, out, jobs=1).ok
    assert YANGJUN_DELETED in found(out, "羊郡镇") and REMOVED_WORD in (out / YANGTING).read_text(encoding="utf-8")
    assert YANGTING in found(out, REMOVED_WORD) and found(out, ADDED_WORD) == []
    edit_delete_add(default_content)
    result = build(default_content, out, jobs=1)
    assert result.ok and result.cache_status == "used"
    assert found(out, ADDED_WORD) == [YANGTING]
    assert found(out, APPENDED) == [YANGTING]  # a whole sentence: longer terms are checked against the text
    assert YANGTING not in found(out, REMOVED_WORD) and YANGJUN in found(out, REMOVED_WORD)
    assert YANGJUN_DELETED not in found(out, "羊郡镇") and JICHANG_NEW in found(out, "吉昌镇")
    clean = tmp_path / "clean"
    assert build(default_content, clean, use_cache=False, jobs=1).ok
    assert search_files(out) == search_files(clean)
    lose_a_word(default_content)  # the last report holding a word: no trace of it is left
    edited = build(default_content, out, jobs=1)
    assert edited.ok and edited.search is not None and edited.search.segmented == 1  # that report only
    assert found(out, LOST_WORD) == []
    assert LOST_WORD not in "".join(v.decode("utf-8") for v in search_files(out).values())


def test_a_clone_of_the_site_in_another_place_gets_the_same_index(default_content: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert build(default_content, out, jobs=1).ok
    moved = tmp_path / "elsewhere"
    shutil.copytree(out, moved / "site")
    (default_content / "shandong/weihai/huancui/yangting/2021.md").write_text("# 改过的正文\n\n汛期值守。\n", encoding="utf-8")
    assert build(default_content, out, jobs=2).ok
    assert found(out, "汛期值守") == [YANGTING]
    assert found(moved / "site", "汛期值守") == []  # the old site's index was not written through


def test_a_failed_index_leaves_the_last_good_site(default_content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    assert build(default_content, out, jobs=1).ok
    before = snapshot(out)

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(stage, "update_index", fail)
    monkeypatch.setattr(stage, "write_index", fail)
    (default_content / "shandong/weihai/huancui/yangting/2021.md").write_text("# 改过的正文\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="simulated failure"):
        build(default_content, out, jobs=1)
    assert snapshot(out) == before

    def left() -> list[Path]:
        hidden = tmp_path / ".site.nianbao"
        return [p for p in tmp_path.iterdir() if p.name.startswith(".site") and p != hidden] + \
            [p for p in hidden.iterdir() if p.name not in ("lock", "cache.sqlite", "templates", "next")]

    # nothing left beside the output but its hidden folder (docs/reliability.md): its lock, the build cache
    assert not left()


def test_the_command_line_says_how_many_reports_are_indexed(default_content: Path, tmp_path: Path) -> None:
    run = run_cli("build", "--content", str(default_content), "--out", str(tmp_path / "site"))
    assert run.code == 0, run.err
    assert "全文检索：索引 3 篇年报" in run.err
    gone = run_cli("build", "--content", str(default_content), "--out", str(tmp_path / "site"), "--search-shards", "2")
    assert gone.code == 2  # the Pagefind options are gone


def test_an_edit_reads_only_the_edited_narrative_and_gives_a_clean_builds_index(default_content: Path, tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.search import documents

    out = tmp_path / "site"
    assert build(default_content, out, jobs=1).ok
    assert YANGTING in found(out, REMOVED_WORD)
    read: list[str] = []
    real = documents.text_of_narrative

    def counted(report: object) -> str:
        read.append(report.key)  # type: ignore[attr-defined]
        return real(report)  # type: ignore[arg-type]

    monkeypatch.setattr(documents, "text_of_narrative", counted)
    narrative = default_content / "shandong/weihai/huancui/yangting/2021.md"
    narrative.write_text(narrative.read_text(encoding="utf-8").replace(REMOVED_WORD, "汛期检查") + "\n" + APPENDED + "\n", encoding="utf-8")
    edited = build(default_content, out, jobs=1)
    assert edited.ok and edited.cache_status == "used" and edited.search is not None
    assert read == ["shandong/weihai/huancui/yangting/2021"] and edited.search.segmented == 1
    assert found(out, APPENDED) == [YANGTING] and found(out, "汛期检查") == [YANGTING]
    assert YANGTING not in found(out, REMOVED_WORD)
    clean = tmp_path / "clean"
    assert build(default_content, clean, use_cache=False, jobs=1).ok
    assert search_files(out) == search_files(clean)
