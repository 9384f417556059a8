"""`nianbao serve`: a real subprocess on a free loopback port, edited while it runs, read over HTTP."""

from __future__ import annotations

import fcntl
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import REPO

WAIT = 30.0  # seconds: the longest any single expectation may take on a busy machine

REPORT_YAML = "format: narrative\nyear: 2016\ntitle: 测试镇2016年政府信息公开工作年度报告\n"
REPORT_MD = "## 一、概述\n\n第一版正文。\n"


class Preview:
    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        self.lines: queue.Queue[str] = queue.Queue()
        self.log: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()
        self.base = self._address()

    def _pump(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.put(line)

    def _address(self) -> str:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            self.log.append(line)
            m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            if m:
                return m.group(0)
        pytest.fail("serve did not start:\n" + "".join(self.log))

    def terminal(self) -> str:
        while True:
            try:
                self.log.append(self.lines.get_nowait())
            except queue.Empty:
                return "".join(self.log)

    def get(self, path: str) -> str:
        with urllib.request.urlopen(self.base + path, timeout=10) as response:
            return response.read().decode("utf-8")

    def wait_for(self, path: str, condition: Callable[[str], bool]) -> str:
        deadline = time.monotonic() + WAIT
        page = ""
        while time.monotonic() < deadline:
            try:
                page = self.get(path)
            except (urllib.error.URLError, ConnectionError):
                page = ""
            if condition(page):
                return page
            time.sleep(0.2)
        pytest.fail(f"timed out waiting on {path}; last page:\n{page[-2000:]}\nterminal:\n{self.terminal()}")


    def lines_with(self, text: str) -> int:
        return self.terminal().count(text)

    def wait_terminal(self, text: str, count: int) -> None:
        """Until the terminal has said `text` `count` times."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if self.lines_with(text) >= count:
                return
            time.sleep(0.1)
        pytest.fail(f"the terminal did not say {text!r} {count} times:\n{self.terminal()}")

    def version(self, page: str) -> int:
        """The version the server gives for a page (the open page reloads when it changes)."""
        return int(json.loads(self.get(f"__nianbao/status?page=/{page}"))["version"])


def served_version(page: str) -> int:
    """The version a served page was served at (its reload script compares it with the server's)."""
    m = re.search(r"var seen = (\d+);", page)
    assert m, page[-500:]
    return int(m.group(1))


def start_serve(content: Path, out: Path, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--content", str(content), "--port", "0", "--out", str(out)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1", **env},
    )


@pytest.fixture
def preview(make_content, tmp_path: Path) -> Iterator[tuple[Preview, Path, Path]]:
    content = make_content({"sheng/shi/xian/zhen/2016.yaml": REPORT_YAML, "sheng/shi/xian/zhen/2016.md": REPORT_MD})
    out = tmp_path / "preview-site"
    proc = start_serve(content, out)
    try:
        yield Preview(proc), content, out
    finally:
        proc.kill()
        proc.wait(timeout=WAIT)


REPORT_PAGE = "sheng/shi/xian/zhen/2016/index.html"


def test_serve_rebuilds_on_edit_and_recovers_from_a_broken_file(preview) -> None:
    server, content, out = preview
    page = server.wait_for(REPORT_PAGE, lambda p: "第一版正文" in p)
    assert "/__nianbao/status" in page, "the reload script is injected in served pages"
    assert "__nianbao" not in (out / REPORT_PAGE).read_text(encoding="utf-8"), "files on disk stay as `build` writes them"

    (content / "sheng/shi/xian/zhen/2016.md").write_text("## 一、概述\n\n第二版正文。\n", encoding="utf-8")
    server.wait_for(REPORT_PAGE, lambda p: "第二版正文" in p)

    (content / "sheng/shi/xian/zhen/2016.yaml").write_text(REPORT_YAML + "year: [\n", encoding="utf-8")
    broken = server.wait_for(REPORT_PAGE, lambda p: "nianbao-preview-error" in p)
    assert "第二版正文" in broken, "the last good site is still served"
    assert re.search(r"zhen/2016\.yaml:\d+:\d+: 错误", broken), "the overlay names file and line"
    assert "2016.yaml" in server.terminal()

    (content / "sheng/shi/xian/zhen/2016.yaml").write_text(REPORT_YAML, encoding="utf-8")
    (content / "sheng/shi/xian/zhen/2016.md").write_text("## 一、概述\n\n第三版正文。\n", encoding="utf-8")
    fixed = server.wait_for(REPORT_PAGE, lambda p: "第三版正文" in p)
    assert "nianbao-preview-error" not in fixed


def test_serve_status_changes_with_each_build(preview) -> None:
    server, content, _ = preview
    first = server.wait_for("__nianbao/status", lambda p: '"version"' in p)
    (content / "site.yaml").write_text("title: 改名后的门户\n", encoding="utf-8")
    server.wait_for("index.html", lambda p: "改名后的门户" in p)
    assert server.get("__nianbao/status") != first


NARRATIVE = "sheng/shi/xian/zhen/2016.md"
FAST = "已先生成改动的年报页面"
BUILT = "已生成（"


def _edit(content: Path, text: str) -> None:
    (content / NARRATIVE).write_text(f"## 一、概述\n\n{text}\n", encoding="utf-8")


def test_a_saved_narrative_shows_before_the_full_build_which_then_equals_a_clean_build(preview, tmp_path: Path) -> None:
    from conftest import run_cli
    from generator.incremental.state import state_dir
    from sites import snapshot

    server, content, out = preview
    server.wait_for(REPORT_PAGE, lambda p: "第一版正文" in p)
    server.wait_terminal(BUILT, 1)
    # while this lock is held, no build can write the site (`nianbao build` would say another is running)
    lock = os.open(state_dir(out) / "lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _edit(content, "快速通道的正文。")
        fast = server.wait_for(REPORT_PAGE, lambda p: "快速通道的正文" in p)
        assert "快速通道的正文" not in (out / REPORT_PAGE).read_text(encoding="utf-8"), "no build has written the site yet"
        assert server.lines_with(FAST) == 1
        # the full build that follows cannot write: the fast lane's page stays, the last good one, with the error over it
        failed = server.wait_for(REPORT_PAGE, lambda p: "nianbao-preview-error" in p)
        assert "快速通道的正文" in failed and "另一个 nianbao 正在生成站点" in failed
        assert served_version(failed) > served_version(fast)
    finally:
        os.close(lock)

    _edit(content, "锁放开以后的正文。")  # after a failed build, the full build alone (no fast lane)
    server.wait_for(REPORT_PAGE, lambda p: "锁放开以后的正文" in p and "nianbao-preview-error" not in p)
    assert server.lines_with(FAST) == 1

    builds = server.lines_with(BUILT)
    _edit(content, "第四版正文。")
    shown = server.wait_for(REPORT_PAGE, lambda p: "第四版正文" in p)
    server.wait_terminal(BUILT, builds + 1)
    assert server.lines_with(FAST) == 2
    assert "第四版正文" in (out / REPORT_PAGE).read_text(encoding="utf-8")
    assert server.version(REPORT_PAGE) == served_version(shown), "the full build wrote the page as shown: no second reload"
    assert server.version("index.html") > served_version(shown), "the pages the fast lane did not make reload after the full build"

    clean = tmp_path / "clean"
    built = run_cli("build", "--content", str(content), "--out", str(clean))
    assert built.code == 0, built.err
    assert snapshot(out) == snapshot(clean)


def test_a_new_report_and_a_deleted_one_go_the_full_way(preview) -> None:
    server, content, _ = preview
    server.wait_for(REPORT_PAGE, lambda p: "第一版正文" in p)
    (content / "sheng/shi/xian/zhen/2017.yaml").write_text(REPORT_YAML.replace("2016", "2017"), encoding="utf-8")
    (content / "sheng/shi/xian/zhen/2017.md").write_text("## 一、概述\n\n新的一年。\n", encoding="utf-8")
    server.wait_for("sheng/shi/xian/zhen/2017/index.html", lambda p: "新的一年" in p)
    server.wait_for("sheng/shi/xian/zhen/index.html", lambda p: "zhen/2017/index.html" in p)
    assert server.lines_with(FAST) == 0
    (content / "sheng/shi/xian/zhen/2017.yaml").unlink()
    (content / "sheng/shi/xian/zhen/2017.md").unlink()
    server.wait_for("sheng/shi/xian/zhen/index.html", lambda p: "zhen/2016/index.html" in p and "zhen/2017/index.html" not in p)
    assert server.lines_with(FAST) == 0


def test_serve_polls_when_told_to(make_content, tmp_path: Path) -> None:
    content = make_content({"sheng/shi/xian/zhen/2016.yaml": REPORT_YAML, "sheng/shi/xian/zhen/2016.md": REPORT_MD})
    proc = start_serve(content, tmp_path / "site", NIANBAO_WATCH="poll")
    try:
        server = Preview(proc)
        server.wait_for(REPORT_PAGE, lambda p: "第一版正文" in p)
        _edit(content, "轮询看到的正文。")
        server.wait_for(REPORT_PAGE, lambda p: "轮询看到的正文" in p)
    finally:
        proc.kill()
        proc.wait(timeout=WAIT)


def test_serve_refuses_a_missing_content_folder(tmp_path: Path) -> None:
    from conftest import run_cli

    result = run_cli("serve", "--content", str(tmp_path / "nowhere"), "--port", "0")
    assert result.code == 2
    assert "找不到内容目录" in result.err


@pytest.mark.browser
def test_serve_reloads_the_open_page(preview, browser) -> None:
    server, content, _ = preview
    server.wait_for(REPORT_PAGE, lambda p: "第一版正文" in p)
    page = browser.new_page()
    try:
        page.goto(server.base + REPORT_PAGE)
        assert "第一版正文" in page.inner_text("main")
        (content / "sheng/shi/xian/zhen/2016.md").write_text("## 一、概述\n\n浏览器里自动出现的正文。\n", encoding="utf-8")
        page.wait_for_function("document.body.innerText.includes('浏览器里自动出现的正文')", timeout=WAIT * 1000)
        (content / "sheng/shi/xian/zhen/2016.yaml").write_text("format: [\n", encoding="utf-8")
        page.wait_for_selector("#nianbao-preview-error", timeout=WAIT * 1000)
        assert "2016.yaml" in page.inner_text("#nianbao-preview-error")
    finally:
        page.close()


def test_serve_watches_the_theme_and_shows_template_errors(preview) -> None:
    server, content, _ = preview
    theme = content.parent / "mytheme"
    (theme / "templates").mkdir(parents=True)
    (theme / "static").mkdir()
    (theme / "static" / "style.css").write_text("body { color: #111; }\n", encoding="utf-8")
    (content / "site.yaml").write_text("title: 测试门户\ntheme: mytheme\n", encoding="utf-8")
    server.wait_for("assets/style.css", lambda p: "#111" in p)

    (theme / "static" / "style.css").write_text("body { color: #222; }\n", encoding="utf-8")
    server.wait_for("assets/style.css", lambda p: "#222" in p)

    (theme / "templates" / "home.html").write_text('{% extends "base.html" %}\n{% block main %}\n{% if %}\n{% endblock %}\n', encoding="utf-8")
    broken = server.wait_for("index.html", lambda p: "nianbao-preview-error" in p)
    assert re.search(r"home\.html:3: 模板语法错误", broken)

    (theme / "templates" / "home.html").write_text('{% extends "base.html" %}\n{% block main %}<h1>自定义首页</h1>{% endblock %}\n', encoding="utf-8")
    fixed = server.wait_for("index.html", lambda p: "自定义首页" in p)
    assert "nianbao-preview-error" not in fixed


def test_serve_says_when_the_port_is_taken(make_content) -> None:
    import socket

    from conftest import run_cli

    content = make_content({})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        result = run_cli("serve", "--content", str(content), "--port", str(taken.getsockname()[1]))
    assert result.code == 2
    assert "--port" in result.err


def test_serve_removes_its_temporary_site_when_terminated(make_content) -> None:
    content = make_content({})
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--content", str(content), "--port", "0"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env,
    )  # fmt: skip
    try:
        server = Preview(proc)
        server.wait_for("index.html", lambda p: "测试门户" in p)
        m = re.search(r"站点文件在 (.+?)；", server.terminal())
        assert m, server.terminal()
        site = Path(m.group(1))
        assert (site / "index.html").is_file()
        proc.terminate()
        proc.wait(timeout=WAIT)
        assert not site.parent.exists(), "the temporary folder is removed on SIGTERM as on Ctrl+C"
    finally:
        proc.kill()
        proc.wait(timeout=WAIT)


def _children(pid: int) -> dict[int, bytes]:
    """The live processes whose parent is `pid`, with their command lines."""
    found: dict[int, bytes] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found[int(entry.name)] = cmdline
    return found


def _gone(pids: list[int]) -> bool:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if not any(Path(f"/proc/{p}").exists() and "Z" not in _state(p) for p in pids):
            return True
        time.sleep(0.1)
    return False


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
def test_serve_builds_in_a_spawned_builder_and_ctrl_c_leaves_no_process(make_content, tmp_path: Path) -> None:
    # enough reports that a build forks its workers (from the builder, which must be allowed children)
    files = {f"sheng/shi/xian/zhen{k:02d}/{name}": text for k in range(80)
             for name, text in (("2016.yaml", REPORT_YAML), ("2016.md", REPORT_MD), ("town.yaml", f"name: 测试{k}镇\n"))}
    files.update({"sheng/shi/xian/zhen/2016.yaml": REPORT_YAML, "sheng/shi/xian/zhen/2016.md": REPORT_MD})
    content = make_content(files)
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--content", str(content), "--port", "0", "--out", str(tmp_path / "site")],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env,
    )  # fmt: skip
    try:
        server = Preview(proc)
        server.wait_for(REPORT_PAGE, lambda p: "第一版正文" in p)
        assert len(list(Path(f"/proc/{proc.pid}/task").iterdir())) > 1, "the server runs a thread beside the watcher"
        own = Path(f"/proc/{proc.pid}/cmdline").read_bytes()
        (content / "sheng/shi/xian/zhen/2016.md").write_text("## 一、概述\n\n第二版正文。\n", encoding="utf-8")
        server.wait_for(REPORT_PAGE, lambda p: "第二版正文" in p)
        children = _children(proc.pid)
        builders = [pid for pid, cmd in children.items() if b"multiprocessing" in cmd]
        assert builders, children
        # a fork of the threaded server would carry its command line: every child is a fresh interpreter
        assert all(cmd != own for cmd in children.values()), children
        grandchildren = [g for pid in builders for g in _children(pid)]
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=WAIT)
        assert _gone([*children, *grandchildren]), "the builder (and what it started) leaves with the preview"
    finally:
        proc.kill()
        proc.wait(timeout=WAIT)


