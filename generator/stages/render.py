"""Render stage: a planned page -> bytes, through the theme's Jinja templates (or its kind's builder)."""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass, field
from functools import cached_property, partial
from hashlib import blake2b
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2

from generator.render import urls
from generator.cache import BuildCache, PageRecord, stamp_of
from generator.render.data_export import SPLICED_FILES, spliced_file
from generator.fingerprint import digest, model_fingerprint, theme_fingerprint
from generator.formats import Catalogue
from generator.model import Site
from generator.source.numbers import Number, format_number
from generator.pages import BUILDERS
from generator.pages.files import report_pages
from generator.pages.portal import Portal
from generator.parallel import run_chunks
from generator.progress import Progress
from generator.render.series import Reading
from generator.stages.plan import Page
from generator.splice import PieceIndex, write_spliced
from generator.stages.write import Staging, write_new
from generator.render.table_fill import TableFiller


def _themes_dir() -> Path:
    """themes/ beside the package in a checkout, or the installed copy (`generator.themes`) in a wheel."""
    checkout = Path(__file__).resolve().parents[2] / "themes"
    if (checkout / "default").is_dir():
        return checkout
    import generator.themes

    return Path(generator.themes.__file__).resolve().parent


THEMES_DIR = _themes_dir()


def theme_dirs(custom: Path | None) -> list[Path]:
    """The publisher's theme first (overrides, file by file), then the default theme."""
    dirs = [custom] if custom is not None and custom.is_dir() else []
    return dirs + [THEMES_DIR / "default"]


def signed(value: Number | None) -> str:
    """A year-over-year change: +3, −2 (a real minus sign), 0."""
    if value is None:
        return ""
    if value > 0:
        return "+" + format_number(value)
    if value < 0:
        return "−" + format_number(-value)
    return "0"


class ReadingCells:
    """`reading_cells(macro, reading)`: the theme's table cell for a reading (`reading_cell` in
    `_macros.html`, or a publisher's own), made once per distinct reading in a render process.

    The compare pages alone call it 1,800 times each (an indicator for each town and year), half
    their time. A macro imported without context depends only on its arguments and the
    environment's globals, and a reading is its value and status: the key holds the value's
    exact text (1, 1.0 and 1.00 are equal numbers but different cells) and the macro itself.
    """

    def __init__(self) -> None:
        self.made: dict[tuple[object, str, str], str] = {}

    def __call__(self, macro: Any, reading: Reading) -> str:
        key = (macro, reading.status, repr(reading.value))
        made = self.made.get(key)
        if made is None:
            made = self.made[key] = macro(reading)
        return made


def make_env(dirs: list[Path], compiled: Path | None = None) -> jinja2.Environment:
    """The theme's Jinja environment; with `compiled`, templates compiled by an earlier build are
    loaded from there (Jinja checks each against its source) rather than compiled again."""
    bytecode_cache = None
    if compiled is not None:
        compiled.mkdir(parents=True, exist_ok=True)
        bytecode_cache = jinja2.FileSystemBytecodeCache(str(compiled))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d / "templates") for d in dirs]),
        bytecode_cache=bytecode_cache,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["num"] = format_number
    env.filters["signed"] = signed
    env.filters["isodate"] = lambda d: d.isoformat() if d else ""
    env.globals.update(
        report_url=urls.report_url,
        report_data_url=urls.report_data_url,
        town_url=urls.town_url,
        region_url=urls.region_url,
        year_url=urls.year_url,
        urls=urls,
        filled_table=TableFiller(),  # official tables from layouts rendered once per process (generator/table_fill.py)
        reading_cells=ReadingCells(),
    )
    return env


class Renderer:
    def __init__(self, site: Site, catalogue: Catalogue, env: jinja2.Environment) -> None:
        self.site = site
        self.catalogue = catalogue
        self.portal = Portal(site, catalogue)
        self.env = env
        self.domain = urlsplit(site.config.base_url).hostname or ""

    @cached_property
    def report_pages(self) -> dict[str, str]:
        """Each report's page (for the site-wide data files: made once, not once per file)."""
        return report_pages(self.site)

    def render(self, page: Page) -> bytes:
        context: dict[str, Any] = dict(page.context)
        builder = BUILDERS.get(page.kind)
        if builder is not None:
            context.update(builder(self.portal, page))
        if not page.template:
            return context["body"]
        template = self.env.get_template(page.template)
        html = template.render(
            page=page,
            root=page.root,
            site=self.site,
            config=self.site.config,
            catalogue=self.catalogue,
            site_domain=self.domain,
            **context,
        )
        return html.encode("utf-8")


# ---- rendering many pages: streamed to the staging folder, in parallel, skipping unchanged ones ----


