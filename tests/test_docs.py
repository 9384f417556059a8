"""The clerk's guide stays true: its examples are the content files and pass `check`, its check output is today's,
every format and site key is documented; the README stays a page and points at the guide."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import CONTENT, REPO, run_cli
from generator.formats import catalogue
from generator.formats.site_files import SITE_FIELDS
from reports import narrative_md

README = (REPO / "README.md").read_text(encoding="utf-8")
GUIDE = (REPO / "docs" / "guide.md").read_text(encoding="utf-8")
FENCE = re.compile(r"^```[a-z]*\n(.*?)^```", re.MULTILINE | re.DOTALL)


def block_after(marker: str) -> str:
    start = GUIDE.index(marker)
    m = FENCE.search(GUIDE, start)
    assert m is not None, marker
    return m.group(1)


def test_full_examples_are_the_content_files() -> None:
    paths = re.findall(r"^#+ .*完整示例.*（`(content/[^`]+\.yaml)`）", GUIDE, re.MULTILINE)
    assert len(paths) == 3
    for rel in paths:
        heading = next(line for line in GUIDE.splitlines() if rel in line and line.startswith("#"))
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
        assert f"`{fmt}`" in GUIDE or f" {fmt}" in GUIDE, fmt
    for key in SITE_FIELDS:
        assert re.search(rf"\b{key}\b", GUIDE), key
    for doc in ("docs/guide.md", "docs/architecture.md", "docs/formats.md", "docs/performance.md"):
        assert (REPO / doc).is_file() and doc in README


def test_content_has_no_stray_files() -> None:
    allowed = {".yaml", ".md"}
    assert {p.suffix for p in CONTENT.rglob("*") if p.is_file()} <= allowed


def test_readme_is_a_page_with_the_quick_start() -> None:
    assert len(README.encode("utf-8")) <= 12 * 1024
    quick = block_in(README, "## Quick start")
    assert [line.split("#")[0].strip() for line in quick.splitlines() if line.strip()] == ["make site", "make test"]


def test_guide_table_of_contents_points_at_its_headings() -> None:
    headings = {_anchor(line.lstrip("#").strip()) for line in _outside_fences(GUIDE) if line.startswith("## ")}
    links = re.findall(r"^\d+\. \[[^]]+\]\(#([^)]+)\)", GUIDE, re.MULTILINE)
    assert len(links) == 11 and set(links) <= headings, set(links) - headings


def block_in(text: str, marker: str) -> str:
    m = FENCE.search(text, text.index(marker))
    assert m is not None, marker
    return m.group(1)


def _outside_fences(text: str) -> list[str]:
    lines, fence = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fence = not fence
        elif not fence:
            lines.append(line)
    return lines


def _anchor(heading: str) -> str:
    """A heading's anchor as GitHub and most Markdown viewers make it: punctuation dropped, spaces to hyphens."""
    kept = "".join(ch for ch in heading.lower() if ch.isalnum() or ch in " -_")
    return kept.replace(" ", "-")


def test_help_points_the_clerk_at_the_guide() -> None:
    result = run_cli("--help")
    assert result.code == 0
    named = re.search(r"见(docs/\S+?\.md)", result.out)
    assert named is not None and (REPO / named.group(1)).is_file(), result.out
