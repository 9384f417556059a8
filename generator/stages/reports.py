"""Reports into the model: parse, validate and lint each report, reusing the cache, in parallel.

A report is the unit of work: its outcome (the Report, or None, and the problems found in it)
depends only on its two files, its town and the generator (formats and code), all of which its
fingerprint covers. Outcomes found in the cache are reused as they are; the others are computed
in worker processes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

from generator.incremental.cache import BuildCache
from generator.diagnostics import Diagnostics, Problem, Where
from generator.incremental.fingerprint import digest, model_fingerprint
from generator.formats import Catalogue
from generator.model import Report, Town
from generator.parallel import run_chunks
from generator.progress import Progress
from generator.stages.lint import lint_report
from generator.source.controls import narrative_text
from generator.stages.load import FileId, ReportSource, parse_report
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


def _town_repr(town: Town, memo: dict[str, str]) -> str:
    """`repr(town)`, made once per town and build (it is part of each of its reports' fingerprints)."""
    text = memo.get(town.path)
    if text is None:
        text = memo[town.path] = repr(town)
    return text


def with_narrative(report: Report, narrative: str, narrative_file: str) -> Report:
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
        self.remember(rel, identity, digest_)
        return digest_, raw

    def remember(self, rel: str, identity: FileId | None, digest_: str) -> None:
        """Record a file's hash under the identity it had when loaded (a later change alters that identity)."""
        if identity is not None:
            self.new[rel] = (identity, digest_)


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


Hashes = tuple[str, str | None]  # content hashes of a report's data file and narrative (None: it has none)


def read_and_process(source: ReportSource, town: Town, catalogue: Catalogue) -> tuple[Hashes | None, Outcome]:
    """Read a report's files (unless the loader did), hash what was read, then `process_report` it.

    The hashes are those of the bytes validated, so the report's fingerprint describes what its
    outcome was made from even if a file changed since the build looked at it. A report read here
    leaves without its narrative (`without_narrative`): the model does not keep it.
    """
    diags = Diagnostics()
    if source.raw_data is None:
        source.raw_data = _read(source.data_file, source.data_rel, diags)
    if source.has_narrative and source.raw_narrative is None:
        source.raw_narrative = _read(source.narrative_file, source.narrative_rel, diags)
    if source.raw_data is None or (source.has_narrative and source.raw_narrative is None):
        source.raw_data = source.raw_narrative = None
        return None, (None, tuple(diags.problems))
    hashes = (content_hash(source.raw_data), content_hash(source.raw_narrative) if source.raw_narrative is not None else None)
    report, problems = process_report(source, town, catalogue)
    return hashes, (without_narrative(report, source), problems)


def without_narrative(report: Report | None, source: ReportSource) -> Report | None:
    """The report with its narrative left in its file, read again when its page is rendered
    (`views.text_of_narrative`), so that the model holds no narratives; as it is if there is no file."""
    if report is None or source.narrative_file is None:
        return report
    return with_narrative(report, "", source.narrative_file)


Work = tuple[list[tuple[ReportSource, Town]], Catalogue]  # the reports to process, with their towns; the formats


def _process_chunk(work: Work, start: int, stop: int) -> list[tuple[int, Hashes | None, Outcome]]:
    todo, catalogue = work
    return [(i, *read_and_process(todo[i][0], todo[i][1], catalogue)) for i in range(start, stop)]


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
    """Every report's outcome, from the cache where its fingerprint is there, else computed.

    The build process keeps no file's bytes for the workers: a file it had to hash (to look its
    report up in the cache) is read again by the worker that validates it, and a report the
    cache cannot hold (there is none) is read and hashed by its worker alone. So at no time
    does the build hold the corpus in memory, and no worker copies the build's pages of it.
    """
    outcomes: dict[str, Outcome] = {}
    todo: list[tuple[ReportSource, Town]] = []
    slots: list[str | int] = []  # in the sources' order: the fingerprint of a reused outcome, or an index into todo
    fingerprints: dict[str, str] = {}
    files = _Files(cache, diags)
    look_up = bool(cache.old.reports)  # with nothing to look up, files are read only by their workers
    town_reprs: dict[str, str] = {}
    for source in sources:
        town = towns.get(source.town_path)
        if town is None or not source.readable or (source.has_narrative and source.narrative_id is None and source.raw_narrative is None):
            continue  # the town's own problem (or an unusable file) was reported already
        hashes = _known_hashes(source, files, look_up)
        if hashes == "unreadable":
            continue
        fp = report_fingerprint(source, _town_repr(town, town_reprs), *hashes) if hashes is not None else None
        cached = cache.old.reports.get(fp) if fp is not None else None
        if fp is not None and cached is not None:
            cache.new.reports[fp] = cached
            outcomes[fp] = _cached(cached, source)
            slots.append(fp)
            fingerprints[_key(source)] = fp
        else:
            slots.append(len(todo))
            todo.append((source, town))
    reused = len(outcomes)
    made: dict[int, tuple[Hashes | None, Outcome]] = {}
    done = 0
    work: Work = (todo, catalogue)
    for chunk in run_chunks(_process_chunk, len(todo), lambda: work, jobs=jobs):
        for i, hashes_read, outcome in chunk:
            made[i] = (hashes_read, outcome)
        done += len(chunk)
        progress.update("校验年报", done, len(todo))
    progress.done()
    for source, _town in todo:
        source.raw_data = source.raw_narrative = None
    reports: list[Report] = []
    for slot in slots:
        if isinstance(slot, int):
            fp = _record(todo[slot][0], _town_repr(todo[slot][1], town_reprs), *made[slot], files, outcomes, diags)
            if fp is None:
                continue
            fingerprints[_key(todo[slot][0])] = fp
        else:
            fp = slot
        report, problems = outcomes[fp]
        diags.extend(Diagnostics(list(problems)))
        if report is not None:
            reports.append(report)
        if fp not in cache.new.reports:
            cache.new.reports[fp] = (_for_cache(report), problems)
    return ReportsResult(reports, fingerprints, reused, len(todo))


def _for_cache(report: Report | None) -> Report | None:
    """The cache holds no narratives. A report without one in memory is shared with the model (the
    file it names is replaced by the report's current file when the cache is used: `_cached`)."""
    if report is None or not report.narrative:
        return report
    return with_narrative(report, "", "")


def _key(source: ReportSource) -> str:
    return f"{source.town_path}/{source.year_in_name}"


def _known_hashes(source: ReportSource, files: _Files, look_up: bool) -> Hashes | None | Literal["unreadable"]:
    """The report's content hashes, to look it up in the cache: known without reading while the
    cache vouches for its files, else read and hashed here (and the bytes let go). None when
    there is no cache to look up: its worker reads and hashes it."""
    if not look_up:
        return None
    data = files.hash(source.data_rel, source.data_file, source.data_id, source.raw_data)
    narrative = files.hash(source.narrative_rel, source.narrative_file, source.narrative_id, source.raw_narrative) \
        if source.has_narrative else None
    if data is None or (source.has_narrative and narrative is None):
        return "unreadable"  # reported
    return data[0], narrative[0] if narrative is not None else None


def _cached(outcome: Outcome, source: ReportSource) -> Outcome:
    """A cached outcome for this build: the cache holds no narratives (read when the page is rendered)."""
    report, problems = outcome
    if report is not None and source.narrative_file is None and source.raw_narrative is not None:
        return with_narrative(report, narrative_text(source.raw_narrative), ""), problems
    return without_narrative(report, source), problems


def _record(source: ReportSource, town_repr: str, hashes: Hashes | None, outcome: Outcome, files: _Files,
            outcomes: dict[str, Outcome], diags: Diagnostics) -> str | None:
    """Note a report made by a worker under the fingerprint of what it read; None if it could not be read."""
    if hashes is None:
        diags.extend(Diagnostics(list(outcome[1])))
        return None
    files.remember(source.data_rel, source.data_id, hashes[0])
    if hashes[1] is not None:
        files.remember(source.narrative_rel, source.narrative_id, hashes[1])
    fp = report_fingerprint(source, town_repr, *hashes)
    outcomes[fp] = outcome
    return fp
