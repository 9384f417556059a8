"""Render stage: a planned page -> HTML bytes, through the theme's Jinja templates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from generator.formats import Catalogue
from generator.model import Site
from generator.numbers import format_number
from generator.search.labels import format_label, town_label
from generator.stages.lint import public_notes
from generator.stages.plan import Page, report_url, town_url
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
    env.globals["search_town"] = town_label  # filter values of the search index (docs/search.md)
    env.globals["search_format"] = format_label
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
