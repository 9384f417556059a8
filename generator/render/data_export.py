"""The data downloads: every report's statistics and indicators as CSV and JSON, described by a datapackage.

CSV files start with the UTF-8 byte order mark so that spreadsheet programs read Chinese
correctly; JSON has none. Text cells that a spreadsheet would take for a formula
(starting with = + - @, or a tab or carriage return) get a leading apostrophe.
Numbers are written as published: no exponent, no rounding.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from functools import lru_cache
from decimal import Decimal
from typing import Iterable

from generator.formats import Catalogue, Format
from generator.model import Report, Site
from generator.source.numbers import Number, format_number
from generator.render.series import STATUS_LABELS, reading
from generator.incremental.splice import SplicedFile

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Frictionless field type: string, integer, number, date
    title: str
    description: str
    unit: str = ""


REPORT_COLUMNS = (
    Column("report", "string", "年报编号", "镇目录路径/年度，唯一标识一份年报"),
    Column("region", "string", "所属地区", "省、市、县（区）名称，自上而下"),
    Column("town", "string", "镇（乡、街道）", "发布年报的镇（乡、街道）名称"),
    Column("town_code", "string", "行政区划代码", "镇（乡、街道）的行政区划代码（如已知）"),
    Column("year", "integer", "报告年度", "年报所报告的年度", "年"),
    Column("format", "string", "报告格式", "年报采用的格式编号（gov-2008、gov-2019、gov-2021、narrative）"),
    Column("title", "string", "标题", "年报标题"),
    Column("authority", "string", "发布机关", "发布年报的机关"),
    Column("published", "date", "发布日期", "年报的发布日期（YYYY-MM-DD），未知则为空"),
    Column("page", "string", "页面", "年报页面相对于站点根目录的地址"),
)
INDICATOR_COLUMNS = (
    Column("report", "string", "年报编号", "镇目录路径/年度，与 reports.csv 的 report 列对应"),
    Column("town", "string", "镇（乡、街道）", "镇（乡、街道）名称"),
    Column("year", "integer", "报告年度", "年报所报告的年度", "年"),
    Column("indicator", "string", "指标编号", "规范指标编号，各格式通过对照表映射到此编号"),
    Column("label", "string", "指标名称", "规范指标的中文名称"),
    Column("unit", "string", "单位", "指标的计量单位"),
    Column("value", "number", "数值", "指标数值；空表示该年报没有可比数据", "见 unit 列"),
    Column("source", "string", "来源", "统计表、正文所述、原表空白或不可比"),
)
CELL_COLUMNS = (
    Column("report", "string", "年报编号", "镇目录路径/年度，与 reports.csv 的 report 列对应"),
    Column("format", "string", "报告格式", "年报采用的格式编号"),
    Column("cell", "string", "单元格编号", "格式说明中的单元格编号（表.行.列）"),
    Column("table", "string", "统计表", "统计表标题"),
    Column("row", "string", "行", "行标题"),
    Column("column", "string", "列", "列标题"),
    Column("unit", "string", "单位", "该单元格的计量单位"),
    Column("value", "number", "数值", "原表数值；空表示原表空白", "见 unit 列"),
)

REPORT_DATA_COLUMNS = (
    Column("item", "string", "编号", "单元格编号（表.行.列）或规范指标编号；正文数字为其对应的规范指标编号（可空）"),
    Column("kind", "string", "类别", "统计表单元格、规范指标或正文数字"),
    Column("name", "string", "名称", "统计表 › 行 › 列，或指标名称，或正文中标明该数字的词语"),
    Column("unit", "string", "单位", "计量单位"),
    Column("value", "number", "数值", "空表示原表空白或没有可比数据", "见 unit 列"),
    Column("source", "string", "来源", "单元格为原表；指标为统计表、正文所述、原表空白或不可比；正文数字为其行号和原文"),
)

RESOURCES = (
    ("reports", "reports.csv", "年报目录", REPORT_COLUMNS),
    ("indicators", "indicators.csv", "规范指标", INDICATOR_COLUMNS),
    ("cells", "cells.csv", "统计表单元格", CELL_COLUMNS),
)


def neutralise(text: str) -> str:
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_START) else text


@lru_cache(maxsize=None)
def _csv_head(columns: tuple[Column, ...]) -> bytes:
    """The byte order mark and the header row."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([c.name for c in columns])
    return (BOM + buffer.getvalue()).encode("utf-8")


