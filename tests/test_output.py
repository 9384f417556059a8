"""The output folder: names cannot escape it, a swap is all-or-nothing, a killed build harms nothing."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO
from generator.stages import write
from generator.stages.write import MARKER, OutputError, Staging, StagingOptions, recover
from sites import narrative_content, snapshot


def leftovers(out: Path) -> list[str]:
    """What a build left beside the output and in its hidden folder, besides the hidden folder itself,
    its lock, the build cache and the input snapshot (they belong there).

    The replaced site is deleted before the build returns: nothing is waited for.
    """
    beside = [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}") and p.name != f".{out.name}.nianbao"]
    hidden = out.parent / f".{out.name}.nianbao"
    inside = [f"{hidden.name}/{p.name}" for p in hidden.iterdir() if p.name not in ("lock", "cache.sqlite", "templates", "snapshot")] if hidden.is_dir() else []
    return sorted(beside + inside)


@pytest.mark.parametrize(
    "rel",
    [
        "../escape.html",
        "a/../../escape.html",
        "/etc/escape.html",
        "//host/share/x.html",
        "C:/Windows/x.html",
        "c:x.html",
        "a\\..\\..\\escape.html",
        "a/./b.html",
        "a//b.html",
        "",
        "a/",
        "x\x00.html",
        "x\n.html",
        "x\u0085.html",
        "a" * 256 + ".html",
        "a/" + "页" * 86 + ".html",  # 258 bytes of UTF-8
        "..",
        ".",
    ],
)
def test_names_that_could_leave_the_site_are_refused(tmp_path: Path, rel: str) -> None:
    out = tmp_path / "out" / "site"
    with Staging(out) as staging:
        with pytest.raises(OutputError):
            staging.write(rel, b"x")
    assert [p for p in tmp_path.rglob("*") if p.is_file() and p.name != "lock"] == []


def test_ordinary_names_are_written(tmp_path: Path) -> None:
    out = tmp_path / "site"
    with Staging(out) as staging:
        for rel in ("index.html", "sheng/shi/zhen/2021/index.html", "assets/style.css", "search-data/b/0.js", "数据/年报.csv"):
            staging.write(rel, rel.encode())
        staging.commit()
    assert snapshot(out) == {**{r: r.encode() for r in ("index.html", "sheng/shi/zhen/2021/index.html", "assets/style.css", "search-data/b/0.js", "数据/年报.csv")}, MARKER: b"nianbao\n"}


def test_a_symlink_planted_in_the_staging_folder_is_not_followed_out(tmp_path: Path) -> None:
    out = tmp_path / "site"
    with Staging(out) as staging:
        (staging.stage / "evil").symlink_to(tmp_path)
        with pytest.raises(OutputError):
            staging.write("evil/escape.html", b"x")
    assert not (tmp_path / "escape.html").exists()


def test_a_file_link_planted_in_the_staging_folder_is_not_written_through(tmp_path: Path) -> None:
    out, victim = tmp_path / "site", tmp_path / "victim.txt"
    victim.write_bytes(b"keep")
    with Staging(out) as staging:
        (staging.stage / "page.html").symlink_to(victim)
        with pytest.raises(OSError):
            staging.write("page.html", b"x")
    assert victim.read_bytes() == b"keep"


@pytest.mark.parametrize("swap", ["exchange", "rename"])
def test_a_commit_replaces_the_whole_site_and_leaves_nothing_beside_it(tmp_path: Path, swap: str) -> None:
    out = tmp_path / "site"
    for version in ("first", "second"):
        with Staging(out, StagingOptions(swap=swap)) as staging:
            staging.write(f"{version}.html", version.encode())
            staging.commit()
    assert snapshot(out) == {"second.html": b"second", MARKER: b"nianbao\n"}
    assert leftovers(out) == []


def test_the_exchange_is_one_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With RENAME_EXCHANGE there is no moment when the output is missing: no rename happens at all."""
    if write._renameat2() is None:
        pytest.skip("this system has no renameat2")
    out = tmp_path / "site"
    with Staging(out, StagingOptions(swap="exchange")) as staging:
        staging.write("a.html", b"a")
        staging.commit()

    def no_rename(*args: object) -> None:
        raise AssertionError("the exchange path must not fall back to two renames")

    monkeypatch.setattr(write.os, "replace", no_rename)
    with Staging(out, StagingOptions(swap="exchange")) as staging:
        staging.write("b.html", b"b")
        staging.commit()
    assert snapshot(out) == {"b.html": b"b", MARKER: b"nianbao\n"}


