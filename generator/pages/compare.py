"""The compare page: each canonical indicator across towns and years, through the formats' crosswalk.

Where a report's format has no such item the cell says so (不可比); where a town has no
report for a year the cell is empty. Nothing is estimated or carried over.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.formats import Indicator
from generator.model import Report, Town
from generator.pages.portal import Portal
from generator.series import Reading, reading


@dataclass(frozen=True)
class CompareRow:
    town: Town
    cells: tuple[tuple[Report, Reading] | None, ...]  # one per year; None: no report that year


@dataclass(frozen=True)
class CompareTable:
    indicator: Indicator
    rows: tuple[CompareRow, ...]
    known: int  # cells with a comparable value


def context(portal: Portal, page: Any) -> dict[str, Any]:
    site, catalogue = portal.site, portal.catalogue
    years = sorted(portal.by_year)
    reports = {(r.town.path, r.year): r for r in site.reports}
    towns = [t for t in site.towns if portal.reports_of(t)]
    tables: list[CompareTable] = []
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
            rows.append(CompareRow(town, tuple(cells)))
        tables.append(CompareTable(ind, tuple(rows), known))
    formats = sorted({r.format for r in site.reports})
    crosswalk = [(ind, [(catalogue.formats[f], ind.id in catalogue.formats[f].indicators) for f in formats]) for ind in catalogue.indicators.values()]
    return {"years": years, "tables": tables, "crosswalk": crosswalk}
