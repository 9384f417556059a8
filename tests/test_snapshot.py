"""The input snapshot: a build with nothing changed says what the last one said and does nothing else;
any change to what a build reads or left defeats it, and the build then gives a clean build's bytes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pytest

from conftest import REPO, Run, run_cli
from generator import cli
from generator.incremental import cache as cache_module
from generator.incremental import snapshot
from sites import edit_keeping_size_and_time, narrative_content
from sites import snapshot as site_bytes

FAST = "（内容、主题与程序均未改变，沿用现有站点）"
THEME_404 = '{% extends "base.html" %}{% block main %}<h1>本县页面不存在</h1>{% endblock %}'
WARNED = "sheng/shi/xian/zhen000/2021.yaml"


def _prepare(root: Path, *, with_error: bool) -> Path:
    """A content folder (with a custom theme beside it) whose build warns, and with `with_error`
    leaves a report out; its files are then aged past `snapshot.RACY_NS` by the pool."""
    content = narrative_content(root / "content", 2)
    (content / "site.yaml").write_text("title: 测试门户\nauthority: 测试单位\ntheme: mytheme\n", encoding="utf-8")
    # published before the year ended: a warning
    (content / WARNED).write_text("format: narrative\nyear: 2021\ntitle: x\npublished: 2021-06-01\n", encoding="utf-8")
    if with_error:
        (content / "sheng/shi/xian/zhen001/2020.yaml").write_text("format: narrative\nyear: 2019\ntitle: x\n", encoding="utf-8")
    templates = root / "mytheme" / "templates"
    templates.mkdir(parents=True)
    (templates / "404.html").write_text(THEME_404, encoding="utf-8")
    return content


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> dict[bool, list[Path]]:
    """Content folders made once and left to settle: a file changed within `RACY_NS` of a build's
    start is not vouched for (no snapshot is written), and change times cannot be set back."""
    base = tmp_path_factory.mktemp("settled")
    made: dict[bool, list[Path]] = {False: [], True: []}
    for with_error, count in ((False, 16), (True, 2)):  # one for each test that takes one
        for i in range(count):
            made[with_error].append(_prepare(base / f"{int(with_error)}-{i}", with_error=with_error))
    time.sleep(snapshot.RACY_NS / 1e9 + 0.2)
    return made


@pytest.fixture
def settled(pool: dict[bool, list[Path]], tmp_path: Path) -> Callable[..., Path]:
    def take(*, with_error: bool = False) -> Path:
        if not pool[with_error]:  # (more tests than the pool was made for: one made, and waited for, now)
            pool[with_error].append(_prepare(tmp_path / "late", with_error=with_error))
            time.sleep(snapshot.RACY_NS / 1e9 + 0.2)
        return pool[with_error].pop()
    return take


def build(content: Path, *args: str, out: Path | None = None) -> Run:
    return run_cli("build", "--content", str(content), "--out", str(out or content.parent / "site"), *args)


def fast(run: Run) -> bool:
    return FAST in run.err.splitlines()[-1]


def said(run: Run) -> list[str]:
    """What a build printed about the content and the site: all but its last line (pages and times)."""
    return [line for line in run.err.splitlines()[:-1] if not line.startswith("全文检索")]


def clean(content: Path, *args: str) -> dict[str, bytes]:
    out = content.parent / "clean-site"
    shutil.rmtree(out, ignore_errors=True)
    done = build(content, "--no-cache", *args, out=out)
    assert done.code in (0, 1), done.err
    return site_bytes(out)


def snapshot_file(content: Path) -> Path:
    return snapshot.snapshot_path(content.parent / "site")


@pytest.mark.parametrize("with_error", [False, True], ids=["warned", "excluded"])
def test_nothing_changed_says_what_a_full_build_says(settled: Callable[..., Path], with_error: bool) -> None:
    content = settled(with_error=with_error)
    first = build(content, "--no-search")
    assert first.code == (1 if with_error else 0) and not fast(first) and snapshot_file(content).is_file(), first.err
    flags = [(), ("--strict",), ("-v",), ("--strict", "-v")]
    full = {}
    for extra in flags:  # a build with nothing to do, without the snapshot: what it prints under each option
        snapshot_file(content).unlink()
        full[extra] = build(content, "--no-search", *extra)
        assert not fast(full[extra]) and "新写 0，" in full[extra].err, full[extra].err
    for extra in flags:
        again = build(content, "--no-search", *extra)
        assert fast(again), again.err
        assert (again.code, said(again)) == (full[extra].code, said(full[extra]))
    assert full[("--strict",)].code == 1 and ("严格模式" in full[("--strict",)].err) != with_error  # (errors come first)
    assert any("published" in line for line in said(full[()]))  # the warning, said again
    if with_error:
        assert "（1 个错误）：未发布该年报" in again.err
    pages = full[()].err.splitlines()[-1].split("，")[1]
    assert pages in again.err.splitlines()[-1]  # "未变 N": as many pages


def test_nothing_changed_imports_neither_the_pipeline_nor_its_libraries(settled: Callable[..., Path]) -> None:
    content = settled()
    assert build(content).code == 0
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "generator", "build", "--content", str(content),
                           "--out", str(content.parent / "site")], capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0 and FAST in proc.stderr, proc.stderr
    imported = {line.split("|")[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    assert "generator.incremental.snapshot" in imported
    assert not imported & {"generator.build", "generator.build.pipeline", "generator.build.text_edit", "generator.incremental.cache", "jinja2", "markdown_it", "yaml", "sqlite3", "pickle"}


def _same_size_and_time(content: Path) -> None:
    edit_keeping_size_and_time(content / "sheng/shi/xian/zhen001/2021.md", "第1镇", "第7镇")


def _add(content: Path) -> None:
    town = content / "sheng/shi/xian/zhen001"
    (town / "2022.yaml").write_text("format: narrative\nyear: 2022\ntitle: 第1镇2022年报告\npublished: 2023-01-20\n", encoding="utf-8")
    (town / "2022.md").write_text("## 一、总体情况\n\n新的一年。\n", encoding="utf-8")


def _remove(content: Path) -> None:
    (content / "sheng/shi/xian/zhen001/2020.yaml").unlink()
    (content / "sheng/shi/xian/zhen001/2020.md").unlink()


def _theme(content: Path) -> None:
    (content.parent / "mytheme/templates/404.html").write_text(THEME_404.replace("本县", "本镇"), encoding="utf-8")


def _page_deleted(content: Path) -> None:
    (content.parent / "site/404.html").unlink()


def _page_edited(content: Path) -> None:
    page = content.parent / "site/404.html"
    page.write_bytes(page.read_bytes().replace(b"<h1>", b"<h1>x"))


def _truncated(content: Path) -> None:
    path = snapshot_file(content)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _corrupt(content: Path) -> None:
    path = snapshot_file(content)
    data = bytearray(path.read_bytes())
    data[-10] ^= 0xFF  # one byte, well inside: the checksum no longer holds
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("change", [_same_size_and_time, _add, _remove, _theme, _page_deleted, _truncated, _corrupt],
                         ids=lambda f: f.__name__.strip("_"))
def test_a_change_defeats_the_snapshot_and_the_build_gives_a_clean_builds_bytes(settled: Callable[..., Path],
                                                                                   change: Callable[[Path], None]) -> None:
    content = settled()
    assert build(content, "--no-search").code == 0
    assert fast(build(content, "--no-search"))
    change(content)
    after = build(content, "--no-search")
    assert after.code == 0 and not fast(after), after.err
    assert site_bytes(content.parent / "site") == clean(content, "--no-search")
    if change is _theme:
        assert "本镇页面不存在" in (content.parent / "site/404.html").read_text(encoding="utf-8")
    if change in (_page_deleted, _truncated, _corrupt):  # the inputs did not change: a snapshot again
        assert fast(build(content, "--no-search"))


def test_a_page_edited_in_place_is_put_right_by_the_next_build_with_work(settled: Callable[..., Path]) -> None:
    """The site's files are not stat'ed one by one (only its folders are): a page edited under its
    own name is not seen while nothing changed, and is made again by the next full build."""
    content = settled()
    assert build(content, "--no-search").code == 0
    _page_edited(content)
    assert fast(build(content, "--no-search"))
    assert b"<h1>x" in (content.parent / "site/404.html").read_bytes()
    _add(content)
    after = build(content, "--no-search")
    assert after.code == 0 and not fast(after), after.err
    assert site_bytes(content.parent / "site") == clean(content, "--no-search")


def test_the_search_option_is_part_of_the_snapshot(settled: Callable[..., Path]) -> None:
    content = settled()
    assert build(content).code == 0 and (content.parent / "site/search-data").is_dir()
    assert fast(build(content))
    without = build(content, "--no-search")
    assert not fast(without) and not (content.parent / "site/search-data").exists()
    assert site_bytes(content.parent / "site") == clean(content, "--no-search")
    assert fast(build(content, "--no-search"))
    assert not fast(build(content))  # and back
    assert (content.parent / "site/search-data").is_dir()


def test_no_cache_never_takes_the_fast_path_nor_leaves_a_snapshot(settled: Callable[..., Path]) -> None:
    content = settled()
    assert build(content, "--no-search").code == 0 and snapshot_file(content).is_file()
    plain = build(content, "--no-search", "--no-cache")
    assert plain.code == 0 and not fast(plain) and "新写 " in plain.err
    assert not snapshot_file(content).exists()


def test_a_build_that_fails_in_the_middle_leaves_no_snapshot(settled: Callable[..., Path], monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    content = settled()
    out = content.parent / "site"
    assert build(content, "--no-search").code == 0 and snapshot_file(content).is_file()
    _add(content)

    def fail(self: cache_module.BuildCache) -> None:
        raise RuntimeError("stopped after the swap, before the cache was saved")

    monkeypatch.setattr(cache_module.BuildCache, "save", fail)
    assert cli.main(["build", "--content", str(content), "--out", str(out), "--no-search"]) == cli.EXIT_INTERNAL
    assert not snapshot_file(content).exists()
    monkeypatch.undo()
    capsys.readouterr()
    after = build(content, "--no-search")
    assert after.code == 0 and not fast(after), after.err
    assert site_bytes(out) == clean(content, "--no-search")


def test_errors_that_block_the_site_leave_no_snapshot(settled: Callable[..., Path]) -> None:
    content = settled()
    assert build(content, "--no-search").code == 0 and snapshot_file(content).is_file()
    (content / "site.yaml").write_text("title: [\n", encoding="utf-8")
    for _ in range(2):  # and the next build, the content unchanged, says so again
        blocked = build(content, "--no-search")
        assert blocked.code == 1 and "未生成站点" in blocked.err and not fast(blocked), blocked.err
        assert not snapshot_file(content).exists()


def test_content_changed_just_before_the_build_is_not_vouched_for(tmp_path: Path) -> None:
    content = _prepare(tmp_path, with_error=False)  # just written: within RACY_NS of the build's start
    first = build(content, "--no-search")
    assert first.code == 0, first.err  # (its snapshot records those files as changed)
    second = build(content, "--no-search")
    assert not fast(second) and "新写 0，" in second.err


def test_an_edit_made_while_the_build_runs_is_seen_by_the_next(settled: Callable[..., Path], monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    from generator.build import pipeline as build_module

    content = settled()
    out = content.parent / "site"
    real_build = build_module.build

    def edited_while_building(*args, **kwargs):  # type: ignore[no-untyped-def]
        result = real_build(*args, **kwargs)  # the content has been read: an edit now is not in this site
        _same_size_and_time(content)
        return result

    monkeypatch.setattr(build_module, "build", edited_while_building)
    assert cli.main(["build", "--content", str(content), "--out", str(out), "--no-search"]) == 0
    monkeypatch.undo()
    capsys.readouterr()
    after = build(content, "--no-search")
    assert after.code == 0 and not fast(after), after.err
    assert site_bytes(out) == clean(content, "--no-search")
