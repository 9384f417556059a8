"""One bad file never takes the site down: the parts with errors are left out, the rest is published."""

from __future__ import annotations

import shutil
from pathlib import Path

from bs4 import BeautifulSoup

from conftest import run_cli
from sites import narrative_content, snapshot

TOWN = "sheng/shi/xian/zhen001"


def build(content: Path, out: Path):  # type: ignore[no-untyped-def]
    return run_cli("build", "--content", str(content), "--out", str(out), "--no-search")


def home_links(out: Path) -> set[str]:
    soup = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    return {a["href"] for a in soup.find_all("a")}


def test_a_report_with_errors_is_left_out_and_the_others_are_published(tmp_path: Path) -> None:
    content = narrative_content(tmp_path / "content", 3)
    out = tmp_path / "site"
    assert build(content, out).code == 0
    assert (out / TOWN / "2021/index.html").exists()
    (content / TOWN / "2021.yaml").write_text("format: narrative\nyear: 2021\ntitle: 标题\nbogus: 1\n", encoding="utf-8")
    result = build(content, out)
    assert result.code == 1
    assert f"content/{TOWN}/2021.yaml:4:1: 错误 unknown-field [bogus]" in result.err
    assert f"content/{TOWN}/2021.yaml（1 个错误）：未发布该年报" in result.err
    assert not (out / TOWN / "2021").exists()  # its previous page is not kept either
    assert (out / TOWN / "2020/index.html").exists()
    links = home_links(out)
    assert f"{TOWN}/2021/index.html" not in links
    assert {f"sheng/shi/xian/zhen{t:03d}/{y}/index.html" for t in (0, 2) for y in (2020, 2021)} <= links
    older = BeautifulSoup((out / TOWN / "2020/index.html").read_text(encoding="utf-8"), "html.parser")
    assert older.find("a", rel="next") is None  # no link to the page that is not there


def test_a_broken_narrative_leaves_out_only_its_report(tmp_path: Path) -> None:
    content = narrative_content(tmp_path / "content", 2)
    (content / TOWN / "2020.md").write_bytes(b"## \xe4\xb8\n\xff\xfe broken")
    result = build(content, tmp_path / "site")
    assert result.code == 1 and f"content/{TOWN}/2020.md:1:4: 错误 encoding" in result.err
    assert not (tmp_path / "site" / TOWN / "2020").exists()
    assert (tmp_path / "site" / TOWN / "2021/index.html").exists()


def test_a_town_file_with_errors_leaves_out_the_town(tmp_path: Path) -> None:
    content = narrative_content(tmp_path / "content", 3)
    (content / TOWN / "town.yaml").write_text("name: [不是文字]\n", encoding="utf-8")
    out = tmp_path / "site"
    result = build(content, out)
    assert result.code == 1
    assert "town.yaml（1 个错误）：未发布目录" in result.err
    assert not (out / TOWN).exists()
    assert (out / "sheng/shi/xian/zhen002/2021/index.html").exists()


def test_a_region_file_with_errors_leaves_out_the_region(tmp_path: Path) -> None:
    content = narrative_content(tmp_path / "content", 2)
    other = content / "qita/zhen"
    other.mkdir(parents=True)
    (content / "qita/region.yaml").write_text("name: 另一省\n", encoding="utf-8")
    for name in ("town.yaml", "2021.yaml", "2021.md"):
        shutil.copy(content / TOWN / name, other / name)
    (content / "sheng/shi/region.yaml").write_text("name: 某市\nname: 又一市\n", encoding="utf-8")
    out = tmp_path / "site"
    result = build(content, out)
    assert result.code == 1 and "duplicate-key" in result.err
    assert not (out / "sheng").exists()
    assert (out / "qita/zhen/2021/index.html").exists()


def test_errors_about_the_whole_site_keep_the_last_good_site(tmp_path: Path) -> None:
    content = narrative_content(tmp_path / "content", 2)
    out = tmp_path / "site"
    assert build(content, out).code == 0
    before = snapshot(out)
    (content / "site.yaml").write_text("title: [\n", encoding="utf-8")
    (content / TOWN / "2021.md").write_text("## 一、总体情况\n\n改过的正文。\n", encoding="utf-8")
    result = build(content, out)
    assert result.code == 1
    assert "content/site.yaml:2:1: 错误 yaml-syntax" in result.err
    assert "原有站点保持不变" in result.err
    assert snapshot(out) == before


def test_a_missing_site_file_keeps_the_last_good_site(tmp_path: Path) -> None:
    content = narrative_content(tmp_path / "content", 1)
    out = tmp_path / "site"
    assert build(content, out).code == 0
    before = snapshot(out)
    (content / "site.yaml").unlink()
    result = build(content, out)
    assert result.code == 1 and "content/site.yaml: 错误 missing-file" in result.err
    assert snapshot(out) == before


