"""Render stage: a planned page -> bytes, through the theme's Jinja templates (or its kind's builder)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2

from generator import urls
from generator.formats import Catalogue
from generator.model import Site
from generator.numbers import Number, format_number
from generator.pages import BUILDERS
from generator.pages.portal import Portal
from generator.search.labels import format_label, town_label
from generator.stages.plan import Page


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
    env.filters["signed"] = signed
    env.filters["isodate"] = lambda d: d.isoformat() if d else ""
    env.globals.update(
        report_url=urls.report_url,
        report_data_url=urls.report_data_url,
        town_url=urls.town_url,
        region_url=urls.region_url,
        year_url=urls.year_url,
        urls=urls,
        search_town=town_label,  # filter values of the search index (docs/search.md)
        search_format=format_label,
    )
    return env


class Renderer:
    def __init__(self, site: Site, catalogue: Catalogue, env: jinja2.Environment) -> None:
        self.site = site
        self.catalogue = catalogue
        self.portal = Portal(site, catalogue)
        self.env = env
        self.domain = urlsplit(site.config.base_url).hostname or ""

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
