"""Web search in a real browser: the default content built with its Pagefind index, served on 127.0.0.1.

Queries go through Pagefind's own JavaScript API, on the same merged instance the search page
uses (`window.nianbaoSearch.pagefind()`), and the assertions name the reports that come back.
The default content has three reports: 吉昌镇 2016 (gov-2008), 羊郡镇 2016 (narrative),
羊亭镇 2021 (gov-2019).
"""

from __future__ import annotations

import json
import random
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import pytest

from browser import serve
from conftest import CONTENT, run_cli
from search_edits import ADDED_WORD, APPENDED, JICHANG_NEW, REMOVED_WORD, edit_delete_add, prepare

T = TypeVar("T")

pytestmark = pytest.mark.browser

JICHANG = "jilin/jilinshi/panshi/jichang/2016/index.html"
YANGJUN = "shandong/yantai/laiyang/yangjun/2016/index.html"
YANGTING = "shandong/weihai/huancui/yangting/2021/index.html"

# The search page's own search: Pagefind's API on the merged shards, keeping only pages that contain
# every query word found anywhere (see search.js). Options are Pagefind's search options.
SEARCH = """async ([term, options]) => {
  const filters = {};
  for (const [key, value] of Object.entries(options.filters || {})) filters[key] = [].concat(value.any || value);
  const found = await window.nianbaoSearch.find(term, filters, options.sort || "");
  const pages = [];
  for (const r of found.results) {
    const d = await r.data();
    pages.push({url: d.url, title: d.meta.title, excerpt: d.excerpt});
  }
  return pages;
}"""


def build_site(root: Path, *extra: str) -> Path:
    out = root / "site"
    result = run_cli("build", "--content", str(CONTENT), "--out", str(out), *extra)
    assert result.code == 0, result.err
    return out


@pytest.fixture(scope="module")
def one_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(tmp_path_factory.mktemp("search1"), "--search-shards", "1")


@pytest.fixture(scope="module")
def sharded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # 8 hash buckets put each of the three towns into a shard of its own.
    return build_site(tmp_path_factory.mktemp("search8"), "--search-shards", "8")


@pytest.fixture(scope="module")
def search_page(browser: Any, sharded: Path) -> Iterator[tuple[Any, str]]:
    with serve(sharded) as base:
        page = browser.new_page()
        page.goto(base + "search/index.html")
        yield page, base
        page.close()


def found(page: Any, term: str | None, **options: Any) -> list[dict[str, str]]:
    return page.evaluate(SEARCH, [term, options])


def reports(page: Any, term: str | None, **options: Any) -> set[str]:
    return {r["url"].lstrip("/") for r in found(page, term, **options)}


def test_the_default_build_indexes_with_pagefind_extended_in_shards(sharded: Path, one_index: Path) -> None:
    shards = sorted(p.name for p in (sharded / "pagefind").iterdir() if p.is_dir())
    assert len(shards) == 3, shards
    for name in shards:
        assert (sharded / "pagefind" / name / "pagefind.js").is_file()
        assert list((sharded / "pagefind" / name).glob("pagefind.zh-cn_*.pf_meta")), "the index must be Chinese (lang zh-CN)"
    assert sorted(p.name for p in (one_index / "pagefind").iterdir()) == ["layers.json", "s0"]


def test_a_town_name_finds_only_that_town(search_page: tuple[Any, str]) -> None:
    page, _ = search_page
    assert reports(page, "羊亭") == {YANGTING}
    assert reports(page, "吉昌") == {JICHANG}


def test_a_two_character_word_is_found_as_a_word(search_page: tuple[Any, str]) -> None:
    # The default (non-extended) Pagefind indexes whole Chinese sentences as single words and finds nothing here.
    page, _ = search_page
    results = found(page, "培训")
    assert {r["url"].lstrip("/") for r in results} == {JICHANG, YANGTING}
    assert all("<mark>培训</mark>" in r["excerpt"] for r in results)


def test_four_character_terms(search_page: tuple[Any, str]) -> None:
    page, _ = search_page
    assert reports(page, "行政复议") == {JICHANG, YANGTING}  # the narrative report of 羊郡镇 never mentions it
    assert reports(page, "依申请公开") == {JICHANG, YANGJUN, YANGTING}


