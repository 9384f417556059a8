"""Plan stage: the site -> every page to write (url, template, what it shows). Nothing is rendered yet.

Two pages with the same URL are an error before anything is written.

Each page declares what of the model it shows (`deps`), so that an incremental build re-renders
it only when one of those changed: report keys (`town path/year`), town paths and region paths.
`deps=None` means "anything": such a page is re-rendered whenever any content changes. The site
configuration, the theme, the formats and the generator's code are dependencies of every page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.diagnostics import Diagnostics, Where
from generator.model import Report, Site, Town

RESERVED = {"assets", "years", "compare", "data", "search", "pagefind", "regions", "404.html", "index.html", "sitemap.xml", "feed.xml", "robots.txt"}


@dataclass(frozen=True)
class Page:
    url: str  # output path under the site root, always ending in a file name
    template: str
    kind: str
    context: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    deps: tuple[str, ...] | None = None  # model keys shown on the page; None: everything

    @property
    def root(self) -> str:
        """Relative prefix from this page to the site root ("" or "../../")."""
        return "../" * self.url.count("/")


def report_url(report: Report) -> str:
    return f"{report.town.path}/{report.year}/index.html"


def town_url(town: Town) -> str:
    return f"{town.path}/index.html"


def plan(site: Site, diags: Diagnostics) -> list[Page]:
    pages: list[Page] = [Page("index.html", "home.html", "home", {"reports": site.reports})]
    for town in site.towns:
        top = town.path.split("/", 1)[0]
        if top in RESERVED:
            diags.error("reserved-slug", Where(f"content/{top}"), f"目录名“{top}”为门户保留，请改名", expected="其他名称")
    by_town: dict[str, list[Report]] = {}
    for report in site.reports:
        by_town.setdefault(report.town.path, []).append(report)
    for town_reports in by_town.values():
        for i, report in enumerate(town_reports):
            previous = town_reports[i - 1] if i > 0 else None
            following = town_reports[i + 1] if i + 1 < len(town_reports) else None
            shown = tuple(r.key for r in (report, previous, following) if r is not None)
            pages.append(Page(report_url(report), "report.html", "report", {"report": report, "previous": previous, "next": following}, deps=shown))
    seen: dict[str, Page] = {}
    for page in pages:
        if page.url in seen:
            diags.error("duplicate-url", Where(page.url), "两个页面将写到同一网址", found=page.url)
        seen[page.url] = page
    return pages
