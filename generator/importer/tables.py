"""Reading a format's tables out of the pieces: every figure into its cell id, by label and position.

The layout comes from the format description: the row labels in order (matched loosely,
see `labels.norm`, and across pieces when a label was broken over lines), and after each
value row as many values as the table has value columns. A cell the source left empty is
read as null (and said so); a value that is not there, or not a number, is left out and
reported. Header cells (captions, column labels, the corner note) are recognised and
passed over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.formats import Format, Table
from generator.formats.spec import CellSpec, HeaderNode
from generator.formats.types import CELL_TYPES
from generator.importer.findings import INFO, Finding, excerpt
from generator.importer.labels import DASHES, is_blank, is_number, label_forms, norm, unit_line, with_unit, without_remark
from generator.importer.pieces import Piece
from generator.source.numbers import Number, format_number

LOOKAHEAD = 48  # pieces searched for the next row label before the row is declared missing
MAX_FRAGMENTS = 6  # pieces a broken label may be spread over
_PERIOD = re.compile(r"^[（(]\d{4}年度?[）)]$")
_UNIT_SUFFIX = re.compile(r"（(?:单位：)?[^（）]{1,4}）")
_FILLED_BY = re.compile(r"^填报单位[（(]?(?:盖章)?[）)]?[:：]?\s*(?P<name>.*)$")
_COUNT_WORDS = {"件", "条", "个", "次", "人", "项"}  # a count cell written with its counting word (“0件”) is that count
_HEADER_UNIT = re.compile(r"（(?:单位：)?(?P<unit>[^（）：]{1,4})）$")  # 采购总金额（万元）, 本年收费金额（单位：元）
MONEY_UNITS = {"元", "千元", "万元", "百万元", "亿元"}  # a money unit a header states is the unit of its column's numbers


@dataclass
class TablesRead:
    values: dict[str, Number | None] = field(default_factory=dict)
    consumed: set[int] = field(default_factory=set)  # indices of the pieces that belong to the tables
    findings: list[Finding] = field(default_factory=list)
    filled_by: str = ""


@dataclass(frozen=True)
class _Item:
    node: HeaderNode
    values: int  # value cells that follow the label (0 for a heading row)
    unit: str  # unit cell expected after the label (list layout with a unit column)


def read_tables(pieces: list[Piece], fmt: Format) -> TablesRead:
    result = TablesRead()
    cursor = 0
    for table in fmt.tables:
        cursor = _Reader(pieces, table, result, fmt.id).read(cursor)
    if result.consumed:
        first, last = min(result.consumed), max(result.consumed)
        for i in range(max(0, first - 3), last + 1):
            if unit_line(pieces[i].text):
                result.consumed.add(i)  # 单位：件 — the table's unit line, not a cell and not prose
    for i, piece in enumerate(pieces):
        if piece.cell and i not in result.consumed and not is_blank(piece.text):
            result.findings.append(Finding(piece.where, f"表格单元格“{excerpt(piece.text)}”未能对应到“{fmt.name}”的任何单元格，未导入"))
            result.consumed.add(i)
        elif piece.cell:
            result.consumed.add(i)
    return result


def value_cells(table: Table, node: HeaderNode) -> int:
    """How many value cells follow a row's label (0 for a heading row)."""
    if table.layout == "list":
        return 1 if node.value else 0
    return 0 if node.children else len(table.value_columns)


def _spelled_by(key: str, labels: set[str]) -> bool:
    """A merged header line: the key is several header labels written one after another."""
    reach = [False] * (len(key) + 1)
    reach[0] = True
    for i in range(len(key)):
        if reach[i]:
            for label in labels:
                if label and key.startswith(label, i):
                    reach[i + len(label)] = True
    return reach[-1] and key not in labels


