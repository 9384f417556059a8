"""The README stays true: its examples are the content files, its check output is today's, every format is documented."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import CONTENT, REPO, run_cli
from generator.formats import catalogue
from generator.stages.validate import SITE_FIELDS
from reports import narrative_md

README = (REPO / "README.md").read_text(encoding="utf-8")
FENCE = re.compile(r"^```[a-z]*\n(.*?)^```", re.MULTILINE | re.DOTALL)


def block_after(marker: str) -> str:
    start = README.index(marker)
    m = FENCE.search(README, start)
    assert m is not None, marker
    return m.group(1)


def test_full_examples_are_the_content_files() -> None:
    paths = re.findall(r"^#+ .*完整示例.*（`(content/[^`]+\.yaml)`）", README, re.MULTILINE)
    assert len(paths) == 3
    for rel in paths:
        heading = next(line for line in README.splitlines() if rel in line and line.startswith("#"))
        assert block_after(heading) == (REPO / rel).read_text(encoding="utf-8"), rel


def test_gov_2021_skeleton_passes_check(make_content) -> None:
    skeleton = block_after("gov-2021 完整空表")
    year = re.search(r"^year: (\d{4})", skeleton, re.MULTILINE).group(1)
    content = make_content({f"a/b/c/d/{year}.yaml": skeleton, f"a/b/c/d/{year}.md": narrative_md("gov-2021")}, town_path="a/b/c/d")
    result = run_cli("check", "--content", str(content), "--strict")
    assert result.code == 0, result.err


def test_check_output_shown_in_the_readme_is_current() -> None:
    shown = block_after("示例内容的检查结果如下")
    result = run_cli("check", "--content", "content", cwd=REPO)
    assert result.code == 0
    assert shown == result.err


def test_every_format_and_site_key_is_documented() -> None:
    for fmt in catalogue().formats:
        assert f"`{fmt}`" in README or f" {fmt}" in README, fmt
    for key in SITE_FIELDS:
        assert re.search(rf"\b{key}\b", README), key
    for doc in ("docs/architecture.md", "docs/formats.md"):
        assert (REPO / doc).is_file() and doc in README


def test_content_has_no_stray_files() -> None:
    allowed = {".yaml", ".md"}
    assert {p.suffix for p in CONTENT.rglob("*") if p.is_file()} <= allowed
