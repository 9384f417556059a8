"""The preview's fast lane: the page of a report just saved, rendered before the whole site is rebuilt.

The builder keeps what the last good build rendered with (`stages.render.RenderSetup`: the model,
the formats, the theme). When a save changed only the data or narrative files of reports that
model already has, those reports are read, validated and linted again (`stages.reports.process_report`,
as a build's worker does), put into the model in place of their old selves, and their report
pages rendered as the build would render them. Nothing is written: the pages go to the preview
server, which serves them until the full build that follows has written the site.

Anything else (a new or removed report, a town, region or site file, the theme, an unreadable
file, an error in the edit) is left to the full build, which shows the errors as always.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import jinja2

from generator.diagnostics import Level
from generator.model import Report, Site
from generator.source.yaml_source import MAX_BYTES as MAX_YAML_BYTES
from generator.stages.load import MAX_NARRATIVE_BYTES, REPORT_FILE, ReportSource, content_prefix, read_plain
from generator.stages.plan import town_report_pages
from generator.stages.render import Renderer, RenderSetup
from generator.stages.reports import process_report, without_narrative

SITE_FILES = frozenset({"site.yaml", "town.yaml", "region.yaml"})


class FastLane:
    """Kept by the builder between builds: `keep` after every build, `pages` for a save."""

    def __init__(self, content: Path) -> None:
        self.content = content
        self._base = os.path.abspath(content)
        self.setup: RenderSetup | None = None
        self._env: jinja2.Environment | None = None
        self.suspended = False

    def keep(self, setup: RenderSetup | None) -> None:
        """What the last build rendered with, if it wrote the site without errors; else None (no fast lane)."""
        if setup is None or self.setup is None or setup.dirs != self.setup.dirs or setup.env_globals != self.setup.env_globals \
                or setup.catalogue is not self.setup.catalogue:
            self._env = None  # another theme: its templates are loaded anew
        self.setup = setup
        self.suspended = False

    def suspend(self) -> None:
        """Some change is not in the model (a new report, the theme...): no fast lane until the next build is kept."""
        self.suspended = True

    def pages(self, changes: list[str]) -> dict[str, bytes] | None:
        """The report pages of the changed reports, rendered with them validated again; None when the
        changes are not only reports of the model's, or one of them has an error: the full build decides."""
        setup = self.setup
        if setup is None or self.suspended or not changes:
            return None
        keys = self._reports_changed(changes, setup.site)
        if not keys:
            return None
        fresh: dict[str, Report] = {}
        for key in keys:
            report = self._validated(setup, key)
            if report is None:
                return None
            fresh[key] = report
        site = dataclasses.replace(setup.site, reports=tuple(fresh.get(r.key, r) for r in setup.site.reports))
        if self._env is None:
            self._env = setup.environment()
        renderer = Renderer(site, setup.catalogue, self._env)
        made: dict[str, bytes] = {}
        for town in sorted({report.town.path for report in fresh.values()}):
            for page in town_report_pages([r for r in site.reports if r.town.path == town]):
                if page.kind == "report" and page.context["report"].key in fresh:
                    made[page.url] = renderer.render(page)
        self.setup = dataclasses.replace(setup, site=site)  # the next save's fast lane starts from this one
        return made

    def _reports_changed(self, changes: list[str], site: Site) -> set[str] | None:
        """The keys of the reports whose files these are; None if any change is something else."""
        known = {r.key for r in site.reports}
        keys: set[str] = set()
        for change in changes:
            rel = os.path.relpath(os.path.abspath(change), self._base)
            if rel.startswith(".."):
                return None  # the theme, say
            parts = rel.split(os.sep)
            m = REPORT_FILE.match(parts[-1])
            if m is None:
                if parts[-1] in SITE_FILES or os.path.lexists(change) or rel == site.config.badge:
                    return None
                continue  # an editor's temporary file, already gone: nothing a build reads
            key = f"{'/'.join(parts[:-1])}/{int(m['year'])}"
            if key not in known:
                return None
            keys.add(key)
        return keys

    def _validated(self, setup: RenderSetup, key: str) -> Report | None:
        """The report validated and linted from its files as they are now; None if it has an error or cannot be read."""
        old = next(r for r in setup.site.reports if r.key == key)
        folder = os.fspath(self.content.joinpath(*old.town.path.split("/")))
        prefix = content_prefix(self.content)
        data_name, narrative_name = old.data_path.rsplit("/", 1)[1], old.narrative_path.rsplit("/", 1)[1]
        data_file, narrative_file = f"{folder}/{data_name}", f"{folder}/{narrative_name}"
        data, narrative = read_plain(data_file, MAX_YAML_BYTES), read_plain(narrative_file, MAX_NARRATIVE_BYTES)
        if data is None or narrative is None:
            return None
        raw_data, raw_narrative = data[1], narrative[1]
        rel = f"{prefix}/{old.town.path}"
        source = ReportSource(old.town.path, old.year, f"{rel}/{data_name}", f"{rel}/{narrative_name}", raw_data=raw_data,
                              raw_narrative=raw_narrative, data_file=data_file, narrative_file=narrative_file)
        report, problems = process_report(source, old.town, setup.catalogue)
        if report is None or any(p.level >= Level.ERROR for p in problems):
            return None
        return without_narrative(report, source)