def _csv_text(rows: Iterable[tuple[object, ...]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()


def _csv_rows(rows: Iterable[tuple[object, ...]]) -> bytes:
    return _csv_text(rows).encode("utf-8")


def _csv(columns: tuple[Column, ...], rows: Iterable[tuple[object, ...]]) -> bytes:
    return _csv_head(columns) + _csv_rows(rows)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return format_number(value)
    return neutralise(str(value))


def _json_number(value: Number | None) -> int | float | None:
    if value is None or isinstance(value, int):
        return value
    return float(value)


def _report_row(report: Report, page: str) -> tuple[object, ...]:
    return (
        report.key,
        " ".join(r.name for r in report.town.regions),
        report.town.name,
        report.town.code,
        report.year,
        report.format,
        report.title,
        report.authority or report.town.authority,
        report.published.isoformat() if report.published else "",
        page,
    )


def _indicator_rows(report: Report, catalogue: Catalogue) -> Iterable[tuple[object, ...]]:
    for ind in catalogue.indicators.values():
        r = reading(report, ind.id)
        yield (report.key, report.town.name, report.year, ind.id, ind.label, ind.unit, r.value, STATUS_LABELS[r.status])


def _format_cells(fmt: Format) -> Iterable[tuple[str, str, str, str, str]]:
    """Every cell of a format as cells.csv names it: id, table caption, row and column labels, unit."""
    for table in fmt.tables:
        rows = {n.id: n.label for root in table.rows for n in root.walk()}
        columns = {n.id: n.label for root in table.columns for n in root.walk()}
        for cell in table.cells:
            yield (cell.id, table.caption, rows.get(cell.row, ""), columns.get(cell.column, ""), cell.unit)


def _cell_rows(report: Report, fmt: Format) -> Iterable[tuple[object, ...]]:
    for fields in _format_cells(fmt):
        if fields[0] in report.statistics:
            yield (report.key, report.format, *fields, report.statistics[fields[0]])


def reports_csv(site: Site, pages: dict[str, str]) -> bytes:
    return _csv(REPORT_COLUMNS, (_report_row(r, pages[r.key]) for r in site.reports))


def indicators_csv(site: Site, catalogue: Catalogue) -> bytes:
    return _csv(INDICATOR_COLUMNS, (row for r in site.reports for row in _indicator_rows(r, catalogue)))


def cells_csv(site: Site, catalogue: Catalogue) -> bytes:
    return _csv_head(CELL_COLUMNS) + "".join(_cells_piece(r, catalogue.formats[r.format]) for r in site.reports).encode("utf-8")


def _cells_piece(report: Report, fmt: Format) -> str:
    """A report's rows of cells.csv, as the CSV writer writes `_cell_rows`.

    Between the report's two fields and the value, a row's text depends only on the cell (its
    table, row, column and unit), so it is encoded once per format (`_cells_lines`); an int or
    empty value is appended as its digits, any other row goes through the CSV writer. (This file
    has a row per cell of every report: 1.2 million at 10,000 reports, a fifth of rendering.)
    """
    statistics = report.statistics
    head = _csv_line((report.key, report.format)).removesuffix("\r\n") + ","
    lines: list[str] = []
    for cell_id, fields, middle in _cells_lines(fmt):
        if cell_id not in statistics:
            continue
        value = statistics[cell_id]
        if value is None:
            lines.append(head + middle + "\r\n")
        elif type(value) is int:
            lines.append(head + middle + str(value) + "\r\n")
        else:
            lines.append(_csv_line((report.key, report.format, *fields, value)))
    return "".join(lines)


_CELLS_LINES: dict[int, tuple[Format, tuple[tuple[str, tuple[str, ...], str], ...]]] = {}


def _cells_lines(fmt: Format) -> tuple[tuple[str, tuple[str, ...], str], ...]:
    """Per cell of the format: its id, its fields of cells.csv before the value, and their CSV text up to the value."""
    kept = _CELLS_LINES.get(id(fmt))
    if kept is not None and kept[0] is fmt:
        return kept[1]
    made = tuple((fields[0], fields, _csv_line(fields).removesuffix("\r\n") + ",") for fields in _format_cells(fmt))
    _CELLS_LINES[id(fmt)] = (fmt, made)
    return made


def report_csv(report: Report, catalogue: Catalogue) -> bytes:
    """One report's data in one file: its table cells, then its canonical indicators.

    The text of a cell's row before its value (id, kind, name, unit) is the same in every
    report of a format, so it is encoded once per format (`_report_cell_lines`); a row's value
    is appended as its digits when it is an int or empty (a field CSV never quotes), any other
    row is written by the CSV writer as before.
    """
    statistics = report.statistics
    lines: list[str] = []
    for cell_id, fields, prefix in _report_cell_lines(catalogue.formats[report.format]):
        if cell_id not in statistics:
            continue
        value = statistics[cell_id]
        if value is None:
            lines.append(prefix + _CELL_SOURCE)
        elif type(value) is int:  # digits and a minus sign: nothing to quote or neutralise
            lines.append(prefix + str(value) + _CELL_SOURCE)
        else:
            lines.append(_csv_line((*fields, value, "原表")))
    indicators = _csv_rows((ind, "指标", label, unit, value, source) for _, _, _, ind, label, unit, value, source in _indicator_rows(report, catalogue))
    stated = _csv_rows((s.indicator, "正文数字", s.label, s.unit, s.value, f"正文第{s.line}行：{s.quote}") for s in report.stated)
    return _csv_head(REPORT_DATA_COLUMNS) + "".join(lines).encode("utf-8") + indicators + stated


def _csv_line(fields: tuple[object, ...]) -> str:
    """One row as `_csv` writes it, line end included."""
    return _csv_text((fields,))


_CELL_SOURCE = "," + _csv_line(("原表",))  # what follows a cell's value: its source, "原表", and the line end
_REPORT_CELL_LINES: dict[int, tuple[Format, tuple[tuple[str, tuple[str, ...], str], ...]]] = {}


def _report_cell_lines(fmt: Format) -> tuple[tuple[str, tuple[str, ...], str], ...]:
    """Per cell of the format: its id, the fields before its value and their CSV text up to the value, kept per process."""
    kept = _REPORT_CELL_LINES.get(id(fmt))
    if kept is not None and kept[0] is fmt:
        return kept[1]
    cells = []
    for cell_id, caption, row, column, unit in _format_cells(fmt):
        fields = (cell_id, "单元格", " › ".join(p for p in (caption, row, column) if p), unit)
        # fields are quoted one by one: the row's first four are the same in a longer row
        cells.append((cell_id, fields, _csv_line(fields).removesuffix("\r\n") + ","))
    made = tuple(cells)
    _REPORT_CELL_LINES[id(fmt)] = (fmt, made)
    return made


def report_record(report: Report, catalogue: Catalogue, page: str) -> dict[str, object]:
    fmt = catalogue.formats[report.format]
    indicators: dict[str, object] = {}
    for ind in catalogue.indicators.values():
        r = reading(report, ind.id)
        indicators[ind.id] = {"label": ind.label, "unit": ind.unit, "value": _json_number(r.value), "source": STATUS_LABELS[r.status]}
    return {
        "report": report.key,
        "regions": [r.name for r in report.town.regions],
        "town": report.town.name,
        "town_code": report.town.code,
        "year": report.year,
        "format": report.format,
        "format_name": fmt.name,
        "title": report.title,
        "authority": report.authority or report.town.authority,
        "published": report.published.isoformat() if report.published else None,
        "page": page,
        "indicators": indicators,
        "statistics": {cell: _json_number(v) for cell, v in report.statistics.items()},
        "stated": [
            {"value": _json_number(s.value), "unit": s.unit, "label": s.label, "quote": s.quote, "line": s.line, "indicator": s.indicator or None}
            for s in report.stated
        ],
    }


def _json(data: object, expand: int = 1_000) -> bytes:
    """JSON text with one entry per line down to depth `expand`, and what lies deeper on one line.

    Fully expanded it is `json.dumps(data, indent=1)`. A report's record (`data.json`) is expanded
    one level and the reports of `reports.json` are one per line: json's indenting encoder is
    pure Python, its one-line encoder C, and this took a tenth of a cold build's rendering.
    """
    return (_dump(data, expand, 0) + "\n").encode("utf-8")


_one_line = json.JSONEncoder(ensure_ascii=False).encode  # the C encoder: separators ", " and ": "


def _json_key(key: object) -> str:
    """A dict key as json writes it (a number or true/false/null becomes a string)."""
    return _one_line(key) if isinstance(key, str) else _one_line({key: 0})[1:-4]


def _dump(value: object, expand: int, level: int) -> str:
    if expand <= 0 or not isinstance(value, (dict, list)) or not value:
        return _one_line(value)
    pad = " " * (level + 1)
    if isinstance(value, dict):
        entries = [f"{pad}{_json_key(k)}: {_dump(v, expand - 1, level + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(entries) + "\n" + " " * level + "}"
    return "[\n" + ",\n".join(pad + _dump(v, expand - 1, level + 1) for v in value) + "\n" + " " * level + "]"


def report_json(report: Report, catalogue: Catalogue, page: str) -> bytes:
    return _json(report_record(report, catalogue, page), expand=1)


def _dataset_top(site: Site, catalogue: Catalogue) -> dict[str, object]:
    return {
        "title": site.config.title,
        "indicators": {
            i.id: {"label": i.label, "unit": i.unit, "type": i.type, "description": i.description} for i in catalogue.indicators.values()
        },
    }


def dataset_json(site: Site, catalogue: Catalogue, pages: dict[str, str]) -> bytes:
    return _json({**_dataset_top(site, catalogue), "reports": [report_record(r, catalogue, pages[r.key]) for r in site.reports]}, expand=_DATASET_EXPAND)


def datapackage(site: Site) -> bytes:
    """A Frictionless-style description of the CSV files: every column with name, type and unit."""
    resources = []
    for name, path, title, columns in RESOURCES:
        fields = []
        for c in columns:
            field: dict[str, str] = {"name": c.name, "type": c.type, "title": c.title, "description": c.description}
            if c.unit:
                field["unit"] = c.unit
            if c.type == "date":
                field["format"] = "%Y-%m-%d"
            fields.append(field)
        resources.append(
            {
                "name": name,
                "title": title,
                "path": path,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "schema": {"fields": fields},
            }
        )
    resources.append({"name": "dataset", "title": "全部数据（JSON）", "path": "reports.json", "format": "json", "mediatype": "application/json", "encoding": "utf-8"})
    package = {"profile": "data-package", "name": "nianbao-reports", "title": site.config.title, "resources": resources}
    if site.config.authority:
        package["contributors"] = [{"title": site.config.authority, "role": "publisher"}]
    return _json(package)


# ---- the site-wide files as head + one piece per report + tail (generator.incremental.splice) ----


_PLACEHOLDER = "\x00"


_DATASET_EXPAND = 2  # reports.json: its top-level entries, and each report on a line of its own


def _json_parts(top: dict[str, object], key: str) -> tuple[bytes, bytes]:
    """The text of `top` before and after the items of its list `key` (dumped as `dataset_json` does)."""
    text = _json({**top, key: [_PLACEHOLDER]}, expand=_DATASET_EXPAND).decode("utf-8")
    marker = '\n  "\\u0000"\n'
    head, tail = text.split(marker)
    return (head + "\n").encode("utf-8"), ("\n" + tail).encode("utf-8")


def _json_item(record: object) -> bytes:
    """One report of `reports.json`: an item of a list at depth 2, on one line."""
    return ("  " + _dump(record, _DATASET_EXPAND - 2, 2)).encode("utf-8")


SPLICED_FILES = ("reports.csv", "indicators.csv", "cells.csv", "reports.json")


def spliced_file(name: str, site: Site, catalogue: Catalogue, pages: dict[str, str]) -> SplicedFile | None:
    """How to write the site-wide file `name` piece by piece (None: not such a file)."""
    if name == "reports.csv":
        return SplicedFile(_csv_head(REPORT_COLUMNS), lambda r: _csv_rows([_report_row(r, pages[r.key])]), b"", b"",
                           lambda: reports_csv(site, pages))
    if name == "indicators.csv":
        return SplicedFile(_csv_head(INDICATOR_COLUMNS), lambda r: _csv_rows(_indicator_rows(r, catalogue)), b"", b"",
                           lambda: indicators_csv(site, catalogue))
    if name == "cells.csv":
        return SplicedFile(_csv_head(CELL_COLUMNS), lambda r: _cells_piece(r, catalogue.formats[r.format]).encode("utf-8"), b"", b"",
                           lambda: cells_csv(site, catalogue))
    if name == "reports.json":
        head, tail = _json_parts(_dataset_top(site, catalogue), "reports")
        return SplicedFile(head, lambda r: _json_item(report_record(r, catalogue, pages[r.key])), b",\n", tail,
                           lambda: dataset_json(site, catalogue, pages))
    return None
