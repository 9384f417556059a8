"""The offline archive opened from disk: index.html through a file:// URL in headless Chromium.

Every page is reached by following links from the home page; the search page (the site's own,
packed as it is) is driven from disk and the reports that come back are asserted. The same
queries over HTTP and from disk on a larger corpus: tests/test_search_browser.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote, urlencode

import pytest

from conftest import CONTENT
from sites import built_and_unpacked

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_and_unpacked(CONTENT, tmp_path_factory.mktemp("offline"), "年报存档")[1]


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
    wait_done(w.page)
    return [town_of(u) for u in w.page.locator("#search-results li").evaluate_all("els => els.map(e => e.querySelector('a').href)")]


def wait_done(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_selector("#search-form[data-state=done], #search-form[data-state=idle], #search-form[data-state=error]", state="attached")


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


def test_a_search_box_on_any_page_submits_to_the_search_page(watched: Watched, unpacked: Path) -> None:
    page = watched.page
    # a report page two folders down, and the search page itself; the site header's box, when the
    # theme has one, is a GET form to …/search/index.html like the search page's own form
    for start in (next(unpacked.glob("shandong/**/yangting/2021/index.html")), unpacked / "search" / "index.html"):
        page.goto(start.as_uri())
        forms = page.locator("form[action$='search/index.html'], form#search-form")
        for i in range(forms.count()):
            page.goto(start.as_uri())
            if start.name == "index.html" and start.parent.name == "search":
                wait_done(page)
            box = page.locator("form[action$='search/index.html'], form#search-form").nth(i).locator("input[name=q]")
            box.fill("行政复议")
            box.press("Enter")
            page.wait_for_url("**/search/index.html?*")
            wait_done(page)
            found = page.locator("#search-results h2 a").evaluate_all("els => els.map(e => e.href)")
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
        ({"q": "公开", "town": "shandong/weihai/huancui/yangting"}, {"yangting"}),  # filter by town
        ({"year": "2021"}, set()),  # a filter alone searches nothing: it narrows a query
        ({"q": "行政复议 环翠"}, {"yangting"}),  # every term must occur
        ({"q": "２０２１年"}, {"yangting"}),  # full-width digits are folded
    ],
)
def test_offline_search_finds_the_right_reports(watched: Watched, unpacked: Path, params: dict[str, str], expected: set[str]) -> None:
    found = search(watched, unpacked, **params)
    assert set(found) == expected
    assert len(found) == len(set(found))
    status = watched.page.locator("#search-status").inner_text()
    if "q" in params:
        assert (f"找到 {len(expected)} 篇" in status) if expected else ("没有找到" in status)
    else:
        assert "请输入要查找的词语" in status


def test_results_show_title_excerpt_with_marks_and_link_to_the_report(watched: Watched, unpacked: Path) -> None:
    search(watched, unpacked, q="行政复议")
    first = watched.page.locator("#search-results li").first
    marks = first.locator(".excerpt mark").all_inner_texts()
    assert marks and set(marks) == {"行政复议"}
    link = first.locator("h2 a")
    title = link.inner_text()
    assert "年度报告" in title
    assert link.get_attribute("href").startswith("file://")
    link.click()
    watched.page.wait_for_load_state()
    assert watched.page.locator("h1").inner_text() == title


def test_typing_into_the_box_and_the_filters_submit_from_disk(watched: Watched, unpacked: Path) -> None:
    page = watched.page
    page.goto((unpacked / "index.html").as_uri())
    page.goto((unpacked / "search" / "index.html").as_uri())
    wait_done(page)
    assert "请输入要查找的词语" in page.locator("#search-status").inner_text()
    assert page.locator("#f-year option").all_inner_texts() == ["全部年度", "2021年", "2016年"]
    page.fill("#q", "依申请公开")
    page.select_option("#f-town", "jilin/jilinshi/panshi/jichang")  # the search starts when a filter changes
    wait_done(page)
    page.press("#q", "Enter")
    page.wait_for_url("**/search/index.html?*")
    wait_done(page)
    assert [town_of(u) for u in page.locator("#search-results h2 a").evaluate_all("els => els.map(e => e.href)")] == ["jichang"]
    assert page.input_value("#q") == "依申请公开"
    assert page.locator("#f-town").input_value() == "jilin/jilinshi/panshi/jichang"


def test_reading_works_without_javascript(browser, unpacked: Path) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((unpacked / "search" / "index.html").as_uri())
    assert "启用浏览器的 JavaScript" in page.locator("main").inner_text()
    page.goto((unpacked / "index.html").as_uri())
    assert page.locator("main a[href$='/index.html']").count() >= 3
    context.close()
