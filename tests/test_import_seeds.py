"""Importing the seed reports reproduces the hand conversions in content/; truncated copies import what they hold."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import CONTENT, FIXTURES, run_cli
from import_truth import flatten
from generator.build.pipeline import check
from generator.model import Report

SEEDS = FIXTURES / "seeds"
HAND_CONVERTED = {
    "jichang-2016.txt": "jilin/jilinshi/panshi/jichang",
    "yangjun-2016.txt": "shandong/yantai/laiyang/yangjun",
    "yangting-2021.txt": "shandong/weihai/huancui/yangting",
}

AUTHORITY_NOT_IN_TITLE_OR_SIGNATURE = {"yangting-2021.txt": ""}


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def report_of(content: Path, town: str, year: int) -> Report:
    site = check(content).site
    assert site is not None
    return next(r for r in site.reports if r.town.path == town and r.year == year)


def import_into(tmp_path: Path, seed: Path, town: str, *extra: str):  # type: ignore[no-untyped-def]
    content = tmp_path / "content"
    content.mkdir(exist_ok=True)
    shutil.copy(CONTENT / "site.yaml", content / "site.yaml")
    return content, run_cli("import", str(seed), "--town", town, "--content", str(content), *extra)


@pytest.mark.parametrize("seed_name", sorted(HAND_CONVERTED))
def test_import_reproduces_the_hand_conversion(tmp_path: Path, seed_name: str) -> None:
    town = HAND_CONVERTED[seed_name]
    year = int(re.search(r"(\d{4})", seed_name).group(1))
    content, result = import_into(tmp_path, SEEDS / seed_name, town)
    assert result.code == 0, result.out + result.err
    mine, theirs = report_of(content, town, year), report_of(CONTENT, town, year)
    assert mine.format == theirs.format
    assert mine.year == theirs.year
    assert squeeze(mine.title) == squeeze(theirs.title)
    assert mine.statistics == theirs.statistics
    assert mine.figures == theirs.figures
    assert mine.published == theirs.published
    assert mine.signature.date == theirs.signature.date
    assert squeeze(mine.signature.authority) == squeeze(theirs.signature.authority)
    # the authority comes only from the report's own title or signature: 羊亭镇's names the town alone and has no signature
    assert mine.authority == AUTHORITY_NOT_IN_TITLE_OR_SIGNATURE.get(seed_name, theirs.authority)
    assert squeeze(mine.narrative) == squeeze(theirs.narrative)
    assert mine.town.name == theirs.town.name, "the town.yaml stub is named as the report names the town"


def test_import_carries_the_lint_warnings_of_an_inconsistent_source(tmp_path: Path) -> None:
    content, result = import_into(tmp_path, SEEDS / "jichang-2016.txt", "jilin/jilinshi/panshi/jichang")
    assert result.code == 0
    check_out = run_cli("check", "--content", str(content))
    assert check_out.code == 0
    for words in ("主动公开信息75条", "政府信息公开网站公开信息42条", "19人", "落款日期"):
        assert words in check_out.err, words


def test_import_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    town = "shandong/weihai/huancui/yangting"
    content, first = import_into(tmp_path, SEEDS / "yangting-2021.txt", town)
    assert first.code == 0
    md = content / town / "2021.md"
    md.write_text("人工改过的正文\n", encoding="utf-8")
    _, again = import_into(tmp_path, SEEDS / "yangting-2021.txt", town)
    assert again.code == 2 and "--force" in again.err
    assert md.read_text(encoding="utf-8") == "人工改过的正文\n"
    _, forced = import_into(tmp_path, SEEDS / "yangting-2021.txt", town, "--force")
    assert forced.code == 0
    assert "一、总体情况" in md.read_text(encoding="utf-8")


def test_import_writes_region_stubs_from_the_title(tmp_path: Path) -> None:
    content, result = import_into(tmp_path, SEEDS / "yangting-2021.txt", "shandong/weihai/huancui/yangting")
    assert result.code == 0
    name = lambda rel: yaml.safe_load((content / rel).read_text(encoding="utf-8"))["name"]  # noqa: E731
    assert name("shandong/weihai/huancui/yangting/town.yaml") == "羊亭镇"
    assert name("shandong/weihai/huancui/region.yaml") == "环翠区"
    assert name("shandong/weihai/region.yaml") == "威海市"
    assert name("shandong/region.yaml") == "shandong"  # not in the report: a placeholder, reported
    assert "shandong/region.yaml" in result.out and "请改为正式名称" in result.out


def test_import_cleans_conversion_artefacts_and_reports_them(tmp_path: Path) -> None:
    town = "shandong/weihai/huancui/yangting"
    content, result = import_into(tmp_path, SEEDS / "yangting-2021.txt", town)
    md = (content / town / "2021.md").read_text(encoding="utf-8")
    assert "[image" not in md and "TEEM" not in md
    assert "\u3000" not in md and "信 息" not in md
    assert not re.search(r"^\s*5\s*$", md, re.MULTILINE), "the stray page number is gone"
    assert "yangting-2021.txt:7:" in result.out and "yangting-2021.txt:8:" in result.out


@pytest.mark.parametrize(
    ("seed_name", "fmt", "read", "first_missing"),
    [
        # the copy is cut right after a "2": row 1.属于国家秘密 then shows 8 numbers for 7 columns and is not placed
        ("web/dawulizhen-2020.txt", "gov-2019", 50, "1.属于国家秘密”一行原文有 8 个数值"),
        ("web/taipingzhen-2022.txt", "gov-2021", 59, "4.保护第三方合法权益"),
    ],
)
def test_truncated_copy_imports_what_it_holds_and_reports_the_rest(tmp_path: Path, seed_name: str, fmt: str, read: int, first_missing: str) -> None:
    town = "sheng/shi/xian/zhen"
    content, result = import_into(tmp_path, SEEDS / seed_name, town)
    assert result.code == 1, "the report is incomplete, so check fails until a human fills it in"
    year = re.search(r"(\d{4})", seed_name).group(1)
    data = yaml.safe_load((content / town / f"{year}.yaml").read_text(encoding="utf-8"))
    assert data["format"] == fmt
    cells = dict(flatten(data["statistics"]))
    assert len(cells) == read
    assert set(cells.values()) == {0}, "every figure of these copies is 0; nothing else was invented"
    assert "lawsuits" not in data["statistics"], "the table after the cut is not invented"
    assert first_missing in result.out and "原文在此截断" in result.out
    assert data["source"]["url"].startswith("http://")
    assert "缺少单元格或表格" in result.out, "check's missing-cell errors are summed up, not repeated cell by cell"
    md = (content / town / f"{year}.md").read_text(encoding="utf-8")
    assert "TRUNCATED" not in md and "第二十条" not in md and "自然人" not in md


def test_web_copy_reads_the_published_date(tmp_path: Path) -> None:
    content, _ = import_into(tmp_path, SEEDS / "web/dawulizhen-2020.txt", "sheng/shi/xian/zhen")
    data = yaml.safe_load((content / "sheng/shi/xian/zhen/2020.yaml").read_text(encoding="utf-8"))
    assert str(data["published"]) == "2021-01-29"
    assert data["title"] == "大五里镇2020年政府信息公开工作年度报告"
    md = (content / "sheng/shi/xian/zhen/2020.md").read_text(encoding="utf-8")
    assert "分享至" not in md and md.startswith("## 一、总体情况")


def test_import_into_another_towns_folder_is_pointed_out(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    result = run_cli("import", str(SEEDS / "yangting-2021.txt"), "--town", "jilin/jilinshi/panshi/jichang", "--content", str(content))
    assert "羊亭镇" in result.out and "吉昌镇" in result.out and "目录没有选错" in result.out
