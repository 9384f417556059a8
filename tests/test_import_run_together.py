"""A copy that prints a table row's label and cells with nothing between them ("规章000"): split only where certain."""

from __future__ import annotations

from pathlib import Path

from generator.formats import catalogue
from generator.importer.convert import convert

REPORTS = Path(__file__).parent / "fixtures" / "reports"

HEAD = """某县某镇2022年政府信息公开工作年度报告

二、主动公开政府信息情况

第二十条第（一）项
信息内容本年制发件数本年废止件数现行有效件数
"""


def _convert(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    source = tmp_path / "copy.txt"
    source.write_text(text, encoding="utf-8")
    return convert(source, catalogue())


def test_the_real_copy_reads_one_digit_a_cell_and_lists_each_row_to_check(tmp_path: Path) -> None:
    source = tmp_path / "liaoning-xisi-2025.txt"
    source.write_bytes((REPORTS / "liaoning-xisi-2025" / "source.txt").read_bytes())
    result = convert(source, catalogue())
    assert result.report is not None and result.report.format.id == "gov-2021"
    cells = {k: v for k, v in result.report.statistics.items() if k.startswith("art20_1.")}
    assert cells == {f"art20_1.{row}.{col}": 0 for row in ("rules", "normative") for col in ("issued", "repealed", "in_force")}
    checks = [f.message for f in result.findings if "连在一起" in f.message]
    assert len(checks) == 2 and all("按每格一位读作 0、0、0" in m for m in checks)
    assert "规章000" not in result.narrative.markdown  # the row is the table's, not prose
    # the counting rule in brackets is not a stated count
    assert [(s.value, s.unit) for s in result.report.stated if s.value] == [(49, "条")]


def test_digits_that_do_not_divide_one_to_a_cell_are_not_imported_and_said_so(tmp_path: Path) -> None:
    result = _convert(tmp_path, HEAD + "规章1203\n行政规范性文件2\n")
    assert result.report is not None
    values = result.report.statistics
    assert not any(k.startswith("art20_1.rules.") for k in values)  # 1203 over three cells: 1|2|03, 12|0|3, …?
    assert not any(k.startswith("art20_1.normative.") for k in values)  # two digits short: nothing guessed
    messages = [f.message for f in result.findings]
    assert any("“规章1203”" in m and "无法确定各格的分界" in m for m in messages)
    assert any("“行政规范性文件2”" in m and "无法确定各格的分界" in m for m in messages)


def test_a_row_of_one_cell_takes_every_digit_after_its_label(tmp_path: Path) -> None:
    text = HEAD + "规章000\n行政规范性文件314\n第二十条第（五）项\n信息内容本年处理决定数量\n行政许可1052\n"
    result = _convert(tmp_path, text)
    assert result.report is not None
    values = result.report.statistics
    assert values["art20_5.permits"] == 1052
    assert [values[f"art20_1.normative.{c}"] for c in ("issued", "repealed", "in_force")] == [3, 1, 4]
