"""What one query costs a reader: the search page in headless Chromium, over HTTP and from disk.

    python bench/search_browser.py SITE [UNPACKED_ARCHIVE]

For each query (a rare word, a common one, a town's name, a phrase from one narrative) the search
page is opened with ?q= in a fresh browser context (nothing cached), and counted: requests (every
file the page loads after itself: scripts and index files), bytes of those files, the reports
found ("找到 N 篇"), and the time from the start of navigation to the first result on screen.
Printed beside the figures of the Pagefind search this replaced (issue table, 10,000 reports).
Needs Chromium (/usr/bin/chromium) and Playwright. Not a test: its times depend on the machine.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

sys.path.insert(0, str(REPO / "tests"))

from browser import serve  # noqa: E402  (the tests' local HTTP server)
from generator.search.reader import payload  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
# Pagefind (10 shards + overlay) at 10,000 reports, as measured before it was replaced (issue 17).
PAGEFIND_WEB = "114–183 requests, 0.7–1.8 MB, 1.4–7.7 s per query; counts wrong for names and phrases"
PAGEFIND_OFFLINE = "行政复议: 317 files, 58 MB, 3.3 s; a phrase: 199 files, 37 MB"


@dataclass
class Cost:
    query: str
    where: str
    found: int
    requests: int
    bytes: int
    first_ms: float


def queries(site: Path) -> list[tuple[str, str]]:
    """(kind, query): a town's name, a phrase of eight characters from its first report, a rare and a common word."""
    meta = payload(site / "search-data/meta.js")
    assert isinstance(meta, dict)
    town = meta["towns"][len(meta["towns"]) // 2]
    doc = payload(site / "search-data" / _doc_file(town[2]))
    assert isinstance(doc, dict)
    runs = re.findall(r"[\u4e00-\u9fff]{8,}", doc["text"])
    middle = runs[len(runs) // 2]
    phrase = middle[len(middle) // 2 - 4 : len(middle) // 2 + 4] if len(middle) >= 8 else middle[:8]
    return [("name", town[0]), ("phrase", phrase), ("rare", "区块链"), ("common", "行政复议")]


def _doc_file(doc_id: int) -> str:
    return f"d/{doc_id // 1000}/{doc_id}.js"


def measure(page_factory, base: str, root: Path, query: str, where: str) -> Cost:  # type: ignore[no-untyped-def]
    context, page = page_factory()
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    url = base + "search/index.html?q=" + quote(query)
    page.goto(url)
    page.wait_for_selector("#search-form[data-state=done]", state="attached", timeout=60_000)
    first_ms = page.evaluate("performance.now()")
    status = page.locator("#search-status").inner_text()
    context.close()
    loaded = [u for u in seen if "/search-data/" in u or "/assets/search" in u]
    size = sum((root / site_file(base, u)).stat().st_size for u in loaded)
    digits = "".join(ch for ch in status.split("篇")[0] if ch.isdigit()) if "找到" in status else "0"
    return Cost(query, where, int(digits or 0), len(loaded), size, first_ms)


def site_file(base: str, url: str) -> str:
    """The file a requested URL names, relative to the site root."""
    return unquote(urlsplit(url).path[len(urlsplit(base).path):])


def run(site: Path, unpacked: Path | None) -> list[Cost]:
    from playwright.sync_api import sync_playwright

    costs: list[Cost] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)

        def fresh():  # type: ignore[no-untyped-def]
            context = browser.new_context()
            return context, context.new_page()

        try:
            asked = queries(site)
            with serve(site) as base:
                for _, query in asked:
                    costs.append(measure(fresh, base, site, query, "web"))
            if unpacked is not None:
                for _, query in asked:
                    costs.append(measure(fresh, unpacked.as_uri() + "/", unpacked, query, "offline"))
        finally:
            browser.close()
    return costs


def table(costs: list[Cost], reports: int) -> str:
    lines = [f"search at {reports} reports (headless Chromium, fresh context per query)",
             "| query | where | found | requests | bytes | first results |", "|---|---|---|---|---|---|"]
    for c in costs:
        lines.append(f"| {c.query} | {c.where} | {c.found} | {c.requests} | {c.bytes / 1024:.0f} KB | {c.first_ms / 1000:.2f} s |")
    lines.append(f"Pagefind before (10,000 reports), web: {PAGEFIND_WEB}")
    lines.append(f"Pagefind before (10,000 reports), offline engine: {PAGEFIND_OFFLINE}")
    return "\n".join(lines)


def main() -> None:
    site = Path(sys.argv[1])
    unpacked = Path(sys.argv[2]) if len(sys.argv) > 2 else None
    meta = payload(site / "search-data/meta.js")
    assert isinstance(meta, dict)
    print(table(run(site, unpacked), meta["count"]))


if __name__ == "__main__":
    main()
