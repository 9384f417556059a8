"""Region pages (each level with towns under it) and town pages (every year, indicators across years)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.charts import Bar, bar_chart
from generator.formats import Catalogue, Indicator
from generator.model import Report, Site
from generator.pages.home import year_totals
from generator.pages.tree import ancestors, find, region_tree
from generator.series import ABSENT, BLANK, STATUS_LABELS, Point, key_indicators, series


def region_context(site: Site, catalogue: Catalogue, page: Any) -> dict[str, Any]:
    region = page.context["region"]
    node = find(region_tree(site), region.path)
    assert node is not None
    towns = node.all_towns()
    paths = {t.path for t in towns}
    reports = [r for r in site.reports if r.town.path in paths]
    return {
        "node": node,
        "parents": ancestors(site, region),
        "towns": towns,
        "reports_by_town": {t.path: site.reports_of(t) for t in towns},
        "indicators": key_indicators(catalogue),
        "year_rows": year_totals(reports, catalogue),
    }


@dataclass(frozen=True)
class IndicatorSeries:
    indicator: Indicator
    points: tuple[Point, ...]
    chart: str  # inline SVG


def town_context(site: Site, catalogue: Catalogue, page: Any) -> dict[str, Any]:
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
