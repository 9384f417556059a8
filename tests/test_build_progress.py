"""What a build tells its user: a progress line on a terminal for big builds, and a summary at the end."""

from __future__ import annotations

import io
import re
from pathlib import Path

from conftest import run_cli

from generator.progress import PROGRESS_FROM, Progress


def test_progress_is_drawn_in_place_for_big_builds_only() -> None:
    stream = io.StringIO()
    progress = Progress(stream, enabled=True)
    for done in range(0, PROGRESS_FROM + 1, 50):
        progress.update("生成页面", done, PROGRESS_FROM)
    progress.done()
    text = stream.getvalue()
    assert text.startswith("\r生成页面 0/300") and f"{PROGRESS_FROM}/{PROGRESS_FROM}（100%）" in text and text.endswith("\n")
    small = io.StringIO()
    quiet = Progress(small, enabled=True)
    quiet.update("生成页面", 5, PROGRESS_FROM - 1)
    quiet.done()
    assert small.getvalue() == ""


def test_progress_is_silent_when_not_on_a_terminal() -> None:
    stream = io.StringIO()  # isatty() is False
    progress = Progress(stream)
    progress.update("生成页面", 500, 1000)
    progress.done()
    assert stream.getvalue() == ""


def test_build_summary_counts_pages_and_times_stages(tmp_path: Path) -> None:
    content = tmp_path / "content"
    assert run_cli("synth", "--towns", "2", "--years", "2020-2022", "--out", str(content)).code == 0
    out = tmp_path / "site"
    first = run_cli("build", "--content", str(content), "--out", str(out), "--no-search", "--jobs", "2")
    assert first.code == 0, first.err
    m = re.search(r"已生成 (\d+) 个页面.*页面：新写 (\d+)，未变 0，删除 0。用时：.*渲染 [\d.]+ 秒", first.err, re.S)
    assert m and m[1] == m[2], first.err
    (content / "site.yaml").write_text((content / "site.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    for report in sorted(content.rglob("2022.*"))[:2]:
        report.unlink()
    second = run_cli("build", "--content", str(content), "--out", str(out), "--no-search")
    assert second.code == 0, second.err
    m2 = re.search(r"页面：新写 (\d+)，未变 (\d+)，删除 3，沿用缓存中的年报 5 份", second.err)  # the page, its CSV and JSON
    assert m2 and int(m2[2]) > 0 and int(m2[1]) + int(m2[2]) == int(m[1]) - 3, second.err
    assert "\r" not in second.err  # not a terminal: no progress line
