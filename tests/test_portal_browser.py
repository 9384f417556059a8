"""What a citizen sees in a real browser: accessibility audit, keyboard use, elder mode, phone width.

axe-core comes from the npm registry (tests/package.json, installed by `npm ci --prefix tests`,
which `.ci/run` and `make test` do) and is injected into each page in headless Chromium.
Screenshots go to test-artifacts/screenshots/ (not committed) for people to look at.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from browser import serve

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = REPO / "test-artifacts" / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

JICHANG = "jilin/jilinshi/panshi/jichang"
YANGTING = "shandong/weihai/huancui/yangting"
PAGES = {
    "home": "index.html",
    "region": "shandong/weihai/index.html",
    "town": f"{YANGTING}/index.html",
    "report": f"{YANGTING}/2021/index.html",
    "report-2008": f"{JICHANG}/2016/index.html",
    "years": "years/index.html",
    "year": "years/2016/index.html",
    "compare": "compare/index.html",
    "data": "data/index.html",
    "sitemap": "sitemap.html",
    "404": "404.html",
}


@pytest.fixture(scope="module")
def base_url(built_default: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site served under the base path its site.yaml names (/xxgk/nb/), as on the county portal."""
    host = tmp_path_factory.mktemp("host")
    (host / "xxgk").mkdir()
    (host / "xxgk" / "nb").symlink_to(built_default, target_is_directory=True)
    with serve(host) as url:
        yield url + "xxgk/nb/"


@pytest.fixture
def tab(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    if not AXE.is_file():
        if os.environ.get("CI"):
            pytest.fail("axe-core is missing: run `npm ci --prefix tests`")
        pytest.skip("axe-core not installed (npm ci --prefix tests)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", WCAG_TAGS)
    return [f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in result["violations"]]


def set_elder(page, on: bool) -> None:  # type: ignore[no-untyped-def]
    page.evaluate("on => on ? localStorage.setItem('nianbao-mode', 'elder') : localStorage.removeItem('nianbao-mode')", on)


@pytest.mark.parametrize("kind", sorted(PAGES))
def test_axe_finds_no_wcag_violations(tab, base_url: str, kind: str) -> None:  # type: ignore[no-untyped-def]
    tab.goto(base_url + PAGES[kind])
    set_elder(tab, False)
    tab.reload()
    assert axe_violations(tab) == []
    set_elder(tab, True)
    tab.reload()
    assert tab.evaluate("document.documentElement.classList.contains('elder')")
    assert axe_violations(tab) == []


def test_the_audit_can_fail(tab, base_url: str) -> None:  # type: ignore[no-untyped-def]
    tab.goto(base_url + PAGES["home"])
    tab.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"x.png\"><p style=\"color:#bbb\">浅色文字</p>')")
    found = " ".join(axe_violations(tab))
    assert "image-alt" in found and "color-contrast" in found


def text_metrics(page) -> dict[str, float]:  # type: ignore[no-untyped-def]
    return page.evaluate(
        """() => {
          const px = (el) => parseFloat(getComputedStyle(el).fontSize);
          const texts = [...document.querySelectorAll('main p, main li, main td, main th, footer p')].filter(e => e.offsetParent);
          const body = Math.min(...texts.map(px));
          const largest = Math.max(...[...document.querySelectorAll('body *')].filter(e => e.offsetParent).map(px));
          const p = document.querySelector('main p') || document.querySelector('main li');
          const lh = parseFloat(getComputedStyle(p).lineHeight) / px(p);
          const targets = [...document.querySelectorAll('header a, header button, header input, nav a, main li > a, main td > a, main th > a, footer li > a')]
            .filter(e => e.offsetParent).map(e => e.getBoundingClientRect()).map(r => Math.min(r.width, r.height));
          return {body, largest, lineHeight: lh, smallestTarget: Math.min(...targets)};
        }"""
    )


def test_text_sizes_and_targets_normal_and_elder(tab, base_url: str) -> None:  # type: ignore[no-untyped-def]
    tab.goto(base_url + PAGES["report"])
    normal = text_metrics(tab)
    assert normal["body"] >= 16 and normal["largest"] >= 30 and normal["lineHeight"] >= 1.3
    assert normal["smallestTarget"] >= 44
    tab.click("text=长辈版")
    elder = text_metrics(tab)
    assert elder["body"] >= 18 and elder["largest"] >= 30 and elder["lineHeight"] >= 1.3
    assert elder["smallestTarget"] >= 60
    # the choice is remembered on the next page
    tab.goto(base_url + PAGES["town"])
    assert tab.evaluate("document.documentElement.classList.contains('elder')")
    assert text_metrics(tab)["body"] >= 18
    tab.click("text=标准版")
    assert text_metrics(tab)["body"] == pytest.approx(normal["body"])
    tab.goto(base_url + PAGES["home"])
    assert not tab.evaluate("document.documentElement.classList.contains('elder')")


@pytest.mark.parametrize("kind", sorted(PAGES))
def test_every_page_meets_the_elder_care_numbers(tab, base_url: str, kind: str) -> None:  # type: ignore[no-untyped-def]
    tab.goto(base_url + PAGES[kind])
    set_elder(tab, False)
    tab.reload()
    normal = text_metrics(tab)
    assert (normal["body"] >= 16, normal["largest"] >= 30, normal["lineHeight"] >= 1.3, normal["smallestTarget"] >= 44) == (True,) * 4, normal
    set_elder(tab, True)
    tab.reload()
    elder = text_metrics(tab)
    assert (elder["body"] >= 18, elder["largest"] >= 30, elder["lineHeight"] >= 1.3, elder["smallestTarget"] >= 60) == (True,) * 4, elder


