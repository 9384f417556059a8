"""A corpus of hostile reports (tests/fixtures/hostile, plus files too big to commit, made here):
each is neutralised on every page or refused with file, line and field, and the rest is published."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import FIXTURES, run_cli
from hostile import MARK, assert_site_inert
from reports import report_yaml

TITLE = "</title><script>nbx_pwned()</script>年报 \"'<>&amp;"
SITE_TITLE = "门户 </title><script>nbx_pwned()</script>"

# year of a report in content/bad/zhen -> (file, line, code, field) of the error that refuses it
REFUSED = {
    2001: ("2001.yaml", 5, "bad-number", "figures.proactive.total"),  # .inf
    2002: ("2002.yaml", 4, "yaml-merge", ""),
    2003: ("2003.yaml", 3, "yaml-tag", ""),  # !!python/object/apply
    2004: ("2004.yaml", 2, "year-mismatch", "year"),  # a 30-digit year
    2005: ("2005.yaml", 4, "yaml-key", ""),
    2006: ("2006.md", 0, "too-large", ""),  # 10 MB narrative, made below
    2007: ("2007.yaml", 3, "too-long", "title"),  # 100 KB title, made below
    2008: ("2008.yaml", 3, "yaml-too-deep", ""),  # 10,000 levels, made below
    2009: ("2009.md", 3, "encoding", ""),
    2010: ("2010.yaml", 3, "encoding", ""),
    2011: ("2011.yaml", 5, "bad-value", "source.url"),  # JaVaScRiPt: link
    2012: ("2012.yaml", 3, "control-char", "title"),  # right-to-left override
    2013: ("2013.yaml", 3, "control-char", "title"),  # BEL and ESC
    2014: ("2014.yaml", 6, "duplicate-key", ""),
    2015: ("2015.yaml", 5, "yaml-syntax", ""),  # tab indentation
    2016: ("2016.yaml", 4, "yaml-too-big", ""),  # alias bomb
    2017: ("2017.yaml", 4, "yaml-value", ""),  # 2018-02-30
    2018: ("2018.yaml", 2, "wrong-type", "year"),  # .nan
}


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, int]:
    root = tmp_path_factory.mktemp("hostile")
    content = root / "content"
    shutil.copytree(FIXTURES / "hostile" / "content", content)
    bad = content / "bad/zhen"
    head = "format: narrative\nyear: {y}\ntitle: x\n"
    (bad / "2006.yaml").write_text(head.format(y=2006), encoding="utf-8")
    with open(bad / "2006.md", "w", encoding="utf-8") as f:
        line = "全年主动公开政府信息56条。" + "<script>nbx_pwned()</script>" * 10 + "\n"
        for _ in range(10 * 1024 * 1024 // len(line.encode()) + 1):
            f.write(line)
    (bad / "2007.yaml").write_text("format: narrative\nyear: 2007\ntitle: " + "长" * 100_000 + "\n", encoding="utf-8")
    (bad / "2008.yaml").write_text("format: narrative\nyear: 2008\nfigures: " + "[" * 10_000 + "]" * 10_000 + "\n", encoding="utf-8")
    for y in (2007, 2008):
        (bad / f"{y}.md").write_text("## 一、总体情况\n\n正文。\n", encoding="utf-8")
    # a report with official tables, hostile where a clerk can type
    xss = content / "xss/zhen"
    (xss / "2021.yaml").write_text(
        report_yaml("gov-2021", 2021).replace("title: 测试镇2021年政府信息公开工作年度报告", f"title: '{TITLE.replace(chr(39), chr(39) * 2)}'"),
        encoding="utf-8",
    )
    (xss / "2021.md").write_text("## 一、总体情况\n\n<script>nbx_pwned()</script>\n", encoding="utf-8")
    out = root / "site"
    result = run_cli("build", "--content", str(content), "--out", str(out))
    return out, result.err, result.code


def page(out: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((out / rel).read_text(encoding="utf-8"), "html.parser")


def test_the_build_publishes_the_rest_and_fails(hostile_build: tuple[Path, str, int]) -> None:
    out, err, code = hostile_build
    assert code == 1, err
    assert "内部错误" not in err and "Traceback" not in err
    for rel in ("index.html", "good/zhen/2021/index.html", "xss/zhen/2019/index.html", "xss/zhen/2021/index.html"):
        assert (out / rel).is_file(), rel


@pytest.mark.parametrize("year", sorted(REFUSED))
def test_each_hostile_file_is_refused_with_file_line_and_field(hostile_build: tuple[Path, str, int], year: int) -> None:
    out, err, _ = hostile_build
    name, line, code, field = REFUSED[year]
    where = f"content/bad/zhen/{name}" + (f":{line}:" if line else ": ")
    lines = [m for m in err.splitlines() if m.startswith(where) and f"错误 {code}" in m]
    assert lines, (where, code, err)
    if field:
        assert f"[{field}]" in lines[0]
    assert f"content/bad/zhen/{name}（" in err and "未发布该年报" in err
    assert not (out / f"bad/zhen/{year}").exists()


def test_every_generated_file_is_inert(hostile_build: tuple[Path, str, int]) -> None:
    out, _, _ = hostile_build
    assert assert_site_inert(out) >= 5


def test_the_offline_archive_of_the_hostile_site_is_inert(hostile_build: tuple[Path, str, int], tmp_path: Path) -> None:
    out, _, _ = hostile_build
    archive = tmp_path / "hostile.zip"
    result = run_cli("archive", "--site", str(out), "--out", str(archive))
    assert result.code == 0, result.err
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(archive) as z:
        for name in z.namelist():
            assert not name.startswith("/") and ".." not in name.split("/"), name
        z.extractall(unpacked)
    assert assert_site_inert(unpacked) > assert_site_inert(out)
    scripts = [p for p in unpacked.rglob("*.js") if MARK.encode() in p.read_bytes()]
    assert scripts  # the search index does carry the hostile titles, as data the engine never executes


def test_yaml_text_is_shown_as_written_wherever_it_appears(hostile_build: tuple[Path, str, int]) -> None:
    out, _, _ = hostile_build
    for rel in ("xss/zhen/2019/index.html", "xss/zhen/2021/index.html"):
        soup = page(out, rel)
        assert soup.title.string == f"{TITLE} - {SITE_TITLE}"
        assert soup.find("meta", attrs={"name": "ArticleTitle"})["content"] == TITLE
        assert soup.find("meta", attrs={"name": "SiteName"})["content"] == SITE_TITLE
        assert soup.h1.get_text() == TITLE
        crumbs = soup.find("nav", class_="crumbs").get_text()
        assert "<img src=x onerror=nbx_pwned()>省" in crumbs and "'><svg onload=nbx_pwned()>镇" in crumbs
    home = page(out, "index.html")
    assert TITLE in [a.get_text() for a in home.find_all("a")]
    report = page(out, "xss/zhen/2019/index.html")
    source = report.find("aside", class_="source")
    assert source.a["href"] == 'https://example.gov.cn/a?b="><script>nbx_pwned()</script>'
    assert "<style>*{background:url(javascript:nbx_pwned())}</style>" in source.get_text()


def test_narrative_markup_is_text_and_its_links_are_gone(hostile_build: tuple[Path, str, int]) -> None:
    out, err, _ = hostile_build
    soup = page(out, "xss/zhen/2019/index.html")
    narrative = soup.find("div", class_="narrative")
    assert "<script>nbx_pwned()</script>" in narrative.get_text()
    assert [a["href"] for a in narrative.find_all("a")] == ["#s1"]  # only the in-page anchor
    assert "\u202e" not in narrative.get_text() and "\x0c" not in narrative.get_text()
    assert "content/xss/zhen/2019.md:54:3: 警告 control-char" in err


def test_hostile_text_does_not_reach_other_reports(hostile_build: tuple[Path, str, int]) -> None:
    out, _, _ = hostile_build
    text = page(out, "good/zhen/2021/index.html").get_text()
    assert MARK in text  # the site's own (hostile) furniture is on every page, as text...
    for fragment in (TITLE, "onerror=nbx_pwned()>省", "onload=nbx_pwned()>镇", "<svg xmlns", "人民政府", "链接"):
        assert fragment not in text, fragment  # ...but nothing of another report, town or region


def test_the_default_site_passes_the_same_checks(built_default: Path) -> None:
    assert assert_site_inert(built_default) > 3


def test_spreadsheet_formulas_in_names_and_titles_are_published_as_text(hostile_build: tuple[Path, str, int]) -> None:
    out, _, _ = hostile_build
    soup = page(out, "formula/zhen/2021/index.html")
    assert soup.h1.get_text() == '=HYPERLINK("http://evil.example","nbx_pwned")'
    assert "@SUM(1+1)nbx_pwned镇" in soup.find("nav", class_="crumbs").get_text()
    # any CSV made from them is checked by assert_site_inert: no cell with the mark starts with = + - @
