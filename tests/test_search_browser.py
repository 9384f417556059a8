"""Search as a citizen uses it: the search page in headless Chromium, over HTTP and from file:// of
the unpacked archive, on a synthetic corpus with planted terms whose reports are known.

The truth is computed from the model (every report's searched text, brute force), never from
the index: each query's count must be exact, every result must hold the query, and the web and
the archive must return the same reports.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlencode

import pytest

from browser import serve
from conftest import run_cli
from sites import built_and_unpacked
from generator.build.pipeline import check
from generator.formats import catalogue
from generator.search.documents import SearchDoc, searched_text, site_docs
from generator.search.normalise import run_text, search_terms
from generator.search.reader import payload

pytestmark = pytest.mark.browser

NAME = "鹤汀湾"  # a made-up place name, in the reports of one town only
PHRASE = "绿萝社区议事会按季召开"  # in exactly PHRASE_REPORTS reports (longer than four characters)
PHRASE_REPORTS = 7
NONE = "区块链"  # in no report
ALL = "政府信息公开"  # in every report
SCATTERED = "鹭洲码头栈桥修缮"  # in SCATTERED_REPORTS reports; its four-character grams, apart, in as many others
SCATTERED_REPORTS = 12


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """40 towns × 3 years of synthetic content, with the terms above planted in the narratives."""
    content = tmp_path_factory.mktemp("corpus") / "content"
    made = run_cli("synth", "--towns", "40", "--years", "2021-2023", "--out", str(content))
    assert made.code == 0, made.err
    narratives = sorted(content.rglob("20*.md"))
    towns = sorted({p.parent for p in narratives})
    for path in sorted(towns[7].glob("20*.md")):
        _append(path, f"{NAME}码头今年完成维修。")
    for path in random.Random(17).sample([p for p in narratives if p.parent != towns[7]], PHRASE_REPORTS):
        _append(path, f"{PHRASE}，听取群众意见。")
    grams_apart = "。".join(SCATTERED[i : i + 4] for i in range(len(SCATTERED) - 3))
    others = [p for p in narratives if p.parent != towns[7]]
    for n, path in enumerate(random.Random(23).sample(others, 2 * SCATTERED_REPORTS)):
        _append(path, f"{SCATTERED}。" if n % 2 else f"{grams_apart}。")
    return content


def _append(path: Path, sentence: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{sentence}\n", encoding="utf-8")


@pytest.fixture(scope="module")
def docs(corpus: Path) -> list[SearchDoc]:
    checked = check(corpus)
    assert checked.site is not None
    return site_docs(checked.site, catalogue())


def truth(docs: list[SearchDoc], query: str, keep: Any = lambda d: True) -> set[str]:
    """The keys (town path/year) of the reports whose searched text holds every term of `query`."""
    terms = search_terms(query)
    return {d.key for d in docs if keep(d) and all(t in run_text(searched_text(d)) for t in terms)}


@pytest.fixture(scope="module")
def sites(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The built site, and the unpacked archive of it."""
    return built_and_unpacked(corpus, tmp_path_factory.mktemp("sites"), "nianbao")


class Searcher:
    """The search page at `base` (http://… or file://…), with every request it makes recorded."""

    def __init__(self, page: Any, base: str) -> None:
        self.page, self.base = page, base
        self.requests: list[str] = []
        self.problems: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("response", lambda r: self.problems.append(f"{r.status} {r.url}") if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
        page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url}"))

    def open(self, **params: str) -> None:
        query = urlencode(params, quote_via=quote)
        self.page.goto(self.base + "search/index.html" + (f"?{query}" if query else ""))
        self.wait()

    def wait(self) -> None:
        self.page.wait_for_selector("#search-form[data-state=done], #search-form[data-state=idle], #search-form[data-state=error]",
                                    state="attached")

    def count(self) -> int:
        """The count the page says is exact."""
        status = self.page.locator("#search-status").inner_text()
        if "没有找到" in status:
            return 0
        m = re.search(r"找到 (\d+) 篇含有", status)
        assert m, status
        return int(m.group(1))

    def pending(self) -> tuple[int, int] | None:
        """(found, still to be read) while some candidates of a long term are not read yet (None: the count is exact)."""
        m = re.search(r"已找到 (\d+) 篇含有.*另有 (\d+) 篇含有这个词语的每四个字、有待核对", self.page.locator("#search-status").inner_text())
        return (int(m.group(1)), int(m.group(2))) if m else None

    def shown(self) -> list[str]:
        """The report keys of the results on screen, in order."""
        hrefs = self.page.locator("#search-results h2 a").evaluate_all("els => els.map(e => e.href)")
        return [key_of(self.base, h) for h in hrefs]

    def more(self) -> None:
        before = len(self.shown())
        self.page.click("#search-more")
        # polled on a timer: a page that is not in front gets no animation frames to poll on
        self.page.wait_for_function(f"document.querySelectorAll('#search-results li').length > {before}", polling=20)

    def everything(self, **params: str) -> list[str]:
        """Every result of a search, "显示更多" pressed until there are no more."""
        self.open(**params)
        while self.page.locator("#search-more").is_visible():
            self.more()
        return self.shown()


