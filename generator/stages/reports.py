"""Reports into the model: parse, validate and lint each report, reusing the cache, in parallel.

A report is the unit of work: its outcome (the Report, or None, and the problems found in it)
depends only on its two files, its town and the generator (formats and code), all of which its
fingerprint covers. Outcomes found in the cache are reused as they are; the others are computed
in worker processes.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass

from generator.cache import BuildCache
from generator.diagnostics import Diagnostics, Problem, Where
from generator.fingerprint import digest, model_fingerprint
from generator.formats import Catalogue
from generator.model import Report, Town
from generator.parallel import run_chunks, shared
from generator.progress import Progress
from generator.stages.lint import lint_report
from generator.stages.load import FileId, ReportSource, narrative_text, parse_report
from generator.stages.validate_report import validate_report

Outcome = tuple[Report | None, tuple[Problem, ...]]


@dataclass
class ReportsResult:
    reports: list[Report]
    fingerprints: dict[str, str]  # report key -> fingerprint
    reused: int
    processed: int


def report_fingerprint(source: ReportSource, town_repr: str, data_hash: str, narrative_hash: str | None) -> str:
    """What a report is made from: the generator, its town (`repr`, with its regions), its two files."""
    return digest(model_fingerprint(), town_repr, source.data_rel, source.narrative_rel, data_hash,
                  narrative_hash if source.has_narrative else None)


def _with_narrative(report: Report, narrative: str, narrative_file: str) -> Report:
    """`dataclasses.replace(report, narrative=…, narrative_file=…)` without running `__init__`
    again: a build does it for every cached report, and nothing else of the report changes."""
    copy = object.__new__(Report)
    copy.__dict__.update(report.__dict__, narrative=narrative, narrative_file=narrative_file)
    return copy


def content_hash(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=20).hexdigest()


# A file changed within this long before the last build began may share its recorded size, time,
# inode and change time with its new content (file times tick coarsely): its hash is not reused.
RACY_NS = 2_000_000_000


class _Files:
    """Content hashes of report files, reused from the cache while a file's identity is unchanged."""

    def __init__(self, cache: BuildCache, diags: Diagnostics) -> None:
        self.old = cache.old.files
        self.new = cache.new.files
        self.trusted_before = cache.old.started_ns - RACY_NS
        self.diags = diags

    def hash(self, rel: str, path: str | None, identity: FileId | None, raw: bytes | None) -> tuple[str, bytes | None] | None:
        """(hash, bytes if they had to be read) of one file, or None if it cannot be read now."""
        if raw is None and identity is not None:
            known = self.old.get(rel)
            if known is not None and known[0] == identity and identity[1] < self.trusted_before:
                self.new[rel] = known
                return known[1], None
        if raw is None:
            raw = _read(path, rel, self.diags)
            if raw is None:
                return None
        digest_ = content_hash(raw)
        if identity is not None:
            self.new[rel] = (identity, digest_)
        return digest_, raw


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


def _read(path: str | None, rel: str, diags: Diagnostics) -> bytes | None:
    assert path is not None
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as exc:
        diags.error("unreadable", Where(rel), f"无法读取文件：{exc.strerror}")
        return None


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
    files = _Files(cache, diags)
    town_reprs: dict[str, str] = {}
    for source in sources:
        town = towns.get(source.town_path)
        if town is None or not source.readable:
            continue  # the town's own problem (or an unusable file) was reported already
        data = files.hash(source.data_rel, source.data_file, source.data_id, source.raw_data)
        narrative = files.hash(source.narrative_rel, source.narrative_file, source.narrative_id, source.raw_narrative) \
            if source.has_narrative and (source.narrative_id is not None or source.raw_narrative is not None) else None
        if data is None or (source.has_narrative and narrative is None):
            continue
        town_repr = town_reprs.get(source.town_path)
        if town_repr is None:
            town_repr = town_reprs[source.town_path] = repr(town)
        fp = report_fingerprint(source, town_repr, data[0], narrative[0] if narrative else None)
        cached = cache.old.reports.get(fp)
        if cached is not None:
            cache.new.reports[fp] = cached
            report, problems = cached
            if report is not None:  # the cache holds no narratives: read when its page is rendered
                if narrative is not None and narrative[1] is not None:  # read anyway: keep it
                    report = _with_narrative(report, narrative_text(narrative[1]), "")
                else:
                    report = _with_narrative(report, "", source.narrative_file or "")
            outcomes[fp] = (report, problems)
            source.raw_data = source.raw_narrative = None  # not needed: memory follows the model, not the files
        else:
            source.raw_data = data[1] if data[1] is not None else _read(source.data_file, source.data_rel, diags)
            if source.has_narrative and narrative is not None:
                source.raw_narrative = narrative[1] if narrative[1] is not None else _read(source.narrative_file, source.narrative_rel, diags)
            if source.raw_data is None or (source.has_narrative and source.raw_narrative is None):
                continue
            todo.append((source, town, fp))
        order.append(fp)
        fingerprints[f"{source.town_path}/{source.year_in_name}"] = fp
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