def test_a_term_in_only_one_report(search_page: tuple[Any, str]) -> None:
    page, _ = search_page
    results = found(page, "档案")
    assert [r["url"].lstrip("/") for r in results] == [JICHANG]
    assert "<mark>档案</mark>" in results[0]["excerpt"]


def test_a_term_in_no_report_finds_nothing(search_page: tuple[Any, str]) -> None:
    page, _ = search_page
    assert reports(page, "区块链") == set()


def test_filter_by_year(search_page: tuple[Any, str]) -> None:
    page, _ = search_page
    assert reports(page, None, filters={"year": "2016"}) == {JICHANG, YANGJUN}
    assert reports(page, "公开", filters={"year": {"any": ["2021"]}}) == {YANGTING}


def test_filter_by_town_and_region_and_format(search_page: tuple[Any, str]) -> None:
    page, _ = search_page
    assert reports(page, "公开", filters={"town": "莱阳市羊郡镇"}) == {YANGJUN}
    assert reports(page, "公开", filters={"region": "山东省"}) == {YANGJUN, YANGTING}
    assert reports(page, None, filters={"format": "2008年版格式"}) == {JICHANG}
    values = page.evaluate("async () => (await window.nianbaoSearch.pagefind()).filters()")
    assert set(values["town"]) == {"磐石市吉昌镇", "莱阳市羊郡镇", "环翠区羊亭镇"}
    assert set(values["year"]) == {"2016", "2021"}


def test_results_use_the_report_title_and_link_to_the_page_file(search_page: tuple[Any, str]) -> None:
    page, _ = search_page
    [result] = found(page, "档案")
    assert result["title"] == "吉昌镇人民政府2016年政府信息公开工作年度报告"
    assert result["url"].endswith("/index.html")


def test_only_the_report_body_is_indexed(search_page: tuple[Any, str]) -> None:
    # The header and footer name the site's authority ("nianbao 示例站点"); the skip link says 跳到正文.
    page, _ = search_page
    assert reports(page, "nianbao") == set()
    content = page.evaluate(
        "async () => { const r = await (await window.nianbaoSearch.pagefind()).search('档案');"
        " return (await r.results[0].data()).content; }"
    )
    assert "档案" in content and "所属地区" in content
    for outside in ("跳到正文", "主办单位", "搜索年报", "当前位置", "上一年度"):
        assert outside not in content


def test_every_bundle_is_tagged_with_its_shard_in_the_browser_the_primary_too(search_page: tuple[Any, str], sharded: Path) -> None:
    # Pages carry no shard: search.js tags each bundle with Pagefind's mergeFilter option, given to
    # the primary through options() and to the others through mergeIndex().
    assert "mergeFilter" in (sharded / "pagefind" / "s0" / "pagefind.js").read_text(encoding="utf-8")
    assert "shard:" not in (sharded / YANGJUN).read_text(encoding="utf-8")
    page, _ = search_page
    answer = page.evaluate("""async () => {
      const pf = await window.nianbaoSearch.pagefind();
      const out = {};
      for (const shard of ["s0", "s2", "s6"]) {
        const found = await pf.search("公开", { filters: { shard } });
        out[shard] = { urls: (await Promise.all(found.results.map((r) => r.data()))).map((d) => d.url), counts: found.filters.shard };
      }
      out.all = (await pf.search("公开")).filters.shard;
      return out;
    }""")
    assert [u.lstrip("/") for u in answer["s0"]["urls"]] == [YANGJUN]  # s0 is the primary
    assert [u.lstrip("/") for u in answer["s2"]["urls"]] == [JICHANG]
    assert [u.lstrip("/") for u in answer["s6"]["urls"]] == [YANGTING]
    assert answer["s0"]["counts"] == {"s0": 1, "s2": 0, "s6": 0}
    assert answer["all"] == {"s0": 1, "s2": 1, "s6": 1}


RAW = """async (term) => {
  const found = await (await window.nianbaoSearch.pagefind()).search(term);
  return (await Promise.all(found.results.map((r) => r.data()))).map((d) => d.url);
}"""