def key_of(base: str, href: str) -> str:
    assert href.startswith(base) and href.endswith("/index.html"), href
    return unquote(href[len(base) : -len("/index.html")])


@pytest.fixture(scope="module")
def searchers(browser: Any, sites: tuple[Path, Path]) -> Iterator[tuple[Searcher, Searcher]]:
    site, unpacked = sites
    context = browser.new_context()
    with serve(site) as base:
        web, offline = Searcher(context.new_page(), base), Searcher(context.new_page(), unpacked.as_uri() + "/")
        yield web, offline
    context.close()
    assert web.problems == [] and offline.problems == []
    assert all(u.startswith(web.base) for u in web.requests), "the web search loads nothing from elsewhere"
    assert all(u.startswith(offline.base) for u in offline.requests), "the archive's search loads only its own files"


QUERIES = [NAME, PHRASE, NONE, ALL, f"{NAME} 2022", f"{ALL} {PHRASE}", "行政复议", "依申请公开", SCATTERED]


@pytest.mark.parametrize("query", QUERIES)
def test_exact_counts_only_reports_with_the_query_the_same_on_the_web_and_from_disk(
    searchers: tuple[Searcher, Searcher], docs: list[SearchDoc], query: str
) -> None:
    expected = truth(docs, query)
    web, offline = searchers
    found = {}
    for searcher in (web, offline):
        keys = searcher.everything(q=query)
        assert searcher.count() == len(expected), (searcher.base, query)
        assert len(keys) == len(set(keys))
        assert set(keys) == expected, (searcher.base, query)  # none without the query, none missing
        found[searcher.base] = keys
    assert found[web.base] == found[offline.base], "the same reports in the same order"


def test_a_long_term_says_what_is_found_and_what_is_still_to_read(searchers: tuple[Searcher, Searcher],
                                                                        docs: list[SearchDoc]) -> None:
    """A term longer than four characters is looked up by its four-character grams: reports holding
    them apart are candidates, so the page says how many it has read and found, and how many are
    still to be read, until every candidate has been read."""
    expected = truth(docs, SCATTERED)
    assert len(expected) == SCATTERED_REPORTS
    for searcher in searchers:
        searcher.open(q=SCATTERED)
        pending = searcher.pending()
        assert pending is not None, searcher.base
        found, unread = pending
        assert found == 10 and 2 <= unread <= SCATTERED_REPORTS + 2, (searcher.base, pending)
        assert set(searcher.shown()) <= expected and len(searcher.shown()) == 10
        searcher.more()
        assert searcher.pending() is None and searcher.count() == SCATTERED_REPORTS
        assert set(searcher.shown()) == expected


def test_the_planted_terms_are_where_they_were_planted(docs: list[SearchDoc]) -> None:
    assert len(truth(docs, NAME)) == 3 and len({k.rsplit("/", 1)[0] for k in truth(docs, NAME)}) == 1
    assert len(truth(docs, PHRASE)) == PHRASE_REPORTS
    assert truth(docs, NONE) == set()
    assert len(truth(docs, ALL)) == len(docs) == 120


