"""Render stage: a planned page -> HTML bytes, through the theme's Jinja templates; all pages -> files."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from generator.cache import BuildCache, PageRecord
from generator.fingerprint import digest, model_fingerprint, theme_fingerprint
from generator.formats import Catalogue
from generator.model import Site
from generator.numbers import format_number
from generator.parallel import run_chunks, shared
from generator.progress import Progress
from generator.stages.lint import public_notes
from generator.stages.plan import Page, report_url, town_url
from generator.stages.write import Staging
from generator.views import report_view

def _themes_dir() -> Path:
    """themes/ beside the package in a checkout, or the installed copy (`generator.themes`) in a wheel."""
    checkout = Path(__file__).resolve().parents[2] / "themes"
    if (checkout / "default").is_dir():
        return checkout
    import generator.themes

    return Path(generator.themes.__file__).resolve().parent


THEMES_DIR = _themes_dir()


def theme_dirs(custom: Path | None) -> list[Path]:
    """The publisher's theme first (overrides), then the default theme."""
    dirs = [custom] if custom is not None and custom.is_dir() else []
    return dirs + [THEMES_DIR / "default"]


def make_env(dirs: list[Path]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d / "templates") for d in dirs]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["num"] = format_number
    env.filters["isodate"] = lambda d: d.isoformat() if d else ""
    return env


class Renderer:
    def __init__(self, site: Site, catalogue: Catalogue, env: jinja2.Environment) -> None:
        self.site = site
        self.catalogue = catalogue
        self.env = env

    def render(self, page: Page) -> bytes:
        context: dict[str, Any] = dict(page.context)
        if page.kind == "report":
            report = context["report"]
            fmt = self.catalogue.formats[report.format]
            context["format"] = fmt
            context["view"] = report_view(report, fmt)
            context["notes"] = public_notes(report) if self.site.config.show_consistency_notes else ()
        template = self.env.get_template(page.template)
        html = template.render(
            page=page,
            root=page.root,
            site=self.site,
            config=self.site.config,
            catalogue=self.catalogue,
            report_url=report_url,
            town_url=town_url,
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


def page_fingerprints(pages: list[Page], site: Site, dirs: list[Path], report_fps: dict[str, str]) -> list[str]:
    """A fingerprint per page: everything it shows (its `deps`) and everything all pages share."""
    common = digest(model_fingerprint(), theme_fingerprint(dirs), repr(site.config))
    entities: dict[str, str] = dict(report_fps)
    entities.update((t.path, digest(repr(t))) for t in site.towns)
    entities.update((r.path, digest(repr(r))) for r in site.regions)
    everything = digest(common, *(f"{k}={v}" for k, v in sorted(entities.items())))
    result = []
    for page in pages:
        if page.deps is None:
            shown = everything
        else:
            shown = digest(*(f"{k}={entities.get(k, '-')}" for k in page.deps))
        result.append(digest(common, page.url, page.template, page.kind, shown))
    return result


def _setup_renderer() -> None:
    data = shared()
    data["renderer"] = Renderer(data["site"], data["catalogue"], make_env(data["dirs"]))


def _render_chunk(start: int, stop: int) -> list[tuple[int, int, int, int]]:
    data = shared()
    renderer: Renderer = data["renderer"]
    out: list[tuple[int, int, int, int]] = []
    for i in range(start, stop):
        page, target = data["todo"][i]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(renderer.render(page))
        st = target.stat()
        out.append((i, st.st_size, st.st_mtime_ns, st.st_ino))
    return out


def render_pages(
    pages: list[Page],
    site: Site,
    catalogue: Catalogue,
    dirs: list[Path],
    staging: Staging,
    cache: BuildCache,
    report_fps: dict[str, str],
    *,
    jobs: int,
    progress: Progress,
) -> RenderResult:
    """Write every page into the staging folder, one at a time (no page's HTML outlives its write)."""
    result = RenderResult()
    fingerprints = page_fingerprints(pages, site, dirs, report_fps)
    todo: list[tuple[Page, Path]] = []
    todo_fps: list[str] = []
    for page, fp in zip(pages, fingerprints):
        old = cache.old.pages.get(page.url)
        if old is not None and old.fingerprint == fp and _same_file(staging.out / page.url, old):
            how = staging.reuse(page.url)
            if how is not None:
                if how == "linked":  # the same file: size, time and inode as recorded
                    cache.new.pages[page.url] = old
                else:
                    st = staging.path(page.url).stat()
                    cache.new.pages[page.url] = PageRecord(fp, st.st_size, st.st_mtime_ns, st.st_ino)
                result.unchanged.append(page.url)
                continue
        todo.append((page, staging.claim(page.url)))
        todo_fps.append(fp)
    data = {"todo": todo, "site": site, "catalogue": catalogue, "dirs": dirs}
    done = 0
    for chunk in run_chunks(_render_chunk, len(todo), jobs=jobs, data=data, setup=_setup_renderer):
        for i, size, mtime_ns, inode in chunk:
            url = todo[i][0].url
            cache.new.pages[url] = PageRecord(todo_fps[i], size, mtime_ns, inode)
            result.written.append(url)
        done += len(chunk)
        progress.update("生成页面", done, len(todo))
    progress.done()
    shared().clear()
    planned = {p.url for p in pages}
    result.removed = sorted(url for url in cache.old.pages if url not in planned)
    return result


def _same_file(path: Path, record: PageRecord) -> bool:
    """Is the previous site's file still the one the last build wrote (not edited or replaced since)?"""
    try:
        st = path.stat()
    except OSError:
        return False
    return (st.st_size, st.st_mtime_ns, st.st_ino) == (record.size, record.mtime_ns, record.inode)
