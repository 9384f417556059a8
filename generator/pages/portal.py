"""The site and its formats, with the indexes the page builders share (each computed once per render)."""

from __future__ import annotations

from functools import cached_property

from generator.formats import Catalogue
from generator.model import Report, Site, Town
from generator.pages.tree import RegionNode, region_tree
from generator.render.series import by_year


class Portal:
    def __init__(self, site: Site, catalogue: Catalogue) -> None:
        self.site = site
        self.catalogue = catalogue

    @cached_property
    def tree(self) -> RegionNode:
        return region_tree(self.site)

    @cached_property
    def by_town(self) -> dict[str, tuple[Report, ...]]:
        grouped: dict[str, list[Report]] = {}
        for report in self.site.reports:
            grouped.setdefault(report.town.path, []).append(report)
        return {path: tuple(sorted(rs, key=lambda r: r.year)) for path, rs in grouped.items()}

    def reports_of(self, town: Town) -> tuple[Report, ...]:
        return self.by_town.get(town.path, ())

    @cached_property
    def by_year(self) -> dict[int, list[Report]]:
        return by_year(self.site.reports)
