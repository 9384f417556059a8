"""Slugs: the ASCII folder names that become URL segments."""

from __future__ import annotations

import re

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def is_slug(text: str) -> bool:
    return bool(SLUG.fullmatch(text)) and len(text) <= 64
