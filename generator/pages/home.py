"""The home page (what the portal is, towns by region, latest reports, totals by year) and the 网站地图."""

from __future__ import annotations

import datetime as dt
from typing import Any

from generator.formats import Catalogue
from generator.model import Report, Site
from generator.pages.portal import Portal
from generator.render.series import Total, by_year, key_indicators, totals

LATEST = 10
# Up to this many towns, the lists of places (home page, region pages) show every town with its
# years; beyond it, the regions with their numbers of towns (each region page lists its own).
TREE_TOWNS = 200


def latest(site: Site, count: int = LATEST) -> list[Report]:
    """Newest first: by the date a reader sees, then year, then town (a stable order)."""
    ordered = sorted(site.reports, key=lambda r: r.key)
    ordered.sort(key=lambda r: (r.date or dt.date.min, r.year), reverse=True)
    return ordered[:count]


def year_totals(reports: tuple[Report, ...] | list[Report], catalogue: Catalogue) -> list[tuple[int, int, list[Total]]]:
    """(year, number of reports, total of each key indicator) for every year, oldest first."""
    indicators = key_indicators(catalogue)
    return [(year, len(rs), [totals(rs, i.id) for i in indicators]) for year, rs in by_year(reports).items()]


def context(portal: Portal, page: Any) -> dict[str, Any]:
    return {
        "tree": portal.tree,
        "tree_towns": len(portal.site.towns) <= TREE_TOWNS,
        "reports_of": portal.reports_of,
        "latest": latest(portal.site),
        "indicators": key_indicators(portal.catalogue),
        "year_rows": year_totals(portal.site.reports, portal.catalogue),
        "years": sorted(portal.by_year),
    }


def sitemap_context(portal: Portal, page: Any) -> dict[str, Any]:
    return {"tree": portal.tree, "reports_of": portal.reports_of, "years": sorted(portal.by_year)}
