"""Plan stage: the site -> every file to write (url, template, kind, what it shows). Nothing is rendered yet.

Each page declares what of the model it shows (`deps`), so that an incremental build re-renders
it only when one of those changed: report keys (`town path/year`), town paths and region paths.
`deps=None` (the default) means "anything": such a page is re-rendered whenever any content
changes. The site configuration, the theme, the formats and the generator's code are
dependencies of every page.

HTML pages name a template; data files (CSV, JSON, XML, text) have no template and are
produced by their kind's builder at render time. Two outputs with the same URL are an
error before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from generator.diagnostics import Diagnostics, Where
from generator.model import Report, Site
from generator.search.shards import SearchLayout
from generator.pages.tree import region_tree
from generator.series import by_year
from generator.urls import COMPARE, DATA, SITEMAP_PAGE, YEARS, region_url, report_data_url, report_url, town_url, year_url

__all__ = ["Page", "plan", "report_url", "town_url", "RESERVED"]

RESERVED = {
    "assets", "years", "compare", "data", "search", "pagefind", "regions",
    "404.html", "index.html", "sitemap.xml", "sitemap.html", "feed.xml", "robots.txt",
}
DATA_FILES = ("reports.csv", "indicators.csv", "cells.csv", "reports.json", "datapackage.json")


@dataclass(frozen=True)
class Page:
    url: str  # output path under the site root, always ending in a file name
    template: str  # "" for data files made by the kind's builder
    kind: str
    context: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    deps: tuple[str, ...] | None = None  # model keys shown on the page; None: everything

    @property
    def root(self) -> str:
        """Relative prefix from this page to the site root ("" or "../../")."""
        return "../" * self.url.count("/")


def plan(site: Site, diags: Diagnostics, search: SearchLayout | None = None) -> list[Page]:
    """`search` is the layout of the search index, or None when the build makes no index."""
    for town in site.towns:
        top = town.path.split("/", 1)[0]
        if top in RESERVED:
            diags.error("reserved-slug", Where(f"content/{top}"), f"目录名“{top}”为门户保留，请改名", expected="其他名称")
    by_town: dict[str, list[Report]] = {}
    for report in site.reports:  # sorted by town, then year
        by_town.setdefault(report.town.path, []).append(report)
    pages: list[Page] = [Page("index.html", "home.html", "home")]
    pages.append(Page("search/index.html", "search.html", "search", {"search": search}))
    pages += _places(site, by_town)
    pages += _reports(by_town)
    years = by_year(site.reports)
    pages.append(Page(YEARS, "years.html", "years", {"years": years}))
    pages += [Page(year_url(y), "year.html", "year", {"year": y, "reports": tuple(rs)}) for y, rs in years.items()]
    pages.append(Page(COMPARE, "compare.html", "compare"))
    pages.append(Page(DATA, "data.html", "data"))
    pages += [Page(f"data/{name}", "", "dataset", {"file": name}) for name in DATA_FILES]
    pages.append(Page(SITEMAP_PAGE, "sitemap.html", "sitemap-page"))
    # Servers show 404.html at any address: its links are relative to the site root, and a <base>
    # naming the site's own path (when base_url is known) makes them resolve from wherever it is shown.
    base_path = urlsplit(site.config.base_url).path if site.config.base_url else ""
    pages.append(Page("404.html", "404.html", "not-found", {"base_path": base_path}))
    if site.config.base_url:
        pages.append(Page("sitemap.xml", "", "sitemap-xml", {"urls": _sitemap_urls(pages)}))
    else:
        diags.notice("no-sitemap", Where("content/site.yaml"), "site.yaml 未设置 base_url，sitemap.xml 需要完整网址，本次未生成", field="base_url")
    pages.append(Page("feed.xml", "", "feed"))
    pages.append(Page("robots.txt", "", "robots"))
    seen: set[str] = set()
    for page in pages:
        if page.url in seen:
            diags.error("duplicate-url", Where(page.url), "两个页面将写到同一网址", found=page.url)
        seen.add(page.url)
    return pages


def _sitemap_urls(pages: list[Page]) -> list[tuple[str, Any]]:
    """Every HTML page a search engine should know, with the report's date where there is one."""
    urls = []
    for page in pages:
        if page.template.endswith(".html") and page.kind != "not-found":
            report = page.context.get("report") if page.kind == "report" else None
            urls.append((page.url, report.date if report else None))
    return urls


def _places(site: Site, by_town: dict[str, list[Report]]) -> list[Page]:
    """A page for every region that has towns under it, and for every town."""
    pages: list[Page] = []
    stack = list(region_tree(site).children)
    while stack:
        node = stack.pop(0)
        pages.append(Page(region_url(node.region), "region.html", "region", {"region": node.region}))  # type: ignore[arg-type]
        stack.extend(node.children)
    for town in site.towns:
        pages.append(Page(town_url(town), "town.html", "town", {"town": town, "reports": tuple(by_town.get(town.path, ()))}))
    return pages


def _reports(by_town: dict[str, list[Report]]) -> list[Page]:
    pages: list[Page] = []
    for town_reports in by_town.values():
        for i, report in enumerate(town_reports):
            previous = town_reports[i - 1] if i > 0 else None
            following = town_reports[i + 1] if i + 1 < len(town_reports) else None
            url = report_url(report)
            context = {"report": report, "previous": previous, "next": following}
            shown = tuple(r.key for r in (report, previous, following) if r is not None)
            pages.append(Page(url, "report.html", "report", context, deps=shown))
            pages.append(Page(report_data_url(report, "csv"), "", "report-csv", {"report": report}, deps=(report.key,)))
            pages.append(Page(report_data_url(report, "json"), "", "report-json", {"report": report}, deps=(report.key,)))
    return pages
