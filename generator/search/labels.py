"""Values of the search filters, as readers see them in the filter lists."""

from __future__ import annotations

import re

from generator.formats import Format
from generator.model import Town

_PAREN = re.compile(r"（([^，）]+)")


def town_label(town: Town) -> str:
    """A town with the division right above it (莱阳市羊郡镇): town names repeat across counties."""
    parent = town.regions[-1].name if town.regions else ""
    return f"{parent}{town.name}"


def format_label(fmt: Format) -> str:
    """The short name of a report format: the first clause of its bracketed part (2019年版格式), else its name."""
    m = _PAREN.search(fmt.name)
    return m.group(1) if m else fmt.name