def test_every_report_bad_still_gives_a_working_home_page(tmp_path: Path) -> None:
    content = narrative_content(tmp_path / "content", 1)
    for year in (2020, 2021):
        (content / TOWN.replace("001", "000") / f"{year}.yaml").write_text(f"format: nope\nyear: {year}\ntitle: x\n", encoding="utf-8")
    out = tmp_path / "site"
    result = build(content, out)
    assert result.code == 1 and "unknown-format" in result.err
    assert (out / "index.html").exists() and not (out / "sheng/shi/xian/zhen000/2020").exists()


def test_which_part_an_error_is_about() -> None:
    from generator.stages.exclude import scope_of

    assert scope_of("content/a/b/zhen/2021.yaml", "content") == "a/b/zhen/2021"
    assert scope_of("content/a/b/zhen/2021.md", "content") == "a/b/zhen/2021"
    assert scope_of("content/a/b/zhen/town.yaml", "content") == "a/b/zhen"
    assert scope_of("content/a/region.yaml", "content") == "a"
    assert scope_of("content/a/Bad", "content") == "a/Bad"
    for whole_site in ("content/site.yaml", "content", "index.html", "generator/formats/x.yaml", "other/a/2021.yaml", "content/2021.yaml"):
        assert scope_of(whole_site, "content") is None, whole_site


def test_a_theme_outside_the_project_is_refused_and_keeps_the_last_site(tmp_path: Path) -> None:
    content = narrative_content(tmp_path / "content", 1)
    out = tmp_path / "site"
    assert build(content, out).code == 0
    before = snapshot(out)
    for theme, code in (("../../etc", "bad-value"), ("/etc", "bad-value"), ("C:\\\\themes", "bad-value")):
        (content / "site.yaml").write_text(f"title: 门户\ntheme: '{theme}'\n", encoding="utf-8")
        result = build(content, out)
        assert result.code == 1 and f"错误 {code} [theme]" in result.err, (theme, result.err)
        assert snapshot(out) == before


def test_a_badge_that_could_carry_script_is_refused_and_keeps_the_last_site(tmp_path: Path) -> None:
    content = narrative_content(tmp_path / "content", 1)
    out = tmp_path / "site"
    assert build(content, out).code == 0
    before = snapshot(out)
    (content / "badge.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', encoding="utf-8")
    (content / "badge.html").write_text("<script>alert(1)</script>", encoding="utf-8")
    for badge in ("badge.svg", "badge.html", "../badge.png", "/etc/passwd", "a.png/../../x.png"):
        (content / "site.yaml").write_text(f"title: 门户\nbadge: '{badge}'\n", encoding="utf-8")
        result = build(content, out)
        assert result.code == 1 and "错误 bad-value [badge]" in result.err, (badge, result.err)
        assert snapshot(out) == before


def test_a_year_out_of_range_is_an_error_not_a_crash(tmp_path: Path) -> None:
    content = narrative_content(tmp_path / "content", 1)
    town = content / "sheng/shi/xian/zhen000"
    (town / "0000.yaml").write_text("format: narrative\nyear: 0\ntitle: t\npublished: 2020-01-01\n", encoding="utf-8")
    (town / "0000.md").write_text("## 一、总体情况\n", encoding="utf-8")
    (town / "２０２２.yaml").write_text("format: narrative\nyear: 2022\ntitle: t\n", encoding="utf-8")
    out = tmp_path / "site"
    result = build(content, out)  # the lint took dt.date(0, 12, 31): ValueError, exit 3
    assert result.code == 1, result.err
    assert "0000.yaml:2:7: 错误 bad-value [year]" in result.err
    assert "２０２２.yaml: 警告 unknown-file" in result.err  # full-width digits are not a year
    assert not (out / "sheng/shi/xian/zhen000/0").exists() and (out / "sheng/shi/xian/zhen000/2021/index.html").exists()


def test_content_given_as_dot_still_isolates_reports(tmp_path: Path) -> None:
    content = narrative_content(tmp_path / "content", 2)
    (content / TOWN / "2021.yaml").write_text("format: narrative\nyear: 2021\ntitle: x\nbogus: 1\n", encoding="utf-8")
    result = run_cli("build", "--content", ".", "--out", str(tmp_path / "site"), "--no-search", cwd=content)
    assert result.code == 1
    assert f"content/{TOWN}/2021.yaml:4:1: 错误 unknown-field" in result.err
    assert (tmp_path / "site" / TOWN / "2020/index.html").exists() and not (tmp_path / "site" / TOWN / "2021").exists()


def test_the_all_or_nothing_build_the_preview_uses(tmp_path: Path) -> None:
    from generator.build.pipeline import build as build_in_process

    content = narrative_content(tmp_path / "content", 2)
    out = tmp_path / "site"
    assert build_in_process(content, out, partial=False).written
    before = snapshot(out)
    (content / TOWN / "2021.yaml").write_text("format: narrative\nyear: 2021\ntitle: x\nbogus: 1\n", encoding="utf-8")
    result = build_in_process(content, out, partial=False)
    assert not result.written and not result.ok
    assert snapshot(out) == before
    assert build_in_process(content, out).written  # the default publishes the rest
    assert not (out / TOWN / "2021").exists()