# ---- the watcher, in this process ----


def _settled(watcher, expected: set[str]) -> set[str]:  # type: ignore[no-untyped-def]
    """What the watcher says changed, gathered until `expected` is among it (or WAIT runs out)."""
    seen: set[str] = set()
    deadline = time.monotonic() + WAIT
    while not expected <= seen and time.monotonic() < deadline:
        seen.update(watcher.changes(timeout=0.5))
    return seen


@pytest.fixture
def watched_tree(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    (root / "town").mkdir(parents=True)
    (root / "town" / "2016.md").write_text("第一版\n", encoding="utf-8")
    return root


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")
def test_inotify_sees_in_place_writes_rename_saves_new_folders_and_deletions(watched_tree: Path) -> None:
    from generator.preview.inotify import InotifyWatcher
    from generator.preview.watch import open_watcher

    watcher = open_watcher([watched_tree], "inotify")
    try:
        assert isinstance(watcher, InotifyWatcher)
        assert watcher.changes(timeout=0.2) == []
        narrative = watched_tree / "town" / "2016.md"
        with narrative.open("a", encoding="utf-8") as f:  # in place
            f.write("追加\n")
        assert str(narrative) in _settled(watcher, {str(narrative)})

        temp = watched_tree / "town" / ".2016.md.swp"  # an editor's save: a hidden temporary file renamed over the file
        temp.write_text("第二版\n", encoding="utf-8")
        os.replace(temp, narrative)
        seen = _settled(watcher, {str(narrative)})
        assert str(narrative) in seen and not any(".swp" in path for path in seen), seen

        made = watched_tree / "new-town" / "deeper"  # folders made, then a file in the deepest, watched as it appears
        made.mkdir(parents=True)
        (made / "2020.yaml").write_text("year: 2020\n", encoding="utf-8")
        assert str(made / "2020.yaml") in _settled(watcher, {str(made / "2020.yaml")})
        (made / "2021.yaml").write_text("year: 2021\n", encoding="utf-8")
        assert str(made / "2021.yaml") in _settled(watcher, {str(made / "2021.yaml")})

        moved_in = watched_tree.parent / "elsewhere"  # a folder moved in with its files
        moved_in.mkdir()
        (moved_in / "2019.md").write_text("搬来的\n", encoding="utf-8")
        os.rename(moved_in, watched_tree / "moved")
        assert str(watched_tree / "moved" / "2019.md") in _settled(watcher, {str(watched_tree / "moved" / "2019.md")})

        narrative.unlink()
        assert str(narrative) in _settled(watcher, {str(narrative)})
    finally:
        watcher.close()


def test_the_watcher_polls_when_told_to_or_when_inotify_is_unavailable(watched_tree: Path, monkeypatch) -> None:
    from generator.preview import inotify
    from generator.preview.watch import PollingWatcher, Unavailable, open_watcher

    def unavailable() -> None:
        raise Unavailable("the watch limit is reached")

    monkeypatch.setattr(inotify, "_libc", unavailable)
    assert isinstance(open_watcher([watched_tree]), PollingWatcher)
    with pytest.raises(Unavailable):
        open_watcher([watched_tree], "inotify")
    monkeypatch.undo()

    watcher = open_watcher([watched_tree], "poll")
    assert isinstance(watcher, PollingWatcher)
    narrative = watched_tree / "town" / "2016.md"
    narrative.write_text("改过的一版，长度也不同\n", encoding="utf-8")
    assert str(narrative) in _settled(watcher, {str(narrative)})
    (watched_tree / "town" / ".hidden").write_text("x", encoding="utf-8")
    assert watcher.changes(timeout=0.3) == []


def test_a_build_given_up_before_writing_leaves_the_site_and_its_cache_as_they_were(make_content, tmp_path: Path) -> None:
    from generator.build.pipeline import build
    from generator.incremental.cache import cache_dir
    from sites import snapshot

    content = make_content({"sheng/shi/xian/zhen/2016.yaml": REPORT_YAML, "sheng/shi/xian/zhen/2016.md": REPORT_MD})
    out = tmp_path / "site"
    assert build(content, out).written
    site, cache = snapshot(out), snapshot(cache_dir(out))
    _edit(content, "放弃的那次生成之后的正文。")
    asked: list[bool] = []
    given_up = build(content, out, keep_going=lambda: asked.append(True) or False)
    assert asked == [True] and given_up.given_up and not given_up.written
    assert snapshot(out) == site and snapshot(cache_dir(out)) == cache
    after = build(content, out)
    assert after.written and after.cache_status == "used" and not after.given_up
    assert "放弃的那次生成之后的正文" in (out / REPORT_PAGE).read_text(encoding="utf-8")
