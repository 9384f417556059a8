"""`nianbao synth`: deterministic synthetic content that passes `check`, with exactly the planted errors found."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli

from generator.build.pipeline import check
from generator.diagnostics import Level
from generator.formats import catalogue
from generator.synth import ERRORS_FILE, synthesise
from generator.synth.statistics import failing


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_other_seed_other_content(tmp_path: Path) -> None:
    years = list(range(2016, 2024))
    a = synthesise(tmp_path / "a", 5, years, catalogue(), seed=7, errors=3)
    synthesise(tmp_path / "b", 5, years, catalogue(), seed=7, errors=3)
    synthesise(tmp_path / "c", 5, years, catalogue(), seed=8, errors=3)
    tree_a = _tree(tmp_path / "a")
    assert a.reports == 40 and len([k for k in tree_a if k.endswith(".yaml") and k[-9:-5].isdigit()]) == 40
    assert tree_a == _tree(tmp_path / "b")
    assert tree_a != _tree(tmp_path / "c")


def test_every_synthetic_report_passes_check_in_every_format(tmp_path: Path) -> None:
    content = tmp_path / "content"
    synthesise(content, 14, list(range(2016, 2024)), catalogue(), seed=3)
    result = check(content)
    problems = [p.format() for p in result.diags.sorted() if p.level >= Level.WARNING]
    assert problems == []
    assert result.site is not None and len(result.site.reports) == 14 * 8
    formats = {r.format for r in result.site.reports}
    assert formats == set(catalogue().formats)  # every format, the narrative-only one included
    cat = catalogue()
    for report in result.site.reports:
        fmt = cat.formats[report.format]
        assert set(report.statistics) == set(fmt.cells)  # every cell of the format, none extra
        assert failing(fmt, report.statistics) == []
        assert 2500 < len(report.narrative.encode()) < 8000
        assert f"{report.year}年" in report.title


def test_planted_errors_are_exactly_the_errors_check_finds(tmp_path: Path) -> None:
    content = tmp_path / "content"
    result = synthesise(content, 6, list(range(2016, 2024)), catalogue(), seed=11, errors=12)
    planted = json.loads((content / ERRORS_FILE).read_text(encoding="utf-8"))
    assert len(planted) == 12 and len({p["kind"] for p in planted}) >= 9
    assert planted == [e.to_dict() for e in result.errors]
    found = check(content).diags
    errors = sorted(
        (p.path.split("/", 1)[1], p.code, p.field or None) for p in found.sorted() if p.level == Level.ERROR
    )
    assert errors == sorted((p["path"], p["code"], p["field"]) for p in planted)


def test_cli_writes_a_tree_and_refuses_a_folder_in_use(tmp_path: Path) -> None:
    out = tmp_path / "synthetic"
    done = run_cli("synth", "--towns", "2", "--years", "2020-2021", "--out", str(out), "--errors", "1")
    assert done.code == 0, done.err
    assert "植入错误" in done.out and (out / "site.yaml").is_file()
    assert len(list(out.rglob("20*.yaml"))) == 4
    again = run_cli("synth", "--towns", "2", "--out", str(out))
    assert again.code == 2 and "不为空" in again.err
    bad = run_cli("synth", "--towns", "2", "--years", "2023-2020", "--out", str(tmp_path / "x"))
    assert bad.code == 2