def test_an_unsupported_exchange_falls_back_to_renames(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    def refusing(*args: object) -> int:
        write.ctypes.set_errno(errno.EINVAL)  # what a file system without RENAME_EXCHANGE answers
        return -1

    monkeypatch.setattr(write, "_renameat2", lambda: refusing)
    out = tmp_path / "site"
    for version in ("first", "second"):
        with Staging(out) as staging:
            staging.write(f"{version}.html", version.encode())
            staging.commit()
    assert snapshot(out) == {"second.html": b"second", MARKER: b"nianbao\n"}


def test_a_swap_interrupted_between_its_renames_is_undone(tmp_path: Path) -> None:
    out = tmp_path / "site"
    with Staging(out) as staging:
        staging.write("a.html", b"a")
        staging.commit()
    before = snapshot(out)
    os.replace(out, tmp_path / ".site.nianbao" / "old")  # the first rename of the fallback, then a crash
    recover(out)
    assert snapshot(out) == before
    assert leftovers(out) == []


def test_a_failed_build_removes_its_staging_and_keeps_the_site(tmp_path: Path) -> None:
    out = tmp_path / "site"
    with Staging(out) as staging:
        staging.write("a.html", b"a")
        staging.commit()
    with pytest.raises(RuntimeError):
        with Staging(out) as staging:
            staging.write("b.html", b"b")
            raise RuntimeError("render failed")
    assert snapshot(out) == {"a.html": b"a", MARKER: b"nianbao\n"}
    assert leftovers(out) == []


def test_two_builds_cannot_write_the_same_output_at_once(tmp_path: Path) -> None:
    out = tmp_path / "site"
    with Staging(out):
        with pytest.raises(OutputError, match="另一个"):
            with Staging(out):
                pass
    with Staging(out) as staging:  # the lock went with the first build
        staging.commit()


def test_a_foreign_folder_or_a_file_is_never_replaced(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "thesis.docx").write_bytes(b"precious")
    with pytest.raises(OutputError):
        with Staging(tmp_path / "docs"):
            pass
    (tmp_path / "site").write_bytes(b"a file")
    with pytest.raises(OutputError):
        with Staging(tmp_path / "site"):
            pass
    assert (tmp_path / "docs" / "thesis.docx").read_bytes() == b"precious"
    assert (tmp_path / "site").read_bytes() == b"a file"


def _build(content: Path, out: Path, swap: str, *extra: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "NIANBAO_SWAP": swap}
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "build", "--content", str(content), "--out", str(out), "--no-search", *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.mark.parametrize("swap", ["exchange", "rename"])
def test_sigkill_at_random_moments_never_damages_the_site(tmp_path: Path, swap: str) -> None:
    """Kill builds at seeded random moments: the output is always the old site or the whole new one."""
    old_content = narrative_content(tmp_path / "old", 60, edition="一")
    new_content = narrative_content(tmp_path / "new", 60, edition="二")
    out = tmp_path / "site"
    expected_new = tmp_path / "expected-new"
    for content, target in ((new_content, expected_new), (old_content, out)):
        proc = _build(content, target, swap)
        assert proc.wait(timeout=300) == 0, proc.stderr.read() if proc.stderr else ""
    old, new = snapshot(out), snapshot(expected_new)
    assert old != new
    started = time.monotonic()
    proc = _build(new_content, tmp_path / "timing", swap)
    proc.wait(timeout=300)
    duration = time.monotonic() - started
    rng = random.Random(f"sigkill-{swap}")
    outcomes = []
    for _ in range(8):
        proc = _build(new_content, out, swap)
        time.sleep(rng.uniform(0.0, duration * 1.1))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        if out.exists():
            current = snapshot(out)
        else:  # killed between the two renames of the fallback: the next build puts the old one back
            recover(out)
            current = snapshot(out)
        assert current in (old, new), f"half-written site after a kill (swap={swap})"
        outcomes.append("new" if current == new else "old")
        if current == new:  # start again from the old site, to keep testing the swap itself
            proc = _build(old_content, out, swap)
            assert proc.wait(timeout=300) == 0
            assert snapshot(out) == old
    proc = _build(new_content, out, swap)
    assert proc.wait(timeout=300) == 0, proc.stderr.read() if proc.stderr else ""
    assert snapshot(out) == new
    assert leftovers(out) == []
    assert "old" in outcomes  # at least some kills landed before the swap (the test tested something)
    assert _processes_building(out) == []  # the killed builds' worker processes died with them


def _processes_building(out: Path) -> list[int]:
    """Processes (a build or its workers) whose command line names `out`, after a moment to die."""
    deadline = time.monotonic() + 10
    while True:
        found = []
        for proc in Path("/proc").iterdir():
            try:
                if proc.name.isdigit() and str(out).encode() in (proc / "cmdline").read_bytes():
                    found.append(int(proc.name))
            except OSError:
                continue
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def test_theme_files_linked_from_outside_the_theme_are_not_copied(tmp_path: Path) -> None:
    static = tmp_path / "theme" / "static"
    static.mkdir(parents=True)
    (static / "style.css").write_text("body{}", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("password", encoding="utf-8")
    (static / "leak.txt").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(OutputError, match="主题目录之外"):
        with Staging(tmp_path / "site") as staging:
            staging.copy_tree(static, "assets")
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("swap", ["exchange", "rename"])
def test_an_output_that_is_a_link_stays_a_link(tmp_path: Path, swap: str) -> None:
    (tmp_path / "releases").mkdir()
    link = tmp_path / "www"
    link.symlink_to(tmp_path / "releases" / "site", target_is_directory=True)
    for version in ("first", "second"):
        with Staging(link, StagingOptions(swap=swap)) as staging:
            staging.write(f"{version}.html", version.encode())
            staging.commit()
    assert link.is_symlink()
    assert snapshot(link) == {"second.html": b"second", MARKER: b"nianbao\n"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["releases", "www"]
    assert leftovers(tmp_path / "releases" / "site") == []


def test_ctrl_c_during_a_build_cleans_up_and_leaves_a_whole_site(tmp_path: Path) -> None:
    content = narrative_content(tmp_path / "content", 100)
    out = tmp_path / "site"
    started = time.monotonic()
    proc = _build(content, out, "exchange")
    assert proc.wait(timeout=300) == 0
    duration = time.monotonic() - started
    old = snapshot(out)
    (content / "sheng/shi/xian/zhen000/2021.md").write_text("## 一、总体情况\n\n改过。\n", encoding="utf-8")
    proc = _build(content, tmp_path / "expected", "exchange")
    assert proc.wait(timeout=300) == 0
    new = snapshot(tmp_path / "expected")
    rng = random.Random("sigint")
    codes = set()
    for _ in range(5):
        proc = _build(content, out, "exchange", "--no-cache")  # as long as the first: an edit is over in a moment
        time.sleep(rng.uniform(0.5, 0.9) * duration)  # past the imports, mostly while pages are written
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=60)
        codes.add(code)
        # -SIGINT: interrupted while Python was still importing, before nianbao's own handler
        assert code in (0, 130, -signal.SIGINT), proc.stderr.read() if proc.stderr else ""
        assert snapshot(out) in (old, new)  # an interruption after the swap leaves the new site, whole
        assert leftovers(out) == []  # the staging folder went with the interruption
        if snapshot(out) == new:
            shutil.rmtree(out)
            shutil.copytree(tmp_path / "expected", out)
            old = new
    assert 130 in codes
