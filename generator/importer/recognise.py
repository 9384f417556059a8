"""Which format a report uses, decided by the labels of its tables (never by its year)."""

from __future__ import annotations

from dataclasses import dataclass

from generator.formats import Catalogue, Format
from generator.importer.labels import norm
from generator.importer.pieces import Piece

THRESHOLD = 0.3  # share of a format's labels that must appear for its tables to count as present
MIN_LABELS_IN_CELLS = 3  # with real table cells in the source, this many labels are enough (a partial table)


@dataclass(frozen=True)
class Recognition:
    format: Format
    found: int  # labels of the format present in the source
    total: int


def format_labels(fmt: Format) -> set[str]:
    labels: set[str] = set()
    for table in fmt.tables:
        for root in (*table.rows, *table.columns):
            labels.update(norm(node.label) for node in root.walk() if node.label)
    labels.discard("")
    return labels


def recognise(pieces: list[Piece], catalogue: Catalogue) -> Recognition:
    """The table format whose labels the source shows most completely; the narrative format if none."""
    text = "".join(norm(p.text) for p in pieces)  # a label broken over pieces still counts
    best: Recognition | None = None
    for fmt in sorted(catalogue.formats.values(), key=lambda f: f.id):
        labels = format_labels(fmt)
        if not labels:
            continue
        found = sum(1 for label in labels if label in text)
        candidate = Recognition(fmt, found, len(labels))
        if best is None or found / len(labels) > best.found / best.total:
            best = candidate
    has_cells = any(p.cell for p in pieces)
    if best is not None and (best.found / best.total >= THRESHOLD or (has_cells and best.found >= MIN_LABELS_IN_CELLS)):
        return best
    narrative = next((f for f in catalogue.formats.values() if not f.tables), None)
    if narrative is None:  # pragma: no cover - the catalogue ships a narrative format
        raise LookupError("no narrative format in the catalogue")
    return Recognition(narrative, 0, 0)
