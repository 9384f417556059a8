"""What each kind of page shows: one module per page kind, each building its template's context.

A builder takes the portal (the site, the format catalogue and their shared indexes) and the
planned page, and returns the extra template variables. Builders of data files (no template)
return the file's bytes as `body`.
"""

from __future__ import annotations

from typing import Any, Callable

from generator.pages import compare, data, files, home, place, report, year
from generator.pages.portal import Portal

Builder = Callable[[Portal, Any], dict[str, Any]]

BUILDERS: dict[str, Builder] = {
    "home": home.context,
    "region": place.region_context,
    "town": place.town_context,
    "report": report.context,
    "years": year.years_context,
    "year": year.context,
    "compare": compare.context,
    "compare-index": compare.index_context,
    "data": data.context,
    "sitemap-page": home.sitemap_context,
    "dataset": files.dataset,
    "report-csv": files.report_csv,
    "report-json": files.report_json,
    "sitemap-xml": files.sitemap,
    "feed": files.feed,
    "robots": files.robots,
}