@dataclass
class RenderResult:
    written: list[str] = field(default_factory=list)  # rendered this build
    unchanged: list[str] = field(default_factory=list)  # taken over from the previous site
    removed: list[str] = field(default_factory=list)  # in the previous site, not in this one

    @property
    def pages(self) -> list[str]:
        return sorted(self.written + self.unchanged)


# Render workers are replaced after about this many pages (`run_chunks`): what a worker copies of
# the model as it reads it (≈ 4 KB per page rendered) is given back when it exits. Starting one
# costs ≈ 0.06 s of CPU (its templates and table layouts): 4 processes at 10,000 reports (2 would
# do), about 33 at 100,000.
PAGES_PER_WORKER = 10_000

WHOLE_SITE_KINDS = frozenset({"dataset", "compare", "compare-index", "home", "year", "sitemap-page"})  # the slowest pages: see render_pages


def page_fingerprints(pages: list[Page], site: Site, dirs: list[Path], report_fps: dict[str, str], shared_by_all: str = "") -> list[str]:
    """A fingerprint per page: everything it shows (its `deps`, its scalar context values) and what all pages share."""
    common = digest(model_fingerprint(), theme_fingerprint(dirs), repr(site.config), shared_by_all)
    entities: dict[str, str] = dict(report_fps)
    entities.update((t.path, digest(repr(t))) for t in site.towns)
    entities.update((r.path, digest(repr(r))) for r in site.regions)
    everything = digest(common, *(f"{k}={v}" for k, v in sorted(entities.items())))
    result = []
    get = entities.get
    for page in pages:
        if page.deps is None:
            shown = everything
        else:
            # "?key": the page shows only that the report exists (its year, say), not what it holds
            shown = "\n".join(k if k.startswith("?") else f"{k}={get(k, '-')}" for k in page.deps)
        scalars = repr(sorted((k, v) for k, v in page.context.items() if isinstance(v, (str, int, float, bool))))
        # one hash over NUL-separated parts (none of them can hold a NUL: names, keys, hex, a repr)
        text = f"{common}\0{page.url}\0{page.template}\0{page.kind}\0{shown}\0{scalars}"
        result.append(blake2b(text.encode("utf-8"), digest_size=16).hexdigest())
    return result


@dataclass(frozen=True)
class RenderWork:
    """What a render worker is given: the model and theme to render with, and the pages to make."""

    site: Site
    catalogue: Catalogue
    dirs: list[Path]
    compiled: Path | None  # where compiled templates are kept between builds (None: no cache)
    env_globals: dict[str, Any]
    piece_fps: dict[str, str]  # report key -> fingerprint, for the data files written piece by piece
    todo: list[tuple[Page, Path]]  # each page with the file it is written to
    splices: dict[str, tuple[Path | None, PieceIndex | None]]  # url -> the previous file and its piece index


def _setup_renderer(work: RenderWork) -> tuple[Renderer, RenderWork]:
    env = make_env(work.dirs, work.compiled)
    env.globals.update(work.env_globals)
    return Renderer(work.site, work.catalogue, env), work


def _render_chunk(state: tuple[Renderer, RenderWork], start: int, stop: int) -> list[tuple[int, int, int, int, PieceIndex | None]]:
    renderer, work = state
    out: list[tuple[int, int, int, int, PieceIndex | None]] = []
    for i in range(start, stop):
        page, target = work.todo[i]
        pieces: PieceIndex | None = None
        if page.url in work.splices:
            os.makedirs(target.parent, exist_ok=True)
            pieces = _write_spliced(renderer, page, target, *work.splices[page.url], work.piece_fps)
        else:
            html = renderer.render(page)
            try:
                write_new(target, html)
            except FileNotFoundError:  # a fresh staging folder: its folders are made here (Staging.claim)
                os.makedirs(target.parent, exist_ok=True)
                write_new(target, html)
        st = target.stat()
        out.append((i, st.st_size, st.st_mtime_ns, st.st_ino, pieces))
    return out


def _write_spliced(renderer: Renderer, page: Page, target: Path, previous: Path | None,
                   previous_index: PieceIndex | None, piece_fps: dict[str, str]) -> PieceIndex:
    site = renderer.site
    spec = spliced_file(page.context["file"], site, renderer.catalogue, renderer.report_pages)
    assert spec is not None
    reports = list(site.reports)
    return write_spliced(target, spec, reports, [piece_fps[r.key] for r in reports], previous, previous_index)


def _spliced(page: Page) -> bool:
    return page.kind == "dataset" and page.context.get("file") in SPLICED_FILES