def test_a_word_missing_from_one_shard_does_not_widen_the_results(search_page: tuple[Any, str]) -> None:
    # Pagefind drops, per index, a query word that index has never seen: merged as they are, the shard
    # holding only 羊郡镇 answers 羊亭 with every page containing 羊. The search page corrects that.
    page, _ = search_page
    assert YANGJUN in {u.lstrip("/") for u in page.evaluate(RAW, "羊亭")}
    assert reports(page, "羊亭") == {YANGTING}


def on_search_page(browser: Any, site: Path, ask: Callable[[Any], T]) -> T:
    """Serve `site`, open its search page in a new tab and return what `ask` finds there."""
    with serve(site) as base:
        page = browser.new_page()
        page.goto(base + "search/index.html")
        try:
            return ask(page)
        finally:
            page.close()


def test_sharded_and_single_index_give_the_same_results(browser: Any, one_index: Path, sharded: Path) -> None:
    queries: list[tuple[str | None, dict[str, Any]]] = [
        ("羊亭", {}), ("培训", {}), ("行政复议", {}), ("依申请公开", {}), ("档案", {}), ("区块链", {}), ("公开", {}),
        ("网站", {}), ("莱阳", {}), ("政务公开", {}), ("行政诉讼", {}), ("羊亭 培训", {}), ("吉昌 羊郡", {}),
        (None, {"filters": {"year": "2016"}}), ("公开", {"filters": {"town": "环翠区羊亭镇"}}),
        ("公开", {"filters": {"region": "山东省"}, "sort": "year-asc"}),
    ]
    answers = [on_search_page(browser, site, lambda page: [reports(page, term, **options) for term, options in queries])
               for site in (one_index, sharded)]
    assert answers[0] == answers[1]
    assert set().union(*answers[1]) == {JICHANG, YANGJUN, YANGTING}  # every shard answered


FIND_ALL = """async (queries) => {
  const out = [];
  for (const q of queries) {
    const found = await window.nianbaoSearch.find(q);
    out.push((await Promise.all(found.results.map((r) => r.data()))).map((d) => d.url).sort());
  }
  return out;
}"""


def sample_queries(n: int) -> list[str]:
    """Substrings of two to six characters of the reports' narratives, drawn with a fixed seed."""
    runs = [r for p in sorted(CONTENT.rglob("*.md")) for r in re.findall(r"[\u4e00-\u9fff]{2,}", p.read_text(encoding="utf-8"))]
    rng = random.Random(20240601)
    queries = []
    for _ in range(n):
        run = rng.choice(runs)
        size = rng.randint(2, min(6, len(run)))
        start = rng.randint(0, len(run) - size)
        queries.append(run[start:start + size])
    return queries


def test_sampled_queries_give_the_same_results_sharded_and_single(browser: Any, one_index: Path, sharded: Path) -> None:
    queries = sample_queries(80)
    answers = [on_search_page(browser, site, lambda page: page.evaluate(FIND_ALL, queries)) for site in (one_index, sharded)]
    differing = [(q, a, b) for q, a, b in zip(queries, *answers) if a != b]
    assert not differing
    assert sum(1 for a in answers[0] if 0 < len(a) < 3) > 10  # the sample discriminates between reports


def submit(page: Any, base: str, query: str) -> None:
    page.goto(base + "index.html")
    box = "header form[role=search] input[name=q]"
    page.fill(box, query)
    page.press(box, "Enter")  # the header form: a plain GET to search/index.html
    page.wait_for_selector("#search-form[data-state=done]")


def result_links(page: Any) -> list[str]:
    return page.eval_on_selector_all("#search-results li h2 a", "els => els.map(a => a.getAttribute('href'))")


def test_the_header_form_leads_to_results_with_highlighted_excerpts(search_page: tuple[Any, str]) -> None:
    page, base = search_page
    submit(page, base, "行政复议")
    assert page.url.endswith("search/index.html?q=" + quote("行政复议"))
    links = result_links(page)
    assert sorted(link.lstrip("/") for link in links) == sorted([JICHANG, YANGTING])
    assert page.locator("#search-results mark").count() > 0
    assert "找到" in page.inner_text("#search-status")
    page.click(f"#search-results a[href$='{YANGTING}']")
    page.wait_for_load_state()
    assert page.url.endswith(YANGTING)


