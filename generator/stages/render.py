"""Render stage: a planned page -> bytes, through the theme's Jinja templates (or its kind's builder)."""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import jinja2

from generator.render import urls
from generator.incremental.stamps import Stamp
from generator.render.data_export import SPLICED_FILES, spliced_file
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
from generator.incremental.splice import PieceIndex, write_spliced
from generator.stages.write import write_new
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


@dataclass(frozen=True)
class RenderSetup:
    """What a build rendered its pages with: the model, the formats, the theme and its globals.

    A caller that keeps it (the preview's fast lane, `generator.preview.fast_lane`) can render a
    page again, as the build would, without building."""

    site: Site
    catalogue: Catalogue
    dirs: list[Path]
    env_globals: dict[str, Any]
    compiled: Path | None  # where compiled templates are kept between builds (None: no cache)

    def environment(self) -> jinja2.Environment:
        env = make_env(self.dirs, self.compiled)
        env.globals.update(self.env_globals)
        return env


# ---- rendering many pages: streamed to the staging folder, in parallel ----


@dataclass
class RenderResult:
    written: list[str] = field(default_factory=list)  # rendered this build
    unchanged: list[str] = field(default_factory=list)  # taken over from the previous site
    removed: list[str] = field(default_factory=list)  # in the previous site, not in this one

    @property
    def pages(self) -> list[str]:
        return sorted(self.written + self.unchanged)


class Made(NamedTuple):
    """A page rendered and written: its file as it is on disk, and where its pieces lie if it is spliced."""

    url: str
    fingerprint: str
    stamp: Stamp
    pieces: PieceIndex | None


# Render workers are replaced after about this many pages (`run_chunks`): what a worker copies of
# the model as it reads it (≈ 4 KB per page rendered) is given back when it exits. Starting one
# costs ≈ 0.06 s of CPU (its templates and table layouts): 4 processes at 10,000 reports (2 would
# do), about 33 at 100,000.
PAGES_PER_WORKER = 10_000

WHOLE_SITE_KINDS = frozenset({"dataset", "compare", "compare-index", "home", "year", "sitemap-page"})  # the slowest pages: see render_pages


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


def spliced(page: Page) -> bool:
    """Is the page a site-wide data file written piece by piece (`generator.incremental.splice`)?"""
    return page.kind == "dataset" and page.context.get("file") in SPLICED_FILES


def render_pages(
    todo: list[tuple[Page, Path, str]],
    site: Site,
    catalogue: Catalogue,
    dirs: list[Path],
    *,
    jobs: int,
    progress: Progress,
    compiled: Path | None = None,
    env_globals: dict[str, Any] | None = None,
    piece_fps: dict[str, str],
    current: Path | None = None,
    previous: dict[str, PieceIndex] | None = None,
) -> list[Made]:
    """Render each page of `todo` (page, where to write it, its fingerprint) into its file, one
    at a time (no page's HTML outlives its write).

    `piece_fps` are the reports' fingerprints, for the site-wide data files written piece by
    piece; `previous` says where the pieces lie in the `current` site's file of such a page, when
    it can be copied from (`generator.incremental.splice`). `compiled`: where Jinja keeps compiled
    templates between builds.
    """
    previous = previous or {}
    result: list[Made] = []
    made = [0]

    def make(todo: list[tuple[Page, Path, str]]) -> None:
        splices: dict[str, tuple[Path | None, PieceIndex | None]] = {}
        for page, _, _ in todo:
            if spliced(page):
                index = previous.get(page.url)
                splices[page.url] = (current / page.url, index) if index is not None and current is not None else (None, None)
        work = RenderWork(site, catalogue, dirs, compiled, env_globals or {}, piece_fps,
                          [(page, target) for page, target, _ in todo], splices)
        for chunk in run_chunks(_render_chunk, len(todo), partial(_setup_renderer, work), jobs=jobs, items_per_process=PAGES_PER_WORKER):
            for i, size, mtime_ns, inode, pieces in chunk:
                page, _, fp = todo[i]
                result.append(Made(page.url, fp, (size, mtime_ns, inode), pieces))
            made[0] += len(chunk)
            progress.update("生成页面", made[0], len(todo))

    gc.freeze()  # the planned pages too, as the model (build/pipeline.py; measured: docs/architecture.md)
    make(_whole_site_first(todo))
    progress.done()
    return result


def _whole_site_first(todo: list[tuple[Page, Path, str]]) -> list[tuple[Page, Path, str]]:
    """Pages made from every report in one file (the big data files before all) first: planned last,
    they would leave one process making them alone while the others have finished. The others keep
    their planned order, in which the costly report pages are spread evenly (each is followed by its
    two data files): workers are given batches by count, and with the report pages all at one end,
    one worker made them alone for 13 s of a 10,000-report build while the other had finished."""
    return sorted(todo, key=lambda item: (not spliced(item[0]), item[0].kind not in WHOLE_SITE_KINDS))
