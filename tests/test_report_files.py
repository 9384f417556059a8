"""A report's CSV download, written from per-format row beginnings, equals the CSV writer's rows byte for byte."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable

import pytest

from generator.render import data_export
from generator.render.data_export import REPORT_DATA_COLUMNS, _cell_rows, _cells_piece, _csv, _csv_rows, _indicator_rows, report_csv
from generator.formats import catalogue
from generator.model.site import IndicatorValue, Report, Town

CAT = catalogue()


def reference_csv(report: Report) -> bytes:
    """Every row through the CSV writer, as `report_csv` wrote them before its rows were cached per format."""

    def rows() -> Iterable[tuple[object, ...]]:
        for _, _, cell, table, row, column, unit, value in _cell_rows(report, CAT.formats[report.format]):
            yield (cell, "单元格", " › ".join(p for p in (table, row, column) if p), unit, value, "原表")
        for _, _, _, ind, label, unit, value, source in _indicator_rows(report, CAT):
            yield (ind, "指标", label, unit, value, source)

    return _csv(REPORT_DATA_COLUMNS, rows())


def statistics(format_id: str, kind: str) -> dict[str, object]:
    ids = [c.id for t in CAT.formats[format_id].tables for c in t.cells]
    if kind == "counts":
        return {c: i * 13 for i, c in enumerate(ids)}
    if kind == "mixed":  # zeros, negatives, decimals, blanks, and cells the report lacks
        return {
            c: (None if i % 6 == 1 else 0 if i % 6 == 2 else -i if i % 6 == 3 else Decimal(f"{i}.250") if i % 6 == 4 else i)
            for i, c in enumerate(ids)
            if i % 6 != 5
        }
    return {}


@pytest.mark.parametrize("format_id", sorted(CAT.formats))
@pytest.mark.parametrize("kind", ["counts", "mixed", "empty"])
def test_report_csv_equals_the_csv_writers_rows(format_id: str, kind: str) -> None:
    town = Town(path="sheng/shi/xian/zhen", name="测试镇")
    values = statistics(format_id, kind)
    indicators = {
        ind: IndicatorValue(ind, None if n % 3 == 0 else Decimal("-1.5") if n % 3 == 1 else n, "table")
        for n, ind in enumerate(CAT.indicators)
    }
    report = Report(town, 2021, format_id, "标题", "", "a.yaml", "a.md", statistics=values, indicators=indicators)  # type: ignore[arg-type]
    for _ in range(2):  # the second from the cached row beginnings
        assert report_csv(report, CAT) == reference_csv(report)
    assert id(CAT.formats[format_id]) in data_export._REPORT_CELL_LINES


@pytest.mark.parametrize("format_id", sorted(CAT.formats))
@pytest.mark.parametrize("kind", ["counts", "mixed", "empty"])
def test_a_reports_rows_of_cells_csv_equal_the_csv_writers_rows(format_id: str, kind: str) -> None:
    town = Town(path="sheng/shi/xian/zhen", name="测试镇")
    fmt = CAT.formats[format_id]
    for key_town in (town, Town(path="=sheng/shi/xian/zhen,\"q\"", name="=镇")):  # a key the CSV writer quotes and neutralises
        report = Report(key_town, 2021, format_id, "标题", "", "a.yaml", "a.md", statistics=statistics(format_id, kind))  # type: ignore[arg-type]
        for _ in range(2):  # the second from the cached row beginnings
            assert _cells_piece(report, fmt).encode("utf-8") == _csv_rows(_cell_rows(report, fmt))
    assert id(fmt) in data_export._CELLS_LINES
