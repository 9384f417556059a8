"""Synthetic content trees: many realistic reports, reproducible from a seed, with known planted errors.

`synthesise()` writes a content folder (site.yaml, province › city › county › town folders, one
`<year>.yaml` + `<year>.md` per town and year) that `nianbao check` accepts without errors, and,
when asked, plants errors of known kinds in chosen reports and lists them in `synth-errors.json`.
Everything is derived from the format descriptions: no cell id is written here.
Each report is drawn from its own seed (seed, town path, year), so output does not depend on order.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

from generator.formats import Catalogue, Format
from generator.stages.plan import RESERVED
from generator.synth.names import KIND, Namer
from generator.synth.report import ReportDraft, draft_report
from generator.synth.errors import ERROR_KINDS, PlantedError, plant
from generator.synth.yaml_text import report_yaml, simple_yaml

TOWNS_PER_COUNTY = 12
COUNTIES_PER_CITY = 8
CITIES_PER_PROVINCE = 10
NARRATIVE_ONLY_EVERY = 12  # one town in twelve publishes narrative-only reports
ERRORS_FILE = "synth-errors.json"


@dataclass(frozen=True)
class TownPlan:
    path: str
    name: str
    kind: str
    narrative_only: bool


@dataclass
class SynthResult:
    out: Path
    regions: int = 0
    towns: int = 0
    reports: int = 0
    errors: list[PlantedError] = field(default_factory=list)


def format_for_year(catalogue: Catalogue, year: int) -> Format:
    """The tabled format in force in `year` (by the formats' `years`); after the last, the newest."""
    tabled = [f for f in catalogue.formats.values() if f.tables and f.years]
    for fmt in tabled:
        if year in fmt.years:
            return fmt
    later = [f for f in tabled if max(f.years) < year]
    if later:
        return max(later, key=lambda f: max(f.years))
    return narrative_format(catalogue)


def narrative_format(catalogue: Catalogue) -> Format:
    plain = [f for f in catalogue.formats.values() if not f.tables]
    if not plain:  # pragma: no cover - the catalogue always has one
        raise LookupError("no format without tables")
    return sorted(plain, key=lambda f: f.id)[0]


def plan_tree(n_towns: int, seed: int) -> tuple[list[tuple[str, str]], list[TownPlan]]:
    """(region path, name) for every region, and the towns, in path order."""
    rng = random.Random(f"{seed}/tree")
    namer = Namer(rng, frozenset(RESERVED))
    counties = max(1, math.ceil(n_towns / TOWNS_PER_COUNTY))
    cities = max(1, math.ceil(counties / COUNTIES_PER_CITY))
    provinces = max(1, math.ceil(cities / CITIES_PER_PROVINCE))
    regions: list[tuple[str, str]] = []
    towns: list[TownPlan] = []

    def level(kind: str, parents: list[str], count: int) -> list[str]:
        """Draw `count` regions of one level, spread over `parents` in turn; their paths."""
        paths: list[str] = []
        for i in range(count):
            parent = parents[i % len(parents)]
            r = namer.draw(kind, parent)
            path = f"{parent}/{r.slug}" if parent else r.slug
            regions.append((path, r.name))
            paths.append(path)
        return paths

    county_paths = level("county", level("city", level("province", [""], provinces), cities), counties)
    for i in range(n_towns):
        parent = county_paths[i % len(county_paths)]
        t = namer.draw("town", parent)
        towns.append(TownPlan(f"{parent}/{t.slug}", t.name, KIND[t.suffix], i % NARRATIVE_ONLY_EVERY == 1))
    return sorted(regions), sorted(towns, key=lambda t: t.path)


def synthesise(out: Path, n_towns: int, years: list[int], catalogue: Catalogue, seed: int = 1, errors: int = 0) -> SynthResult:
    out.mkdir(parents=True, exist_ok=True)
    regions, towns = plan_tree(n_towns, seed)
    result = SynthResult(out, regions=len(regions), towns=len(towns))
    region_names = dict(regions)
    province = regions[0][1] if regions else ""
    _write(out / "site.yaml", simple_yaml({
        "title": f"{province}政府信息公开工作年度报告（合成数据）",
        "authority": f"{province}人民政府办公厅（合成数据，仅供测试）",
        "description": "本站内容由 nianbao synth 随机生成，仅用于测试和性能评估，不是真实的年报。",
    }))
    for path, name in regions:
        _write(out / path / "region.yaml", simple_yaml({"name": name}))
    keys = [(t, y) for t in towns for y in years]
    targets = _error_targets(keys, catalogue, errors, seed)
    for town in towns:
        authority = f"{town.name}{'办事处' if town.kind == '街道' else '人民政府'}"
        _write(out / town.path / "town.yaml", simple_yaml({"name": town.name, "kind": town.kind, "authority": authority}))
        parents = [region_names[p] for p in _ancestors(town.path)]
        for year in years:
            fmt = narrative_format(catalogue) if town.narrative_only else format_for_year(catalogue, year)
            draft = draft_report(catalogue, fmt, town.path, town.name, authority, "".join(parents), year, seed)
            kind = targets.get((town.path, year))
            if kind is not None:
                result.errors.append(plant(draft, kind, catalogue, random.Random(f"{seed}/error/{town.path}/{year}")))
            _write_report(out / town.path, draft)
            result.reports += 1
    _write(out / ERRORS_FILE, json.dumps([e.to_dict() for e in result.errors], ensure_ascii=False, indent=1) + "\n")
    return result


def _error_targets(keys: list, catalogue: Catalogue, count: int, seed: int) -> dict[tuple[str, int], str]:  # type: ignore[type-arg]
    """Which reports get which planted error: kinds in turn, each in a report whose format allows it."""
    rng = random.Random(f"{seed}/errors")
    pool = list(keys)
    rng.shuffle(pool)
    chosen: dict[tuple[str, int], str] = {}
    for i in range(count):
        kind = ERROR_KINDS[i % len(ERROR_KINDS)]
        for j, (town, year) in enumerate(pool):
            fmt = narrative_format(catalogue) if town.narrative_only else format_for_year(catalogue, year)
            if kind.applies(fmt):
                chosen[(town.path, year)] = kind.id
                del pool[j]
                break
        else:
            raise ValueError(f"not enough reports to plant {count} errors")
    return chosen


def _ancestors(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


def _write_report(folder: Path, draft: ReportDraft) -> None:
    _write(folder / f"{draft.file_year}.yaml", report_yaml(draft.data))
    if draft.narrative is not None:
        _write(folder / f"{draft.file_year}.md", draft.narrative)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
