"""Blank cells printed as empty lines: counted between the row labels against the table's columns, never guessed."""

from __future__ import annotations

from pathlib import Path

from generator.formats import catalogue
from generator.importer.convert import Imported, convert

HEADER = (
    "某某镇人民政府2021年政府信息公开工作年度报告\n\n一、总体情况\n\n正文。\n\n三、收到和处理政府信息公开申请情况\n\n"
    "单位：件\n(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)\n"
    "申请人情况\n自然人\n法人或其他组织\n总计\n商业企业\n科研机构\n社会公益组织\n法律服务机构\n其他\n"
)


def run(tmp_path: Path, text: str) -> Imported:
    path = tmp_path / "zhen-2021.txt"
    path.write_text(text, encoding="utf-8")
    return convert(path, catalogue())


def row(values: list[str]) -> str:
    return "\n".join(values) + "\n"


def test_empty_lines_between_numbers_are_empty_cells(tmp_path: Path) -> None:
    # the shape of the issue: 12, five empty lines, 12 — the total goes in 总计, not in 商业企业
    text = HEADER + "一、本年新收政府信息公开申请数量\n12\n\n\n\n\n\n12\n" + "二、上年结转政府信息公开申请数量\n" + row(["0"] * 7)
    imported = run(tmp_path, text)
    stats = imported.report.statistics
    assert stats["applications.new.natural"] == 12 and stats["applications.new.total"] == 12
    for column in ("business", "research", "social", "legal", "other"):
        assert stats[f"applications.new.{column}"] is None
    assert stats["applications.carried_over.total"] == 0
    assert any("applications.new.business" in f.message and "空行" in f.message for f in imported.findings)
    assert "单位：件" not in imported.narrative.markdown, "the unit line is neither a cell nor prose"
    assert not any("单位：件" in f.message for f in imported.findings)


def test_a_copy_that_spaces_its_cells_with_one_empty_line(tmp_path: Path) -> None:
    # cells separated by one empty line (as most portal copies print): an empty cell is three empty lines
    spaced = HEADER.replace("\n", "\n\n") + "一、本年新收政府信息公开申请数量\n\n3" + "\n" * 4 + "1" + "\n" * 8 + "4\n\n"
    spaced += "二、上年结转政府信息公开申请数量\n\n" + "\n\n".join(["0"] * 7) + "\n\n三、本年度办理结果\n\n（一）予以公开\n\n" + "\n\n".join(["0"] * 7) + "\n"
    stats = run(tmp_path, spaced).report.statistics
    assert (stats["applications.new.natural"], stats["applications.new.research"], stats["applications.new.total"]) == (3, 1, 4)
    assert stats["applications.new.business"] is None and stats["applications.new.other"] is None


def test_a_row_whose_count_does_not_match_is_listed_not_placed(tmp_path: Path) -> None:
    text = HEADER + "一、本年新收政府信息公开申请数量\n12\n\n\n12\n" + "二、上年结转政府信息公开申请数量\n" + row(["0"] * 7)
    imported = run(tmp_path, text)
    stats = imported.report.statistics
    assert not any(k.startswith("applications.new.") for k in stats), "nothing placed by guess"
    assert 12 not in stats.values()
    finding = next(f for f in imported.findings if "一、本年新收政府信息公开申请数量”一行" in f.message)
    assert finding.where == "zhen-2021.txt:20" and "7 栏" in finding.message
    assert stats["applications.carried_over.natural"] == 0, "the next row is read again"


def test_too_many_numbers_is_uncertain_too(tmp_path: Path) -> None:
    text = HEADER + "一、本年新收政府信息公开申请数量\n" + row(["1", "0", "0", "0", "0", "0", "1", "5"]) + "二、上年结转政府信息公开申请数量\n" + row(["0"] * 7)
    stats = run(tmp_path, text).report.statistics
    assert not any(k.startswith("applications.new.") for k in stats)


def test_merged_header_line_is_passed_over(tmp_path: Path) -> None:
    text = (
        "某某镇人民政府2021年政府信息公开工作年度报告\n\n二、主动公开政府信息情况\n\n"
        "第二十条第（一）项\n信息内容 本年制发件数 本年废止件数 现行有效件数\n规章\n0\n0\n0\n行政规范性文件\n1\n0\n4\n"
    )
    imported = run(tmp_path, text)
    assert imported.report.statistics["art20_1.normative.in_force"] == 4
    assert not any("信息内容本年制发件数" in f.message.replace(" ", "") for f in imported.findings)
