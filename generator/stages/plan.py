"""Plan stage: the site -> every file to write (url, template, kind, what it shows). Nothing is rendered yet.

Each page declares what of the model it shows (`deps`), so that an incremental build re-renders
it only when one of those changed: report keys (`town path/year`), town paths and region paths;
`?` before a report key means the page shows only that the report exists (a list of years).
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
from generator.pages.tree import region_tree, town_groups
from generator.render.series import by_year
from generator.render.urls import COMPARE, DATA, SITEMAP_PAGE, YEARS, compare_url, region_url, report_data_url, report_url, town_url, year_url

__all__ = ["Page", "plan", "town_report_pages", "report_url", "town_url", "RESERVED"]

RESERVED = {
    "assets", "years", "compare", "data", "search", "search-data", "regions",
    "404.html", "index.html", "sitemap.xml", "sitemap.html", "feed.xml", "robots.txt",
}
# A compare page shows every canonical indicator for its towns across all years: beyond this many
# towns (about 1 MB of HTML at ten years) the portal gets one compare page per group of towns.
COMPARE_TOWNS = 50
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


def plan(site: Site, diags: Diagnostics, search: bool = True) -> list[Page]:
    """`search`: does the build make a search index (the search page says so when it does not)."""
    for town in site.towns:
        top = town.path.split("/", 1)[0]
        if top in RESERVED:
            diags.error("reserved-slug", Where(f"content/{top}"), f"目录名“{top}”为门户保留，请改名", expected="其他名称")
    by_town: dict[str, list[Report]] = {}
    for report in site.reports:  # sorted by town, then year
        by_town.setdefault(report.town.path, []).append(report)
    pages: list[Page] = [Page("index.html", "home.html", "home")]
    pages.append(Page("search/index.html", "search.html", "search", {"search": search}, deps=()))
    pages += _places(site, by_town)
    pages += _reports(by_town)
    years = by_year(site.reports)
    present = tuple(f"?{r.key}" for r in site.reports)  # which reports exist, not what they hold
    pages.append(Page(YEARS, "years.html", "years", {"years": years}, deps=present))
    pages += [Page(year_url(y), "year.html", "year", {"year": y, "reports": tuple(rs)}, deps=_year_deps(rs)) for y, rs in years.items()]
    pages += _compare(site, by_town)
    pages.append(Page(DATA, "data.html", "data"))
    pages += [Page(f"data/{name}", "", "dataset", {"file": name}) for name in DATA_FILES]
    places = tuple(sorted({r.path for r in site.regions} | {t.path for t in site.towns}))
    pages.append(Page(SITEMAP_PAGE, "sitemap.html", "sitemap-page", deps=places + present))
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
        region = node.region
        assert region is not None
        towns = node.all_towns()
        under = {r.path for t in towns for r in t.regions} | {t.path for t in towns}
        deps = tuple(sorted(under | {region.path})) + tuple(r.key for t in towns for r in by_town.get(t.path, ()))
        pages.append(Page(region_url(region), "region.html", "region", {"region": region}, deps=deps))
        stack.extend(node.children)
    for town in site.towns:
        reports = tuple(by_town.get(town.path, ()))
        deps = (town.path, *(r.path for r in town.regions), *(r.key for r in reports))
        pages.append(Page(town_url(town), "town.html", "town", {"town": town, "reports": reports}, deps=deps))
    return pages


def _compare(site: Site, by_town: dict[str, list[Report]]) -> list[Page]:
    """One compare page for a small portal; for a large one, a page per group of towns and an index of the groups."""
    towns_with_reports = [t for t in site.towns if by_town.get(t.path)]
    tree = region_tree(site)
    groups = town_groups(tree, COMPARE_TOWNS)
    if len(groups) <= 1:
        return [Page(COMPARE, "compare.html", "compare", {"towns": tuple(towns_with_reports)})]
    pages = [Page(COMPARE, "compare.html", "compare-index", {"groups": tuple(groups)},
                  deps=tuple(sorted({r.path for r in site.regions} | {t.path for t in site.towns})))]
    for group in groups:
        towns = tuple(t for t in group.towns if by_town.get(t.path))
        places = {p for t in towns for p in (t.path, *(r.path for r in t.regions))}
        deps = tuple(sorted(places)) + tuple(r.key for t in towns for r in by_town[t.path])
        url = compare_url(group.region.path if group.region else None)
        pages.append(Page(url, "compare.html", "compare", {"towns": towns, "group": group}, deps=deps))
    return pages


def _year_deps(reports: list[Report]) -> tuple[str, ...]:
    """A year page shows each report of the year with its town and the town's regions."""
    places = {t for r in reports for t in (r.town.path, *(g.path for g in r.town.regions))}
    return tuple(sorted(places)) + tuple(r.key for r in reports)


def _reports(by_town: dict[str, list[Report]]) -> list[Page]:
    return [page for town_reports in by_town.values() for page in town_report_pages(town_reports)]


def town_report_pages(town_reports: list[Report]) -> list[Page]:
    """The pages of one town's reports (sorted by year): each report's page and its two data files."""
    pages: list[Page] = []
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
