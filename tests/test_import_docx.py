"""Importing a .docx made here with python-docx: real tables with merged cells, in the gov-2019 layout."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from conftest import CONTENT, run_cli
from generator.build.pipeline import check
from generator.formats import catalogue

docx = pytest.importorskip("docx")

TOWN = "sheng/shi/xian/zhen"
FMT = catalogue().formats["gov-2019"]
APPLICANTS = ("natural", "business", "research", "social", "legal", "other")
# (row id, {column: value}) for the rows that are not zero; the 总计 column is added up below
MATRIX = {
    "new": {"natural": 5, "business": 2, "legal": 1},
    "carried_over": {"natural": 1},
    "disclosed": {"natural": 3, "business": 2},
    "partial": {"natural": 1},
    "withheld_third_party": {"natural": 1},
    "unavailable_not_held": {"legal": 1},
    "result_total": {"natural": 5, "business": 2, "legal": 1},
    "carry_forward": {"natural": 1},
}


def matrix_value(row: str, column: str) -> int:
    values = MATRIX.get(row, {})
    return sum(values.values()) if column == "total" else values.get(column, 0)


def _row_label_layout() -> list[tuple[int, int, str, int]]:
    """(first stub column, last stub column, label, rows spanned) as the official table draws its stub."""
    table = FMT.table("applications")
    assert table is not None
    layout: list[list[tuple[int, int, str, int]]] = []
    out: list[tuple[int, int, str, int]] = []

    def walk(node, depth: int) -> None:  # type: ignore[no-untyped-def]
        leaves = len(list(node.leaves()))
        last = depth if node.children else 2
        out.append((depth, last, node.label, leaves))
        for child in node.children:
            walk(child, depth + 1)

    for root in table.rows:
        walk(root, 0)
    del layout
    return out


def write_report(path: Path) -> None:
    d = docx.Document()
    for text in ("测试镇人民政府2022年政府信息公开工作年度报告", "（2023年1月20日）", "一、总体情况"):
        d.add_paragraph(text)
    d.add_paragraph("2022年，我镇主动公开政府信息120条，其中政府网站公开80条。")
    d.add_paragraph("二、主动公开政府信息情况")
    small = [
        ("第二十条第（一）项", ["信息内容", "本年新\n制作数量", "本年新公开数量", "对外公开总数量"], [["规章", "0", "0", "0"], ["规范性文件", "2", "3", "15"]]),
        ("第二十条第（五）项", ["信息内容", "上一年项目数量", "本年数量", "处理决定数量"], [["行政许可", "12", "-2", "30"], ["其他对外管理服务事项", "4", "", "6"]]),
        ("第二十条第(六)项", ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"], [["行政处罚", "3", "1", "9"], ["行政强制", "0", "0", "0"]]),
        ("第二十条第（八）项", ["信息内容", "上一年项目数量", "本年增/减"], [["行政事业性收费", "1", "0"]]),
        ("第二十条第（九）项", ["信息内容", "采购项目数量", "采购总金额"], [["政府集中采购", "2", "12.5"]]),
    ]
    for caption, header, rows in small:
        t = d.add_table(rows=2 + len(rows), cols=len(header))
        merged = t.cell(0, 0).merge(t.cell(0, len(header) - 1))  # the caption spans the table
        merged.text = caption
        for c, text in enumerate(header):
            t.cell(1, c).text = text
        for r, row in enumerate(rows, start=2):
            for c, text in enumerate(row):
                t.cell(r, c).text = text
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    table = FMT.table("applications")
    assert table is not None
    stub = _row_label_layout()
    t = d.add_table(rows=3 + len(table.value_rows), cols=3 + 7)
    corner = t.cell(0, 0).merge(t.cell(2, 2))
    corner.text = "（本列数据的逻辑关系为：第一项加第二项之和，等于第三项加第四项之和）"
    t.cell(0, 3).merge(t.cell(0, 9)).text = "申请人情况"
    t.cell(1, 3).merge(t.cell(2, 3)).text = "自然人"
    t.cell(1, 4).merge(t.cell(1, 8)).text = "法人或其他组织"
    t.cell(1, 9).merge(t.cell(2, 9)).text = "总计"
    for k, label in enumerate(["商业\n企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]):
        t.cell(2, 4 + k).text = label
    row = 3
    for first, last, label, span in stub:
        cell = t.cell(row, first).merge(t.cell(row + span - 1, last)) if (span > 1 or last > first) else t.cell(row, first)
        cell.text = label
        if last == 2:  # a leaf: its values
            node = next(n for n in table.value_rows if n.label == label)
            for k, column in enumerate((*APPLICANTS, "total")):
                t.cell(row, 3 + k).text = str(matrix_value(node.id, column))
            row += 1
    d.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    t = d.add_table(rows=4, cols=15)
    t.cell(0, 0).merge(t.cell(0, 4)).text = "行政复议"
    t.cell(0, 5).merge(t.cell(0, 14)).text = "行政诉讼"
    results = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    for k, label in enumerate(results):
        t.cell(1, k).merge(t.cell(2, k)).text = label
    t.cell(1, 5).merge(t.cell(1, 9)).text = "未经复议直接起诉"
    t.cell(1, 10).merge(t.cell(1, 14)).text = "复议后起诉"
    for k, label in enumerate(results * 2):
        t.cell(2, 5 + k).text = label
    for k, value in enumerate([1, 0, 0, 0, 1, 0, 2, 0, 0, 2, 0, 0, 0, 1, 1]):
        t.cell(3, k).text = str(value)
    for text in ("五、存在的主要问题及改进情况", "公开的及时性有待提升。", "六、其他需要报告的事项", "本年度未收取信息处理费。", "测试镇人民政府", "2023年1月20日"):
        d.add_paragraph(text)
    d.save(str(path))


def expected_statistics() -> dict[str, object]:
    values: dict[str, object] = {c.id: 0 for t in FMT.tables for c in t.cells}
    values.update({
        "art20_1.normative.made": 2, "art20_1.normative.published": 3, "art20_1.normative.total": 15,
        "art20_5.permits.prior_items": 12, "art20_5.permits.change": -2, "art20_5.permits.decisions": 30,
        "art20_5.other_services.prior_items": 4, "art20_5.other_services.change": None, "art20_5.other_services.decisions": 6,
        "art20_6.penalties.prior_items": 3, "art20_6.penalties.change": 1, "art20_6.penalties.decisions": 9,
        "art20_8.prior_items": 1, "art20_9.projects": 2, "art20_9.amount": Decimal("12.5"),
        "lawsuits.review_upheld": 1, "lawsuits.review_total": 1, "lawsuits.direct_corrected": 2, "lawsuits.direct_total": 2,
        "lawsuits.after_review_pending": 1, "lawsuits.after_review_total": 1,
    })  # fmt: skip
    for cell in FMT.table("applications").cells:  # type: ignore[union-attr]
        values[cell.id] = matrix_value(cell.row, cell.column)
    return values


def test_docx_with_merged_cells_imports_every_figure_into_its_cell(tmp_path: Path) -> None:
    source = tmp_path / "测试镇2022年报.docx"
    write_report(source)
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(CONTENT / "site.yaml", content / "site.yaml")
    result = run_cli("import", str(source), "--town", TOWN, "--content", str(content))
    assert result.code == 0, result.out + result.err
    site = check(content).site
    assert site is not None and len(site.reports) == 1
    report = site.reports[0]
    assert report.format == "gov-2019" and report.year == 2022
    assert report.title == "测试镇人民政府2022年政府信息公开工作年度报告"
    assert str(report.published) == "2023-01-20" and str(report.signature.date) == "2023-01-20"
    assert report.statistics == expected_statistics()
    assert report.figures == {"proactive.total": 120, "proactive.website": 80}
    assert "原表为空白" in result.out and "art20_5.other_services.change" in result.out, "a blank cell is said to be blank"
    md = (content / TOWN / "2022.md").read_text(encoding="utf-8")
    assert "## 六、其他需要报告的事项" in md and "自然人" not in md and "结果维持" not in md
    assert "测试镇人民政府\n" not in md, "the signature moved into the data file"
    data = yaml.safe_load((content / TOWN / "2022.yaml").read_text(encoding="utf-8"))
    assert data["statistics"]["art20_5"]["other_services"]["change"] is None


def test_docx_table_that_breaks_its_identities_is_kept_as_printed(tmp_path: Path) -> None:
    source = tmp_path / "report.docx"
    write_report(source)
    d = docx.Document(str(source))
    lawsuits = d.tables[-1]
    lawsuits.cell(3, 4).text = "3"  # 行政复议总计 3, but its parts add up to 1
    d.save(str(source))
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(CONTENT / "site.yaml", content / "site.yaml")
    result = run_cli("import", str(source), "--town", TOWN, "--content", str(content))
    assert result.code == 0, result.out + result.err
    assert "review-total" in (content / TOWN / "2022.yaml").read_text(encoding="utf-8")
    assert "勾稽关系不成立" in result.out
    checked = run_cli("check", "--content", str(content))
    assert checked.code == 0 and "identity-known" in checked.err


def test_unreadable_kinds_of_file_are_refused_with_advice(tmp_path: Path) -> None:
    old = tmp_path / "report.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    result = run_cli("import", str(old), "--town", TOWN, "--content", str(tmp_path))
    assert result.code == 2 and ".docx" in result.err


def test_docx_heading_styles_become_headings(tmp_path: Path) -> None:
    from generator.importer.convert import convert

    d = docx.Document()
    d.add_heading("某某街道2020年政府信息公开工作年度报告", level=0)
    d.add_heading("工作概况", level=1)
    d.add_paragraph("全年主动公开政府信息45条。")
    d.add_heading("今后打算", level=2)
    d.add_paragraph("继续做好公开工作。")
    source = tmp_path / "styled.docx"
    d.save(str(source))
    imported = convert(source, catalogue())
    assert imported.report is not None and imported.report.title == "某某街道2020年政府信息公开工作年度报告"
    assert imported.narrative.markdown == "## 工作概况\n\n全年主动公开政府信息45条。\n\n### 今后打算\n\n继续做好公开工作。\n"
    assert imported.report.figures == {"proactive.total": 45}
    assert imported.places.town == "某某街道"
