"""The pipeline in order: load → validate → lint → plan → render → write. Each step is a named call.

`build` is incremental and parallel: reports whose files did not change come from the build cache
(`generator.incremental.cache`), pages whose inputs did not change are taken over from the previous site, and
the rest is done over `jobs` processes. Output is the same, byte for byte, however it was reached.
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from generator.diagnostics import Diagnostics, Level, Problem, Where
from generator.incremental.cache import BuildCache, CacheData, Memory, PageRecord, cache_size
from generator.incremental.fingerprint import digest, theme_fingerprint
from generator.incremental.reuse import Work, decide, identities, page_fingerprints, site_folders
from generator.incremental.stamps import folder_stamps
from generator.formats import Catalogue, catalogue as load_catalogue
from generator.model import Site
from generator.parallel import Beside, default_jobs
from generator.progress import Progress, Timings
from generator.search.stage import FOLDER, search_signature, write_search
from generator.search.writer import IndexSummary
from generator.stages.badge import badge_source
from generator.stages.exclude import Exclusions, exclude
from generator.stages.lint import lint
from generator.stages.load import Sources, content_prefix, load
from generator.stages.plan import Page, plan
from generator.stages.render import Made, RenderResult, RenderSetup, render_pages, spliced, theme_dirs
from generator.stages.reports import build_reports
from generator.stages.validate import assemble, validate, validate_places
from generator.stages.write import MARKER, Staging, StagingOptions
from generator.render.urls import badge_url


@dataclass
class CheckResult:
    site: Site | None
    diags: Diagnostics
    catalogue: Catalogue


@dataclass
class BuildResult:
    check: CheckResult
    out: Path
    exclusions: Exclusions = field(default_factory=Exclusions)
    written: bool = False  # the output now holds this build's site
    rendered: RenderResult = field(default_factory=RenderResult)
    timings: Timings = field(default_factory=Timings)
    cache_status: str = "none"
    reports_reused: int = 0
    reports_processed: int = 0
    search: IndexSummary | None = None  # what the search index holds, when the build made one
    search_reports: int = 0  # reports in the search index
    custom_theme: Path | None = None  # the theme folder site.yaml names, whether it is there or not
    recorded: CacheData | None = None  # the cache's records of the site as this build left it (when caching)
    given_up: bool = False  # `keep_going` said stop before anything was written
    setup: RenderSetup | None = None  # what the pages were (or would have been) rendered with, once planned

    @property
    def ok(self) -> bool:
        return not self.check.diags.has_errors

    @property
    def pages(self) -> list[str]:
        return self.rendered.pages


def check(content: Path) -> CheckResult:
    """Load and validate the content; the model is returned even when there are errors."""
    diags = Diagnostics()
    cat = load_catalogue()
    sources = load(content, diags)
    site = validate(sources, cat, diags)
    docs = {r.data_rel: r.data for r in sources.reports if r.data is not None}
    site = lint(site, cat, docs, diags)
    return CheckResult(site, diags, cat)


@dataclass(frozen=True)
class SearchOptions:
    """Whether to build the search index, and over how many processes (`jobs` 0: those of the build)."""

    enabled: bool = True
    jobs: int = 0


def build(
    content: Path,
    out: Path,
    search: SearchOptions = SearchOptions(),
    *,
    jobs: int = 0,
    use_cache: bool = True,
    progress: Progress | None = None,
    partial: bool = True,
    staging: StagingOptions = StagingOptions(),
    memory: Memory | None = None,
    keep_going: Callable[[], bool] | None = None,
) -> BuildResult:
    """Check, leave out every part with errors, then write the rest of the site atomically.

    Errors in a report (or a town or region file) keep that part off the site and the
    others are published; errors about the whole site (site.yaml, say) mean nothing is
    written and the last good site stays. `result.ok` is False in both cases. With
    `partial=False` any error writes nothing (the preview keeps showing the last good
    page of the report being edited, with the errors over it).

    The search index (`search-data/`, made from the model) is written inside the staging folder:
    if indexing fails, the last good site stays.

    `memory` (`generator.incremental.cache.Memory`): a long-lived caller's, passed to every build,
    so that the last build's cache is taken from memory instead of being read again.

    `keep_going`: asked once, when everything is planned and nothing written yet; if it says no, the
    build stops there (`result.given_up`; the site and the cache stay as they were). The preview
    gives up a build when another save has come meanwhile.
    """
    gc_enabled = gc.isenabled()
    gc.disable()  # the model makes many objects and no cycles; measured: docs/architecture.md, "State that is not a parameter"
    try:
        return _build(content, out, search, jobs or search.jobs or default_jobs(), use_cache, progress or Progress(), partial, staging, memory,
                      keep_going)
    finally:
        gc.unfreeze()
        if gc_enabled:
            gc.enable()


def _build(content: Path, out: Path, search: SearchOptions, jobs: int, use_cache: bool, progress: Progress, partial: bool,
           staging_options: StagingOptions, memory: Memory | None, keep_going: Callable[[], bool] | None) -> BuildResult:
    timings = Timings()
    diags = Diagnostics()
    cat = load_catalogue()
    with timings.stage("load"):
        started_ns = time.time_ns()
        # report files are read (if need be) by build_reports; a large cache is read while they are listed
        listing = Beside(_listing, content) if use_cache and (memory is None or memory.data is None) and cache_size(out) >= LIST_BESIDE_CACHE_BYTES else None
        cache = BuildCache.open(out, content, enabled=use_cache, memory=memory)
        cache.new.started_ns = started_ns
        try:
            listed = listing.result() if listing is not None else None
        except Exception:  # noqa: BLE001 - listed again here, where its errors are raised as they are
            listed = None
        sources, problems = listed if listed is not None else _listing(content)
        diags.extend_problems(problems)
    with timings.stage("validate"):  # validate + lint, per report, cached and in parallel
        places = validate_places(sources, diags)
        reports = build_reports(sources.reports, places.towns, cat, cache, diags, jobs=jobs, progress=progress)
        site = assemble(places, reports.reports)
    del sources
    gc.freeze()  # later collections (in forked workers too) leave the model alone; measured: docs/architecture.md
    gc.enable()
    result = BuildResult(CheckResult(site, diags, cat), out, timings=timings, cache_status=cache.status,
                         reports_reused=reports.reused, reports_processed=reports.processed)
    if not partial and diags.has_errors:
        return result
    site, result.exclusions = exclude(site, diags, content_prefix(content))
    if result.exclusions.blocks_site:
        return result
    with timings.stage("plan"):
        errors = diags.count(Level.ERROR)
        pages = plan(site, diags, search.enabled)
        if diags.count(Level.ERROR) > errors:  # planning refused folder names: leave those out too, plan again
            site, result.exclusions = exclude(site, diags, content_prefix(content))
            if result.exclusions.blocks_site or (not partial and diags.has_errors):
                return result
            pages = plan(site, Diagnostics(), search.enabled)
    custom_theme = result.custom_theme = (content.parent / site.config.theme) if site.config.theme else None
    if custom_theme is not None and not custom_theme.is_dir():
        diags.warning("missing-file", Where(f"{content.name}/site.yaml"), "找不到自定义主题目录，使用默认主题", field="theme", found=site.config.theme)
    dirs = theme_dirs(custom_theme)
    badge = badge_source(content, site.config.badge, diags)
    env_globals = {"badge_src": badge_url(site.config.badge) if badge else ""}
    # what every page may show besides its deps: the badge, and whether there is a search index
    shared_by_all = digest(repr(env_globals), badge.read_bytes() if badge else None, "search" if search.enabled else None)
    result.setup = RenderSetup(site, cat, dirs, env_globals, cache.templates_dir())
    with timings.stage("plan"):  # what each page is made from, and what is to be made, kept and removed
        fingerprints = page_fingerprints(pages, site, dirs, reports.fingerprints, shared_by_all)
        # what the files other than pages (assets, badge, search index) are made from
        others_made_from = digest(shared_by_all, theme_fingerprint(dirs), search_signature(site, reports.fingerprints) if search.enabled else "no search")
        work = decide(pages, fingerprints, cache.old if cache.status == "used" else None, out, others_made_from,
                      frozenset(p.url for p in pages if spliced(p)))
    if work.nothing_to_do:
        # nothing to write: the current site is, file for file, what this build would make
        result.rendered = RenderResult(unchanged=[p.url for p in pages])
        result.written = True
        result.recorded = cache.old
        return result
    if keep_going is not None and not keep_going():
        result.given_up = True
        return result
    with Staging(out, staging_options, previous_files=work.previous_files(cache.old)) as staging:
        with timings.stage("render"):  # pages taken over from the current site, then the others rendered and written
            made = _make_pages(work, pages, site, cat, dirs, staging, cache, jobs=jobs, progress=progress,
                               env_globals=env_globals, piece_fps=reports.fingerprints)
            result.rendered = RenderResult(written=[m.url for m in made], unchanged=list(work.kept), removed=work.removed)
        with timings.stage("write"):
            if badge is not None:
                staging.write(badge_url(site.config.badge), badge.read_bytes())
            for theme in dirs:
                if (theme / "static").is_dir():
                    staging.copy_tree(theme / "static", "assets")
        with timings.stage("index"):  # the search index, written in the staging folder, swapped in with the pages
            staging.set_aside(FOLDER)  # a clone's copy of the last index: written anew (reusing what is unchanged)
            if search.enabled:
                previous = out if (out / MARKER).is_file() and use_cache else None
                result.search_reports = len(site.reports)
                result.search = write_search(site, cat, staging.stage / FOLDER, previous=previous, jobs=search.jobs or jobs,
                                             report_fps=reports.fingerprints)
        with timings.stage("write"):
            staging.write(MARKER, b"nianbao\n")
            cache.new.others = identities(staging.stage, set(cache.new.pages))
            cache.new.others_made_from = others_made_from
            cache.mark_incomplete()  # until saved again, no cache describes the files being swapped
            staging.commit(rewritten=len(made) + (result.search.written if result.search else 0))
            cache.new.folders = folder_stamps(staging.out, site_folders([*cache.new.pages, *cache.new.others]))
            cache.save()  # the site is in place: the cache is complete (only what changed written) before the build returns
    result.written = True
    result.recorded = cache.new if use_cache else None
    return result


def _make_pages(work: Work, pages: list[Page], site: Site, cat: Catalogue, dirs: list[Path], staging: Staging, cache: BuildCache,
                *, jobs: int, progress: Progress, env_globals: dict[str, str], piece_fps: dict[str, str]) -> list[Made]:
    """Take the kept pages over into the staging folder, render the others there; record both in the new cache."""
    copied, failed = staging.take_over({url: record.stamp for url, record in work.kept.items()})
    to_make = work.make
    if failed:  # could be neither linked nor copied: made instead
        by_url = {page.url: page for page in pages}
        to_make = to_make + [(by_url[url], work.kept.pop(url).fingerprint) for url in failed]
    old_splices, new = cache.old.splices, cache.new
    for url, record in work.kept.items():
        stamp = copied.get(url)
        new.pages[url] = record if stamp is None else PageRecord(record.fingerprint, *stamp)
        if url in old_splices:
            new.splices[url] = old_splices[url]
    todo = [(page, staging.claim(page.url, make_folder=False), fp) for page, fp in to_make]
    made = render_pages(todo, site, cat, dirs, jobs=jobs, progress=progress, compiled=cache.templates_dir(), env_globals=env_globals,
                        piece_fps=piece_fps, current=staging.out, previous=work.previous)
    for m in made:
        new.pages[m.url] = PageRecord(m.fingerprint, *m.stamp)
        if m.pieces is not None:
            new.splices[m.url] = m.pieces
    return made


# From this size of cache on (about 500 reports), the content is listed in a forked process while
# this one reads the cache: at 10,000 reports each took about 0.3 s, and sending the listing 0.03 s.
LIST_BESIDE_CACHE_BYTES = 1 << 20


def _listing(content: Path) -> tuple[Sources, list[Problem]]:
    """The content's sources, its report files checked but not read, and the problems found."""
    diags = Diagnostics()
    sources = load(content, diags, parse_reports=False)
    return sources, diags.problems
