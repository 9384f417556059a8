"""The compare page: each canonical indicator across towns and years, through the formats' crosswalk.

Where a report's format has no such item the cell says so (不可比); where a town has no
report for a year the cell is empty. Nothing is estimated or carried over.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.formats import Format, Indicator
from generator.model import Report, Town
from generator.pages.portal import Portal
from generator.pages.tree import TownGroup
from generator.render.urls import compare_url
from generator.render.series import Reading, reading


@dataclass(frozen=True)
class CompareRow:
    town: Town
    cells: tuple[tuple[Report, Reading] | None, ...]  # one per year; None: no report that year
    places: str = ""  # the town's regions, "某省 某市 某县" (made once per town, not once per table)


@dataclass(frozen=True)
class CompareTable:
    indicator: Indicator
    rows: tuple[CompareRow, ...]
    known: int  # cells with a comparable value


def _crosswalk(portal: Portal) -> list[tuple[Indicator, list[tuple[Format, bool]]]]:
    catalogue = portal.catalogue
    formats = sorted({r.format for r in portal.site.reports})
    return [(ind, [(catalogue.formats[f], ind.id in catalogue.formats[f].indicators) for f in formats]) for ind in catalogue.indicators.values()]


def group_label(group: TownGroup) -> str:
    """The group's region with the regions above it ("某省 某市 某县"), or 其他镇 for towns outside any region."""
    if group.region is None or not group.towns:
        return "其他镇（乡、街道）"
    names = [r.name for r in group.towns[0].regions]
    paths = [r.path for r in group.towns[0].regions]
    return " ".join(names[: paths.index(group.region.path) + 1]) if group.region.path in paths else group.region.name


def index_context(portal: Portal, page: Any) -> dict[str, Any]:
    """The list of compare pages of a large portal, one per group of towns."""
    groups = [(group, group_label(group), compare_url(group.region.path if group.region else None),
               sum(1 for t in group.towns if portal.reports_of(t))) for group in page.context["groups"]]
    return {"crosswalk": _crosswalk(portal), "group_links": groups, "group_name": ""}


def context(portal: Portal, page: Any) -> dict[str, Any]:
    catalogue = portal.catalogue
    towns: tuple[Town, ...] = page.context["towns"]
    years = sorted({r.year for t in towns for r in portal.reports_of(t)})
    reports = {(r.town.path, r.year): r for t in towns for r in portal.reports_of(t)}
    tables: list[CompareTable] = []
    places = {t.path: " ".join(r.name for r in t.regions) for t in towns}
    for ind in catalogue.indicators.values():
        rows: list[CompareRow] = []
        known = 0
        for town in towns:
            cells: list[tuple[Report, Reading] | None] = []
            for year in years:
                report = reports.get((town.path, year))
                if report is None:
                    cells.append(None)
                    continue
                r = reading(report, ind.id)
                known += r.value is not None
                cells.append((report, r))
            rows.append(CompareRow(town, tuple(cells), places[town.path]))
        tables.append(CompareTable(ind, tuple(rows), known))
    group = page.context.get("group")
    return {"years": years, "tables": tables, "crosswalk": _crosswalk(portal), "group_name": group_label(group) if group else ""}
