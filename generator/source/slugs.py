"""Slugs: the ASCII folder names that become URL segments."""

from __future__ import annotations

import re

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*", re.ASCII)
MAX_SLUG = 64


def is_slug(text: str) -> bool:
    return len(text) <= MAX_SLUG and bool(SLUG.fullmatch(text))
