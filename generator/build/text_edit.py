"""A build after an edit to report narratives only, made from the edited reports alone.

When the input snapshot (`incremental.snapshot.changes`) shows that nothing changed since the last
build but the stats of some files and folders inside the content folder (no name added, removed or
renamed; the code, the themes, the site and the cache as that build left them), and every changed
file is a file of a report that build published (its narrative, usually; its data file too), the
edit may change two things on the site only: the report's page, which shows the narrative, and the
search index, which holds its text. Every other page, data file and the feed is made from the model,
and the model holds no narrative: only what is derived from the files (the tables, the figures the
text states, the notes about them), which is compared here.

So this build reads from the cache the rows of the edited reports' towns only, validates and lints
those reports again, and goes on only if each comes out as the model has it (every field but the
narrative, and every problem, the same): it renders their pages, patches the search index, takes
every other file over from the current site into the staging folder (the clone prepared by the
last build), swaps it in as a full build does, saves the cache rows that changed and returns what
the command records in the snapshot. Otherwise it writes nothing and returns None, and the full
build runs: a figure, a heading or a note that changed, a report with errors, a new file, more than
`MAX_REPORTS` reports, a theme or site file... The site is the same, byte for byte, either way
(`tests/test_text_edit.py` compares it with clean builds).

Pages that show an edited report elsewhere (its town's page, say) keep the fingerprints the last
full build recorded, which named the report's old files: the next full build renders them again,
to the same bytes.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from generator.diagnostics import Diagnostics
from generator.formats import Catalogue, catalogue as load_catalogue
from generator.incremental.cache import BuildCache, CacheData, Outcome, PageRecord
from generator.incremental.fingerprint import digest
from generator.incremental.reuse import page_fingerprints, site_folders
from generator.incremental.snapshot import Changes
from generator.incremental.stamps import Stamp, folder_stamps, stamp_of
from generator.model import Report, Site
from generator.progress import Timings
from generator.render.urls import badge_url
from generator.search.documents import SearchDoc, report_doc, stamp
from generator.search.stage import FOLDER
from generator.search.writer import patch_texts
from generator.source.yaml_source import MAX_BYTES as MAX_YAML_BYTES, load_yaml
from generator.stages.badge import badge_source
from generator.stages.load import MAX_NARRATIVE_BYTES, REPORT_FILE, ReportSource, Sources, content_prefix, read_plain
from generator.stages.plan import Page, town_report_pages
from generator.stages.render import Renderer, make_env, theme_dirs
from generator.stages.reports import content_hash, process_report, report_fingerprint, with_narrative, without_narrative
from generator.stages.validate import site_config
from generator.stages.write import MARKER, Staging, StagingOptions, write_new

MAX_REPORTS = 16  # edited at once; more than that is left to the full build


@dataclass
class TextEdit:
    """What the build did: the pages it wrote, the reports in the search index, the cache's records
    of the site as it left it (for the snapshot), and its time per stage."""

    written: list[str]
    search_reports: int
    recorded: CacheData
    timings: Timings = field(default_factory=Timings)


@dataclass(frozen=True)
class _Edited:
    """A report one of whose files changed: its key and its town's path."""

    key: str
    town_path: str


class _GiveUp(Exception):
    """Inside the staging folder: something only the full build can do (it is then run)."""


def edit_texts(content: Path, out: Path, changes: Changes, *, search: bool, staging: StagingOptions) -> TextEdit | None:
    """Build the site after `changes` if they are edits to report narratives that change nothing but
    the text; None (nothing written) if they are anything else."""
    timings = Timings()
    with timings.stage("load"):
        edited = _edited(content, changes.names)
        if edited is None:
            return None
        prefix = content_prefix(content)
        cache = BuildCache.open_towns(out, content, {e.town_path for e in edited}, {f"{prefix}/{e.town_path}/" for e in edited})
        if cache is None:
            return None
    with timings.stage("validate"):
        catalogue = load_catalogue()
        fresh = _validated(content, edited, cache, catalogue)
        if fresh is None:
            return None
    if not fresh:  # the changed stats were those of files with the same bytes (or of folders): their records only
        old = cache.old
        cache.new = CacheData(reports=dict(old.reports), pages=old.pages, others=old.others, others_made_from=old.others_made_from,
                              folders=old.folders, files=cache.new.files, started_ns=old.started_ns, splices=old.splices)
        cache.save()
        return TextEdit([], _search_count(out) if search else 0, cache.new, timings)
    with timings.stage("render"):
        config_and_theme = _setup(content, search)
        if config_and_theme is None:
            return None
        made, records = _render(cache, fresh, catalogue, *config_and_theme)
    with timings.stage("index"):
        index = None
        if search:
            docs, stamps = _search_docs(fresh, catalogue)
            index = patch_texts(out / FOLDER, docs, stamps)
            if index is None:
                return None
    try:
        with timings.stage("write"):
            written = _write(out, staging, cache, made, records, fresh, config_and_theme, index)
    except _GiveUp:
        return None
    return TextEdit(written, _search_count(out) if search else 0, cache.new, timings)


