"""What an import could not do by itself: each item names the place in the source."""

from __future__ import annotations

from dataclasses import dataclass

LOOK = "look"  # needs a human look: something was left out or may be wrong
INFO = "info"  # said for the record: what the importer decided, and from where


@dataclass(frozen=True)
class Finding:
    where: str  # "file:line" or "file 表2 第3行第1列"
    message: str
    level: str = LOOK

    def format(self) -> str:
        return f"{self.where}: {self.message}"


def excerpt(text: str, limit: int = 30) -> str:
    """A source text quoted in a finding: on one line, cut at `limit` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + "…"
