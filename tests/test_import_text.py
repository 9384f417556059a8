"""Importing plain text written here: artefacts, broken lines, blank cells, variants and figures that disagree."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from conftest import CONTENT, run_cli

TOWN = "sheng/shi/xian/zhen"


def import_text(tmp_path: Path, text: str, *extra: str):  # type: ignore[no-untyped-def]
    source = tmp_path / "report.txt"
    source.write_text(text, encoding="utf-8")
    content = tmp_path / "content"
    content.mkdir(exist_ok=True)
    shutil.copy(CONTENT / "site.yaml", content / "site.yaml")
    result = run_cli("import", str(source), "--town", TOWN, "--content", str(content), *extra)
    return content, result


NARRATIVE = """\
某某镇2019年政府信息公开
工作年度报告

一、概述

2019年，我镇主动公开政府信息56条，内容涵盖政策法规、
规范性文件信息和工作动态等方面。

- 2 -

[image: image3.png]ABC 乱码
二、其他情况

全年收到政府信息公开申请3件。后经核实，全年主动公开政府信息共60条。
本年度 召开政务公开工作会议2次。

某某镇人民政府
2020年1月15日
"""


def test_narrative_text_is_cleaned_and_figures_taken_from_sentences(tmp_path: Path) -> None:
    content, result = import_text(tmp_path, NARRATIVE)
    assert result.code == 0, result.out + result.err
    data = yaml.safe_load((content / TOWN / "2019.yaml").read_text(encoding="utf-8"))
    assert data["format"] == "narrative"
    assert data["title"] == "某某镇2019年政府信息公开工作年度报告", "a title broken over two lines is joined"
    assert data["signature"] == {"authority": "某某镇人民政府", "date": __import__("datetime").date(2020, 1, 15), "date_text": "2020年1月15日"}
    # 56 and 60 are both stated for proactive.total: neither is chosen
    assert data["figures"] == {"applications.received": 3, "meetings.total": 2}
    assert "主动公开政府信息数" in result.out and "说法不一" in result.out
    md = (content / TOWN / "2019.md").read_text(encoding="utf-8")
    assert "内容涵盖政策法规、规范性文件信息" in md, "a sentence broken over two lines is joined"
    assert "- 2 -" not in md and "image" not in md and "乱码" not in md
    assert "本年度召开" in md, "a stray space between Chinese characters is removed"
    assert "## 一、概述" in md and "## 二、其他情况" in md
    assert "某某镇人民政府" not in md and "2020年1月15日" not in md
    assert "report.txt:9:" in result.out and "report.txt:11:" in result.out, "removed lines are listed with their place"


TABBED = (
    "某某镇人民政府2015年政府信息公开工作年度报告\n\n一、概述\n\n本年度工作情况良好。\n\n"
    "政府信息公开情况统计表\n\t统计指标\n\t单位\n\t统计数\n\n"
    "\t一、主动公开情况\n\t—\n\t\n\n"
    "\t(一)主动公开政府信息数 \n(不同渠道和方式公开相同信息计1条)\n\t条\n\t12\n\n"
    "\t其中：主动公开规范性文件数\n\t条\n\t\n\n"
    "\t七、依申请公开信息收取的费用\n\t元\n\t300\n"
)


def test_tabbed_table_blank_cell_variant_labels_and_a_different_unit(tmp_path: Path) -> None:
    content, result = import_text(tmp_path, TABBED)
    assert result.code == 1, "most of the table is missing: check fails until it is filled in"
    data = yaml.safe_load((content / TOWN / "2015.yaml").read_text(encoding="utf-8"))
    assert data["format"] == "gov-2008"
    stats = data["statistics"]["stats"]
    assert stats["items"] == 12, "half-width brackets and a label broken over two lines still match"
    assert stats["normative_docs"] is None and "原表为空白" in result.out
    assert "fees" not in stats, "a value in 元 where the format says 万元 is not converted by guess"
    assert "单位原文为“元”" in result.out
    assert "normative_issued" not in stats and "制发规范性文件总数" in result.out


def test_a_missing_row_never_takes_the_value_of_a_later_row_of_the_same_name(tmp_path: Path) -> None:
    rows = [
        ("四、行政复议数量", "件", "5"),
        ("（一）维持具体行政行为数", "件", "5"),
        # （二）被依法纠错数 and （三）其他情形数 of 四 are missing from this copy
        ("五、行政诉讼数量", "件", "7"),
        ("（一）维持具体行政行为或者驳回原告诉讼请求数", "件", "1"),
        ("（二）被依法纠错数", "件", "2"),
        ("（三）其他情形数", "件", "4"),
    ]
    table = "".join(f"\t{a}\n\t{b}\n\t{c}\n\n" for a, b, c in rows)
    text = "某某镇人民政府2016年政府信息公开工作年度报告\n\n一、概述\n\n正文。\n\n政府信息公开情况统计表\n\t统计指标\n\t单位\n\t统计数\n\n" + table
    content, result = import_text(tmp_path, text)
    stats = yaml.safe_load((content / TOWN / "2016.yaml").read_text(encoding="utf-8"))["statistics"]["stats"]
    assert stats["reviews"] == 5 and stats["reviews_upheld"] == 5
    assert "reviews_corrected" not in stats and "reviews_other" not in stats
    assert (stats["lawsuits"], stats["lawsuits_upheld"], stats["lawsuits_corrected"], stats["lawsuits_other"]) == (7, 1, 2, 4)


def test_a_text_without_a_title_keeps_its_first_section_and_says_so(tmp_path: Path) -> None:
    from generator.formats import catalogue
    from generator.importer.convert import convert

    source = tmp_path / "zhen-2018.txt"
    source.write_text("一、概述\n\n本年度主动公开政府信息10条。\n", encoding="utf-8")
    imported = convert(source, catalogue())
    assert imported.report is not None and imported.report.year == 2018 and imported.report.title == ""
    assert imported.narrative.markdown.startswith("## 一、概述")
    assert any("没有标题" in f.message for f in imported.findings)
    assert any("按文件名取 2018 年" in f.message for f in imported.findings)


def test_portal_furniture_is_removed_but_a_sentence_about_printing_stays(tmp_path: Path) -> None:
    from generator.formats import catalogue
    from generator.importer.convert import convert

    source = tmp_path / "page.txt"
    source.write_text(
        "某某镇2021年政府信息公开工作年度报告\n\n来源：某某镇  浏览次数：120  【打印】 【关闭】\n\n一、总体情况\n\n"
        "（一）打印设备管理\n\n购置打印机两台\n",
        encoding="utf-8",
    )
    md = convert(source, catalogue()).narrative.markdown
    assert "浏览次数" not in md and "【关闭】" not in md
    assert "### （一）打印设备管理" in md and "购置打印机两台" in md
