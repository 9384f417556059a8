"""Canonical indicators across reports: what each report says, and whether it is comparable.

A value is comparable only when it comes through the format's crosswalk (a table cell)
or was stated in the narrative and recorded as a key figure. Where neither exists the
report simply does not say it, and pages show that instead of a number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from generator.formats import Catalogue, Indicator
from generator.model import Report
from generator.source.numbers import Number

# The indicators shown on the home, town and year pages (every indicator is on the compare page).
KEY_INDICATORS = ("proactive.total", "applications.received", "review.total", "litigation.total")

# Status of one indicator in one report.
TABLE = "table"  # from the official table through the crosswalk
TEXT = "text"  # stated in the narrative (a key figure); the format's tables do not hold it
BLANK = "blank"  # the format holds it but the cells were left blank in the source
ABSENT = "absent"  # the report's format has no such item: not comparable

STATUS_LABELS = {
    TABLE: "统计表",
    TEXT: "正文所述",
    BLANK: "原表空白",
    ABSENT: "不可比",
}
STATUS_NOTES = {
    TABLE: "取自年报统计表",
    TEXT: "统计表中没有此项，数字取自年报正文",
    BLANK: "年报统计表中此项空白",
    ABSENT: "该年报的格式没有此项，无可比数据",
}


@dataclass(frozen=True)
class Reading:
    """One indicator in one report."""

    value: Number | None
    status: str

    @property
    def comparable(self) -> bool:
        return self.value is not None


def key_indicators(catalogue: Catalogue) -> tuple[Indicator, ...]:
    return tuple(catalogue.indicators[i] for i in KEY_INDICATORS if i in catalogue.indicators)


def reading(report: Report, indicator_id: str) -> Reading:
    found = report.indicators.get(indicator_id)
    if found is None:
        return Reading(None, ABSENT)
    if found.value is None:
        return Reading(None, BLANK)
    return Reading(found.value, TEXT if found.origin == "text" else TABLE)


@dataclass(frozen=True)
class Point:
    """An indicator in one year of a town, with the change from the year before when both are known."""

    year: int
    report: Report
    reading: Reading
    change: Number | None = None  # against the immediately preceding year, only when it has a value


def series(reports: Iterable[Report], indicator_id: str) -> tuple[Point, ...]:
    """One town's reports (any order) -> its points for one indicator, by year."""
    points: list[Point] = []
    by_year = {r.year: r for r in reports}
    for year in sorted(by_year):
        current = reading(by_year[year], indicator_id)
        before = by_year.get(year - 1)
        change: Number | None = None
        if before is not None and current.value is not None:
            previous = reading(before, indicator_id)
            if previous.value is not None:
                change = current.value - previous.value
        points.append(Point(year, by_year[year], current, change))
    return tuple(points)


@dataclass(frozen=True)
class Total:
    """The sum of one indicator over the reports of one year that state it."""

    value: Number | None
    counted: int  # reports that hold a value
    reports: int  # reports of that year


def totals(reports: Iterable[Report], indicator_id: str) -> Total:
    # reading(r, indicator_id).value, without making a Reading (the home page totals every report)
    values = [None if (found := r.indicators.get(indicator_id)) is None else found.value for r in reports]
    known = [v for v in values if v is not None]
    return Total(sum(known, 0) if known else None, len(known), len(values))


def by_year(reports: Iterable[Report]) -> dict[int, list[Report]]:
    grouped: dict[int, list[Report]] = {}
    for report in reports:
        grouped.setdefault(report.year, []).append(report)
    return dict(sorted(grouped.items()))