def test_the_search_page_filters_and_sorts_by_year(search_page: tuple[Any, str]) -> None:
    page, base = search_page
    submit(page, base, "依申请公开")
    page.check("#search-filters input[name=year][value='2016']")
    page.wait_for_function("document.querySelectorAll('#search-results li').length === 2")
    page.wait_for_selector("#search-form[data-state=done]")
    assert sorted(link.lstrip("/") for link in result_links(page)) == sorted([JICHANG, YANGJUN])
    assert "year=2016" in page.url
    page.uncheck("#search-filters input[name=year][value='2016']")
    page.wait_for_function("document.querySelectorAll('#search-results li').length === 3")
    page.select_option("#sort", "year-asc")
    page.wait_for_selector("#search-form[data-state=done]")
    page.wait_for_function("document.querySelectorAll('#search-results li').length === 3")
    assert result_links(page)[-1].lstrip("/") == YANGTING
    page.select_option("#sort", "year-desc")
    page.wait_for_function(f"document.querySelector('#search-results li a')?.getAttribute('href').endsWith('{YANGTING}')")
    page.wait_for_selector("#search-form[data-state=done]")
    assert [link.lstrip("/") for link in result_links(page)][0] == YANGTING


def test_no_results_are_said_in_chinese(search_page: tuple[Any, str]) -> None:
    page, base = search_page
    page.goto(base + "search/index.html?q=" + quote("区块链"))
    page.wait_for_selector("#search-form[data-state=done]")
    assert "没有找到与“区块链”相关的年报" in page.inner_text("#search-status")
    assert result_links(page) == []


def test_without_javascript_the_search_page_says_so(browser: Any, sharded: Path) -> None:
    with serve(sharded) as base:
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(base + "search/index.html?q=" + quote("培训"))
        text = page.inner_text("#search-status")
        assert "需要启用浏览器的 JavaScript" in text
        assert page.get_attribute("#search-status a", "href") == "../index.html"
        context.close()


def test_the_search_page_loads_nothing_from_elsewhere(browser: Any, sharded: Path) -> None:
    with serve(sharded) as base:
        page = browser.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(base + "search/index.html?q=" + quote("培训"))
        page.wait_for_selector("#search-form[data-state=done]")
        assert requests and all(url.startswith(base) for url in requests), requests
        page.close()


# --- the recent-edits overlay ------------------------------------------------------------------

COMPARE = """async (queries) => {
  const out = [];
  for (const [term, filters, sort] of queries) {
    const found = await window.nianbaoSearch.find(term, filters, sort);
    const data = await Promise.all(found.results.map((r) => r.data()));
    // sorted by year: the years in order, the pages of one year as a set (their order by relevance
    // depends on each index's statistics, as between one index and shards)
    const urls = data.map((d) => (sort ? d.meta.year + " " : "") + d.url.replace(/^\\//, ""));
    if (sort) urls.sort((a, b) => (a.slice(0, 4) === b.slice(0, 4) ? a.localeCompare(b) : 0));
    const counts = {};
    for (const [key, values] of Object.entries(found.filters || {})) {
      if (key === "shard") continue;  // which bundle holds a page differs by construction
      const shown = Object.entries(values).filter(([, n]) => n > 0).sort();  // the page shows only these
      if (shown.length) counts[key] = Object.fromEntries(shown);
    }
    out.push({ urls: sort ? urls : urls.sort(), counts });
  }
  return out;
}"""


