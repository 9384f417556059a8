"""The pipeline in order: load → validate → lint → plan → render → write. Each step is a named call."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.diagnostics import Diagnostics, Where
from generator.formats import Catalogue, catalogue as load_catalogue
from generator.model import Site
from generator.search.indexer import DEFAULT_MEMORY_MB, ShardRun, index as index_search
from generator.search.shards import SearchLayout, layout as search_layout
from generator.stages.exclude import Exclusions, exclude
from generator.stages.lint import lint
from generator.stages.load import content_prefix, load
from generator.stages.plan import plan, report_url
from generator.stages.render import Renderer, make_env, theme_dirs
from generator.stages.validate import validate
from generator.stages.write import MARKER, Staging
from generator.urls import badge_url


@dataclass
class CheckResult:
    site: Site | None
    diags: Diagnostics
    catalogue: Catalogue


@dataclass
class BuildResult:
    check: CheckResult
    out: Path
    pages: list[str] = field(default_factory=list)
    exclusions: Exclusions = field(default_factory=Exclusions)
    written: bool = False  # the output now holds this build's site
    search: list[ShardRun] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.check.diags.has_errors


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
    """How to build the search index: `shards` 0 means from the page count; `jobs` 0 means one per core."""

    enabled: bool = True
    shards: int = 0
    jobs: int = 0
    memory_mb: int = DEFAULT_MEMORY_MB


def build(content: Path, out: Path, search: SearchOptions = SearchOptions(), *, partial: bool = True) -> BuildResult:
    """Check, leave out every part with errors, then write the rest of the site atomically.

    Errors in a report (or a town or region file) keep that part off the site and the
    others are published; errors about the whole site (site.yaml, say) mean nothing is
    written and the last good site stays. `result.ok` is False in both cases. With
    `partial=False` any error writes nothing (the preview keeps showing the last good
    page of the report being edited, with the errors over it).

    The search index is built inside the staging folder: if indexing fails, the last good site stays.
    """
    result = BuildResult(check(content), out)
    diags, site = result.check.diags, result.check.site
    if site is None or (not partial and diags.has_errors):
        return result
    site, result.exclusions = exclude(site, diags, content_prefix(content))
    if result.exclusions.blocks_site:
        return result
    plan(site, diags, _layout(site, search))  # planning may refuse folder names: leave those out too
    site, result.exclusions = exclude(site, diags, content_prefix(content))
    if result.exclusions.blocks_site or (not partial and diags.has_errors):
        return result
    layout = _layout(site, search)
    pages = plan(site, Diagnostics(), layout)
    custom_theme = (content.parent / site.config.theme) if site.config.theme else None
    if custom_theme is not None and not custom_theme.is_dir():
        diags.warning("missing-file", Where(f"{content.name}/site.yaml"), "找不到自定义主题目录，使用默认主题", field="theme", found=site.config.theme)
    dirs = theme_dirs(custom_theme)
    badge = _badge(content, site.config.badge, diags)
    env = make_env(dirs)
    env.globals["badge_src"] = badge_url(site.config.badge) if badge else ""
    renderer = Renderer(site, result.check.catalogue, env)
    with Staging(out) as staging:
        for page in pages:
            staging.write(page.url, renderer.render(page))
            result.pages.append(page.url)
        if badge is not None:
            staging.write(badge_url(site.config.badge), badge.read_bytes())
        for theme in dirs:
            if (theme / "static").is_dir():
                staging.copy_tree(theme / "static", "assets")
        if layout is not None:
            previous = out if (out / MARKER).is_file() else None
            result.search = index_search(staging.stage, layout, previous=previous, jobs=search.jobs, memory_mb=search.memory_mb)
        staging.commit()
    result.written = True
    return result


def _layout(site: Site, search: SearchOptions) -> SearchLayout | None:
    if not search.enabled:
        return None
    return search_layout(((r.town.path, report_url(r)) for r in site.reports), search.shards)


def _badge(content: Path, badge: str, diags: Diagnostics) -> Path | None:
    """The badge image named in site.yaml: a file inside the content folder (never fetched)."""
    if not badge:
        return None
    source = (content / badge).resolve()
    if not source.is_relative_to(content.resolve()) or not source.is_file():
        diags.warning("missing-file", Where(f"{content.name}/site.yaml"), "找不到网站标识图片，页脚不显示", field="badge", found=badge)
        return None
    return source
