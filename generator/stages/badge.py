"""The badge image site.yaml names (shown in every page's footer): a file inside the content folder."""

from __future__ import annotations

from pathlib import Path

from generator.diagnostics import Diagnostics, Where


def badge_source(content: Path, badge: str, diags: Diagnostics) -> Path | None:
    """The badge image named in site.yaml: a file inside the content folder (never fetched)."""
    if not badge:
        return None
    source = (content / badge).resolve()
    if not source.is_relative_to(content.resolve()) or not source.is_file():
        diags.warning("missing-file", Where(f"{content.name}/site.yaml"), "找不到网站标识图片，页脚不显示", field="badge", found=badge)
        return None
    return source
