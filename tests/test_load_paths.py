"""Content paths: folder names become URLs, links must stay inside the content folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.build.pipeline import check
from generator.diagnostics import Level

REPORT = "format: narrative\nyear: 2021\ntitle: 测试镇2021年政府信息公开工作年度报告\n"
NARRATIVE = "## 一、总体情况\n\n正文。\n"


def errors(content: Path) -> list[tuple[str, str]]:
    result = check(content)
    return [(p.code, p.path) for p in result.diags.problems if p.level == Level.ERROR]


def test_symlinked_file_outside_the_content_is_refused(make_content, tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("## 机密\n", encoding="utf-8")
    content = make_content({"sheng/shi/xian/zhen/2021.yaml": REPORT})
    (content / "sheng/shi/xian/zhen/2021.md").symlink_to(secret)
    assert ("symlink-outside", "content/sheng/shi/xian/zhen/2021.md") in errors(content)


def test_symlinked_folder_outside_the_content_is_refused(make_content, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    (outside / "zhen2").mkdir(parents=True)
    (outside / "zhen2/town.yaml").write_text("name: 外镇\n", encoding="utf-8")
    content = make_content({})
    (content / "sheng/shi/xian/wai").symlink_to(outside / "zhen2")
    result = check(content)
    assert ("symlink-outside", "content/sheng/shi/xian/wai") in errors(content)
    assert [t.path for t in result.site.towns] == ["sheng/shi/xian/zhen"]


def test_symlink_inside_the_content_is_followed(make_content) -> None:
    content = make_content({"sheng/shi/xian/zhen/2021.yaml": REPORT, "_drafts/2021.md": NARRATIVE})
    (content / "sheng/shi/xian/zhen/2021.md").symlink_to(content / "_drafts/2021.md")
    result = check(content)
    assert not result.diags.has_errors, [p.format() for p in result.diags.problems]
    assert [r.key for r in result.site.reports] == ["sheng/shi/xian/zhen/2021"]


@pytest.mark.parametrize("target", ["..", "../..", "."], ids=["parent", "grandparent", "itself"])
def test_a_folder_link_back_up_the_tree_is_a_loop_not_an_endless_walk(make_content, target: str) -> None:
    content = make_content({"sheng/shi/xian/zhen/2021.yaml": REPORT, "sheng/shi/xian/zhen/2021.md": NARRATIVE})
    (content / "sheng/shi/xian/zhen/up").symlink_to(target)
    result = check(content)
    assert ("symlink-loop", "content/sheng/shi/xian/zhen/up") in errors(content)
    assert [r.key for r in result.site.reports] == ["sheng/shi/xian/zhen/2021"]


def test_two_links_pointing_at_each_other(make_content) -> None:
    content = make_content({"sheng/shi/xian/zhen/2021.yaml": REPORT, "sheng/shi/xian/zhen/2021.md": NARRATIVE})
    town = content / "sheng/shi/xian/zhen"
    (town / "a").symlink_to("b")
    (town / "b").symlink_to("a")
    (town / "2022.md").symlink_to("2022.md")
    found = errors(content)
    assert ("symlink-loop", "content/sheng/shi/xian/zhen/2022.md") in found or ("missing-file", "content/sheng/shi/xian/zhen/2022.md") in found
    assert [r.key for r in check(content).site.reports] == ["sheng/shi/xian/zhen/2021"]


def test_a_fifo_named_like_a_report_is_refused_without_blocking(make_content) -> None:
    content = make_content({"sheng/shi/xian/zhen/2021.md": NARRATIVE})
    os.mkfifo(content / "sheng/shi/xian/zhen/2021.yaml")
    assert ("not-a-file", "content/sheng/shi/xian/zhen/2021.yaml") in errors(content)


@pytest.mark.parametrize(
    "name",
    [
        "ｚｈｅｎ",  # full-width letters
        "zhеn",  # Cyrillic е
        "zhen\u200b",  # zero-width space
        "ZHEN",
        "zhen..",
        "c:",
        "a\\b",
        "zhen name",
        "-zhen",
        "z" * 65,
    ],
)
def test_folder_names_must_be_plain_ascii_slugs(make_content, name: str) -> None:
    content = make_content({f"sheng/{name}/town.yaml": "name: 某镇\n", f"sheng/{name}/2021.yaml": REPORT, f"sheng/{name}/2021.md": NARRATIVE})
    result = check(content)
    assert ("bad-slug", f"content/sheng/{name}") in errors(content)
    assert all(name not in t.path for t in result.site.towns)


def test_a_very_long_folder_name_is_a_message_not_a_crash(make_content) -> None:
    name = "z" * 255  # the longest name most file systems allow
    content = make_content({f"sheng/{name}/town.yaml": "name: 某镇\n"})
    assert ("bad-slug", f"content/sheng/{name}") in errors(content)


def test_ten_megabyte_narrative_is_refused_before_it_is_read(make_content) -> None:
    content = make_content({"sheng/shi/xian/zhen/2021.yaml": REPORT})
    with open(content / "sheng/shi/xian/zhen/2021.md", "wb") as f:
        f.truncate(10 * 1024 * 1024)  # sparse: the test writes no 10 MB
    result = check(content)
    [p] = [p for p in result.diags.problems if p.level == Level.ERROR]
    assert (p.code, p.path) == ("too-large", "content/sheng/shi/xian/zhen/2021.md")
    assert "10485760" in p.found


def test_a_huge_yaml_file_is_refused_before_it_is_read(make_content) -> None:
    content = make_content({"sheng/shi/xian/zhen/2021.md": NARRATIVE})
    with open(content / "sheng/shi/xian/zhen/2021.yaml", "wb") as f:
        f.truncate(50 * 1024 * 1024)
    assert ("too-large", "content/sheng/shi/xian/zhen/2021.yaml") in errors(content)
