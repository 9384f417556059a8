"""Region pages (each level with towns under it) and town pages (every year, indicators across years)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.render.charts import Bar, bar_chart
from generator.formats import Indicator
from generator.model import Report
from generator.pages import home
from generator.pages.home import year_totals
from generator.pages.portal import Portal
from generator.pages.tree import ancestors, find
from generator.render.series import ABSENT, BLANK, STATUS_LABELS, Point, key_indicators, series


def region_context(portal: Portal, page: Any) -> dict[str, Any]:
    region = page.context["region"]
    node = find(portal.tree, region.path)
    assert node is not None
    towns = node.all_towns()
    reports = [r for t in towns for r in portal.reports_of(t)]
    return {
        "node": node,
        "parents": ancestors(portal.site, region),
        "towns": towns,
        "report_count": len(reports),
        "tree_towns": len(towns) <= home.TREE_TOWNS,
        "reports_of": portal.reports_of,
        "indicators": key_indicators(portal.catalogue),
        "year_rows": year_totals(reports, portal.catalogue),
    }


@dataclass(frozen=True)
class IndicatorSeries:
    indicator: Indicator
    points: tuple[Point, ...]
    chart: str  # inline SVG


def town_context(portal: Portal, page: Any) -> dict[str, Any]:
    catalogue = portal.catalogue
    town = page.context["town"]
    reports: tuple[Report, ...] = page.context["reports"]
    rows: list[IndicatorSeries] = []
    for ind in key_indicators(catalogue):
        points = series(reports, ind.id)
        bars = [
            Bar(f"{p.year}年", p.reading.value, STATUS_LABELS[p.reading.status] if p.reading.status in (ABSENT, BLANK) else "")
            for p in points
        ]
        rows.append(IndicatorSeries(ind, points, bar_chart(f"chart-{ind.id.replace('.', '-')}", ind.label, ind.unit, bars)))
    return {"series": rows, "years": [r.year for r in reports], "parents": list(town.regions)}