def test_elder_mode_works_without_javascript(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(base_url + PAGES["report"])
        before = text_metrics(page)["body"]
        page.click("text=长辈版")
        assert page.url.endswith("#elder")
        after = text_metrics(page)
        assert after["body"] >= 18 > before
        assert after["smallestTarget"] >= 60
        assert page.is_visible("text=标准版") and not page.is_visible("text=长辈版")
        # big tables read in a sensible order without the sorting script
        page.goto(base_url + PAGES["year"])
        assert page.locator("#year-table tbody th a").all_inner_texts() == ["吉昌镇", "羊郡镇"]
    finally:
        context.close()


def reachable_by_tab(page, limit: int = 400) -> list[str]:  # type: ignore[no-untyped-def]
    """Press Tab until focus comes back round; describe each focused element."""
    seen: list[str] = []
    page.locator("body").focus()
    for _ in range(limit):
        page.keyboard.press("Tab")
        described = page.evaluate(
            """() => { const e = document.activeElement;
                if (!e || e === document.body) return '';
                return e.tagName + '|' + (e.getAttribute('href') || e.getAttribute('name') || e.id || ''); }"""
        )
        if described and seen and described == seen[0]:
            break
        if described:
            seen.append(described)
    return seen


@pytest.mark.parametrize("kind", ["home", "town", "report", "year", "compare"])
def test_keyboard_reaches_search_and_every_link(tab, base_url: str, kind: str) -> None:  # type: ignore[no-untyped-def]
    tab.goto(base_url + PAGES[kind])
    reached = set(reachable_by_tab(tab))
    assert "INPUT|q" in reached
    links = tab.evaluate(
        """() => [...document.querySelectorAll('a[href]')].filter(a => a.getClientRects().length && getComputedStyle(a).visibility !== 'hidden')
             .map(a => 'A|' + a.getAttribute('href'))"""
    )
    assert links
    missing = sorted(set(links) - reached)
    assert missing == []
    focus_style = tab.evaluate("() => { const a = document.querySelector('main a'); a.focus(); return getComputedStyle(a).outlineStyle; }")
    assert focus_style != "none"  # visible focus


def test_sorting_script_enhances_the_year_table(tab, base_url: str) -> None:  # type: ignore[no-untyped-def]
    tab.goto(base_url + PAGES["year"])
    rows = tab.locator("#year-table tbody th a")
    assert rows.all_inner_texts() == ["吉昌镇", "羊郡镇"]
    header = tab.locator("#year-table thead th", has_text="主动公开政府信息数")
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    assert rows.all_inner_texts() == ["羊郡镇", "吉昌镇"]  # 56 < 70
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    assert rows.all_inner_texts() == ["吉昌镇", "羊郡镇"]
    tab.fill(".table-filter input", "羊郡")
    assert [r for r in rows.all() if r.is_visible()] and rows.nth(0).is_hidden()


def test_compare_filter_narrows_every_table(tab, base_url: str) -> None:  # type: ignore[no-untyped-def]
    tab.goto(base_url + PAGES["compare"])
    assert tab.locator(".table-filter input").count() == 1
    tab.fill(".table-filter input", "羊亭")
    visible = tab.locator("table.sortable tbody tr:visible th a").all_inner_texts()
    assert visible and set(visible) == {"羊亭镇"}


@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("kind", ["home", "town", "report", "compare"])
def test_screenshots_and_no_horizontal_scroll_on_a_phone(browser, base_url: str, kind: str, width: int) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        page.goto(base_url + PAGES[kind])
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{kind}-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if width == 360:
            set_elder(page, True)
            page.reload()
            page.screenshot(path=str(SHOTS / f"{kind}-{width}-elder.png"), full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()


def test_the_site_works_opened_from_disk(tab, built_default: Path) -> None:  # type: ignore[no-untyped-def]
    failed: list[str] = []
    tab.on("requestfailed", lambda request: failed.append(request.url))
    tab.goto((built_default / "index.html").as_uri())
    band = "getComputedStyle(document.querySelector('header.band')).backgroundColor"
    assert tab.evaluate(band) == "rgb(163, 25, 27)"  # the stylesheet loaded
    with tab.expect_navigation():
        tab.click("a.place:text('羊亭镇')")
    assert tab.url.endswith("/shandong/weihai/huancui/yangting/index.html")
    with tab.expect_navigation():
        tab.click("text=2021年度：")
    assert tab.url.endswith("/yangting/2021/index.html")
    assert tab.evaluate(band) == "rgb(163, 25, 27)"
    with tab.expect_navigation():
        tab.click("nav.crumbs a:text('首页')")
    assert tab.url == (built_default / "index.html").as_uri()
    assert failed == []


def test_print_shows_the_report_without_the_site_controls(tab, base_url: str) -> None:  # type: ignore[no-untyped-def]
    tab.goto(base_url + PAGES["report"])
    tab.emulate_media(media="print")
    assert not tab.is_visible("header.band") and not tab.is_visible("nav.pager") and not tab.is_visible("section.downloads")
    assert tab.is_visible("article.report h1") and tab.is_visible("#table-applications")
    assert tab.evaluate("getComputedStyle(document.querySelector('.table-scroll')).overflowX") == "visible"