@pytest.fixture(scope="module", params=["8", "1"])
def edited_sites(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The default content (with 羊郡镇 2017 added) built, then edited (羊亭镇 2021 edited, 羊郡镇 2017
    deleted, 吉昌镇 2017 added) and built again over the same output (with the overlay), and the
    edited content built from scratch. With 8 hash buckets each town has a shard of its own; with
    one, the overlay masks entries in a shard that keeps other towns' pages."""
    root = tmp_path_factory.mktemp("overlay")
    content = root / "content"
    shutil.copytree(CONTENT, content)
    prepare(content)
    rebuilt = root / "rebuilt"
    assert run_cli("build", "--content", str(content), "--out", str(rebuilt), "--search-shards", request.param).code == 0
    edit_delete_add(content)
    assert run_cli("build", "--content", str(content), "--out", str(rebuilt), "--search-shards", request.param).code == 0
    clean = root / "clean"
    assert run_cli("build", "--content", str(content), "--out", str(clean), "--search-shards", request.param).code == 0
    return rebuilt, clean


def test_an_incremental_build_with_the_overlay_answers_like_a_clean_build(browser: Any, edited_sites: tuple[Path, Path]) -> None:
    rebuilt, clean = edited_sites
    assert (rebuilt / "pagefind" / "recent" / "pagefind.js").is_file() and not (clean / "pagefind" / "recent").exists()
    assert len(json.loads((rebuilt / "pagefind" / "layers.json").read_text(encoding="utf-8"))["masked"]) == 2
    assert (rebuilt / "search" / "index.html").read_bytes() == (clean / "search" / "index.html").read_bytes()
    queries: list[tuple[str | None, dict[str, list[str]], str]] = [
        (ADDED_WORD, {}, ""), ("区块链", {}, ""), (APPENDED[:-1], {}, ""), (REMOVED_WORD, {}, ""), ("保密", {}, ""),
        ("2017", {}, ""), ("档案", {}, ""), ("羊亭", {}, ""), ("吉昌", {}, ""), ("羊郡", {}, ""), ("羊郡镇", {}, ""),
        ("莱阳", {}, ""), ("培训", {}, ""), ("公开", {}, ""), ("网站", {}, ""), ("行政诉讼", {}, ""),
        ("依申请公开", {}, ""), ("羊亭 培训", {}, ""), ("吉昌 羊郡", {}, ""),
        (None, {"year": ["2016"]}, ""), (None, {"year": ["2017"]}, ""), ("公开", {"year": ["2021", "2017"]}, ""),
        ("公开", {"town": ["莱阳市羊郡镇"]}, ""), (ADDED_WORD, {"town": ["环翠区羊亭镇"]}, ""),
        (None, {"region": ["山东省"]}, ""), ("公开", {}, "year-desc"), ("公开", {"region": ["山东省"]}, "year-asc"),
        ("档案", {}, "year-asc"),
    ]
    queries += [(q, {}, "") for q in sample_queries(60)]
    answers = [on_search_page(browser, site, lambda page: page.evaluate(COMPARE, queries)) for site in (rebuilt, clean)]
    differing = [(q, a, b) for q, a, b in zip(queries, *answers) if a != b]
    assert not differing
    by_query = {q[0]: a for q, a in zip(queries, answers[0]) if not q[1] and not q[2]}
    assert by_query[ADDED_WORD]["urls"] == [YANGTING]  # the edit is found ...
    # (what it removed: 羊亭镇 keeps 保密 and 审查 apart, so it matches as in the clean build)
    assert YANGJUN in by_query[REMOVED_WORD]["urls"]
    assert by_query["羊郡"]["urls"] == [YANGJUN]  # the deleted report is not found
    assert sorted(by_query["档案"]["urls"]) == [JICHANG, JICHANG_NEW]  # the added one is
    assert by_query["公开"]["counts"]["year"] == {"2016": 2, "2017": 1, "2021": 1}
    assert [u.split()[0] for u in answers[0][queries.index(("公开", {}, "year-desc"))]["urls"]] == ["2021", "2017", "2016", "2016"]


def test_the_search_page_shows_the_overlay_results_and_corrected_counts(browser: Any, edited_sites: tuple[Path, Path]) -> None:
    rebuilt, _ = edited_sites
    with serve(rebuilt) as base:
        page = browser.new_page()
        page.goto(base + "search/index.html?q=" + quote("公开"))
        page.wait_for_selector("#search-form[data-state=done]")
        assert "4 篇" in page.inner_text("#search-status")
        years = page.eval_on_selector_all("#search-filters input[name=year]", "els => els.map(e => e.parentElement.textContent.trim())")
        assert years == ["2021年（1）", "2017年（1）", "2016年（2）"]
        page.check("#search-filters input[name=year][value='2017']")
        page.wait_for_function("document.querySelectorAll('#search-results li').length === 1")
        assert [link.lstrip("/") for link in result_links(page)] == [JICHANG_NEW]
        page.goto(base + "search/index.html?q=" + quote(ADDED_WORD))
        page.wait_for_selector("#search-form[data-state=done]")
        assert [link.lstrip("/") for link in result_links(page)] == [YANGTING]
        page.close()
