"""Reading .docx with python-docx: paragraphs and real table cells in document order.

A merged cell (gridSpan across columns, vMerge down rows) is one cell of the document
however many grid positions it covers; it becomes one piece, at its first position,
exactly as the same table reads when copied as text.
"""

from __future__ import annotations

from pathlib import Path

from generator.importer.pieces import Piece, Source


def read_docx(path: Path) -> Source:
    import docx  # python-docx: imported here so that text imports do not need it
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    name = path.name
    source = Source(path, [])
    order = 0  # position in the document, across paragraphs and cells
    paragraphs = 0
    tables = 0
    blank = False
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            order += 1
            paragraphs += 1
            paragraph = Paragraph(element, document)
            text = paragraph.text
            if not text.strip(" \t\u3000\u00a0"):
                blank = True
                continue
            level = _heading_level(paragraph.style.name if paragraph.style is not None else "")
            for part in text.split("\n"):  # a manual line break inside a paragraph
                if part.strip(" \t\u3000\u00a0"):
                    source.pieces.append(Piece(part, f"{name} 第{paragraphs}段", order, blank_before=blank, level=level))
                    blank = False
        elif tag == "tbl":
            tables += 1
            table = Table(element, document)
            seen: list[object] = []  # the merged cell's element, kept alive so `is` identifies it
            for r, row in enumerate(table.rows, start=1):
                for c, cell in enumerate(row.cells, start=1):
                    if any(cell._tc is s for s in seen):
                        continue
                    seen.append(cell._tc)
                    order += 1
                    where = f"{name} 表{tables} 第{r}行第{c}列"
                    source.pieces.append(Piece(cell.text, where, order, cell=True))
            blank = True
    return source


def _heading_level(style: str) -> int:
    """Word's built-in heading styles: Title is level 1 (the report's title), Heading n is level n + 1."""
    name = style.strip().lower()
    if name in {"title", "标题"}:
        return 1
    for prefix in ("heading ", "标题 "):
        if name.startswith(prefix) and name[len(prefix):].isdigit():
            return min(6, int(name[len(prefix):]) + 1)
    return 0
