"""A source as a sequence of pieces: lines of prose and table cells, each remembering where it came from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.importer.labels import is_blank, is_number
from generator.importer.pipe_tables import pipe_regions

_HEADING_NUMBER = re.compile(r"^[\s\u3000]*[一二三四五六七八九十]{1,3}、")
_SENTENCE_END = re.compile(r"[。！？；]")
_SOURCE_URL = re.compile(r"^#\s*source:\s*(\S+)\s*$", re.IGNORECASE)
_ASCII_COMMENT = re.compile(r"^#\s+[A-Za-z][^\n]*$")  # "# this copy ends part-way …": a note of whoever saved it


@dataclass(frozen=True)
class Piece:
    text: str  # as read; a cell's inner line breaks are kept as "\n"
    where: str  # "file:line" or "file 表2 第3行第1列"
    line: int  # the source line (text) or paragraph/table order (docx), for ordering and messages
    cell: bool = False  # a table cell (tab-led in text, a real cell in .docx), not a line of prose
    blank_before: bool = False  # a blank line separated it from the previous piece
    blanks: int = 0  # how many empty lines came right before it (plain text only; a blank cell may be printed so)
    level: int = 0  # a heading's level when the source marks it (a Word heading style), else 0


@dataclass
class Source:
    path: Path
    pieces: list[Piece]
    url: str = ""
    comments: list[Piece] = field(default_factory=list)  # notes of whoever saved the copy ("# ..."), not report text


def decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


def read_text(path: Path) -> Source:
    """Plain text as copied from a portal or saved from Word: one cell per tab-led line or between "|", prose as lines."""
    lines = decode(path.read_bytes()).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    name = path.name
    source = Source(path, [])
    pieces = source.pieces
    regions = {r.start: r for r in pipe_regions(lines)}
    blank = False
    blanks = 0
    started = False
    skip_to = 0
    after_region = False  # a "|" table's last cell is closed by its bar: no line continues it
    for i, line in enumerate(lines):
        number = i + 1
        where = f"{name}:{number}"
        if i < skip_to:
            continue
        region = regions.get(i)
        if region is not None:
            for cell_text, cell_line, is_cell in region.pieces:
                pieces.append(Piece(cell_text, f"{name}:{cell_line}", cell_line, cell=is_cell, blank_before=blank, blanks=blanks))
                blank, blanks = False, 0
            skip_to, started, after_region = region.end, True, True
            continue
        if not started:
            m = _SOURCE_URL.match(line)
            if m:
                source.url = m.group(1)
                continue
            if _ASCII_COMMENT.match(line):
                source.comments.append(Piece(line.lstrip("# ").strip(), where, number))
                continue
        if line.startswith("\t"):
            pieces.append(Piece(line[1:], where, number, cell=True, blank_before=blank, blanks=blanks))
            blank, blanks, started, after_region = False, 0, True, False
            continue
        if not line.strip(" \t\u3000\u00a0\ufeff"):
            blank = True
            blanks += 1
            continue
        started = True
        last = pieces[-1] if pieces else None
        if last is not None and last.cell and not after_region and _continues_cell(last.text, line, blank, lines, i):
            pieces[-1] = Piece(last.text + "\n" + line, last.where, last.line, True, last.blank_before, last.blanks)
            blank, blanks = False, 0
            continue
        pieces.append(Piece(line, where, number, blank_before=blank, blanks=blanks))
        blank, blanks, after_region = False, 0, False
    return source


def _continues_cell(cell: str, line: str, blank: bool, lines: list[str], i: int) -> bool:
    """A line without a tab right after a cell is the rest of that cell's text (a label broken over lines).

    Values and empty cells never continue: what follows them is the next thing (a caption, a heading)."""
    if is_blank(cell) or is_number(cell) or _HEADING_NUMBER.match(line) or _SENTENCE_END.search(line):
        return False
    if not blank:
        return True
    # after a blank line only a short fragment followed by more cells ("（三）不予\n\n公开")
    if len(line.strip()) > 10:
        return False
    for following in lines[i + 1 :]:
        if following.strip(" \u3000\u00a0"):
            return following.startswith("\t")
    return False