def test_filters_combine_with_the_query(searchers: tuple[Searcher, Searcher], docs: list[SearchDoc], sites: tuple[Path, Path]) -> None:
    meta = payload(sites[0] / "search-data/meta.js")
    assert isinstance(meta, dict)
    region_index = next(i for i, r in enumerate(meta["regions"]) if r[1] >= 0)  # a region below the top
    region_name = meta["regions"][region_index][0]
    town = docs[40]
    cases: list[tuple[dict[str, str], Any]] = [
        ({"year": "2022"}, lambda d: d.year == 2022),
        ({"town": town.town_path}, lambda d: d.town_path == town.town_path),
        ({"region": str(region_index)}, lambda d: region_name in d.region),
        ({"format": docs[0].format}, lambda d: d.format == docs[0].format),
        ({"year": "2023", "region": str(region_index)}, lambda d: d.year == 2023 and region_name in d.region),
    ]
    for searcher in searchers:
        for filters, keep in cases:
            for query in (ALL, PHRASE) if len(filters) == 1 else (ALL,):
                expected = truth(docs, query, keep)
                assert set(searcher.everything(q=query, **filters)) == expected, (searcher.base, query, filters)
                assert searcher.count() == len(expected)
                for key, value in filters.items():  # the filters show what was chosen
                    assert searcher.page.locator(f"#f-{key}").input_value() == value


def test_more_loads_the_next_ten_only(searchers: tuple[Searcher, Searcher]) -> None:
    for searcher in searchers:
        searcher.open(q=ALL[-4:])  # four characters: the count is exact before any text is read
        assert len(searcher.shown()) == 10 and searcher.count() == 120
        documents = [u for u in searcher.requests if "/search-data/d/" in u]
        searcher.more()
        assert len(searcher.shown()) == 20
        loaded = [u for u in searcher.requests if "/search-data/d/" in u][len(documents):]
        assert 0 < len(loaded) <= 10, "the next ten reports' texts, and no others"


def test_sorting_by_year(searchers: tuple[Searcher, Searcher], docs: list[SearchDoc]) -> None:
    year = {d.key: d.year for d in docs}
    for searcher in searchers:
        newest = searcher.everything(q=PHRASE, sort="newest")
        assert [year[k] for k in newest] == sorted((year[k] for k in newest), reverse=True)
        oldest = searcher.everything(q=PHRASE, sort="oldest")
        assert [year[k] for k in oldest] == sorted(year[k] for k in oldest)
        assert set(newest) == set(oldest) == truth(docs, PHRASE)
        assert searcher.page.locator("#sort").input_value() == "oldest"


def test_results_show_town_year_and_the_hit_marked(searchers: tuple[Searcher, Searcher], docs: list[SearchDoc]) -> None:
    by_key = {d.key: d for d in docs}
    for searcher in searchers:
        searcher.open(q=PHRASE)
        items = searcher.page.locator("#search-results li")
        keys = searcher.shown()
        for i, key in enumerate(keys):
            doc = by_key[key]
            item = items.nth(i)
            assert item.locator("h2 a").inner_text() == doc.title
            meta = item.locator(".result-meta").inner_text()
            assert doc.town in meta and f"{doc.year}年度" in meta
            assert PHRASE in "".join(item.locator(".excerpt mark").all_inner_texts())


def test_typed_into_the_home_page_box_with_the_keyboard(searchers: tuple[Searcher, Searcher], docs: list[SearchDoc]) -> None:
    for searcher in searchers:
        page = searcher.page
        page.goto(searcher.base + "index.html")
        page.fill("#home-search", NAME)
        page.press("#home-search", "Enter")
        page.wait_for_url("**/search/index.html?*")
        searcher.wait()
        assert set(searcher.shown()) == truth(docs, NAME) and page.input_value("#q") == NAME
        page.focus("#q")  # a new query typed into the search page's own box
        page.fill("#q", PHRASE)
        page.keyboard.press("Enter")
        page.wait_for_function(f"document.getElementById('search-status').innerText.includes('{PHRASE}')")
        searcher.wait()
        assert searcher.count() == PHRASE_REPORTS and set(searcher.shown()) <= truth(docs, PHRASE)
        page.focus("#f-year")
        page.keyboard.press("ArrowDown")  # a filter chosen with the keyboard searches again
        page.wait_for_function("location.search.includes('year=')")
        searcher.wait()
        chosen = page.locator("#f-year").input_value()
        assert set(searcher.shown()) <= truth(docs, PHRASE, lambda d: str(d.year) == chosen)


def test_an_empty_query_searches_nothing_and_says_what_to_type(searchers: tuple[Searcher, Searcher]) -> None:
    for searcher in searchers:
        searcher.open()
        assert "请输入要查找的词语" in searcher.page.locator("#search-status").inner_text()
        assert searcher.shown() == [] and searcher.page.locator("#search-more").is_hidden()
