"""One preview build: the whole pipeline, with every failure turned into "file:line: message" lines."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, NamedTuple

import jinja2
import yaml

from generator.build.pipeline import build
from generator.incremental.cache import Memory
from generator.diagnostics import Level
from generator.stages.render import THEMES_DIR, RenderSetup
from generator.stages.write import OutputError


class Rebuilt(NamedTuple):
    errors: tuple[str, ...]  # "file:line: message", empty on success
    setup: RenderSetup | None  # what the pages were rendered with, when the site was written without errors
    given_up: bool = False  # stopped before writing anything, as `keep_going` asked


def rebuild(content: Path, out: Path, memory: Memory | None = None, keep_going: Callable[[], bool] | None = None) -> Rebuilt:
    """Build `content` into `out`. On failure `out` keeps the last good site.

    `memory` is kept by the caller between rebuilds (the last build's cache stays in memory);
    `keep_going` is asked once, before anything is written (`build`)."""
    try:
        result = build(content, out, partial=False, memory=memory, keep_going=keep_going)  # a preview shows the last good page with the errors over it
    except jinja2.TemplateSyntaxError as exc:
        return Rebuilt((f"{exc.filename or exc.name}:{exc.lineno}: 模板语法错误：{exc.message}",), None)
    except jinja2.TemplateError as exc:
        return Rebuilt((f"{_template_place(exc)}模板错误：{exc}",), None)
    except OutputError as exc:
        return Rebuilt((str(exc),), None)
    if result.ok:
        return Rebuilt((), result.setup if result.written else None, result.given_up)
    return Rebuilt(tuple(p.format() for p in result.check.diags.sorted() if p.level >= Level.ERROR), None)


def _template_place(exc: Exception) -> str:
    """The innermost template frame of a rendering error, as "file:line: ", if there is one."""
    tb = exc.__traceback__
    place = ""
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith(".html"):
            place = f"{name}:{tb.tb_lineno}: "
        tb = tb.tb_next
    return place


def watched(content: Path) -> list[Path]:
    """What a change of triggers a rebuild: the content (with site.yaml), the themes, the format files."""
    roots = [content, THEMES_DIR]
    custom = _custom_theme(content)
    if custom is not None:
        roots.append(custom)
    return roots


def _custom_theme(content: Path) -> Path | None:
    try:
        data = yaml.safe_load((content / "site.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return None
    theme = data.get("theme") if isinstance(data, dict) else None
    return (content.parent / theme) if isinstance(theme, str) and theme else None
