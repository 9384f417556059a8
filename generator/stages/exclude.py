"""Exclude stage: what the errors keep off the site, so that one bad file cannot take it down.

An error belongs to the file it names, and the file to what it describes:

- `<year>.yaml` / `<year>.md`: that report;
- `town.yaml`, `region.yaml`, or a folder: that folder with everything below it
  (a town or region whose own file is wrong cannot be named or placed correctly);
- anything else (`site.yaml`, the content folder itself, a page address): the site.

Errors of the first two kinds remove those parts from the model, and the rest of the
site is built; an error of the last kind means no site is written at all (the last
good one stays). See docs/reliability.md.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from generator.diagnostics import Diagnostics, Level, Problem
from generator.model import Site
from generator.stages.load import REPORT_FILE


@dataclass(frozen=True)
class Excluded:
    """One part of the content left off the site, and the errors that did it."""

    scope: str  # content-relative: "a/b/town/2021" (a report) or "a/b/town" (a folder)
    label: str  # as shown to the publisher: "content/a/b/town/2021.yaml"
    problems: tuple[Problem, ...]

    @property
    def is_report(self) -> bool:
        return self.scope.rsplit("/", 1)[-1].isdigit()


@dataclass(frozen=True)
class Exclusions:
    site_errors: tuple[Problem, ...] = ()
    parts: tuple[Excluded, ...] = field(default_factory=tuple)

    @property
    def blocks_site(self) -> bool:
        return bool(self.site_errors)


def scope_of(path: str, prefix: str) -> str | None:
    """The content part an error at `path` is about, or None when it concerns the whole site."""
    if not path.startswith(prefix + "/"):
        return None
    rest = path[len(prefix) + 1 :].strip("/")
    if not rest or rest == "site.yaml":
        return None
    folder, _, name = rest.rpartition("/")
    m = REPORT_FILE.match(name)
    if m:
        return f"{folder}/{m['year']}" if folder else None
    if name.endswith(".yaml"):
        return folder or None
    return rest


def _within(path: str, scope: str) -> bool:
    return path == scope or path.startswith(scope + "/")


def exclude(site: Site, diags: Diagnostics, prefix: str) -> tuple[Site, Exclusions]:
    """The site without every part that has errors, and what was left out (or that nothing can be built)."""
    site_errors: list[Problem] = []
    by_scope: dict[str, list[Problem]] = {}
    for p in diags.sorted():
        if p.level != Level.ERROR:
            continue
        scope = scope_of(p.path, prefix)
        if scope is None:
            site_errors.append(p)
        else:
            by_scope.setdefault(scope, []).append(p)
    if site_errors:
        return site, Exclusions(tuple(site_errors))
    scopes = sorted(by_scope)

    def out(path: str) -> bool:
        return any(_within(path, s) for s in scopes)

    towns = tuple(t for t in site.towns if not out(t.path))
    kept_towns = {t.path for t in towns}
    reports = tuple(r for r in site.reports if r.town.path in kept_towns and not out(r.key))
    regions = tuple(r for r in site.regions if not out(r.path))
    parts = tuple(Excluded(s, _label(by_scope[s], prefix, s), tuple(by_scope[s])) for s in scopes)
    return dataclasses.replace(site, regions=regions, towns=towns, reports=reports), Exclusions((), parts)


def _label(problems: list[Problem], prefix: str, scope: str) -> str:
    paths = sorted({p.path for p in problems})
    return paths[0] if len(paths) == 1 else f"{prefix}/{scope}"
