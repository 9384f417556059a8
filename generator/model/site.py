"""Regions, towns, reports and the site they make up."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from generator.diagnostics import Problem
from generator.source.numbers import Number


@dataclass(frozen=True)
class Contact:
    phone: str = ""
    email: str = ""
    address: str = ""


@dataclass(frozen=True)
class SiteConfig:
    """`site.yaml`: what the portal is and the furniture a government site must show."""

    title: str
    authority: str = ""
    description: str = ""
    base_url: str = ""
    column_name: str = "政府信息公开年报"
    site_id_code: str = ""
    icp: str = ""
    police_filing: str = ""
    police_filing_code: str = ""
    badge: str = ""
    error_report_url: str = ""
    contact: Contact = Contact()
    show_consistency_notes: bool = True
    theme: str = ""


@dataclass(frozen=True)
class Region:
    """A division above town level (province, city, county), named by its folder path."""

    path: str  # "shandong/yantai/laiyang"
    name: str
    code: str = ""

    @property
    def slug(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def depth(self) -> int:
        return self.path.count("/") + 1


@dataclass(frozen=True)
class Town:
    path: str  # "shandong/yantai/laiyang/yangjun"
    name: str
    kind: str = ""
    authority: str = ""
    code: str = ""
    regions: tuple[Region, ...] = ()  # from the top (province) down

    @property
    def slug(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def region_path(self) -> str:
        return self.path.rsplit("/", 1)[0] if "/" in self.path else ""

    @property
    def full_name(self) -> str:
        return "".join(r.name for r in self.regions) + self.name


@dataclass(frozen=True)
class Signature:
    authority: str = ""
    date: dt.date | None = None
    date_text: str = ""


@dataclass(frozen=True)
class Source:
    url: str = ""
    document: str = ""
    note: str = ""


class StatedFigure(NamedTuple):
    """A count the narrative states: its value and unit as written, the words that label it, where it is."""

    value: Number
    unit: str
    label: str
    quote: str  # the clause (for a zero stated as a negation, the sentence), whitespace removed
    line: int  # in the narrative file
    indicator: str = ""  # the canonical indicator the wording states, when it does


class IndicatorValue(NamedTuple):
    """A canonical indicator's value in one report, and where it came from.

    A named tuple, unpickled by `tuple.__new__` without running Python code (`__reduce__`): the
    build cache holds about 16 per report, and unpickling 160,000 frozen dataclasses took 0.13 s
    of a one-report edit at 10,000 reports, these 0.05 s.
    """

    indicator: str
    value: Number | None
    origin: str  # "table" (from cells through the crosswalk) or "text" (a key figure stated in the narrative)
    cells: tuple[str, ...] = ()

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return (tuple.__new__, (type(self), tuple(self)))


@dataclass(frozen=True)
class Report:
    town: Town
    year: int
    format: str
    title: str
    narrative: str  # Markdown
    data_path: str  # as shown in messages, e.g. content/shandong/.../2016.yaml
    narrative_path: str
    authority: str = ""
    published: dt.date | None = None
    signature: Signature = Signature()
    source: Source = Source()
    filled_by: str = ""
    statistics: dict[str, Number | None] = field(default_factory=dict, hash=False)  # cell id -> value (None: blank in source)
    figures: dict[str, Number] = field(default_factory=dict, hash=False)  # indicator id -> value stated in the text
    indicators: dict[str, IndicatorValue] = field(default_factory=dict, hash=False)
    stated: tuple[StatedFigure, ...] = field(default=(), hash=False)  # every count the narrative states (`stated:`)
    notes: tuple[Problem, ...] = ()  # consistency notes about this report (lint), shown on its page if the site wants
    # A report taken from the build cache has no narrative in memory: the file to read it from
    # when its page is rendered (`text_of_narrative`); "" when `narrative` holds it.
    narrative_file: str = ""

    @property
    def public_notes(self) -> tuple[Problem, ...]:
        """The notes a citizen may see (the publisher chooses in site.yaml whether to show them)."""
        return tuple(n for n in self.notes if n.public)

    @cached_property
    def key(self) -> str:
        """Stable identity of a report: its town path and year (made once: an edit's build asks
        for the keys of 10,000 reports 280,000 times)."""
        return f"{self.town.path}/{self.year}"

    @property
    def date(self) -> dt.date | None:
        """The date a reader sees: the published date, else the signature date."""
        return self.published or self.signature.date


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    regions: tuple[Region, ...]
    towns: tuple[Town, ...]
    reports: tuple[Report, ...]  # sorted by town path, then year

    def reports_of(self, town: Town) -> tuple[Report, ...]:
        return tuple(r for r in self.reports if r.town.path == town.path)
