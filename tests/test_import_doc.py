"""Importing legacy .doc/.wps through LibreOffice when it is installed, and the advice when it is not.

LibreOffice is not needed to run these tests: a stand-in `soffice` on PATH takes the same arguments
and writes a real .docx (from the text the stand-in .doc holds), so the plumbing is what is tested.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from conftest import CONTENT, run_cli
from generator.build.pipeline import check

pytest.importorskip("docx")

TOWN = "sheng/shi/xian/zhen"
# real report text: 威海市环翠区羊亭镇2021年政府信息公开工作年度报告 (cut)
REPORT = """威海市环翠区羊亭镇2021年政府信息公开工作年度报告
一、总体情况
2021年累计主动公开政府信息合计910条。其中政务网站92条，微信公众号“羊亭在线”公开566条。
二、其他需要报告的事项
本年度我镇政府信息公开工作均为免费。
"""

FAKE_SOFFICE = """#!{python}
import sys
from pathlib import Path
import docx
args = sys.argv[1:]
assert args[:3] == ["--headless", "--convert-to", "docx"], args
out = Path(args[args.index("--outdir") + 1])
source = Path(args[-1])
d = docx.Document()
for line in source.read_text(encoding="utf-8").splitlines():
    d.add_paragraph(line)
d.save(str(out / (source.stem + ".docx")))
"""


def fake_soffice(bin_dir: Path, body: str = FAKE_SOFFICE) -> None:
    bin_dir.mkdir()
    program = bin_dir / "soffice"
    program.write_text(body.format(python=sys.executable), encoding="utf-8")
    program.chmod(0o755)


def content_dir(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(CONTENT / "site.yaml", content / "site.yaml")
    return content


@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_doc_is_converted_by_libreoffice_and_imported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str) -> None:
    fake_soffice(tmp_path / "bin")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    source = tmp_path / f"羊亭镇2021{suffix}"
    source.write_text(REPORT, encoding="utf-8")
    content = content_dir(tmp_path)
    result = run_cli("import", str(source), "--town", TOWN, "--content", str(content))
    assert result.code == 0, result.out + result.err
    site = check(content).site
    assert site is not None and len(site.reports) == 1
    report = site.reports[0]
    assert report.year == 2021 and report.title == "威海市环翠区羊亭镇2021年政府信息公开工作年度报告"
    assert report.figures.get("proactive.total") == 910
    assert "910条" in (content / TOWN / "2021.md").read_text(encoding="utf-8")


def test_doc_without_libreoffice_says_how_to_convert(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    source = tmp_path / "report.doc"
    source.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    result = run_cli("import", str(source), "--town", TOWN, "--content", str(content_dir(tmp_path)))
    assert result.code == 2
    assert "report.doc" in result.err and "另存为" in result.err and ".docx" in result.err and "LibreOffice" in result.err


def test_failed_conversion_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_soffice(tmp_path / "bin", "#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 1\n")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    source = tmp_path / "broken.doc"
    source.write_bytes(b"not a word file")
    result = run_cli("import", str(source), "--town", TOWN, "--content", str(content_dir(tmp_path)))
    assert result.code == 2
    assert "broken.doc" in result.err and "could not be loaded" in result.err and "另存为 .docx" in result.err
