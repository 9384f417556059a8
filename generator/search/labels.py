"""Values of the search filters, as readers see them in the filter lists."""

from __future__ import annotations

import re

from generator.formats import Format

_PAREN = re.compile(r"（([^，）]+)")


def format_label(fmt: Format) -> str:
    """The short name of a report format: the first clause of its bracketed part (2019年版格式), else its name."""
    m = _PAREN.search(fmt.name)
    return m.group(1) if m else fmt.name
