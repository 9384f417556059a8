"""The offline archive opened from disk: index.html through a file:// URL in headless Chromium.

Every page is reached by following links from the home page; the offline search page is driven
with the queries the web search is tested with, and the reports that come back are asserted.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote, urlencode

import pytest

from browser import serve
from conftest import run_cli
from generator.archive.grams import query_terms, shard_of, term_grams

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def unpacked(built_default: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("offline")
    out = where / "年报存档.zip"
    result = run_cli("archive", "--site", str(built_default), "--out", str(out))
    assert result.code == 0, result.err
    with zipfile.ZipFile(out) as z:
        z.extractall(where / "unpacked")
    return where / "unpacked" / "年报存档"


class Watched:
    """A page that records console errors, page errors and every request that is not a local file."""

    def __init__(self, page) -> None:  # type: ignore[no-untyped-def]
        self.page = page
        self.problems: list[str] = []
        page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(f"blocked: {r.url} {r.failure}"))
        page.on("request", lambda r: None if r.url.startswith("file://") else self.problems.append(f"not a file: {r.url}"))


@pytest.fixture
def watched(browser) -> Iterator[Watched]:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    w = Watched(context.new_page())
    yield w
    context.close()
    assert w.problems == []


def search(w: Watched, root: Path, **params: str) -> list[str]:
    w.page.goto((root / "search" / "index.html").as_uri() + "?" + urlencode(params, quote_via=quote))
    w.page.wait_for_selector("body[data-search-done]")
    return [town_of(u) for u in w.page.locator("#offline-results li").evaluate_all("els => els.map(e => e.querySelector('a').href)")]


def town_of(url: str) -> str:
    """The town folder of a report URL (…/yangjun/2016/index.html -> yangjun), checking it is a file URL."""
    assert url.startswith("file://") and url.endswith("/index.html"), url
    return url.split("/")[-3]


def test_every_page_is_reached_by_links_from_the_home_page(watched: Watched, unpacked: Path) -> None:
    page = watched.page
    start = (unpacked / "index.html").as_uri()
    seen, queue = {start}, [start]
    while queue:
        url = queue.pop()
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == "zh-CN"
        # a missing or blocked stylesheet, script or image shows up as a failed request, which the
        # `watched` fixture turns into a failure
        assert page.locator("link[rel=stylesheet]").count() >= 1
        for href in page.locator("a[href]").evaluate_all("els => els.map(e => e.href)"):
            if href.startswith("file://"):
                target = href.split("#")[0].split("?")[0]
                assert Path(unquote(target[len("file://"):])).is_file(), f"{url} -> {href}"
                if target not in seen and target.endswith(".html"):
                    seen.add(target)
                    queue.append(target)
    reports = {town_of(u) for u in seen if u.split("/")[-2].isdigit() and u.split("/")[-3] != "years"}  # not the year pages
    assert reports == {"jichang", "yangjun", "yangting"}


def test_a_search_box_on_any_page_submits_to_the_offline_search(watched: Watched, unpacked: Path) -> None:
    page = watched.page
    # a report page two folders down, and the search page itself; the site header's box, when the
    # theme has one, is a GET form to …/search/index.html like the offline page's own form
    for start in (next(unpacked.glob("shandong/**/yangting/2021/index.html")), unpacked / "search" / "index.html"):
        page.goto(start.as_uri())
        forms = page.locator("form[action$='search/index.html'], form#offline-search")
        for i in range(forms.count()):
            page.goto(start.as_uri())
            if start.name == "index.html" and start.parent.name == "search":
                page.wait_for_selector("body[data-search-done]")
            box = page.locator("form[action$='search/index.html'], form#offline-search").nth(i).locator("input[name=q]")
            box.fill("行政复议")
            box.press("Enter")
            page.wait_for_url("**/search/index.html?*")
            page.wait_for_selector("body[data-search-done]")
            found = page.locator("#offline-results a").evaluate_all("els => els.map(e => e.href)")
            assert sorted(town_of(u) for u in found) == ["jichang", "yangting"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "羊郡镇"}, {"yangjun"}),  # a town name
        ({"q": "培训"}, {"jichang", "yangting"}),  # a two-character word
        ({"q": "依申请公开"}, {"jichang", "yangjun", "yangting"}),  # a four/five-character term
        ({"q": "行政复议"}, {"jichang", "yangting"}),
        ({"q": "档案"}, {"jichang"}),  # a term in one report only
        ({"q": "保密管理"}, {"jichang"}),  # a phrase is matched as written (保密 and 管理 apart elsewhere do not count)
        ({"q": "区块链"}, set()),  # a term in none
        ({"q": "公开", "year": "2016"}, {"jichang", "yangjun"}),  # filter by year
        ({"q": "公开", "town": "环翠区羊亭镇"}, {"yangting"}),  # filter by town
        ({"year": "2021"}, {"yangting"}),  # a filter alone lists its reports
        ({"q": "行政复议 环翠"}, {"yangting"}),  # every term must occur
        ({"q": "２０２１年"}, {"yangting"}),  # full-width digits are folded
    ],
)
def test_offline_search_finds_the_right_reports(watched: Watched, unpacked: Path, params: dict[str, str], expected: set[str]) -> None:
    found = search(watched, unpacked, **params)
    assert set(found) == expected
    assert len(found) == len(set(found))
    status = watched.page.locator("#offline-status").inner_text()
    assert (f"找到 {len(expected)} 份年报" in status) if expected else ("没有找到" in status)


def test_results_show_title_excerpt_with_marks_and_link_to_the_report(watched: Watched, unpacked: Path) -> None:
    search(watched, unpacked, q="行政复议")
    first = watched.page.locator("#offline-results li").first
    marks = first.locator(".excerpt mark").all_inner_texts()
    assert marks and set(marks) == {"行政复议"}
    link = first.locator("h2 a")
    title = link.inner_text()
    assert "年度报告" in title
    assert link.get_attribute("href").startswith("../")
    link.click()
    watched.page.wait_for_load_state()
    assert watched.page.locator("h1").inner_text() == title


def test_typing_into_the_box_and_the_filters_submit_from_disk(watched: Watched, unpacked: Path) -> None:
    page = watched.page
    page.goto((unpacked / "index.html").as_uri())
    page.goto((unpacked / "search" / "index.html").as_uri())
    page.wait_for_selector("body[data-search-done]")
    assert "共收录 3 份年报" in page.locator("#offline-status").inner_text()
    assert page.locator("#offline-year option").all_inner_texts() == ["全部年度", "2021年", "2016年"]
    page.fill("#offline-q", "依申请公开")
    page.select_option("#offline-town", "磐石市吉昌镇")
    page.press("#offline-q", "Enter")
    page.wait_for_url("**/search/index.html?*")
    page.wait_for_selector("body[data-search-done]")
    assert [town_of(u) for u in page.locator("#offline-results a").evaluate_all("els => els.map(e => e.href)")] == ["jichang"]
    assert page.input_value("#offline-q") == "依申请公开"
    assert page.locator("#offline-town").input_value() == "磐石市吉昌镇"


def test_reading_works_without_javascript(browser, unpacked: Path) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((unpacked / "search" / "index.html").as_uri())
    assert "启用 JavaScript" in page.locator("main").inner_text()
    page.goto((unpacked / "index.html").as_uri())
    assert page.locator("main a[href$='/index.html']").count() >= 3
    context.close()


# The queries of the web search's tests, without filters (the filters need the web search's markup).
PARITY = ["羊郡镇", "吉昌镇", "羊亭镇", "培训", "便民", "依申请公开", "行政复议", "行政诉讼", "政务公开", "档案", "磐石", "区块链", "张三", "2016"]


@pytest.fixture(scope="module")
def pagefind_site(built_default: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default site indexed by Pagefind (extended), as `nianbao build` does for the web."""
    site = tmp_path_factory.mktemp("web") / "site"
    shutil.copytree(built_default, site)
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        if "data-pagefind-body" not in html:
            page.write_text(html.replace('<article class="report">', '<article class="report" data-pagefind-body>'), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return site


def test_offline_search_finds_what_the_web_search_finds(browser, watched: Watched, unpacked: Path, pagefind_site: Path) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()  # the web search is served over HTTP, apart from the file:// page being watched
    web_page = context.new_page()
    with serve(pagefind_site) as base:
        web_page.goto(base + "index.html")
        web = {
            q: sorted(town_of_path(u) for u in web_page.evaluate(
                """async q => { const pf = await import('/pagefind/pagefind.js');
                   const r = await pf.search(q); return Promise.all(r.results.map(async x => (await x.data()).url)); }""",
                q,
            ))
            for q in PARITY
        }
    context.close()
    assert web["依申请公开"] and web["区块链"] == [], "Pagefind answered"
    offline = {q: sorted(search(watched, unpacked, q=q)) for q in PARITY}
    assert offline == web


def town_of_path(url: str) -> str:
    """…/yangjun/2016/ or …/yangjun/2016/index.html -> yangjun (Pagefind drops index.html unless told to keep it)."""
    parts = url.removesuffix("index.html").rstrip("/").split("/")
    assert parts[-1].isdigit(), url
    return parts[-2]


TRICKY = [
    "依申请公开　行政复议", "ＡＢＣ１２３，Ｄｅｆ", "2021年8.1%", "Ünïcode façade", "①②③ ㈠", "𠀀𠀁中文𠀂",
    "ｶﾀｶﾅ ﾞ", "羊亭镇（环翠区）", "《条例》第二十条", "e\u0301", "ﬁle", "Ⅻ章", "x×y÷z", "한국어 日本語",
    "constructor __proto__ toString constructor",
]


def test_the_browser_engine_segments_exactly_as_the_indexer(watched: Watched, unpacked: Path) -> None:
    watched.page.goto((unpacked / "search" / "index.html").as_uri())
    watched.page.wait_for_selector("body[data-search-done]")
    for text in TRICKY:
        js = watched.page.evaluate(
            "t => { const n = window.NianbaoOffline; return n.terms(t).map(x => [x, n.termGrams(x), n.termGrams(x).map(g => n.shardOf(g, 97))]); }",
            text,
        )
        py = [[t, term_grams(t), [shard_of(g, 97) for g in term_grams(t)]] for t in query_terms(text)]
        assert js == py, text