# ---- what changed ----


def _edited(content: Path, names: list[str]) -> list[_Edited] | None:
    """The reports whose files are among `names` (the rest being folders); None if any is another file."""
    edited: dict[str, _Edited] = {}
    base = os.fspath(content)
    for name in names:
        folder, _, file_name = name.rpartition("/")
        m = REPORT_FILE.match(file_name)
        if m is None:
            try:
                if stat.S_ISDIR(os.lstat(f"{base}/{name}").st_mode):
                    continue  # a folder whose names are the same (an editor saved by renaming, say)
            except OSError:
                pass
            return None
        if not folder:
            return None
        key = f"{folder}/{int(m['year'])}"
        edited[key] = _Edited(key, folder)
    if len(edited) > MAX_REPORTS:
        return None
    return [edited[key] for key in sorted(edited)]


@dataclass(frozen=True)
class _Fresh:
    """An edited report validated again: its old and new fingerprints and outcomes, its source."""

    old_fp: str
    fp: str
    outcome: Outcome  # as the cache keeps it
    report: Report  # as the model holds it (its narrative in its file)
    source: ReportSource


def _validated(content: Path, edited: list[_Edited], cache: BuildCache, catalogue: Catalogue) -> list[_Fresh] | None:
    """Each edited report read, validated and linted again: those whose text changed (the others'
    files recorded anew); None if one is not a report of the model or comes out otherwise than the
    model has it."""
    by_key: dict[str, tuple[str, Outcome]] = {}
    for fp, outcome in cache.old.reports.items():
        if outcome[0] is not None:
            by_key[outcome[0].key] = (fp, outcome)
    prefix = content_prefix(content)
    fresh: list[_Fresh] = []
    cache.new.files = dict(cache.old.files)
    for e in edited:
        known = by_key.get(e.key)
        if known is None:
            return None
        old_fp, (old_report, old_problems) = known
        assert old_report is not None
        town_rel = f"{prefix}/{e.town_path}/"
        if not old_report.narrative_path.startswith(town_rel) or not old_report.data_path.startswith(town_rel) \
                or old_report.data_path not in cache.old.files or old_report.narrative_path not in cache.old.files:
            return None  # a report without a narrative, say
        if "/" in old_report.data_path[len(town_rel):] or "/" in old_report.narrative_path[len(town_rel):]:
            return None
        folder = os.fspath(content.joinpath(*e.town_path.split("/")))
        data_file = f"{folder}/{old_report.data_path[len(town_rel):]}"
        narrative_file = f"{folder}/{old_report.narrative_path[len(town_rel):]}"
        data, narrative = read_plain(data_file, MAX_YAML_BYTES), read_plain(narrative_file, MAX_NARRATIVE_BYTES)
        if data is None or narrative is None:
            return None
        (data_id, raw_data), (narrative_id, raw_narrative) = data, narrative
        source = ReportSource(e.town_path, old_report.year, old_report.data_path, old_report.narrative_path, raw_data=raw_data,
                              raw_narrative=raw_narrative, data_file=data_file, narrative_file=narrative_file,
                              data_id=data_id, narrative_id=narrative_id)
        hashes = content_hash(raw_data), content_hash(raw_narrative)
        fp = report_fingerprint(source, repr(old_report.town), *hashes)
        cache.new.files[source.data_rel] = (data_id, hashes[0])
        cache.new.files[source.narrative_rel] = (narrative_id, hashes[1])
        if fp == old_fp:
            continue  # the same bytes: nothing to make
        report, problems = process_report(source, old_report.town, catalogue)
        if report is None or problems != old_problems or with_narrative(report, "", "") != with_narrative(old_report, "", ""):
            return None  # more than the text changed (a figure, a note, a heading): the full build
        outcome: Outcome = (with_narrative(report, "", ""), problems)
        fresh.append(_Fresh(old_fp, fp, outcome, without_narrative(report, source), source))
    return fresh


