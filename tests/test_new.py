"""`nianbao new`: a scaffold of every format passes `check` at once, with every cell and heading present."""

from __future__ import annotations


import pytest
import yaml

from conftest import run_cli
from generator.formats import catalogue
from generator.narrative.outline import headings


@pytest.mark.parametrize("format_id", sorted(catalogue().formats))
def test_new_report_passes_check_with_every_cell_and_heading(make_content, format_id: str) -> None:
    content = make_content({})
    result = run_cli("new", "sheng/shi/xian/zhen", "--year", "2024", "--format", format_id, "--content", str(content))
    assert result.code == 0, result.err
    check = run_cli("check", "--content", str(content), "--strict")
    assert check.code == 0, check.err
    fmt = catalogue().formats[format_id]
    data = yaml.safe_load((content / "sheng/shi/xian/zhen/2024.yaml").read_text(encoding="utf-8"))
    assert data["format"] == format_id and data["year"] == 2024
    found = {}
    for cell in (c for t in fmt.tables for c in t.cells):
        node = data["statistics"]
        for key in cell.path:
            node = node[key]
        found[cell.id] = node
    assert found == {c.id: 0 for t in fmt.tables for c in t.cells}
    md = (content / "sheng/shi/xian/zhen/2024.md").read_text(encoding="utf-8")
    assert [h.text for h in headings(md) if h.level == 2] == [s.heading for s in fmt.outline.sections]


def test_new_town_needs_names_and_writes_stubs(make_content) -> None:
    content = make_content({"site.yaml": "title: 门户\n"}, defaults=False)
    refused = run_cli("new", "shandong/weihai/xinzhen", "--year", "2024", "--format", "gov-2021", "--content", str(content))
    assert refused.code == 2
    assert "--name 镇名" in refused.err and "shandong=" in refused.err and "weihai=" in refused.err
    assert not (content / "shandong").exists(), "nothing is written when names are missing"

    made = run_cli(
        "new", "content/shandong/weihai/xinzhen", "--year", "2024", "--format", "gov-2021", "--content", str(content),
        "--name", "新镇", "--name", "shandong=山东省", "--name", "weihai=威海市",
    )  # fmt: skip
    assert made.code == 0, made.err
    assert yaml.safe_load((content / "shandong/region.yaml").read_text(encoding="utf-8")) == {"name": "山东省"}
    assert yaml.safe_load((content / "shandong/weihai/xinzhen/town.yaml").read_text(encoding="utf-8"))["name"] == "新镇"
    assert "新镇2024年" in (content / "shandong/weihai/xinzhen/2024.yaml").read_text(encoding="utf-8")
    assert run_cli("check", "--content", str(content)).code == 0


def test_new_refuses_to_overwrite_without_force(make_content) -> None:
    content = make_content({"sheng/shi/xian/zhen/2024.md": "原有正文\n"})
    args = ("new", "sheng/shi/xian/zhen", "--year", "2024", "--format", "gov-2019", "--content", str(content))
    refused = run_cli(*args)
    assert refused.code == 2 and "--force" in refused.err
    assert (content / "sheng/shi/xian/zhen/2024.md").read_text(encoding="utf-8") == "原有正文\n"
    assert not (content / "sheng/shi/xian/zhen/2024.yaml").exists()
    assert run_cli(*args, "--force").code == 0
    assert "## 一、总体情况" in (content / "sheng/shi/xian/zhen/2024.md").read_text(encoding="utf-8")


def test_new_rejects_unknown_format(make_content) -> None:
    content = make_content({})
    result = run_cli("new", "sheng/shi/xian/zhen", "--year", "2024", "--format", "gov-1999", "--content", str(content))
    assert result.code == 2 and "gov-2021" in result.err
