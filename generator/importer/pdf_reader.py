"""Reading a PDF with a text layer through pdfplumber: text lines and the tables it finds, in reading order.

Lines inside a table's box are read as that table's cells (a merged cell once, at its first
position); the other lines are prose. A line wrapped at the right margin is joined to the next.
Page headers, footers and page numbers (short lines in the top or bottom margin that repeat on
other pages, or read as a page number) are dropped. A PDF without a text layer (a scan) is refused
with advice to run OCR first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.importer.pieces import Piece, Source

_PAGE_NUMBER = re.compile(r"^[\s\-—–－·•]*(第\s*\d+\s*页(\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*(/\s*\d+)?|[-—–－]\s*\d+\s*[-—–－])[\s\-—–－·•]*$")
_HEADING_START = re.compile(r"^[\s\u3000]*([一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十\d]{1,3}[)）])")
_MARGIN = 0.08  # the top and bottom 8% of a page hold its header and footer


class NoTextLayer(Exception):
    """A scanned PDF: pages of images, no text to read."""


@dataclass
class _Line:
    text: str
    page: int
    top: float
    bottom: float
    x0: float
    x1: float


def read_pdf(path: Path) -> Source:
    try:
        import pdfplumber  # imported here so that other imports do not need it
    except ImportError as error:  # pragma: no cover - pdfplumber is a dependency
        raise NoTextLayer("读取 PDF 需要 pdfplumber：pip install pdfplumber") from error
    name = path.name
    blocks: list[tuple[int, float, Any]] = []  # (page, top, _Line or a table's rows)
    margin_lines: list[_Line] = []
    chars = 0
    with pdfplumber.open(str(path)) as pdf:
        pages = len(pdf.pages)
        for number, page in enumerate(pdf.pages, start=1):
            chars += len(page.chars)
            tables = page.find_tables()
            boxes = [t.bbox for t in tables]
            for table in tables:
                blocks.append((number, table.bbox[1], table.extract()))
            for raw in page.extract_text_lines(keep_blank_chars=False):
                line = _Line(raw["text"], number, raw["top"], raw["bottom"], raw["x0"], raw["x1"])
                middle = (line.top + line.bottom) / 2
                if any(b[1] <= middle <= b[3] and b[0] - 2 <= line.x0 <= b[2] + 2 for b in boxes):
                    continue
                if line.top < page.height * _MARGIN or line.bottom > page.height * (1 - _MARGIN):
                    margin_lines.append(line)
                blocks.append((number, line.top, line))
    if chars == 0:
        raise NoTextLayer(f"{name} 是扫描件，没有文字层，请先做文字识别/OCR（或找到原始的 Word 文件）后再导入")
    furniture = _page_furniture(margin_lines, pages)
    blocks.sort(key=lambda b: (b[0], b[1]))
    lines = [b[2] for b in blocks if isinstance(b[2], _Line) and id(b[2]) not in furniture]
    right = max((line.x1 for line in lines), default=0.0)
    left = min((line.x0 for line in lines), default=0.0)
    source = Source(path, [])
    order = 0
    tables = 0
    pending: _Line | None = None
    pending_text = ""
    blank = False

    def flush() -> None:
        nonlocal pending, pending_text, order, blank
        if pending is not None and pending_text.strip():
            order += 1
            source.pieces.append(Piece(pending_text.strip(), f"{name} 第{pending.page}页", order, blank_before=blank))
            blank = False
        pending, pending_text = None, ""

    for page, _top, block in blocks:
        if isinstance(block, _Line):
            if id(block) in furniture:
                continue
            if pending is not None and _continues(pending, block, left, right):
                pending_text += block.text.strip()
                pending = _Line(pending_text, block.page, block.top, block.bottom, block.x0, block.x1)
                continue
            flush()
            pending, pending_text = block, block.text
            continue
        flush()
        tables += 1
        for r, row in enumerate(block, start=1):
            for c, cell in enumerate(row, start=1):
                if cell is None:  # a position covered by a merged cell
                    continue
                order += 1
                where = f"{name} 第{page}页 表{tables} 第{r}行第{c}列"
                source.pieces.append(Piece(cell, where, order, cell=True))
        blank = True
    flush()
    return source


def _continues(previous: _Line, line: _Line, left: float, right: float) -> bool:
    """A line that ran to the right margin goes on in the next one, unless that one is indented (a new
    paragraph) or starts a heading, or a gap wider than a line separates them."""
    height = max(1.0, previous.bottom - previous.top)
    if line.page == previous.page and line.top - previous.bottom > height * 1.2:
        return False
    if previous.x1 < right - height * 1.5 or line.x0 > left + height * 1.5:
        return False
    return not _HEADING_START.match(line.text)


def _page_furniture(margin_lines: list[_Line], pages: int) -> set[int]:
    """Lines in the margins that are page numbers, or repeat (digits aside) on more than one page."""
    seen: dict[str, set[int]] = {}
    for line in margin_lines:
        seen.setdefault(re.sub(r"\d+", "#", line.text.strip()), set()).add(line.page)
    out: set[int] = set()
    for line in margin_lines:
        key = re.sub(r"\d+", "#", line.text.strip())
        if _PAGE_NUMBER.match(line.text) or (pages > 1 and len(seen[key]) > 1):
            out.add(id(line))
    return out