# ---- the pages ----

Setup = tuple[Site, list[Path], dict[str, str], Path | None, str]  # a site of no reports, theme, globals, badge, shared_by_all


def _setup(content: Path, search: bool) -> Setup | None:
    """What a full build renders every page with, from site.yaml and the themes; None on any problem."""
    diags = Diagnostics()
    sources = Sources(content)
    prefix = content_prefix(content)
    try:
        raw = (content / "site.yaml").read_bytes()
    except OSError:
        return None
    sources.site = load_yaml(raw, f"{prefix}/site.yaml", diags)
    config = site_config(sources, diags)
    if diags.problems:
        return None
    custom_theme = (content.parent / config.theme) if config.theme else None
    if custom_theme is not None and not custom_theme.is_dir():
        return None  # the full build warns about it
    dirs = theme_dirs(custom_theme)
    badge = badge_source(content, config.badge, diags)
    if diags.problems:
        return None
    env_globals = {"badge_src": badge_url(config.badge) if badge else ""}
    shared_by_all = digest(repr(env_globals), badge.read_bytes() if badge else None, "search" if search else None)
    return Site(config, (), (), ()), dirs, env_globals, badge, shared_by_all


def _render(cache: BuildCache, fresh: list[_Fresh], catalogue: Catalogue, empty: Site, dirs: list[Path], env_globals: dict[str, str],
            badge: Path | None, shared_by_all: str) -> tuple[dict[str, bytes], dict[str, str]]:
    """The edited reports' towns as a site of their own, their edited reports' pages rendered with it,
    and those pages' fingerprints (what a full build computes for them)."""
    replaced = {f.old_fp: f for f in fresh}
    cache.new.reports = {fp: outcome for fp, outcome in cache.old.reports.items() if fp not in replaced}
    cache.new.reports.update((f.fp, f.outcome) for f in fresh)
    towns = {f.report.town.path for f in fresh}
    fps: dict[str, str] = {}
    reports: list[Report] = []
    for fp, (report, _) in cache.old.reports.items():
        if report is None or report.town.path not in towns:
            continue
        f = replaced.get(fp)
        reports.append(f.report if f is not None else report)
        fps[report.key] = f.fp if f is not None else fp
    reports.sort(key=lambda r: (r.town.path, r.year))
    town_objects = {r.town.path: r.town for r in reports}
    regions = {g.path: g for t in town_objects.values() for g in t.regions}
    site = Site(empty.config, tuple(sorted(regions.values(), key=lambda g: g.path)), tuple(sorted(town_objects.values(), key=lambda t: t.path)),
                tuple(reports))
    edited = {f.report.key for f in fresh}
    pages: list[Page] = []
    for town in sorted(towns):
        pages += [p for p in town_report_pages([r for r in reports if r.town.path == town])
                  if p.kind == "report" and p.context["report"].key in edited]
    env = make_env(dirs, cache.templates_dir())
    env.globals.update(env_globals)
    renderer = Renderer(site, catalogue, env)
    made = {page.url: renderer.render(page) for page in pages}
    records = dict(zip((p.url for p in pages), page_fingerprints(pages, site, dirs, fps, shared_by_all)))
    return made, records


def _search_docs(fresh: list[_Fresh], catalogue: Catalogue) -> tuple[dict[str, SearchDoc], dict[str, str]]:
    docs: dict[str, SearchDoc] = {}
    stamps: dict[str, str] = {}
    for f in fresh:
        fmt = catalogue.formats.get(f.report.format)
        doc = report_doc(f.report, fmt.name if fmt else f.report.format)
        docs[doc.key] = doc
        stamps[doc.key] = stamp(doc, f.fp)
    return docs, stamps


