"""Drawing an official table: header trees -> rows of cells with rowspan/colspan, ids and headers.

The layout is computed from the format description alone, so every format's tables are
drawn the way they were published: nested row headers become stub columns spanning their
rows, nested column headers span their columns. Every data cell lists its headers (WCAG
technique H43) because these tables have more than one level of headers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from generator.formats.spec import HeaderNode, Table
from generator.source.numbers import Number, format_number


@dataclass(frozen=True)
class Cell:
    tag: str  # "th" or "td"
    text: str
    colspan: int = 1
    rowspan: int = 1
    scope: str = ""
    id: str = ""
    headers: str = ""
    cls: str = ""
    cell_id: str = ""  # the format's cell id, for data cells


@dataclass(frozen=True)
class DrawnTable:
    id: str
    caption: str
    unit: str  # the unit stated under the caption, when the whole table has one
    note: str
    head: tuple[tuple[Cell, ...], ...]
    body: tuple[tuple[Cell, ...], ...]


def _label(node: HeaderNode, table_unit: str) -> str:
    unit = node.unit
    if unit and unit != table_unit and unit not in node.label:
        return f"{node.label}（{unit}）"
    return node.label


# What a value cell looks like besides its text: its class, by the kind of value it holds.
MISSING, BLANK, NEGATIVE, NUMBER = "m", "b", "-", "n"
VALUE_CLASSES = {MISSING: "missing", BLANK: "num blank", NEGATIVE: "num neg", NUMBER: "num"}


def value_kind(values: Mapping[str, Number | None], cell_id: str) -> str:
    """The kind of a cell's value: not in the report, left blank in the original, negative, or a number."""
    if cell_id not in values:
        return MISSING
    value = values[cell_id]
    if value is None:
        return BLANK
    return NEGATIVE if value < 0 else NUMBER


def _value_cell(values: Mapping[str, Number | None], cell_id: str, headers: list[str]) -> Cell:
    kind = value_kind(values, cell_id)
    text = format_number(values[cell_id]) if kind in (NEGATIVE, NUMBER) else ""
    return Cell("td", text, headers=" ".join(headers), cls=VALUE_CLASSES[kind], cell_id=cell_id)


def draw(table: Table, values: Mapping[str, Number | None], prefix: str = "t") -> DrawnTable:
    base = f"{prefix}-{table.id}"
    if table.layout == "list":
        head, body = _draw_list(table, values, base)
    else:
        head, body = _draw_grid(table, values, base)
    return DrawnTable(table.id, table.caption, table.unit if table.layout == "grid" else "", table.note, head, body)


def _draw_grid(table: Table, values: Mapping[str, Number | None], base: str) -> tuple[tuple[tuple[Cell, ...], ...], tuple[tuple[Cell, ...], ...]]:
    col_depth = max((root.height for root in table.columns), default=1)
    labelled = any(leaf.label for root in table.rows for leaf in root.leaves())
    stub = max((root.height for root in table.rows), default=1) if labelled else 0
    head: list[list[Cell]] = [[] for _ in range(col_depth)]
    if stub:
        corner = table.corner or "／".join(table.stub)
        head[0].append(Cell("td", corner, colspan=stub, rowspan=col_depth, cls="corner"))
    col_headers: dict[str, list[str]] = {}
    counter = [0]

    def place(node: HeaderNode, depth: int, ancestors: list[str]) -> None:
        counter[0] += 1
        hid = f"{base}-c{counter[0]}"
        leaves = list(node.leaves())
        if node.children:
            head[depth].append(Cell("th", _label(node, table.unit), colspan=len(leaves), scope="colgroup", id=hid))
            for child in node.children:
                place(child, depth + 1, ancestors + [hid])
        else:
            head[depth].append(Cell("th", _label(node, table.unit), rowspan=col_depth - depth, scope="col", id=hid))
            col_headers[node.id or ""] = ancestors + [hid]

    for root in table.columns:
        place(root, 0, [])
    body: list[tuple[Cell, ...]] = []
    leaf_cols = table.value_columns
    counter_r = [0]

    def rows_of(node: HeaderNode, ancestors: list[tuple[HeaderNode, str]]) -> None:
        counter_r[0] += 1
        hid = f"{base}-r{counter_r[0]}"
        if node.children:
            for child in node.children:
                rows_of(child, ancestors + [(node, hid)])
            return
        cells: list[Cell] = []
        for anc, anc_id in ancestors:
            if next(anc.leaves()) is node:
                cells.append(Cell("th", anc.label, rowspan=sum(1 for _ in anc.leaves()), scope="rowgroup", id=anc_id))
        row_ids = [a_id for _, a_id in ancestors]
        if stub:
            cells.append(Cell("th", node.label, colspan=stub - node.depth, scope="row", id=hid))
            row_ids.append(hid)
        for col in leaf_cols:
            spec = table.cell(node.id or "", col.id or "")
            assert spec is not None
            cells.append(_value_cell(values, spec.id, col_headers[col.id or ""] + row_ids))
        body.append(tuple(cells))

    for root in table.rows:
        rows_of(root, [])
    return tuple(tuple(r) for r in head), tuple(body)


def _draw_list(table: Table, values: Mapping[str, Number | None], base: str) -> tuple[tuple[tuple[Cell, ...], ...], tuple[tuple[Cell, ...], ...]]:
    head: list[Cell] = [Cell("th", "／".join(table.stub) or "统计指标", scope="col", id=f"{base}-stub")]
    if table.unit_column:
        head.append(Cell("th", table.unit_column, scope="col", id=f"{base}-unit"))
    cols = table.value_columns
    for i, col in enumerate(cols):
        head.append(Cell("th", col.label, scope="col", id=f"{base}-v{i}"))
    body: list[tuple[Cell, ...]] = []
    counter = 0

    def visit(node: HeaderNode, unit: str | None) -> None:
        nonlocal counter
        counter += 1
        unit = node.unit if node.unit is not None else unit
        hid = f"{base}-r{counter}"
        cells = [Cell("th", node.label, scope="row", id=hid, cls=f"level-{node.depth}" + (" group" if not node.value else ""))]
        if table.unit_column:
            cells.append(Cell("td", (unit or table.unit) if node.value else "—", headers=f"{base}-unit {hid}", cls="unit"))
        for i, col in enumerate(cols):
            if node.value:
                spec = table.cell(node.id or "", col.id or "")
                assert spec is not None
                cells.append(_value_cell(values, spec.id, [f"{base}-v{i}", hid]))
            else:
                cells.append(Cell("td", "", headers=f"{base}-v{i} {hid}", cls="group"))
        body.append(tuple(cells))
        for child in node.children:
            visit(child, unit)

    for root in table.rows:
        visit(root, None)
    return (tuple(head),), tuple(body)


class ReportTable:
    """One table of one report: drawn only when a template reads its rows.

    Templates read it like a `DrawnTable` (`t.caption`, `t.head`, `t.body`…); the report
    page's fast path (`generator.render.table_fill`) fills a layout rendered once instead, and
    never needs the drawing.
    """

    __slots__ = ("table", "values", "prefix", "_drawn")

    def __init__(self, table: Table, values: Mapping[str, Number | None], prefix: str = "t") -> None:
        self.table = table
        self.values = values
        self.prefix = prefix
        self._drawn: DrawnTable | None = None

    @property
    def drawn(self) -> DrawnTable:
        if self._drawn is None:
            self._drawn = draw(self.table, self.values, self.prefix)
        return self._drawn

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # never reached for the slots above once set; no drawing for dunder probes
            raise AttributeError(name)
        return getattr(self.drawn, name)
