"""Figures stated in a narrative: "主动公开政府信息56条" found by each indicator's patterns.

Used by the consistency lint (text against table) and by the importer (key figures of
narrative-only reports).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from generator.formats import Indicator

_WS = re.compile(r"\s+")
_NON_SPACE = re.compile(r"\S+")
_NEWLINE = re.compile("\n")
MAX_DIGITS = 18


@dataclass(frozen=True)
class Statement:
    indicator: str
    value: int
    line: int
    column: int
    quote: str  # the matched words, as in the text (whitespace removed)


@lru_cache(maxsize=64)
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


def find_statements(text: str, indicators: dict[str, Indicator]) -> list[Statement]:
    """Every statement of an indicator's value, in text order (one per place)."""
    # The text without whitespace, as runs of non-space characters (\S is str.isspace's complement).
    runs = [(m.start(), m.group()) for m in _NON_SPACE.finditer(text)]
    squeezed = "".join(run for _, run in runs)
    run_at: list[int] = []  # where each run starts in `squeezed`
    at = 0
    for _, run in runs:
        run_at.append(at)
        at += len(run)

    def origin(k: int) -> int:
        i = bisect.bisect_right(run_at, k) - 1
        return runs[i][0] + (k - run_at[i])

    line_starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
    found: dict[int, Statement] = {}
    for indicator in indicators.values():
        for pattern in _compiled(indicator.patterns):
            for m in pattern.finditer(squeezed):
                start = origin(m.start("n"))
                if start in found or len(m.group("n")) > MAX_DIGITS:
                    continue  # a run of digits that long is not a count (and int() refuses 4,300+ digits)
                line = _line_of(line_starts, start)
                found[start] = Statement(
                    indicator=indicator.id,
                    value=int(m.group("n")),
                    line=line,
                    column=start - line_starts[line - 1] + 1,
                    quote=m.group(0),
                )
    return [found[k] for k in sorted(found)]


def _line_of(line_starts: list[int], offset: int) -> int:
    lo, hi = 0, len(line_starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if line_starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo + 1
