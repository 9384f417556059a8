"""Tables written with "|" in copies of portal pages: every style is cut into cells and read into the format's cells."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from conftest import FIXTURES
from generator.formats import catalogue
from generator.importer.convert import Imported, convert
from generator.importer.pieces import read_text

WEB = FIXTURES / "seeds" / "web"


def cells_of(path: Path) -> list[str]:
    return [p.text for p in read_text(path).pieces if p.cell]


def imported_text(tmp_path: Path, text: str) -> Imported:
    """The import of `text` saved as a 2020 report's copy."""
    path = tmp_path / "2020.txt"
    path.write_text(text, encoding="utf-8")
    return convert(path, catalogue())


def test_style_a_a_bar_alone_on_a_line_after_every_cell() -> None:
    # xjnlk-2023.txt: real page text, a line holding only "|" after each cell
    source = read_text(WEB / "xjnlk-2023.txt")
    cells = [p.text for p in source.pieces if p.cell]
    assert cells[:9] == ["第二十条第(一)项", "信息内容", "本年制发件数", "本年废止件数", "现行有效件数", "规章", "0", "0", "6"]
    assert "|" not in cells
    assert "商业\n企业" in cells and "科研\n机构" in cells, "a label broken inside the bars stays one cell"
    prose = [p.text for p in source.pieces if not p.cell]
    assert "三、收到和处理政府信息公开申请情况" in prose and "该部分以表格形式报告。表格如下:" in prose, "prose between the tables stays prose"
    imported = convert(WEB / "xjnlk-2023.txt", catalogue())
    assert imported.recognition.format.id == "gov-2021"
    stats = imported.report.statistics
    assert stats["art20_1.rules.in_force"] == 6 and stats["art20_1.rules.issued"] == 0
    assert stats["applications.new.natural"] == 0 and stats["applications.withheld_internal.total"] == 0
    assert "applications.withheld_process.total" not in stats, "the copy is cut inside that row: nothing invented"
    assert "## 三、收到和处理政府信息公开申请情况" in imported.narrative.markdown


