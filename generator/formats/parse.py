"""Reading format descriptions (`formats/*.yaml`) into `spec` values, checking them strictly.

A format file is program data, but a mistake in one must still be reported like
any content problem: file, line, field, what was expected.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from generator.diagnostics import Diagnostics, Where
from generator.formats.spec import (
    Catalogue,
    CellSpec,
    Format,
    HeaderNode,
    Identity,
    IdentityCheck,
    Indicator,
    Outline,
    OutlineSection,
    Table,
)
from generator.formats.types import CELL_TYPES
from generator.source.yaml_source import YamlDoc, field_path, load_yaml

FORMAT_VERSION = 1
ID = re.compile(r"[a-z][a-z0-9_]*\Z")
FORMAT_ID = re.compile(r"[a-z][a-z0-9-]*\Z")
INDICATOR_ID = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+\Z")


class _Reader:
    """Checks shapes and keys of one description file, collecting problems."""

    def __init__(self, doc: YamlDoc, diags: Diagnostics) -> None:
        self.doc = doc
        self.diags = diags

    def fail(self, path: tuple, message: str, **kw: Any) -> None:
        self.diags.error("format-description", self.doc.where(path), message, field=field_path(path), **kw)

    def mapping(self, value: Any, path: tuple, allowed: set[str], required: set[str] = set()) -> dict:
        if not isinstance(value, dict):
            self.fail(path, "应为映射（键: 值）", found=type(value).__name__)
            return {}
        for key in value:
            if key not in allowed:
                self.fail(path + (key,), f"未知的键“{key}”", expected="、".join(sorted(allowed)))
        for key in sorted(required - set(value)):
            self.fail(path, f"缺少必填的键“{key}”")
        return value

    def text(self, value: Any, path: tuple, default: str = "") -> str:
        if value is None:
            return default
        if not isinstance(value, str):
            self.fail(path, "应为文字", found=repr(value))
            return default
        return value

    def ident(self, value: Any, path: tuple, pattern: re.Pattern[str] = ID) -> str:
        if not isinstance(value, str) or not pattern.match(value):
            self.fail(path, "标识符格式不对", expected=pattern.pattern, found=repr(value))
            return "invalid"
        return value

    def listing(self, value: Any, path: tuple) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(path, "应为列表", found=type(value).__name__)
            return []
        return value


def load_catalogue(folder: Path, diags: Diagnostics) -> Catalogue:
    """Every `*.yaml` in `folder` except `indicators.yaml` is a format."""
    indicators: dict[str, Indicator] = {}
    ind_path = folder / "indicators.yaml"
    doc = None
    if ind_path.is_file():
        doc = load_yaml(ind_path.read_bytes(), _rel(ind_path), diags)
    else:
        diags.error("format-description", Where(_rel(ind_path)), "缺少指标定义文件 indicators.yaml")
    if doc is not None:
        indicators = _indicators(_Reader(doc, diags))
    formats: dict[str, Format] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name == "indicators.yaml":
            continue
        doc = load_yaml(path.read_bytes(), _rel(path), diags)
        if doc is None:
            continue
        fmt = _format(_Reader(doc, diags), indicators)
        if fmt is not None:
            if fmt.id in formats:
                diags.error("format-description", doc.where(("id",)), f"格式标识“{fmt.id}”重复")
            formats[fmt.id] = fmt
    return Catalogue(formats, indicators)


def _rel(path: Path) -> str:
    parts = path.parts
    return "/".join(parts[parts.index("generator"):]) if "generator" in parts else path.as_posix()


def _indicators(r: _Reader) -> dict[str, Indicator]:
    root = r.mapping(r.doc.data, (), {"format_version", "indicators"}, {"format_version", "indicators"})
    result: dict[str, Indicator] = {}
    for i, item in enumerate(r.listing(root.get("indicators"), ("indicators",))):
        p = ("indicators", i)
        m = r.mapping(item, p, {"id", "label", "unit", "type", "description", "patterns"}, {"id", "label", "unit", "type"})
        if not m:
            continue
        ind_id = r.ident(m.get("id"), p + ("id",), INDICATOR_ID)
        ctype = r.text(m.get("type"), p + ("type",), "count")
        if ctype not in CELL_TYPES:
            r.fail(p + ("type",), "未知的数据类型", expected="、".join(CELL_TYPES), found=ctype)
        patterns = []
        for j, pat in enumerate(r.listing(m.get("patterns"), p + ("patterns",))):
            text = r.text(pat, p + ("patterns", j))
            try:
                compiled = re.compile(text)
            except re.error as exc:
                r.fail(p + ("patterns", j), f"正则表达式有误：{exc}")
                continue
            if "n" not in compiled.groupindex:
                r.fail(p + ("patterns", j), "正则表达式须含命名分组 (?P<n>…)")
                continue
            patterns.append(text)
        if ind_id in result:
            r.fail(p + ("id",), f"指标“{ind_id}”重复")
        result[ind_id] = Indicator(
            id=ind_id,
            label=r.text(m.get("label"), p + ("label",)),
            unit=r.text(m.get("unit"), p + ("unit",)),
            type=ctype,
            description=r.text(m.get("description"), p + ("description",)),
            patterns=tuple(patterns),
        )
    return result


def _format(r: _Reader, indicators: dict[str, Indicator]) -> Format | None:
    keys = {"format_version", "id", "name", "basis", "years", "outline", "tables", "identities", "indicators", "note"}
    root = r.mapping(r.doc.data, (), keys, {"format_version", "id", "name", "tables"})
    if not root:
        return None
    if root.get("format_version") != FORMAT_VERSION:
        r.fail(("format_version",), "不支持的描述语言版本", expected=FORMAT_VERSION, found=root.get("format_version"))
    fmt_id = r.ident(root.get("id"), ("id",), FORMAT_ID)
    years = tuple(y for y in r.listing(root.get("years"), ("years",)) if isinstance(y, int))
    outline = _outline(r, root.get("outline"))
    tables = tuple(
        t for i, item in enumerate(r.listing(root.get("tables"), ("tables",))) if (t := _table(r, item, ("tables", i)))
    )
    seen: set[str] = set()
    for i, t in enumerate(tables):
        if t.id in seen:
            r.fail(("tables", i, "id"), f"表格标识“{t.id}”重复")
        seen.add(t.id)
        if t.section and outline.sections and t.section not in {s.id for s in outline.sections} | {"appendix"}:
            r.fail(("tables", i, "section"), "表格所属章节不在提纲中", expected="、".join(s.id for s in outline.sections))
    cells = {c.id: c for t in tables for c in t.cells}
    identities = tuple(
        ident
        for i, item in enumerate(r.listing(root.get("identities"), ("identities",)))
        if (ident := _identity(r, item, ("identities", i), tables, cells))
    )
    crosswalk: dict[str, tuple[str, ...]] = {}
    mapping = r.mapping(root.get("indicators") or {}, ("indicators",), set(root.get("indicators") or {}))
    for ind_id, expr in mapping.items():
        p = ("indicators", ind_id)
        if ind_id not in indicators:
            r.fail(p, f"“{ind_id}”不是 indicators.yaml 中的指标")
            continue
        refs = _refs(r.text(expr, p))
        for ref in refs:
            if ref not in cells:
                r.fail(p, f"单元格“{ref}”不存在")
        crosswalk[ind_id] = tuple(refs)
    return Format(
        id=fmt_id,
        name=r.text(root.get("name"), ("name",)),
        basis=r.text(root.get("basis"), ("basis",)),
        years=years,
        outline=outline,
        tables=tables,
        identities=identities,
        indicators=crosswalk,
        source_path=r.doc.path,
    )


def _outline(r: _Reader, value: Any) -> Outline:
    if value is None:
        return Outline(False, ())
    m = r.mapping(value, ("outline",), {"strict", "sections"})
    sections = []
    for i, item in enumerate(r.listing(m.get("sections"), ("outline", "sections"))):
        p = ("outline", "sections", i)
        s = r.mapping(item, p, {"id", "heading", "aliases"}, {"id", "heading"})
        if s:
            sections.append(
                OutlineSection(
                    id=r.ident(s.get("id"), p + ("id",)),
                    heading=r.text(s.get("heading"), p + ("heading",)),
                    aliases=tuple(r.text(a, p + ("aliases", j)) for j, a in enumerate(r.listing(s.get("aliases"), p + ("aliases",)))),
                )
            )
    return Outline(bool(m.get("strict", False)), tuple(sections))


_NODE_KEYS = {"id", "label", "children", "unit", "type", "note", "value"}


def _node(r: _Reader, value: Any, path: tuple, depth: int, need_id: bool) -> HeaderNode | None:
    m = r.mapping(value, path, _NODE_KEYS, {"label"})
    if not m:
        return None
    children = tuple(
        n
        for i, item in enumerate(r.listing(m.get("children"), path + ("children",)))
        if (n := _node(r, item, path + ("children", i), depth + 1, need_id))
    )
    node_id = m.get("id")
    if node_id is not None or (need_id and not children):
        node_id = r.ident(node_id, path + ("id",))
    ctype = m.get("type")
    if ctype is not None and ctype not in CELL_TYPES:
        r.fail(path + ("type",), "未知的数据类型", expected="、".join(CELL_TYPES), found=ctype)
    return HeaderNode(
        id=node_id,
        label=r.text(m.get("label"), path + ("label",)),
        children=children,
        unit=m.get("unit"),
        type=ctype,
        note=r.text(m.get("note"), path + ("note",)),
        value=bool(m.get("value", True)),
        depth=depth,
    )


def _table(r: _Reader, value: Any, path: tuple) -> Table | None:
    keys = {"id", "section", "caption", "corner", "layout", "type", "unit", "columns", "rows", "stub", "unit_column", "note"}
    m = r.mapping(value, path, keys, {"id", "caption", "columns", "rows"})
    if not m:
        return None
    table_id = r.ident(m.get("id"), path + ("id",))
    layout = m.get("layout", "grid")
    if layout not in ("grid", "list"):
        r.fail(path + ("layout",), "未知的表格布局", expected="grid、list", found=layout)
    ttype = m.get("type", "count")
    if ttype not in CELL_TYPES:
        r.fail(path + ("type",), "未知的数据类型", expected="、".join(CELL_TYPES), found=ttype)
    columns = tuple(
        n for i, item in enumerate(r.listing(m.get("columns"), path + ("columns",))) if (n := _node(r, item, path + ("columns", i), 0, True))
    )
    rows = tuple(
        n for i, item in enumerate(r.listing(m.get("rows"), path + ("rows",))) if (n := _node(r, item, path + ("rows", i), 0, True))
    )
    if layout == "grid":
        for node in (n for root in rows for n in root.walk()):
            if node.children and not node.value:
                r.fail(path + ("rows",), f"grid 表中的分组行“{node.label}”不需要 value: false")
    stub = tuple(r.text(s, path + ("stub", i)) for i, s in enumerate(r.listing(m.get("stub"), path + ("stub",))))
    table = Table(
        id=table_id,
        section=r.text(m.get("section"), path + ("section",)),
        caption=r.text(m.get("caption"), path + ("caption",)),
        layout=layout,
        rows=rows,
        columns=columns,
        cells=(),
        stub=stub,
        corner=r.text(m.get("corner"), path + ("corner",)),
        unit_column=r.text(m.get("unit_column"), path + ("unit_column",)),
        note=r.text(m.get("note"), path + ("note",)),
        unit=r.text(m.get("unit"), path + ("unit",)),
        type=ttype,
    )
    _check_unique(r, path, "行", [n.id for root in rows for n in root.walk() if n.id])
    _check_unique(r, path, "列", [n.id for root in columns for n in root.walk() if n.id])
    return _with_cells(table)


def _check_unique(r: _Reader, path: tuple, what: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            r.fail(path, f"{what}标识“{i}”在表内重复")
        seen.add(i)


def _inherited(roots: tuple[HeaderNode, ...]) -> dict[str, tuple[str | None, str | None]]:
    """node id -> (unit, type), inherited from the nearest ancestor that sets them."""
    found: dict[str, tuple[str | None, str | None]] = {}

    def visit(node: HeaderNode, unit: str | None, ctype: str | None) -> None:
        unit = node.unit if node.unit is not None else unit
        ctype = node.type if node.type is not None else ctype
        if node.id:
            found[node.id] = (unit, ctype)
        for child in node.children:
            visit(child, unit, ctype)

    for root in roots:
        visit(root, None, None)
    return found


def _with_cells(table: Table) -> Table:
    rows = table.value_rows
    cols = table.value_columns
    row_attrs = _inherited(table.rows)
    col_attrs = _inherited(table.columns)
    cells = []
    for row in rows:
        for col in cols:
            if len(cols) == 1:
                cell_id = f"{table.id}.{row.id}"
            elif len(rows) == 1:
                cell_id = f"{table.id}.{col.id}"
            else:
                cell_id = f"{table.id}.{row.id}.{col.id}"
            r_unit, r_type = row_attrs.get(row.id or "", (None, None))
            c_unit, c_type = col_attrs.get(col.id or "", (None, None))
            label = "／".join(x for x in (row.label, col.label if len(cols) > 1 else "") if x)
            cells.append(
                CellSpec(
                    id=cell_id,
                    table=table.id,
                    row=row.id or "",
                    column=col.id or "",
                    type=r_type or c_type or table.type,
                    unit=(r_unit if r_unit is not None else c_unit if c_unit is not None else table.unit) or "",
                    label=label or table.caption,
                )
            )
    return dataclasses.replace(table, cells=tuple(cells))


_CHECK = re.compile(r"^(?P<lhs>[^<=]+?)\s*(?P<op><=|=)\s*(?P<rhs>[^<=]+)$")


def _refs(expr: str) -> list[str]:
    return [part.strip() for part in expr.split("+") if part.strip()]


def _identity(r: _Reader, value: Any, path: tuple, tables: tuple[Table, ...], cells: dict[str, CellSpec]) -> Identity | None:
    m = r.mapping(value, path, {"id", "text", "table", "for_each", "check"}, {"id", "check"})
    if not m:
        return None
    ident_id = r.ident(m.get("id"), path + ("id",), FORMAT_ID)
    check = r.text(m.get("check"), path + ("check",))
    match = _CHECK.match(check.strip())
    if not match:
        r.fail(path + ("check",), "勾稽关系的写法应为“a + b = c”或“a <= b”", found=check)
        return None
    lhs, rhs, op = _refs(match["lhs"]), _refs(match["rhs"]), match["op"]
    table_id = m.get("table")
    for_each = m.get("for_each") or ""
    if for_each not in ("", "row", "column"):
        r.fail(path + ("for_each",), "应为 row 或 column", found=for_each)
        return None
    text = r.text(m.get("text"), path + ("text",))
    instances: list[IdentityCheck] = []

    def make(scope: str, left: list[str], right: list[str]) -> None:
        instances.append(IdentityCheck(ident_id, text, scope, op, tuple(left), tuple(right), check))

    if table_id is None:
        for ref in lhs + rhs:
            if ref not in cells:
                r.fail(path + ("check",), f"单元格“{ref}”不存在")
                return None
        make("", lhs, rhs)
        return Identity(ident_id, text, check, "", "", tuple(instances))
    table = next((t for t in tables if t.id == table_id), None)
    if table is None:
        r.fail(path + ("table",), f"表格“{table_id}”不存在")
        return None
    rows, cols = table.value_rows, table.value_columns
    if for_each == "column" or (not for_each and len(cols) == 1):
        lines = [(c, [(ref, table.find_row(ref)) for ref in lhs], [(ref, table.find_row(ref)) for ref in rhs]) for c in cols]
        axis = "行"
    elif for_each == "row" or (not for_each and len(rows) == 1):
        lines = [(rw, [(ref, table.find_column(ref)) for ref in lhs], [(ref, table.find_column(ref)) for ref in rhs]) for rw in rows]
        axis = "列"
    else:
        r.fail(path + ("for_each",), "多行多列的表格须指明 for_each: row 或 column")
        return None
    for _, left, right in lines[:1]:
        for ref, node in left + right:
            if node is None:
                r.fail(path + ("check",), f"表格“{table_id}”中没有{axis}“{ref}”")
                return None
    for fixed, left, right in lines:
        def cell_ids(side: list[tuple[str, HeaderNode | None]]) -> list[str]:
            ids: list[str] = []
            for _, node in side:
                assert node is not None
                members = [node] if (table.layout == "list" and axis == "行") else list(node.leaves())
                for member in members:
                    spec = table.cell(member.id or "", fixed.id or "") if axis == "行" else table.cell(fixed.id or "", member.id or "")
                    if spec is None:
                        r.fail(path + ("check",), f"“{member.label}”没有数值单元格")
                        continue
                    ids.append(spec.id)
            return ids

        scope = fixed.label if len(lines) > 1 else ""
        make(scope, cell_ids(left), cell_ids(right))
    return Identity(ident_id, text, check, table_id, for_each, tuple(instances))
