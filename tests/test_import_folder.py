"""`nianbao import FOLDER` without --town: reports placed in their towns by the title, a summary at the end."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from conftest import CONTENT, run_cli
from generator.build.pipeline import check
from test_import_doc import REPORT as YANGTING_2021
from test_import_html import write_page

HEBAO_2020 = "河包镇2020年政府信息公开工作年度报告\n一、总体情况\n2020年主动公开政府信息35条。\n"
# a copy cut after the first column header (as shaanxi-zhouwan-2021 is stored): one 2021 label with a shared caption decides
CUT_2021 = "测试镇2021年政府信息公开工作年度报告\n一、总体情况\n全年主动公开政府信息8条。\n二、主动公开政府信息情况\n第二十条第(一)项\n信息内容\n本年制发件数\n本年\n"
NO_TOWN = "2019年政府信息公开工作年度报告\n一、总体情况\n全年主动公开政府信息12条。\n"


def content_with_towns(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(CONTENT / "site.yaml", content / "site.yaml")
    for folder, names in {"shandong/weihai/huancui/yangting": ("山东省", "威海市", "环翠区", "羊亭镇"), "ce/shi/xian/ceshi": ("某省", "某市", "测试县", "测试镇")}.items():
        parts = folder.split("/")
        for depth in range(1, len(parts)):
            (content.joinpath(*parts[:depth]) / "region.yaml").parent.mkdir(parents=True, exist_ok=True)
            (content.joinpath(*parts[:depth]) / "region.yaml").write_text(f"name: {names[depth - 1]}\n", encoding="utf-8")
        (content / folder).mkdir(parents=True, exist_ok=True)
        (content / folder / "town.yaml").write_text(f"name: {names[-1]}\nkind: 镇\nauthority: {names[-1]}人民政府\n", encoding="utf-8")
    return content


def test_folder_import_places_reports_by_town_and_year(tmp_path: Path) -> None:
    content = content_with_towns(tmp_path)
    inbox = tmp_path / "收到的年报"
    inbox.mkdir()
    (inbox / "yangting.txt").write_text(YANGTING_2021, encoding="utf-8")
    write_page(inbox / "测试镇.htm")
    (inbox / "hebao.txt").write_text(HEBAO_2020, encoding="utf-8")
    (inbox / "notown.txt").write_text(NO_TOWN, encoding="utf-8")
    (inbox / "scan.png").write_bytes(b"\x89PNG")  # not a report file: not looked at
    result = run_cli("import", str(inbox), "--content", str(content))
    assert result.code == 0, result.out + result.err
    yangting = yaml.safe_load((content / "shandong/weihai/huancui/yangting/2021.yaml").read_text(encoding="utf-8"))
    assert yangting["figures"]["proactive.total"] == 910
    assert (content / "ce/shi/xian/ceshi/2022.yaml").is_file()
    assert "内容目录中没有名为“河包镇”的镇" in result.out and "nianbao new" in result.out
    assert "notown.txt：标题和落款中读不出镇名" in result.out
    assert not list(content.rglob("2020.yaml")) and not list(content.rglob("2019.yaml")), "nothing placed by guess"
    summary = result.out[result.out.index("导入汇总：") :].splitlines()
    assert len(summary) == 3 + 4 and not any("scan.png" in line for line in summary)
    ceshi = next(line for line in summary if line.startswith("| 测试镇.htm "))
    assert "测试镇（ce/shi/xian/ceshi）" in ceshi and "| 2022 |" in ceshi
    # format and why: the markers that decided, as the import's finding names them (three shown, the count of all)
    assert "| gov-2019：“本年新制作数量”、“本年新公开数量”、“对外公开总数量” 等 9 个（该格式特有的标签） |" in ceshi
    assert "见于原文" not in ceshi, "the layout is told by its markers, not by a share of labels"
    yangting_row = next(line for line in summary if line.startswith("| yangting.txt "))
    assert "| narrative：没有可识别的统计表 | — |" in yangting_row
    hebao = next(line for line in summary if line.startswith("| hebao.txt "))
    assert "未导入" in hebao
    assert ceshi.split("|")[5].strip() == "197/198", "every cell but the one printed blank"
    assert "| notown.txt |  | 2019 | 未导入：标题和落款中读不出镇名 | | | |" in summary
    site = check(content).site
    assert site is not None and len(site.reports) == 2


def test_the_summary_names_the_markers_that_decided_a_cut_copy(tmp_path: Path) -> None:
    content = content_with_towns(tmp_path)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "cut.txt").write_text(CUT_2021, encoding="utf-8")
    (inbox / "hebao.txt").write_text(HEBAO_2020, encoding="utf-8")
    result = run_cli("import", str(inbox), "--content", str(content))
    assert result.code == 1, "check says the cells the cut copy lacks are still missing"
    summary = result.out[result.out.index("导入汇总：") :].splitlines()
    cut = next(line for line in summary if line.startswith("| cut.txt "))
    assert "| 2021 | gov-2021：“本年制发件数”、“第二十条第（一）项”（gov-2021 特有的标签与gov-2019与gov-2021共有的标签） | 0/200 |" in cut
    assert (content / "ce/shi/xian/ceshi/2021.yaml").is_file()


def test_two_reports_of_one_town_and_year_are_a_conflict(tmp_path: Path) -> None:
    content = content_with_towns(tmp_path)
    first = tmp_path / "a.txt"
    second = tmp_path / "b.txt"
    first.write_text(YANGTING_2021, encoding="utf-8")
    second.write_text(YANGTING_2021.replace("910条", "911条"), encoding="utf-8")
    result = run_cli("import", str(first), str(second), "--content", str(content))
    assert result.code == 1
    assert "a.txt、b.txt 都是 shandong/weihai/huancui/yangting 的 2021 年年报" in result.out
    assert not (content / "shandong/weihai/huancui/yangting/2021.yaml").exists()


def test_town_option_still_imports_one_town(tmp_path: Path) -> None:
    content = content_with_towns(tmp_path)
    source = tmp_path / "hebao.txt"
    source.write_text(HEBAO_2020, encoding="utf-8")
    result = run_cli("import", str(source), "--town", "nei/meng/xian/hebao", "--content", str(content))
    assert result.code == 0, result.out + result.err
    assert (content / "nei/meng/xian/hebao/2020.yaml").is_file()