def _search_count(out: Path) -> int:
    from generator.search.reader import payload

    meta = payload(out / FOLDER / "meta.js")
    return int(meta["count"]) if isinstance(meta, dict) else 0


# ---- the site and the cache ----


def _write(out: Path, options: StagingOptions, cache: BuildCache, made: dict[str, bytes], records: dict[str, str], fresh: list[_Fresh],
           setup: Setup, index: tuple[dict[str, bytes | None], int] | None) -> list[str]:
    """Into the staging folder: every file of the current site but the edited pages and the search
    index taken over, those written; swapped in, then the cache saved."""
    old, new = cache.old, cache.new
    site, dirs, _, badge, _ = setup
    previous = {url: record.inode for url, record in old.pages.items()}
    previous.update((rel, s[2]) for rel, s in old.others.items())
    with Staging(out, options, previous_files=previous) as staging:
        _, failed = staging.take_over({url: record.stamp for url, record in old.pages.items() if url not in made})
        if failed:
            raise _GiveUp  # could be neither linked nor copied: the full build renders them
        new.pages = dict(old.pages)
        for url, data in made.items():
            staging.write(url, data)
            written = stamp_of(staging.stage / url)
            assert written is not None
            new.pages[url] = PageRecord(records[url], *written)
        if badge is not None:
            staging.write(badge_url(site.config.badge), badge.read_bytes())
        for theme in dirs:
            if (theme / "static").is_dir():
                staging.copy_tree(theme / "static", "assets")
        staging.write(MARKER, b"nianbao\n")
        # the other files' stamps: those written here stat'ed, the index's kept files as recorded (the same inodes)
        base = os.fspath(staging.stage)
        new.others = {rel: _stamp(f"{base}/{rel}") for rel in sorted(staging.written) if rel not in new.pages}
        if index is not None:
            written_index = _index_in_place(staging, index[0], out, old.others)
            for name in sorted(index[0]):
                rel = f"{FOLDER}/{name}"
                kept = old.others.get(rel) if name not in written_index else None
                new.others[rel] = kept if kept is not None else _stamp(f"{base}/{rel}")
        else:
            staging.set_aside(FOLDER)
        # what the other files are made from includes every report's fingerprint: not known here, so
        # none is recorded, and the next full build writes them again (the same bytes)
        new.others_made_from = ""
        new.started_ns = old.started_ns  # the records kept were vouched for as of the last full build
        new.splices = old.splices
        cache.mark_incomplete()
        staging.commit()
        new.folders = folder_stamps(staging.out, site_folders([*new.pages, *new.others]))
        cache.save()
    return sorted(made)


def _stamp(path: str) -> Stamp:
    found = stamp_of(path)
    assert found is not None, path  # written by this build, in its staging folder
    return found


def _index_in_place(staging: Staging, files: dict[str, bytes | None], out: Path, live: dict[str, Stamp]) -> set[str]:
    """The search index `files` (None: as in the current site) written over the staging folder's copy
    of the current index, changing only what differs: a file of the copy that is the current site's
    file as recorded (the same inode) stays, a changed one is unlinked and written anew (never
    through the link), one the index no longer has is removed. (Without a clone, every file the
    index keeps is linked from the current site.) Returns the names written anew."""
    prefix = f"{FOLDER}/"
    present = {rel[len(prefix):]: inode for rel, inode in staging.present.items() if rel.startswith(prefix)}
    staging.hand_over(FOLDER)
    folder = os.fspath(staging.stage / FOLDER)
    current = os.fspath(out / FOLDER)
    for name in sorted(present.keys() - files.keys()):
        os.unlink(f"{folder}/{name}")
    written: set[str] = set()
    for name, data in files.items():
        inode = present.get(name)
        if data is None:
            recorded = live.get(prefix + name)
            if recorded is not None and inode == recorded[2]:
                continue  # the copy's link to the current file
        target = f"{folder}/{name}"
        if inode is not None:
            os.unlink(target)
        else:
            os.makedirs(os.path.dirname(target), exist_ok=True)
        if data is None:
            os.link(f"{current}/{name}", target)
        else:
            write_new(Path(target), data)
            written.add(name)
    return written