def render_pages(
    pages: list[Page],
    site: Site,
    catalogue: Catalogue,
    dirs: list[Path],
    staging: Staging,
    cache: BuildCache,
    *,
    jobs: int,
    progress: Progress,
    env_globals: dict[str, Any] | None = None,
    fingerprints: list[str],
    piece_fps: dict[str, str],
) -> RenderResult:
    """Write every page into the staging folder, one at a time (no page's HTML outlives its write).

    `fingerprints` are the pages' (`page_fingerprints`), in the same order; `piece_fps` the
    reports' fingerprints, for the site-wide data files written piece by piece (`generator.splice`).
    """
    result = RenderResult()
    made = [0]

    def make(todo: list[tuple[Page, Path, str]]) -> None:
        splices: dict[str, tuple[Path | None, PieceIndex | None]] = {}
        for page, _, _ in todo:
            if _spliced(page):
                old, index = cache.old.pages.get(page.url), cache.old.splices.get(page.url)
                usable = old is not None and index is not None and _same_file(staging.out / page.url, old)
                splices[page.url] = (staging.out / page.url, index) if usable else (None, None)
        work = RenderWork(site, catalogue, dirs, cache.templates_dir(), env_globals or {}, piece_fps,
                          [(page, target) for page, target, _ in todo], splices)
        for chunk in run_chunks(_render_chunk, len(todo), partial(_setup_renderer, work), jobs=jobs, items_per_process=PAGES_PER_WORKER):
            for i, size, mtime_ns, inode, pieces in chunk:
                page, _, fp = todo[i]
                cache.new.pages[page.url] = PageRecord(fp, size, mtime_ns, inode)
                if pieces is not None:
                    cache.new.splices[page.url] = pieces
                result.written.append(page.url)
            made[0] += len(chunk)
            progress.update("生成页面", made[0], len(todo))

    todo = _changed(list(zip(pages, fingerprints)), staging, cache, result)
    gc.freeze()  # the planned pages too, as the model (build.py; measured: docs/architecture.md)
    make(_whole_site_first(todo))
    progress.done()
    planned = {p.url for p in pages}
    result.removed = sorted(url for url in cache.old.pages if url not in planned)
    return result


def _changed(pairs: list[tuple[Page, str]], staging: Staging, cache: BuildCache, result: RenderResult) -> list[tuple[Page, Path, str]]:
    """The pages (with their fingerprints) to make: the others are taken over from the current site."""
    todo: list[tuple[Page, Path, str]] = []
    old_pages, old_splices, new_pages = cache.old.pages, cache.old.splices, cache.new.pages
    keep, unchanged = staging.keep, result.unchanged  # (local names: this runs once per page of the site)
    for page, fp in pairs:
        url = page.url
        old = old_pages.get(url)
        if old is not None and old.fingerprint == fp:
            record = old if keep(url, old.stamp) else _reuse(staging, url, old)  # keep: the clone's link, one lstat
            if record is not None:
                if url in old_splices:
                    cache.new.splices[url] = old_splices[url]
                new_pages[url] = record
                unchanged.append(url)
                continue
        todo.append((page, staging.claim(url, make_folder=False), fp))
    return todo


def _whole_site_first(todo: list[tuple[Page, Path, str]]) -> list[tuple[Page, Path, str]]:
    """Pages made from every report in one file (the big data files before all) first: planned last,
    they would leave one process making them alone while the others have finished. The others keep
    their planned order, in which the costly report pages are spread evenly (each is followed by its
    two data files): workers are given batches by count, and with the report pages all at one end,
    one worker made them alone for 13 s of a 10,000-report build while the other had finished."""
    return sorted(todo, key=lambda item: (not _spliced(item[0]), item[0].kind not in WHOLE_SITE_KINDS))


def all_unchanged(pages: list[Page], fingerprints: list[str], cache: BuildCache, out: Path) -> bool:
    """Would this build write exactly the pages of the current site (same pages, none changed or touched)?"""
    old = cache.old.pages
    if cache.status != "used" or len(old) != len(pages):
        return False
    base = os.fspath(out)
    for page, fp in zip(pages, fingerprints):
        record = old.get(page.url)
        if record is None or record.fingerprint != fp or stamp_of(f"{base}/{page.url}") != record.stamp:
            return False
    return True


def _reuse(staging: Staging, url: str, old: PageRecord) -> PageRecord | None:
    """Put the current site's file for `url` into the new site (when the clone holds no link to it,
    `Staging.keep`) if it is still the one the last build wrote; its record then (a new one if it
    had to be copied), else None."""
    if not _same_file(staging.out / url, old):
        return None
    how = staging.reuse(url)
    if how != "copied":
        return old if how == "linked" else None
    st = staging.path(url).stat()
    return PageRecord(old.fingerprint, st.st_size, st.st_mtime_ns, st.st_ino)


def _same_file(path: Path, record: PageRecord) -> bool:
    """Is the previous site's file still the one the last build wrote (not edited or replaced since)?"""
    return stamp_of(path) == record.stamp
