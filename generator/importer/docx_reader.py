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
            text = Paragraph(element, document).text
            if not text.strip(" \t\u3000\u00a0"):
                blank = True
                continue
            for part in text.split("\n"):  # a manual line break inside a paragraph
                if part.strip(" \t\u3000\u00a0"):
                    source.pieces.append(Piece(part, f"{name} 第{paragraphs}段", order, blank_before=blank))
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
