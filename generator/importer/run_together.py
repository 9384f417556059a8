"""Table rows whose label and values a copy ran together into one line: "规章000".

Some portals print a table's cells with nothing between them. Such a line is split back into its
cells only where that is certain: the label is a row label of the format, and either the row has
one value cell (every digit after the label is that value) or it has k value cells and exactly k
digits follow (each cell then holds one digit). Any other run of digits cannot be divided without
guessing, so the line is left as it is (its row is then reported missing) and said so.
"""

from __future__ import annotations

import re
from dataclasses import replace

from generator.formats import Format
from generator.importer.findings import Finding, excerpt
from generator.importer.labels import label_forms, norm
from generator.importer.pieces import Piece
from generator.importer.tables import value_cells

_LABEL_THEN_NUMBER = re.compile(r"^(?P<label>.*?\D)(?P<digits>\d+(?:\.\d+)?)$")


def row_value_counts(fmt: Format) -> dict[str, int]:
    """Every row label form of the format's tables -> how many value cells follow it."""
    counts: dict[str, int] = {}
    for table in fmt.tables:
        for root in table.rows:
            for node in root.walk():
                values = value_cells(table, node)
                if node.label and values:
                    for form in label_forms(node.label, fmt.id):
                        counts.setdefault(form, values)
    return counts


def split_run_together(pieces: list[Piece], fmt: Format) -> tuple[list[Piece], list[Finding]]:
    """The pieces with each certain run-together row split into its label and values, and a finding
    for each line split (to check against the original) or left whole (digits that cannot be divided)."""
    counts = row_value_counts(fmt)
    if not counts:
        return pieces, []
    out: list[Piece] = []
    findings: list[Finding] = []
    for piece in pieces:
        m = _LABEL_THEN_NUMBER.match(norm(piece.text))
        values = counts.get(m["label"]) if m else None
        if m is None or values is None:
            out.append(piece)
            continue
        digits = m["digits"]
        if values == 1:
            cells = [digits]
        elif len(digits) == values and "." not in digits:
            cells = list(digits)
        else:
            findings.append(Finding(piece.where, f"“{excerpt(piece.text)}”一行的标签和 {values} 格数字连在一起，"
                                                 f"无法确定各格的分界，未导入，请对照原件填写"))
            out.append(piece)
            continue
        out.append(replace(piece, text=m["label"]))
        out += [replace(piece, text=cell, blank_before=False, blanks=0) for cell in cells]
        if values > 1:
            findings.append(Finding(piece.where, f"“{excerpt(piece.text)}”一行的标签和数字连在一起，该行有 {values} 格、"
                                                 f"恰有 {values} 位数字，按每格一位读作 {'、'.join(cells)}，请对照原件核对"))
    return out, findings
