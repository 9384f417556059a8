"""The site-wide data files written piece by piece: the same bytes as made whole, pieces reused after an edit."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from generator.render import data_export
from generator.build.pipeline import SearchOptions, build, check
from generator.incremental.cache import BuildCache
from generator.formats import catalogue
from generator.incremental.splice import write_spliced
from generator.synth import synthesise
from generator.render.urls import report_url

REPO = Path(__file__).resolve().parents[1]
NO_SEARCH = SearchOptions(enabled=False)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("splice") / "content"
    synthesise(root, 4, [2016, 2018, 2020, 2022], catalogue(), seed=11)
    return root


def _whole(site, cat, pages):  # type: ignore[no-untyped-def]
    return {
        "reports.csv": data_export.reports_csv(site, pages),
        "indicators.csv": data_export.indicators_csv(site, cat),
        "cells.csv": data_export.cells_csv(site, cat),
        "reports.json": data_export.dataset_json(site, cat, pages),
    }


@pytest.mark.parametrize("which", ["default", "synthetic", "empty"])
def test_pieces_make_the_same_bytes_as_the_whole_file(which: str, synthetic: Path, tmp_path: Path) -> None:
    content = REPO / "content" if which == "default" else synthetic
    result = check(content)
    site, cat = result.site, result.catalogue
    assert site is not None
    if which == "empty":
        site = dataclasses.replace(site, reports=())
    pages = {r.key: report_url(r) for r in site.reports}
    reports = list(site.reports)
    for name, whole in _whole(site, cat, pages).items():
        spec = data_export.spliced_file(name, site, cat, pages)
        assert spec is not None
        first = write_spliced(tmp_path / name, spec, reports, [r.key for r in reports])
        assert (tmp_path / name).read_bytes() == whole, name
        # every piece copied from the first file: the same bytes and the same places
        again = write_spliced(tmp_path / f"{name}.again", spec, reports, [r.key for r in reports], tmp_path / name, first)
        assert (tmp_path / f"{name}.again").read_bytes() == whole and again == first


def test_after_one_edit_only_its_pieces_are_made_again(synthetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = tmp_path / "content"
    shutil.copytree(synthetic, content)
    out = tmp_path / "site"
    assert build(content, out, NO_SEARCH, jobs=1).ok
    edited = sorted(content.rglob("2018.md"))[1]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    made: list[str] = []
    real = data_export.spliced_file

    def counting(name, site, cat, pages):  # type: ignore[no-untyped-def]
        spec = real(name, site, cat, pages)
        assert spec is not None
        piece = spec.piece
        return type(spec)(spec.head, lambda r: (made.append(f"{name}:{r.key}"), piece(r))[1], spec.separator, spec.tail, spec.whole_when_empty)

    monkeypatch.setattr("generator.stages.render.spliced_file", counting)
    inodes = {name: (out / "data" / name).stat().st_ino for name in data_export.SPLICED_FILES}
    assert build(content, out, NO_SEARCH, jobs=1).ok
    key = edited.relative_to(content).as_posix().removesuffix(".md")
    assert sorted(made) == sorted(f"{n}:{key}" for n in data_export.SPLICED_FILES)
    # a narrative edited without a figure changes no data file: each is the last site's, linked
    assert {name: (out / "data" / name).stat().st_ino for name in data_export.SPLICED_FILES} == inodes
    clean = tmp_path / "clean"
    assert build(content, clean, NO_SEARCH, jobs=1, use_cache=False).ok
    for name in data_export.SPLICED_FILES:
        assert (out / "data" / name).read_bytes() == (clean / "data" / name).read_bytes(), name


def test_a_data_file_changed_by_hand_is_not_used_as_a_source(synthetic: Path, tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(synthetic, content)
    out = tmp_path / "site"
    assert build(content, out, NO_SEARCH, jobs=1).ok
    cells = out / "data" / "cells.csv"
    original = cells.read_bytes()
    tampered = original.replace(b",20\r\n", b",21\r\n")
    assert tampered != original
    cells.write_bytes(tampered)
    edited = sorted(content.rglob("2020.md"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    assert build(content, out, NO_SEARCH, jobs=1).ok
    clean = tmp_path / "clean"
    assert build(content, clean, NO_SEARCH, jobs=1, use_cache=False).ok
    assert cells.read_bytes() == (clean / "data" / "cells.csv").read_bytes()
    assert BuildCache.open(out, content).old.splices["data/cells.csv"]  # where the pieces lie, for the next edit


def test_a_changed_field_writes_the_files_that_hold_it_and_links_the_others(synthetic: Path, tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(synthetic, content)
    out = tmp_path / "site"
    assert build(content, out, NO_SEARCH, jobs=1).ok
    inodes = {name: (out / "data" / name).stat().st_ino for name in data_export.SPLICED_FILES}
    data = sorted(content.rglob("2020.yaml"))[0]
    text = data.read_text(encoding="utf-8")
    changed = text.replace('title: "', 'title: "更正：', 1)  # the title is in reports.csv and reports.json only
    assert changed != text
    data.write_text(changed, encoding="utf-8")
    assert build(content, out, NO_SEARCH, jobs=1).ok
    clean = tmp_path / "clean"
    assert build(content, clean, NO_SEARCH, jobs=1, use_cache=False).ok
    for name in data_export.SPLICED_FILES:
        assert (out / "data" / name).read_bytes() == (clean / "data" / name).read_bytes(), name
    now = {name: (out / "data" / name).stat().st_ino for name in data_export.SPLICED_FILES}
    assert {n for n in now if now[n] != inodes[n]} == {"reports.csv", "reports.json"}