class _Reader:
    def __init__(self, pieces: list[Piece], table: Table, result: TablesRead, format_id: str = "") -> None:
        self.pieces = pieces
        self.table = table
        self.result = result
        self.format_id = format_id
        self.header = self._header_labels()
        self.ncols = len(table.value_columns)
        self._missing_rows: list[tuple[list[str], int]] = []
        self._missing_at: int | None = None  # index of this table's last "rows not found" finding
        self._gap: int | None = None
        self._stated: dict[str, tuple[str, str]] = {}  # column id -> (money unit the source states, where it says so)

    def _header_labels(self) -> set[str]:
        t = self.table
        labels = {t.caption, t.corner, t.unit_column, *t.stub}
        for root in t.columns:
            labels.update(n.label for n in root.walk())
        return {form for x in labels if x and norm(x) for form in label_forms(x, self.format_id)}

    def items(self) -> list[_Item]:
        found: list[_Item] = []
        for root in self.table.rows:
            for node in root.walk():
                unit = (node.unit or self.table.unit) if self.table.layout == "list" and self.table.unit_column else ""
                found.append(_Item(node, value_cells(self.table, node), unit))
        return found

    # ---- the walk ----
    def read(self, cursor: int) -> int:
        start = self._start(cursor)
        if start is None:
            self._missing_table()
            return cursor
        for i in range(max(cursor, start - 3), start):
            self._note_unit(i)  # a unit line just above the caption
        pos = start
        items = self.items()
        counts: dict[str, int] = {}
        for item in items:
            counts[norm(item.node.label)] = counts.get(norm(item.node.label), 0) + 1
        for k, item in enumerate(items):
            # a later row's label, where it is the only row so called, marks the end of the search:
            # a row missing from the source never takes the value of a later row of the same name
            fence = {norm(i.node.label) for i in items[k + 1 :] if i.node.label and counts[norm(i.node.label)] == 1}
            if not item.node.label:  # a table whose only row has no label (section 四): values follow the header
                at = self._first_value(pos)
                if at is None:
                    self._missing_cells(item, pos, "找不到数值")
                    continue
                self._pass_over(pos, at)
                pos = self._values(item, at)
                continue
            hit = self._find_label(pos, item.node.label, fence)
            if hit is None:
                if item.values:
                    self._missing_cells(item, pos, f"找不到“{item.node.label}”一行")
                continue
            at, after = hit
            self._pass_over(pos, at)
            self.result.consumed.update(range(at, after))
            pos, skip = self._after_label(item, after)
            if item.values:
                pos = self._values(item, pos, skip)
        self._take_header(start)
        # no row found: what matched was a header the tables share (信息内容), the next table is looked for from here
        return pos if pos > start else cursor

    def _take_header(self, start: int) -> None:
        """The caption and header cells from the table's start, where no row of it was found after them (a cut copy)."""
        i = start
        while i < len(self.pieces) and i not in self.result.consumed:
            key = norm(self.pieces[i].text)
            if key and not self._is_header(key):
                break
            self.result.consumed.add(i)
            i += 1

    def _start(self, cursor: int) -> int | None:
        """The first piece of the table: its caption, a header label or its first row label."""
        anchors = set(self.header)
        first_label = next((norm(n.label) for root in self.table.rows for n in root.walk() if n.label), "")
        if first_label:
            anchors.add(first_label)
        for i in range(cursor, len(self.pieces)):
            key = norm(self.pieces[i].text)
            if key in anchors or (key and any(a.startswith(key) and self._match_at(i, a) is not None for a in anchors)):
                return i
        return None

    def _match_at(self, i: int, label: str) -> int | None:
        """End index (exclusive) when the pieces from i spell `label`, else None."""
        wants = label_forms(label, self.format_id)
        acc = ""
        j = i
        while j < len(self.pieces) and j - i < MAX_FRAGMENTS:
            piece = self.pieces[j]
            key = norm(piece.text)
            if not key or is_number(piece.text):
                return None
            acc += key
            if acc in wants or (j == i and without_remark(acc) in wants and without_remark(acc) != acc):
                return j + 1  # the label, or the label with a remark in brackets in the same cell
            if not any(w.startswith(acc) for w in wants):
                return None
            j += 1
        return None

    def _find_label(self, pos: int, label: str, fence: set[str]) -> tuple[int, int] | None:
        """Where the row label starts and ends, looking ahead from pos but not past a later row's label (the fence)."""
        for i in range(pos, min(len(self.pieces), pos + LOOKAHEAD)):
            if i in self.result.consumed:
                continue
            end = self._match_at(i, label)
            if end is not None:
                return i, end
            key = norm(self.pieces[i].text)
            if key and any(f.startswith(key) and self._match_at(i, f) is not None for f in fence):
                return None
        return None

    def _first_value(self, pos: int) -> int | None:
        for i in range(pos, min(len(self.pieces), pos + LOOKAHEAD)):
            if is_number(self.pieces[i].text):
                return i
        return None

    def _pass_over(self, start: int, end: int) -> None:
        """Pieces between two recognised places: header cells, empty cells, notes of the table itself."""
        for i in range(start, end):
            if i in self.result.consumed:
                continue
            piece = self.pieces[i]
            key = norm(piece.text)
            self.result.consumed.add(i)
            self._note_unit(i)
            if not key or key in DASHES or self._is_header(key) or unit_line(key):
                continue
            if _PERIOD.match(key):
                continue
            m = _FILLED_BY.match(piece.text.strip())
            if m:
                self.result.filled_by = m.group("name").strip()
                self.result.findings.append(Finding(piece.where, f"填报单位：{self.result.filled_by}", INFO))
                continue
            self.result.findings.append(Finding(piece.where, f"表格“{self.table.caption}”中的“{excerpt(piece.text)}”不是该格式的表头或行标签，未导入"))

    def _note_unit(self, i: int) -> None:
        """A money unit stated for a column: in its header cell (采购总金额（万元）) or in the table's unit line (单位：万元)."""
        piece = self.pieces[i]
        key = norm(piece.text)
        line = unit_line(key)
        if line:
            if line in MONEY_UNITS:
                for column in self.table.value_columns:
                    if (column.type or self.table.type) == "amount":
                        self._stated[str(column.id)] = (line, f"{piece.where} 单位行“{piece.text.strip()}”")
            return
        for column in self.table.value_columns:
            for form in label_forms(column.label, self.format_id):
                stated = _HEADER_UNIT.fullmatch(key[len(form) :]) if key.startswith(form) else None
                if stated and stated.group("unit") in MONEY_UNITS:
                    self._stated[str(column.id)] = (stated.group("unit"), f"{piece.where} 表头“{piece.text.strip()}”")
                    return

    def _is_header(self, key: str) -> bool:
        """A header label, a fragment of one broken over lines, or one with its unit added: 采购总金额（元）."""
        if key in self.header or any(key in h for h in self.header):
            return True
        if any(key.startswith(h) and _UNIT_SUFFIX.fullmatch(key[len(h):]) for h in self.header):
            return True
        if without_remark(key) != key and without_remark(key) in self.header:
            return True  # 上一年项目数量（指2019年事项数）: the template's filling instruction
        return _spelled_by(key, self.header)

    def _after_label(self, item: _Item, pos: int) -> tuple[int, bool]:
        """In a list table: a heading row's "—" and empty cell, or a value row's unit cell.

        Returns the next position and whether the row's value must be skipped (a unit other than the format's)."""
        if self.table.layout != "list":
            return pos, False
        if item.values == 0:
            for _ in range(2):
                if pos < len(self.pieces) and (norm(self.pieces[pos].text) in DASHES or (self.pieces[pos].cell and is_blank(self.pieces[pos].text))):
                    self.result.consumed.add(pos)
                    pos += 1
            return pos, False
        if pos >= len(self.pieces):
            return pos, False
        piece = self.pieces[pos]
        key = norm(piece.text)
        if item.unit and key == norm(item.unit):
            self.result.consumed.add(pos)
            return pos + 1, False
        if key and not is_number(piece.text) and len(key) <= 4 and self.table.unit_column:
            self.result.consumed.add(pos)
            self.result.findings.append(
                Finding(piece.where, f"“{item.node.label}”的单位原文为“{piece.text.strip()}”，格式规定为“{item.unit}”；该行数值未导入，请换算后填写")
            )
            return pos + 1, True
        return pos, False

    def _values(self, item: _Item, pos: int, skip: bool = False) -> int:
        if self.table.layout == "grid":
            return self._grid_row(item, pos)
        cells = self._cells_of(item.node)
        for k, cell in enumerate(cells):
            if pos >= len(self.pieces):
                self._report_missing(cells[k:], self.pieces[-1].where if self.pieces else "", "原文到此结束")
                return pos
            piece = self.pieces[pos]
            text = piece.text.strip()
            if piece.cell and is_blank(text):
                self.result.consumed.add(pos)
                self.result.values[cell.id] = None
                self.result.findings.append(Finding(piece.where, f"“{cell.label}”（{cell.id}）原表为空白，已记为 null（空白不是原文写出的数字）"))
                pos += 1
                continue
            if not is_number(text):
                self._report_missing(cells[k:], piece.where, f"此处应为数值，原文为“{excerpt(text)}”")
                return pos
            self.result.consumed.add(pos)
            pos += 1
            if skip:
                continue
            reading = CELL_TYPES[cell.type].read(text)
            if reading.error or reading.value is None:
                self.result.findings.append(Finding(piece.where, f"“{cell.label}”（{cell.id}）的值“{text}”不能用：{reading.error}；未导入"))
                continue
            if reading.normalised_from and re.sub(r"\s", "", reading.normalised_from) != format_number(reading.value):
                self.result.findings.append(Finding(piece.where, f"“{cell.label}”（{cell.id}）原文写作“{text}”，按 {format_number(reading.value)} 导入", INFO))
            self.result.values[cell.id] = reading.value
        return pos

    def _grid_row(self, item: _Item, pos: int) -> int:
        """A row of a grid table: what lies between its label and the next one, counted against the columns.

        Numbers, dashes and blank cells are the row's cells; in plain text an empty line may be an
        empty cell (see `_slots`). When the count does not match the table's columns, nothing is
        placed: the row is listed as uncertain."""
        cells = self._cells_of(item.node)
        label_where = self.pieces[pos - 1].where if 0 < pos <= len(self.pieces) else ""
        run: list[int] = []
        i = pos
        while i < len(self.pieces) and i not in self.result.consumed:
            piece = self.pieces[i]
            text = piece.text.strip()
            if not (is_number(text) or with_unit(text) or norm(text) in DASHES or (piece.cell and is_blank(text))):
                break
            run.append(i)
            i += 1
        self.result.consumed.update(run)
        while len(run) > len(cells) and self.pieces[run[-1]].cell and is_blank(self.pieces[run[-1]].text):
            run.pop()  # blank cells after a full row: merged-cell padding or the next row's empty stub
        if not run:
            where = self.pieces[min(pos, len(self.pieces) - 1)].where if self.pieces else ""
            text = self.pieces[pos].text.strip() if pos < len(self.pieces) else ""
            self._report_missing(cells, where, f"此处应为数值，原文为“{excerpt(text)}”" if text else "原文到此结束")
            return pos
        slots = self._slots(run, i, len(cells))
        if slots is None:
            shown = "、".join(self.pieces[k].text.strip() or "（空）" for k in run[:10])
            self.result.findings.append(
                Finding(
                    label_where,
                    f"“{item.node.label}”一行原文有 {len(run)} 个数值（{shown}），而该表有 {len(cells)} 栏，"
                    f"无法确定各数值属于哪一栏；该行 {len(cells)} 格未导入，请对照原件填写",
                )
            )
            return i
        for cell, at in zip(cells, slots):
            self._place(cell, at, label_where)
        return i

    def _slots(self, run: list[int], after: int, ncols: int) -> list[int | None] | None:
        """Which piece fills each column (None: an empty cell), or None when that cannot be told.

        As many pieces as columns: one each. Fewer, in plain text: the empty lines between them
        are empty cells, beyond the copy's usual spacing (one empty cell takes that spacing plus
        one line); first counting only the empty lines between the numbers, then also those
        before the first and after the last."""
        if len(run) == ncols:
            return list(run)
        if len(run) > ncols or any(self.pieces[k].cell for k in run):
            return None
        gap = self._spacing()

        def empties(blanks: int) -> int | None:
            extra = blanks - gap
            return extra // (gap + 1) if extra >= 0 and extra % (gap + 1) == 0 else None

        inner = [empties(self.pieces[k].blanks) for k in run[1:]]
        if any(e is None for e in inner):
            return None
        lead = empties(self.pieces[run[0]].blanks) if run else 0
        trail = empties(self.pieces[after].blanks) if after < len(self.pieces) else 0
        for head, tail in ((0, 0), (lead, trail)):
            if head is None or tail is None:
                continue
            if len(run) + sum(e or 0 for e in inner) + head + tail != ncols:
                continue
            slots: list[int | None] = [None] * head
            for k, at in enumerate(run):
                if k:
                    slots.extend([None] * (inner[k - 1] or 0))
                slots.append(at)
            return slots + [None] * tail
        return None

    def _spacing(self) -> int:
        """The empty lines this copy usually prints between two numbers of a row (0 or 1 in practice)."""
        if self._gap is None:
            counts: dict[int, int] = {}
            for a, b in zip(self.pieces, self.pieces[1:]):
                if not b.cell and is_number(a.text) and is_number(b.text):
                    counts[b.blanks] = counts.get(b.blanks, 0) + 1
            self._gap = max(counts, key=lambda k: (counts[k], -k)) if counts else 0
        return self._gap

    def _place(self, cell: CellSpec, at: int | None, label_where: str) -> None:
        piece = self.pieces[at] if at is not None else None
        text = piece.text.strip() if piece is not None else ""
        where = piece.where if piece is not None else label_where
        if piece is None or is_blank(text) or norm(text) in DASHES:
            self.result.values[cell.id] = None
            shown = f"原表为“{text}”" if text else ("原表为空白" if piece is not None else "原表此格为空（原文为空行）")
            self.result.findings.append(Finding(where, f"“{cell.label}”（{cell.id}）{shown}，已记为 null（空白不是原文写出的数字）"))
            return
        stated = self._stated.get(cell.column)
        if stated is not None and stated[0] != cell.unit:
            self._other_unit(cell, where, text, *stated)
            return
        written = with_unit(text)
        if written is not None:
            number, unit = written
            if unit != cell.unit and not (not cell.unit and cell.type in ("count", "delta") and unit in _COUNT_WORDS):
                self._other_unit(cell, where, text, unit, "格中连单位写出")
                return
            text = number
        reading = CELL_TYPES[cell.type].read(text)
        if reading.error or reading.value is None:
            self.result.findings.append(Finding(where, f"“{cell.label}”（{cell.id}）的值“{text}”不能用：{reading.error}；未导入"))
            return
        if reading.normalised_from and re.sub(r"\s", "", reading.normalised_from) != format_number(reading.value):
            self.result.findings.append(Finding(where, f"“{cell.label}”（{cell.id}）原文写作“{text}”，按 {format_number(reading.value)} 导入", INFO))
        self.result.values[cell.id] = reading.value

    def _other_unit(self, cell: CellSpec, where: str, text: str, unit: str, said: str) -> None:
        """A value in a unit other than the format's for its cell: never converted, never copied, listed for a human."""
        self.result.findings.append(
            Finding(where, f"“{cell.label}”（{cell.id}）原表单位为{unit}（{said}），本格式以{cell.unit or '无单位的数'}计；原文“{text}”未导入（不换算），请换算后填写")
        )

    def _cells_of(self, node: HeaderNode) -> list[CellSpec]:
        cells = [c for c in self.table.cells if c.row == node.id]
        order = {col.id: k for k, col in enumerate(self.table.value_columns)}
        return sorted(cells, key=lambda c: order.get(c.column, 0))

    def _missing_cells(self, item: _Item, pos: int, why: str) -> None:
        """A whole row not found; consecutive missing rows of this table at the same place make one finding."""
        where = self.pieces[min(pos, len(self.pieces) - 1)].where if self.pieces else ""
        cells = self._cells_of(item.node)
        findings = self.result.findings
        if self._missing_rows and self._missing_at == len(findings) - 1 and findings[-1].where == where:
            rows, count = self._missing_rows[-1]
            rows.append(item.node.label)
            count += len(cells)
            self._missing_rows[-1] = (rows, count)
            findings[-1] = Finding(where, self._rows_message(rows, count))
            return
        self._missing_rows.append(([item.node.label], len(cells)))
        findings.append(Finding(where, self._rows_message([item.node.label], len(cells))))
        self._missing_at = len(findings) - 1

    def _rows_message(self, rows: list[str], count: int) -> str:
        shown = "、".join(f"“{r}”" for r in rows[:4]) + (f" 等 {len(rows)} 行" if len(rows) > 4 else "")
        return f"找不到以下各行（表格“{self.table.caption}”）：{shown}，共 {count} 格未导入，请对照原件填写"

    def _report_missing(self, cells: list[CellSpec], where: str, why: str) -> None:
        if not cells:
            return
        names = "、".join(f"{c.label}（{c.id}）" for c in cells[:3]) + (f" 等 {len(cells)} 格" if len(cells) > 3 else "")
        self.result.findings.append(Finding(where, f"{why}：{names} 未导入，请对照原件填写"))

    def _missing_table(self) -> None:
        where = self.pieces[-1].where if self.pieces else ""
        self.result.findings.append(
            Finding(where, f"原文中找不到表格“{self.table.caption}”（{self.table.id}），其 {len(self.table.cells)} 个单元格均未导入，请对照原件填写")
        )
