"""Tables written with "|" in plain text, as portals' pages come out when copied.

Three styles are read the same way, by cutting the text at every bar:
  (a) each cell on its own line and a line holding only "|" after it;
  (b) markdown-like rows "| a | b |" (separator rows "|---|---|" are dropped);
  (c) rows "a | b |" without a leading bar.
Lines without a bar between two bars belong to the cell they stand in (a label broken over
lines: "商业" / "企业"). Text that reads as prose (a sentence, a line ending in a colon, a section
heading followed by more lines, a unit line 单位：万元 above a cell) is kept as prose even inside
the table's lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.importer.labels import is_number, unit_line

_BAR = re.compile(r"[|｜]")
_SEPARATOR = re.compile(r"^\s*[|｜]?\s*:?-{3,}:?\s*(?:[|｜]\s*:?-{3,}:?\s*)*[|｜]?\s*$")
_HEADING_NUMBER = re.compile(r"^[一二三四五六七八九十]{1,3}、")
_PROSE_END = re.compile(r"[。！？；：:]$")
MAX_GAP = 4  # lines with text and no bar that may stand between two bar lines of one table
MAX_LEAD = 3  # lines before a bare first bar that may make the first cell
MIN_NUMBERS = 2  # cells that are numbers: fewer, and the bars are not a table (a page's "作者 | 来源" line)
LONG_LINE = 60  # characters: a longer line above a cell is prose


@dataclass
class Region:
    start: int  # index of the first line (0-based)
    end: int  # index after the last line
    pieces: list[tuple[str, int, bool]] = field(default_factory=list)  # (text, 1-based line, is a cell)


def _is_bar_line(line: str) -> bool:
    return bool(_BAR.search(line)) and not line.startswith("\t")


def _bare(line: str) -> bool:
    return line.strip(" \t\u3000\u00a0") in {"|", "｜"}


def _prose_like(text: str) -> bool:
    return bool(_PROSE_END.search(text)) or "。" in text or len(text) > LONG_LINE


def pipe_regions(lines: list[str]) -> list[Region]:
    """The runs of lines that hold a "|" table, each cut into its cells."""
    bars = [i for i, line in enumerate(lines) if _is_bar_line(line)]
    runs: list[list[int]] = []
    for i in bars:
        if runs:
            gap = sum(1 for line in lines[runs[-1][-1] + 1 : i] if line.strip())
            if gap <= MAX_GAP:
                runs[-1].append(i)
                continue
        runs.append([i])
    regions: list[Region] = []
    for run in runs:
        first, last = run[0], run[-1]
        start = first
        if _bare(lines[first]):
            while start > 0 and first - start < MAX_LEAD:
                before = lines[start - 1].strip()
                if not before or _prose_like(before) or _is_bar_line(lines[start - 1]):
                    break
                start -= 1
        region = Region(start, last + 1, _cut(lines, start, last + 1))
        if sum(1 for text, _, cell in region.pieces if cell and is_number(text)) >= MIN_NUMBERS:
            regions.append(region)
    return regions


def _cut(lines: list[str], start: int, end: int) -> list[tuple[str, int, bool]]:
    out: list[tuple[str, int, bool]] = []
    current: list[tuple[str, int]] = []
    prev_bare: bool | None = None  # None before the first bar of the region
    for i in range(start, end):
        line = lines[i]
        if _SEPARATOR.match(line):
            continue
        if not _is_bar_line(line):
            if line.strip(" \t\u3000\u00a0"):
                current.append((line.strip(" \t\u3000\u00a0"), i + 1))
            continue
        parts = _BAR.split(line)
        bare = _bare(line)
        for k, part in enumerate(parts[:-1]):
            text = part.strip(" \t\u3000\u00a0")
            if text:
                current.append((text, i + 1))
            _segment(out, current, prev_bare, bare, same_line=k > 0, line=i + 1)
            current = []
            prev_bare = bare
        tail = parts[-1].strip(" \t\u3000\u00a0")
        if tail:
            current.append((tail, i + 1))
    if current:  # text after the region's last bar, on its line: a last cell ("| 35")
        out.append(("\n".join(t for t, _ in current), current[0][1], True))
    return out


def _segment(out: list[tuple[str, int, bool]], current: list[tuple[str, int]], prev_bare: bool | None, bare: bool, same_line: bool, line: int) -> None:
    """What stood between two bars: a cell, an empty cell, a row break, or prose lines and a cell."""
    if not current:
        if prev_bare is None:
            return  # the leading bar of a "| a | b |" row
        if same_line or (prev_bare and bare):
            out.append(("", line, True))  # "| |", "||", or a bare bar right after a bare bar
        return  # "… |" then "| …": the end of one row and the start of the next
    last_prose = -1  # the line a bar closes is always (the end of) a cell; lines above it may be prose
    for k, (text, _) in enumerate(current[:-1]):
        if _prose_like(text) or _HEADING_NUMBER.match(text) or unit_line(text):
            last_prose = k  # a table's unit line (单位：万元) above a cell is a line of its own
    for text, number in current[: last_prose + 1]:
        out.append((text, number, False))
    cell = current[last_prose + 1 :]
    if cell:
        out.append(("\n".join(t for t, _ in cell), cell[0][1], True))
