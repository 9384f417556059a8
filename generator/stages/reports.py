"""Reports into the model: parse, validate and lint each report, reusing the cache, in parallel.

A report is the unit of work: its outcome (the Report, or None, and the problems found in it)
depends only on its two files, its town and the generator (formats and code), all of which its
fingerprint covers. Outcomes found in the cache are reused as they are; the others are computed
in worker processes.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from generator.cache import BuildCache
from generator.diagnostics import Diagnostics, Problem
from generator.fingerprint import digest, model_fingerprint
from generator.formats import Catalogue
from generator.model import Report, Town
from generator.parallel import run_chunks, shared
from generator.progress import Progress
from generator.stages.lint import lint_report
from generator.stages.load import ReportSource, parse_report
from generator.stages.validate_report import validate_report

Outcome = tuple[Report | None, tuple[Problem, ...]]


@dataclass
class ReportsResult:
    reports: list[Report]
    fingerprints: dict[str, str]  # report key -> fingerprint
    reused: int
    processed: int


def report_fingerprint(source: ReportSource, town: Town) -> str:
    return digest(
        model_fingerprint(),
        repr(town),
        source.data_rel,
        source.narrative_rel,
        source.raw_data,
        source.raw_narrative if source.has_narrative else None,
    )


def process_report(source: ReportSource, town: Town, catalogue: Catalogue) -> Outcome:
    """Parse, validate and lint one report; its problems are returned, not reported."""
    diags = Diagnostics()
    parse_report(source, diags)
    report = None
    if source.data is not None:
        report = validate_report(source, town, catalogue, diags)
        if report is not None:
            report = lint_report(report, catalogue, source.data, diags)
    source.data = source.narrative = None  # a worker keeps nothing of a report once it is sent back
    return report, tuple(diags.problems)


def _process_chunk(start: int, stop: int) -> list[tuple[int, Outcome]]:
    data = shared()
    todo: list[tuple[ReportSource, Town, str]] = data["todo"]
    return [(i, process_report(todo[i][0], todo[i][1], data["catalogue"])) for i in range(start, stop)]


def build_reports(
    sources: list[ReportSource],
    towns: dict[str, Town],
    catalogue: Catalogue,
    cache: BuildCache,
    diags: Diagnostics,
    *,
    jobs: int,
    progress: Progress,
) -> ReportsResult:
    outcomes: dict[str, Outcome] = {}
    todo: list[tuple[ReportSource, Town, str]] = []
    fingerprints: dict[str, str] = {}
    order: list[str] = []
    for source in sources:
        town = towns.get(source.town_path)
        if town is None or source.raw_data is None:
            continue  # the town's own problem (or an unreadable file) was reported already
        fp = report_fingerprint(source, town)
        order.append(fp)
        fingerprints[f"{source.town_path}/{source.year_in_name}"] = fp
        cached = cache.old.reports.get(fp)
        if cached is not None:
            cache.new.reports[fp] = cached
            report, problems = cached
            if report is not None:  # the cache holds no narratives: the file was just read anyway
                report = dataclasses.replace(report, narrative=(source.raw_narrative or b"").decode("utf-8-sig"))
            outcomes[fp] = (report, problems)
            source.raw_data = source.raw_narrative = None  # not needed: memory follows the model, not the files
        else:
            todo.append((source, town, fp))
    reused = len(outcomes)
    done = 0
    for chunk in run_chunks(_process_chunk, len(todo), jobs=jobs, data={"todo": todo, "catalogue": catalogue}):
        for i, outcome in chunk:
            outcomes[todo[i][2]] = outcome
        done += len(chunk)
        progress.update("校验年报", done, len(todo))
    progress.done()
    for source, _town, _fp in todo:
        source.raw_data = source.raw_narrative = None
    reports: list[Report] = []
    for fp in order:
        report, problems = outcomes[fp]
        diags.extend(Diagnostics(list(problems)))
        if report is not None:
            reports.append(report)
        if fp not in cache.new.reports:
            cache.new.reports[fp] = (dataclasses.replace(report, narrative="") if report is not None else None, problems)
    return ReportsResult(reports, fingerprints, reused, len(todo))

