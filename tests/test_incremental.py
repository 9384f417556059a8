"""Parallel and incremental builds: always the same bytes as a clean single-process build."""

from __future__ import annotations

import builtins
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO
from sites import edit_keeping_size_and_time
from generator.build import pipeline as build_module
from generator import parallel
from generator.stages import render, reports
from generator.build.pipeline import SearchOptions, build as full_build
from generator.incremental.cache import FILE_NAME, Memory, cache_dir
from generator.formats import catalogue
from generator.synth import synthesise

YEARS = list(range(2017, 2024))
NO_SEARCH = SearchOptions(enabled=False)  # the search stage has its own tests; its filter files are not byte-stable


def build(content: Path, out: Path, **kw):  # type: ignore[no-untyped-def]
    return full_build(content, out, NO_SEARCH, **kw)


def _site(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _clean(content: Path, tmp: Path) -> dict[str, bytes]:
    out = tmp / "clean-site"
    shutil.rmtree(out, ignore_errors=True)
    result = build(content, out, jobs=1, use_cache=False)
    assert result.ok, [p.format() for p in result.check.diags.sorted()]
    return _site(out)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("synthetic") / "content"
    synthesise(root, 8, YEARS, catalogue(), seed=5)
    return root


def test_parallel_build_is_byte_identical_to_one_process(synthetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workers: list[str] = []

    class Counted(parallel._Worker):  # type: ignore[type-arg]
        def __init__(self, task, setup, budget: int) -> None:  # type: ignore[no-untyped-def]
            workers.append(task.__name__)
            super().__init__(task, setup, budget)

    monkeypatch.setattr(parallel, "MIN_ITEMS_PER_PROCESS", 4)  # small content, yet really in parallel
    monkeypatch.setattr(parallel, "_Worker", Counted)
    monkeypatch.setattr(render, "PAGES_PER_WORKER", 40)  # render workers replaced every 40 pages or so
    result = build(synthetic, tmp_path / "parallel", jobs=2, use_cache=False)
    # validation ran in two workers; rendering in two workers, each a succession of processes
    assert workers.count("_process_chunk") == 2 and workers.count("_render_chunk") > 2, workers
    assert result.ok and len(result.pages) > 3 * 8 * len(YEARS)  # report pages, their CSV and JSON, and the portal
    assert _site(tmp_path / "parallel") == _clean(synthetic, tmp_path)


def test_nothing_changed_renders_nothing(synthetic: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    first = build(synthetic, out, jobs=2)
    assert first.cache_status == "none" and len(first.rendered.written) == len(first.pages)
    second = build(synthetic, out, jobs=2)
    assert second.cache_status == "used"
    assert second.rendered.written == [] and len(second.rendered.unchanged) == len(first.pages)
    assert second.reports_processed == 0 and second.reports_reused == 8 * len(YEARS)
    third = build(synthetic, out, jobs=1)  # the cache of a build that changed nothing is still there
    assert third.cache_status == "used" and third.rendered.written == [] and third.reports_processed == 0
    assert _site(out) == _clean(synthetic, tmp_path)


@pytest.mark.parametrize("listing", ["here", "beside"])
def test_edits_deletions_and_renames_give_a_clean_builds_bytes(synthetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               listing: str) -> None:
    listed_beside: list[object] = []
    if listing == "beside":  # the content listed in a forked process while the cache is read, as for a large site

        class Counted(parallel.Beside):
            def result(self) -> object:
                listed_beside.append(found := super().result())
                return found

        monkeypatch.setattr(build_module, "LIST_BESIDE_CACHE_BYTES", 0)
        monkeypatch.setattr(build_module, "Beside", Counted)
    content = tmp_path / "content"
    shutil.copytree(synthetic, content)
    out = tmp_path / "site"
    build(content, out, jobs=2)
    towns = sorted(p.parent for p in content.rglob("town.yaml"))
    (towns[-1] / "notes.txt").write_text("不是年报", encoding="utf-8")  # a problem the listing reports, every build

    # 1. one report's narrative edited: its page and its neighbours' pages (prev/next links), and the home page
    md = towns[0] / "2019.md"
    md.write_text(md.read_text(encoding="utf-8").replace("## ", "## ", 1) + "\n补充说明：本报告已更新。\n", encoding="utf-8")
    step = build(content, out, jobs=2)
    assert step.reports_processed == 1
    edited = towns[0].relative_to(content).as_posix()
    assert f"{edited}/2019/index.html" in step.rendered.written
    assert f"{towns[1].relative_to(content).as_posix()}/2019/index.html" in step.rendered.unchanged
    assert len(step.rendered.written) < len(step.pages) // 2
    assert _site(out) == _clean(content, tmp_path)

    # 2. a report deleted: its page goes, the neighbours' links change
    (towns[1] / "2020.yaml").unlink()
    (towns[1] / "2020.md").unlink()
    step = build(content, out, jobs=2)
    gone = towns[1].relative_to(content).as_posix() + "/2020/"
    assert step.rendered.removed == [gone + "data.csv", gone + "data.json", gone + "index.html"]
    assert _site(out) == _clean(content, tmp_path)

    # 3. a town renamed (its folder, so its URLs) and another town's name changed in town.yaml
    renamed = towns[2].with_name(towns[2].name + "-xin")
    towns[2].rename(renamed)
    town_yaml = towns[3] / "town.yaml"
    town_yaml.write_text(town_yaml.read_text(encoding="utf-8").replace("name: \"", "name: \"新", 1), encoding="utf-8")
    step = build(content, out, jobs=1)
    assert step.rendered.removed and all(u.startswith(towns[2].relative_to(content).as_posix()) for u in step.rendered.removed)
    assert _site(out) == _clean(content, tmp_path)

    # 4. the site configuration changed: every page is rendered again
    site_yaml = content / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8").replace("title: \"", "title: \"新", 1), encoding="utf-8")
    step = build(content, out, jobs=2)
    assert step.rendered.unchanged == [] and len(step.rendered.written) == len(step.pages)
    assert _site(out) == _clean(content, tmp_path)
    assert [p.code for p in step.check.diags.problems if p.path.endswith("notes.txt")] == ["unknown-file"]
    assert len(listed_beside) == (5 if listing == "beside" else 0) and all(listed_beside)


def test_a_page_edited_in_the_output_is_rendered_again(synthetic: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(synthetic, out, jobs=1)
    (out / "index.html").write_text("tampered", encoding="utf-8")
    step = build(synthetic, out, jobs=1)
    assert "index.html" in step.rendered.written and len(step.rendered.written) < len(step.pages) // 2
    assert _site(out) == _clean(synthetic, tmp_path)


@pytest.mark.parametrize("damage", ["truncate", "flip", "foreign", "version", "incomplete", "garbage"])
def test_a_damaged_or_foreign_cache_is_ignored(synthetic: Path, tmp_path: Path, damage: str) -> None:
    out = tmp_path / "site"
    build(synthetic, out, jobs=1)
    path = cache_dir(out) / FILE_NAME
    raw = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(raw[: len(raw) // 2])
    elif damage == "garbage":
        path.write_bytes(b"\x80\x05garbage")
    else:
        with sqlite3.connect(path) as db:
            if damage == "flip":  # one byte of one town's reports changed: its checksum no longer holds
                town, data = db.execute("SELECT town, data FROM reports ORDER BY town LIMIT 1").fetchone()
                db.execute("UPDATE reports SET data = ? WHERE town = ?", (data[:-100] + bytes([data[-100] ^ 0xFF]) + data[-99:], town))
            elif damage == "foreign":
                db.execute("UPDATE meta SET value = ? WHERE key = 'content'", (str((tmp_path / "other").resolve()),))
            elif damage == "version":
                db.execute("UPDATE meta SET value = '0' WHERE key = 'format'")
            else:  # a build killed between its swap and its save
                db.execute("UPDATE meta SET value = '0' WHERE key = 'complete'")
        db.close()
    step = build(synthetic, out, jobs=1)
    assert step.ok and step.cache_status.startswith("ignored"), step.cache_status
    assert step.rendered.unchanged == [] and step.reports_reused == 0
    assert _site(out) == _clean(synthetic, tmp_path)
    assert build(synthetic, out, jobs=1).cache_status == "used"  # and a good cache is written again


def test_an_edit_writes_only_the_rows_that_changed(synthetic: Path, tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(synthetic, content)
    out = tmp_path / "site"
    build(content, out, jobs=1)
    path = cache_dir(out) / FILE_NAME

    def rows() -> dict[str, set[tuple[object, ...]]]:
        with sqlite3.connect(path) as db:
            found = {t: set(db.execute(f"SELECT * FROM {t}")) for t in ("reports", "pages", "files", "splices")}
        db.close()
        return found

    before = rows()
    edited = sorted(content.rglob("2021.md"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    step = build(content, out, jobs=1)
    after = rows()
    # the edited report's town row; its page and the pages showing it
    assert len(after["reports"] - before["reports"]) == 1 and len(after["reports"]) == len(before["reports"])
    assert len(after["pages"] - before["pages"]) == len(step.rendered.written) < len(step.pages) // 2
    assert len(after["files"] - before["files"]) == 1  # the edited narrative


def test_the_cache_is_complete_when_the_build_returns_and_the_next_build_uses_it(synthetic: Path, tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(synthetic, content)
    out = tmp_path / "site"
    first = build(content, out, jobs=1)
    assert first.ok and (cache_dir(out) / FILE_NAME).is_file()
    edited = sorted(content.rglob("2021.md"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    second = build(content, out, jobs=1)  # at once
    assert second.cache_status == "used" and second.reports_processed == 1
    assert second.reports_reused == len(first.check.site.reports) - 1  # type: ignore[union-attr]
    assert build(content, out, jobs=1).rendered.written == []  # and it describes the second build's site
    assert _site(out) == _clean(content, tmp_path)


def test_nothing_changed_writes_nothing_at_all(synthetic: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(synthetic, out, jobs=1)
    before = {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*")}
    folder = out.stat().st_ino
    step = build(synthetic, out, jobs=1)
    assert step.ok and step.written and step.rendered.written == [] and len(step.rendered.unchanged) == len(step.pages)
    assert out.stat().st_ino == folder  # no staging folder was swapped in
    assert {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*")} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.nianbao", "site"]


@pytest.mark.parametrize("touch", ["asset", "extra", "linked-folder", "missing-asset"])
def test_a_site_changed_by_hand_is_written_again(synthetic: Path, tmp_path: Path, touch: str) -> None:
    out = tmp_path / "site"
    build(synthetic, out, jobs=1)
    if touch == "asset":
        (out / "assets/style.css").write_text("body{}", encoding="utf-8")
    elif touch == "extra":
        (out / "stray.html").write_text("x", encoding="utf-8")
    elif touch == "linked-folder":
        (tmp_path / "elsewhere").mkdir()
        (tmp_path / "elsewhere" / "x.html").write_text("x", encoding="utf-8")
        (out / "assets" / "more").symlink_to(tmp_path / "elsewhere")
    else:
        (out / "assets/style.css").unlink()
    step = build(synthetic, out, jobs=1)
    assert step.ok and step.rendered.written == []  # the pages are taken over, the rest written again
    assert _site(out) == _clean(synthetic, tmp_path)
    assert not (out / "assets" / "more").is_symlink()


def test_a_narrative_with_invisible_characters_renders_the_same_from_the_cache(synthetic: Path, tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(synthetic, content)
    town = sorted(p.parent for p in content.rglob("town.yaml"))[0]
    marked = town / "2019.md"
    text = marked.read_text(encoding="utf-8")
    marked.write_text(text.replace("。", "。\u202e\x07", 1), encoding="utf-8")  # stripped, with a warning
    out = tmp_path / "site"
    assert build(content, out, jobs=1).ok
    neighbour = town / "2020.md"  # its page is on the 2019 page's "next" link: the 2019 page is rendered again
    neighbour.write_text(neighbour.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    step = build(content, out, jobs=1)
    page = marked.relative_to(content).with_suffix("").as_posix() + "/index.html"
    assert page in step.rendered.written and step.reports_reused > 0
    assert _site(out) == _clean(content, tmp_path)


def test_a_cold_model_keeps_no_narratives_and_renders_the_same(synthetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Narratives are read again when their page is rendered: the same bytes as from memory, invisible characters and all."""
    content = tmp_path / "content"
    shutil.copytree(synthetic, content)
    marked = sorted(content.rglob("2019.md"))[0]
    marked.write_text("\ufeff" + marked.read_text(encoding="utf-8").replace("。", "。\u202e\x07\u200f", 2), encoding="utf-8")
    result = build(content, tmp_path / "site", jobs=1, use_cache=False)
    assert result.check.site is not None and result.check.site.reports
    assert all(r.narrative == "" and r.narrative_file for r in result.check.site.reports)
    assert any(p.code == "control-char" for p in result.check.diags.problems)  # still found, and said, at validation
    monkeypatch.setattr(reports, "without_narrative", lambda report, source: report)  # as before: kept in memory
    kept = build(content, tmp_path / "kept", jobs=1, use_cache=False)
    assert kept.check.site is not None and all(r.narrative for r in kept.check.site.reports)
    assert _site(tmp_path / "site") == _site(tmp_path / "kept")


def test_the_hidden_folder_holds_the_cache_and_nothing_else_is_beside_the_output(synthetic: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert build(synthetic, out, jobs=1).ok
    # no journal or temporary file left; beside the cache, the compiled templates and the lock
    assert sorted(p.name for p in cache_dir(out).iterdir()) == [FILE_NAME, "lock", "templates"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.nianbao", "site"]
    again = build(synthetic, out, jobs=1)
    assert again.cache_status == "used" and again.reports_processed == 0


def _age(content: Path, seconds: int = 3600) -> None:
    """Make every file look written an hour ago (files changed just before a build are never vouched for)."""
    past = time.time_ns() - seconds * 1_000_000_000
    for path in content.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(past, past))


def test_report_files_the_cache_vouches_for_are_not_read_again(synthetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = tmp_path / "content"
    shutil.copytree(synthetic, content)
    _age(content)
    out = tmp_path / "site"
    assert build(content, out, jobs=1).ok
    read: list[str] = []
    real_read_bytes, real_open = Path.read_bytes, builtins.open

    def note(path: object) -> None:
        p = Path(os.fspath(path))  # type: ignore[arg-type]
        if p.suffix in (".md", ".yaml") and p.is_relative_to(content) and p.name[0].isdigit():
            read.append(p.name)

    def counting_read_bytes(self: Path) -> bytes:
        note(self)
        return real_read_bytes(self)

    def counting_open(file, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
        if isinstance(file, (str, os.PathLike)) and "r" in mode:
            note(file)
        return real_open(file, mode, *args, **kwargs)

    # content files are read with Path.read_bytes or open(): count both ways
    monkeypatch.setattr(Path, "read_bytes", counting_read_bytes)
    monkeypatch.setattr(builtins, "open", counting_open)
    edited = sorted(content.rglob("2021.md"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    step = build(content, out, jobs=1)
    # the edited report's files, and the narratives of the pages rendered again (read when rendered)
    assert "2021.md" in read and len(read) <= 8, read
    assert step.reports_processed == 1
    monkeypatch.undo()
    assert _site(out) == _clean(content, tmp_path)


def test_a_file_changed_with_the_same_size_and_time_is_still_seen(synthetic: Path, tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(synthetic, content)
    _age(content)
    out = tmp_path / "site"
    assert build(content, out, jobs=1).ok
    edit_keeping_size_and_time(sorted(content.rglob("2020.md"))[0], "。", "，")
    step = build(content, out, jobs=1)
    assert step.reports_processed == 1
    assert _site(out) == _clean(content, tmp_path)


def test_the_build_saves_its_cache_before_the_command_ends(synthetic: Path, tmp_path: Path) -> None:
    """Whatever reads a build's output through a pipe sees its end when the build ends, and the cache is then complete."""
    out = tmp_path / "site"
    program = f"""
from pathlib import Path
from generator.build.pipeline import SearchOptions, build

result = build(Path({str(synthetic)!r}), Path({str(out)!r}), SearchOptions(enabled=False), jobs=1)
print("built", result.ok, flush=True)
raise SystemExit(0)
"""
    proc = subprocess.run([sys.executable, "-c", program], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout == "built True\n", proc.stderr
    assert sorted(p.name for p in cache_dir(out).iterdir()) == [FILE_NAME, "lock", "templates"]  # no journal, no partial file
    assert build(synthetic, out, jobs=1).cache_status == "used"


def test_a_cache_kept_in_memory_is_used_while_the_file_is_the_one_it_saw(synthetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = tmp_path / "content"
    shutil.copytree(synthetic, content)
    out = tmp_path / "site"
    memory = Memory()
    assert build(content, out, jobs=1, memory=memory).ok and memory.data is not None
    opened: list[str] = []
    real_connect = sqlite3.connect

    def counting_connect(database: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append("ro" if "mode=ro" in str(database) else "rw")
        return real_connect(database, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", counting_connect)
    edited = sorted(content.rglob("2021.md"))[0]
    for sentence in ("补充一句。", "再补充一句。"):
        edited.write_text(edited.read_text(encoding="utf-8") + f"\n{sentence}\n", encoding="utf-8")
        step = build(content, out, jobs=1, memory=memory)
        assert step.cache_status == "used" and step.reports_processed == 1
    assert "ro" not in opened  # the database was written, never read
    monkeypatch.undo()
    assert _site(out) == _clean(content, tmp_path)
    edited.write_text(edited.read_text(encoding="utf-8") + "\n第三句。\n", encoding="utf-8")
    build(content, out, jobs=1)  # another build (another process, say), with no memory: the file changes
    edited.write_text(edited.read_text(encoding="utf-8") + "\n第四句。\n", encoding="utf-8")
    monkeypatch.setattr(sqlite3, "connect", counting_connect)
    step = build(content, out, jobs=1, memory=memory)
    assert "ro" in opened and step.cache_status == "used" and step.reports_processed == 1  # read again from the file
    monkeypatch.undo()
    assert _site(out) == _clean(content, tmp_path)
