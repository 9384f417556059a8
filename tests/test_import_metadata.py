"""The title, town and authority an import reads: from the heading and the signature, never from page furniture or cited documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.formats import catalogue
from generator.importer.convert import convert
from generator.importer.narrative import build_narrative, is_furniture
from generator.importer.pieces import Piece
from generator.importer.places import read_places

REPORTS = Path(__file__).parent / "fixtures" / "reports"


def pieces(*lines: str) -> list[Piece]:
    return [Piece(text, f"x.txt:{n}", n, blank_before=True) for n, text in enumerate(lines, 1)]


def imported(tmp_path: Path, fixture: str):  # type: ignore[no-untyped-def]
    source = tmp_path / f"{fixture}.txt"
    source.write_bytes((REPORTS / fixture / "source.txt").read_bytes())
    return convert(source, catalogue())


@pytest.mark.parametrize(
    "fixture, title",
    [
        ("zhejiang-panfeng-2013", "盘峰乡2013年度政府信息公开年度报告"),  # breadcrumb, index block, 发布时间 line, the title twice
        ("guangdong-changgang-2018", "2018年广州市海珠区昌岗街道办事处政府信息公开年度报告"),  # 您当前所在的位置: 首页 > …
        ("shaanxi-zhouwan-2021", "周湾镇2021年政府信息公开工作年度报告"),  # 首页/ 政府信息公开 / … / 正文
        ("gansu-zhangyi-2008", "2008年张义镇人民政府信息公开工作年度报告"),  # index block copied as pipe rows
        ("shandong-maqiao-2016", "桓台县马桥镇人民政府2016年度政府信息公开工作年度报告"),  # only in the 标题: cell
        ("zhejiang-shuitou-2008", "平阳县水头镇2008年政府信息公开工作年度报告"),  # broken over two lines
    ],
)
def test_the_title_is_the_heading_not_the_navigation(tmp_path: Path, fixture: str, title: str) -> None:
    result = imported(tmp_path, fixture)
    assert result.report is not None
    assert result.report.title == title
    assert "位置" not in result.narrative.markdown.split("\n")[0]
    assert "首页" not in result.narrative.markdown and "浏览次数" not in result.narrative.markdown


def test_page_furniture_lines_are_recognised_and_report_text_is_not() -> None:
    for line in ("您当前所在的位置: 首页", ">> 政务公开 >> 信息公开目录 >> 乡镇政府 >> 盘峰乡", "发布时间: 2014-10-30 13:23    来源:     浏览次数:",
                 "分享:", "首页/ 政府信息公开 / 政府信息公开年报 / 镇街 / 2021年 / 正文", "字号 大 中 小", "【打印】【关闭】", "---|---|---|---|",
                 "信息提供日期 : 2019-02-20 16:48来源 : 香蜜湖街道办事处",
                 "116223010139324488/2010-00023 | 主动公开 | 凉州区张义镇人民政府 |", "| 11370883004325769B/2011-00012 | 主动公开 |"):
        assert is_furniture(line), line
    for line in ("一、总体情况", "盘峰乡2013年度政府信息公开年度报告", "2008年,我镇通过政府信息公开平台、政府网站主动公开政府信息12条。",
                 "| 2019-2020 | 12 | 15 |", "| 本年新收政府信息公开申请数量 | 12 |"):
        assert not is_furniture(line), line


def test_a_copy_without_a_title_has_none_and_says_so() -> None:
    narrative = build_narrative(pieces("您当前所在位置：首页 > 政务公开", "一、总体情况", "本年度主动公开政府信息10条。"))
    assert narrative.title == ""
    assert narrative.markdown.startswith("## 一、总体情况")
    assert any("没有标题" in f.message for f in narrative.findings)


def test_a_title_is_made_from_the_town_and_year_only_when_both_are_read(tmp_path: Path) -> None:
    source = tmp_path / "zhen-2019.txt"
    source.write_text("一、总体情况\n\n本年度主动公开政府信息10条。\n\n河包镇人民政府\n2020年1月15日\n", encoding="utf-8")
    result = convert(source, catalogue())
    assert result.report is not None and result.report.title == "河包镇2019年政府信息公开工作年度报告"
    assert any("原文没有标题" in f.message and "暂定" in f.message for f in result.findings)
    bare = tmp_path / "zhen-2018.txt"
    bare.write_text("一、概述\n\n本年度主动公开政府信息10条。\n", encoding="utf-8")
    assert convert(bare, catalogue()).report.title == ""  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "title, signature, town, authority, regions",
    [
        ("河包镇2020年政府信息公开工作年度报告", "", "河包镇", "", ()),
        ("荣昌区河包镇2020年政府信息公开工作年度报告", "河包镇人民政府", "河包镇", "河包镇人民政府", ("荣昌区",)),
        ("桓台县马桥镇人民政府2016年度政府信息公开工作年度报告", "", "马桥镇", "马桥镇人民政府", ("桓台县",)),
        ("2013年道太乡人民政府信息公开工作年度报告", "", "道太乡", "道太乡人民政府", ()),
        ("2018年深圳市福田区香蜜湖街道政府信息公开工作年度报告", "", "香蜜湖街道", "", ("深圳市", "福田区")),
        ("昆明市盘龙区滇源街道办事处2018年度 政府信息公开工作年度报告", "", "滇源街道", "滇源街道办事处", ("昆明市", "盘龙区")),
        ("2018年广州市海珠区昌岗街道办事处政府信息公开年度报告", "", "昌岗街道", "昌岗街道办事处", ("广州市", "海珠区")),
    ],
)
def test_the_town_and_authority_are_read_from_the_title_and_signature(title: str, signature: str, town: str, authority: str, regions: tuple[str, ...]) -> None:
    places = read_places(title, signature, "")
    assert (places.town, places.authority, places.regions) == (town, authority, regions)


def test_the_authority_is_never_a_cited_organ_or_one_named_in_the_text() -> None:
    text = "根据《浙江省人民政府办公厅关于做好政府信息公开工作的通知》要求……地址：巍山镇人民政府"
    places = read_places("巍山镇2019年政府信息公开工作年度报告", "浙江省人民政府", text)
    assert places.town == "巍山镇"
    assert places.authority == ""  # the title names no organ; the signature's is not the town's
    assert read_places("2016年龙归镇政府信息公开年度报告", "", "韶关市武江区龙归镇人民政府").authority == ""


def test_the_signature_names_the_authority_when_the_title_does_not(tmp_path: Path) -> None:
    source = tmp_path / "weishan-2019.txt"
    source.write_text(
        "巍山镇2019年政府信息公开工作年度报告\n\n一、总体情况\n\n依据《浙江省人民政府关于政务公开的意见》，本年度主动公开政府信息10条。\n\n东阳市巍山镇人民政府\n2020年1月20日\n",
        encoding="utf-8",
    )
    result = convert(source, catalogue())
    assert result.report is not None
    assert result.report.authority == "巍山镇人民政府"
    assert result.places.town == "巍山镇"


def test_a_first_line_that_names_no_report_is_kept_as_the_title_with_a_finding() -> None:
    narrative = build_narrative(pieces("当前位置：首页 > 信息公开", "羊亭镇2016年政务公开工作总结", "一、总体情况", "本年度主动公开政府信息10条。"))
    assert narrative.title == "羊亭镇2016年政务公开工作总结"
    assert any("不像年报标题" in f.message for f in narrative.findings)
    assert narrative.markdown.startswith("## 一、总体情况")


def test_a_copy_without_a_title_takes_its_year_and_town_from_what_its_text_says_of_itself(tmp_path: Path) -> None:
    # saved under the portal's page name, whose digits are the day it was posted (2012), not the report's year
    source = tmp_path / "t20120325_0756709.txt"
    source.write_bytes((REPORTS / "beijing-tanzhesi-2011" / "source.txt").read_bytes())
    result = convert(source, catalogue())
    assert result.report is not None and result.report.year == 2011
    assert (result.places.town, result.places.regions) == ("潭柘寺镇", ("北京市", "门头沟区"))
    assert result.report.title == "潭柘寺镇2011年政府信息公开工作年度报告"
    messages = [f.message for f in result.findings]
    assert any("统计期限自2011年1月1日起" in m and "取 2011 年" in m for m in messages)
    assert any("暂定为“潭柘寺镇2011年政府信息公开工作年度报告”" in m for m in messages)


def test_a_copy_that_says_its_year_nowhere_is_not_imported(tmp_path: Path) -> None:
    source = tmp_path / "copy.txt"
    source.write_text("一、概述\n本镇认真贯彻《条例》，主动公开政府信息33条。\n", encoding="utf-8")
    result = convert(source, catalogue())
    assert result.report is None
    assert any("都没有报告年度" in f.message for f in result.findings)