def test_style_b_markdown_rows_with_separator_rows() -> None:
    cells = cells_of(WEB / "hudongzhen-2025-markdown.txt")
    assert not any(set(c) <= set("-:|") for c in cells), "separator rows are dropped"
    assert cells[:5] == ["第二十条第(一)项", "信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]
    imported = convert(WEB / "hudongzhen-2025-markdown.txt", catalogue())
    assert imported.recognition.format.id == "gov-2021"
    stats = imported.report.statistics
    assert (stats["art20_5.permits"], stats["art20_6.penalties"], stats["art20_6.enforcement"]) == (349, 12, 0)


def test_style_c_rows_without_a_leading_bar() -> None:
    # hudongzhen-2025.txt: real page text, "规章 | 0 | 0 | 0 |"
    cells = cells_of(WEB / "hudongzhen-2025.txt")
    assert cells[5:9] == ["规章", "0", "0", "0"]
    imported = convert(WEB / "hudongzhen-2025.txt", catalogue())
    stats = imported.report.statistics
    assert (stats["art20_5.permits"], stats["art20_6.penalties"]) == (349, 12)
    assert stats["art20_1.normative.in_force"] == 0
    assert "art20_8.fees" not in stats, "the copy ends inside that table"
    assert "主动公开政府信息67条" in imported.narrative.markdown


def test_labels_broken_over_lines_inside_the_bars_and_empty_cells(tmp_path: Path) -> None:
    text = (
        "某某镇2019年政府信息公开工作年度报告\n\n二、主动公开政府信息情况\n\n"
        "第二十条第（一）项 |\n信息内容 | 本年新\n制作数量 | 本年新\n公开数量 | 对外公开总数量 |\n"
        "规章 | | 0 | 0 |\n规范性文件 | 3 | 3 | 12 |\n"
        "第二十条第（五）项 |\n信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |\n"
        "行政许可 | 5 | -1 | 40 |\n其他对外管理\n服务事项 | 2 | 0 | 7 |\n"
    )
    path = tmp_path / "zhen-2019.txt"
    path.write_text(text, encoding="utf-8")
    cells = cells_of(path)
    assert "本年新\n制作数量" in cells and "其他对外管理\n服务事项" in cells
    assert cells[cells.index("规章") + 1] == "", "an empty cell between two bars is an empty cell"
    imported = convert(path, catalogue())
    assert imported.recognition.format.id == "gov-2019"
    stats = imported.report.statistics
    assert stats["art20_1.rules.made"] is None and stats["art20_1.rules.published"] == 0
    assert (stats["art20_1.normative.made"], stats["art20_1.normative.total"]) == (3, 12)
    assert (stats["art20_5.permits.change"], stats["art20_5.other_services.decisions"]) == (-1, 7)


def test_a_page_line_with_bars_is_not_a_table(tmp_path: Path) -> None:
    path = tmp_path / "zhen-2018.txt"
    path.write_text("2018年某镇政府信息公开工作年度报告\n\n作者:本站原创 | 来源:本站原创 | 时间:2019-01-18\n\n一、概述\n\n正文。\n", encoding="utf-8")
    assert not any(p.cell for p in read_text(path).pieces)


def test_label_variants_from_the_data_file_are_matched() -> None:
    # zhuhongzhen-2025.txt writes 本年发件 and 现行有效件; xuwangzhen-2025.txt 本年收费金额单位:万元 (real copies)
    imported = convert(WEB / "zhuhongzhen-2025.txt", catalogue())
    assert imported.recognition.format.id == "gov-2021"
    stats = imported.report.statistics
    assert {k: v for k, v in stats.items() if k.startswith("art20_1.")} == {f"art20_1.{r}.{c}": 0 for r in ("rules", "normative") for c in ("issued", "repealed", "in_force")}
    assert not any("本年发件" in f.message or "现行有效件”" in f.message for f in imported.findings)
    imported = convert(WEB / "xuwangzhen-2025.txt", catalogue())
    assert imported.report.statistics["art20_8.fees"] == 0 and imported.report.statistics["art20_5.permits"] == 124
    assert not any("本年收费金额单位" in f.message for f in imported.findings)
    assert "art20_1.rules.issued" not in imported.report.statistics, "the row label is missing in the copy: its numbers are not placed"


def test_a_unit_line_inside_a_pipe_table_is_not_a_cell(tmp_path: Path) -> None:
    text = (
        "某某镇2021年政府信息公开工作年度报告\n\n二、主动公开政府信息情况\n\n单位：件\n"
        "| 第二十条第（一）项 |\n| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n|---|---|---|---|\n"
        "| 规章 | 0 | 0 | 0 |\n| 行政规范性文件 | 2 | 1 | 9 |\n"
    )
    path = tmp_path / "zhen-2021.txt"
    path.write_text(text, encoding="utf-8")
    imported = convert(path, catalogue())
    assert imported.report.statistics["art20_1.normative.in_force"] == 9
    assert "单位" not in imported.narrative.markdown
    assert not any("单位：件" in f.message for f in imported.findings)


def test_rows_padded_with_the_bars_of_merged_cells() -> None:
    # liangchengzhen-2020.txt: real page text, "规章 | 0 | 0 | 0 | |" and "行政事业性收费 | 0 | 0 | ||"
    imported = convert(WEB / "liangchengzhen-2020.txt", catalogue())
    assert imported.recognition.format.id == "gov-2019"
    stats = imported.report.statistics
    tables = {"art20_1": 6, "art20_5": 6, "art20_6": 6, "art20_8": 2, "art20_9": 2}
    for table, count in tables.items():
        assert sum(1 for k in stats if k.startswith(table + ".")) == count, table
    assert sum(1 for k in stats if k.startswith("applications.")) == 14
    assert set(stats.values()) == {0}, "padding bars are not read as empty cells of the next column"
    assert not any("栏" in f.message and "无法确定" in f.message for f in imported.findings)


def test_style_a_two_bars_in_a_row_are_an_empty_cell(tmp_path: Path) -> None:
    cells = ["第二十条第（五）项", "信息内容", "本年处理决定数量", "行政许可", "7", "第二十条第（六）项", "信息内容", "本年处理决定数量", "行政处罚", "", "行政强制", "2"]
    text = "某某镇2022年政府信息公开工作年度报告\n\n二、主动公开政府信息情况\n表格如下:\n" + "".join(f"{c}\n|\n" if c else "|\n" for c in cells)
    path = tmp_path / "zhen-2022.txt"
    path.write_text(text, encoding="utf-8")
    assert cells_of(path) == cells
    stats = convert(path, catalogue()).report.statistics
    assert (stats["art20_5.permits"], stats["art20_6.penalties"], stats["art20_6.enforcement"]) == (7, None, 2)


def test_a_copy_cut_after_a_caption_reads_what_it_holds_and_lists_each_tables_missing_rows(tmp_path: Path) -> None:
    # the shape of a real copy (beijing-xinhua-2019): `a |` lines, cut after the captions and headers of (六)–(九),
    # so the rows of several tables are missing at the same place
    cells = ["第二十条第(一)项", "信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量", "规章", "0", "0", "0"]
    cells += ["规范性文件", "1", "1", "1", "第二十条第(五)项", "信息内容", "上一年项目数量", "本年增/减", "处理决定数量"]
    cells += ["行政许可", "0", "0", "0", "第二十条第(六)项", "信息内容", "上一年项目数量", "本年增/减", "处理决定数量"]
    text = "某某镇2019年政府信息公开工作年度报告\n\n二、主动公开政府信息情况\n\n" + "".join(f"{c} |\n" for c in cells)
    path = tmp_path / "zhen-2019.txt"
    path.write_text(text, encoding="utf-8")
    imported = convert(path, catalogue())
    assert imported.recognition.format.id == "gov-2019"
    stats = imported.report.statistics
    assert (stats["art20_1.normative.made"], stats["art20_1.normative.total"], stats["art20_5.permits.decisions"]) == (1, 1, 0)
    assert not any(k.startswith(("art20_6.", "art20_8.", "art20_9.", "applications.")) for k in stats), "nothing placed past the cut"
    missing = [f.message for f in imported.findings if f.message.startswith("找不到以下各行")]
    for caption, row in (("第二十条第（六）项", "行政处罚"), ("第二十条第（八）项", "行政事业性收费"), ("第二十条第（九）项", "政府集中采购")):
        assert any(f"表格“{caption}”" in m and row in m for m in missing), (caption, missing)
    unmatched = [f.message for f in imported.findings if "未能对应" in f.message]
    assert unmatched == [], "the caption and header of the cut table are its header, not stray cells"


def test_a_cell_written_with_its_unit_is_read_only_in_the_cell_s_own_unit(tmp_path: Path) -> None:
    # guangdong-jiangnanzhong-2020 writes “240万元” under 采购总金额, which the 2019 format records in 元
    text = (
        "二、主动公开政府信息情况\n第二十条第(五)项 |\n信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |\n"
        "行政许可 | 1件 | 0 | 24件 |\n其他对外管理服务事项 | 0 | 0 | 0 |\n"
        "第二十条第(九)项 |\n信息内容 | 采购项目数量 | 采购总金额 |\n政府集中采购 | 1 | 240万元 |\n"
    )
    imported = imported_text(tmp_path, text)
    stats = imported.report.statistics
    assert stats["art20_5.permits.prior_items"] == 1 and stats["art20_5.permits.decisions"] == 24, "a count's counting word is no other unit"
    assert stats["art20_9.projects"] == 1
    assert "art20_9.amount" not in stats, "240万元 is neither 240 元 nor a number the source prints in 元"
    assert any("240万元" in f.message and "请换算后填写" in f.message for f in imported.findings)


def test_a_column_whose_header_or_unit_line_states_another_unit_is_left_for_a_human(tmp_path: Path) -> None:
    # unstated-beijingjiedao-2020 heads the column 采购总金额(万元); the 2019 format records the amount in 元
    head = "二、主动公开政府信息情况\n第二十条第(五)项 |\n信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |\n行政许可 | 1 | 0 | 8 |\n其他对外管理服务事项 | 0 | 0 | 0 |\n"
    for table, said in (
        ("第二十条第(九)项 |\n信息内容 | 采购项目数量 | 采购总金额(万元) |\n政府集中采购 | 13 | 477.35 |\n", "表头“采购总金额(万元)”"),
        ("第二十条第(九)项 |\n信息内容 | 采购项目数量 | 采购总金额(单位:万元) |\n政府集中采购 | 13 | 477.35 |\n", "表头“采购总金额(单位:万元)”"),
        ("第二十条第(九)项 |\n单位：万元\n信息内容 | 采购项目数量 | 采购总金额 |\n政府集中采购 | 13 | 477.35 |\n", "单位行“单位：万元”"),
    ):
        imported = imported_text(tmp_path, head + table)
        stats = imported.report.statistics
        assert stats["art20_5.permits.decisions"] == 8 and stats["art20_9.projects"] == 13, "the count beside it is read"
        assert "art20_9.amount" not in stats, "477.35 万元 is neither 477.35 元 nor 4773500, which the source does not print"
        [finding] = [f for f in imported.findings if "art20_9.amount" in f.message]
        assert "原表单位为万元" in finding.message and said in finding.message and "本格式以元计" in finding.message
        assert "“477.35”未导入" in finding.message and "请换算后填写" in finding.message and finding.where == f"2020.txt:{len((head + table).splitlines())}"
    # the column's own unit, stated, is no reason to leave it out
    imported = imported_text(tmp_path, head + "第二十条第(九)项 |\n信息内容 | 采购项目数量 | 采购总金额(元) |\n政府集中采购 | 13 | 4773500 |\n")
    assert imported.report.statistics["art20_9.amount"] == 4773500


def test_a_2021_fee_column_headed_in_yuan_is_left_for_a_human(tmp_path: Path) -> None:
    # the 2021 format records 本年收费金额 in 万元 (its header says so); a copy heading it in 元 is not converted
    text = (
        "二、主动公开政府信息情况\n第二十条第(六)项 |\n信息内容 | 本年处理决定数量 |\n行政处罚 | 5 |\n行政强制 | 2 |\n"
        "第二十条第(八)项 |\n信息内容 | 本年收费金额(单位:元) |\n行政事业性收费 | 3000 |\n"
    )
    path = tmp_path / "2022.txt"
    path.write_text(text, encoding="utf-8")
    imported = convert(path, catalogue())
    assert imported.recognition.format.id == "gov-2021"
    assert imported.report.statistics["art20_6.penalties"] == 5
    assert "art20_8.fees" not in imported.report.statistics
    assert any("art20_8.fees" in f.message and "原表单位为元" in f.message and "本格式以万元计" in f.message for f in imported.findings)
    path.write_text(text.replace("(单位:元)", "(单位:万元)").replace("3000", "0.3"), encoding="utf-8")
    assert convert(path, catalogue()).report.statistics["art20_8.fees"] == Decimal("0.3")


def test_a_label_with_its_template_s_instruction_in_brackets_is_the_label(tmp_path: Path) -> None:
    # hubei-huangpi-2020: the district's template prints how to fill each row and column in brackets
    text = (
        "二、主动公开政府信息情况\n第二十条第(一)项 |\n信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量 |\n"
        "规章(设区的市、自治州人民政府应提供相关数据) | 0 | 0 | 0 |\n规范性文件(行政机关制定发布的决定、公告) | 87 | 0 | 0 |\n"
        "第二十条第(五)项 |\n信息内容 | 上一年项目数量 (指2019年事项数) | 本年增/减 (减用负 值表示,如 -8) | 处理决定数量 (指2020年办 件量) |\n"
        "行政许可 | 3 | -1 | 12 |\n其他对外管理服务事项 | 0 | 0 | 0 |\n"
    )
    imported = imported_text(tmp_path, text)
    stats = imported.report.statistics
    assert stats["art20_1.normative.made"] == 87 and stats["art20_1.rules.made"] == 0
    assert (stats["art20_5.permits.prior_items"], stats["art20_5.permits.change"], stats["art20_5.permits.decisions"]) == (3, -1, 12)
    assert not {2019, 2020, -8} & {v for v in stats.values() if v is not None}, "a number inside an instruction is no value"
