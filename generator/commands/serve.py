"""`nianbao serve`: build, serve on 127.0.0.1, rebuild on every change and reload the open page."""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
import threading
from pathlib import Path

from generator.preview.builder import Builder
from generator.preview.rebuild import watched
from generator.preview.server import HOST, start
from generator.preview.state import BuildState
from generator.preview.watch import Unavailable, Watcher, open_watcher

HELP = "本地预览：生成站点并在本机提供访问，内容或主题改动后自动重新生成并刷新页面"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--content", default="content", help="内容目录（默认 content）")
    p.add_argument("--port", type=int, default=8000, help="端口（默认 8000；只在本机 127.0.0.1 上提供）")
    p.add_argument("--out", help="预览站点的输出目录（默认：临时目录，退出时删除）")


def run(args: argparse.Namespace) -> int:
    content = Path(args.content)
    if not content.is_dir():
        print(f"nianbao: 用法错误：找不到内容目录 {content}", file=sys.stderr)
        return 2
    scratch = None if args.out else Path(tempfile.mkdtemp(prefix="nianbao-preview-"))
    out = Path(args.out) if args.out else scratch / "site"  # type: ignore[operator]
    if _unsafe_output(content, out):
        print(f"nianbao: 用法错误：输出目录 {out} 不能是内容目录或其上级目录", file=sys.stderr)
        return 2
    state = BuildState()
    signal.signal(signal.SIGTERM, _stop)  # stopped by a process manager: clean up as for Ctrl+C
    builder: Builder | None = None
    watcher: Watcher | None = None
    try:
        builder = Builder(content, out)  # before the server's thread: builds never fork from this process
        try:
            server = start(out, args.port, state)
        except OSError as exc:
            print(f"nianbao: 无法在 {HOST}:{args.port} 上提供预览：{exc.strerror}（端口被占用时请用 --port 换一个）", file=sys.stderr)
            return 2
        watcher = open_watcher(watched(content), os.environ.get("NIANBAO_WATCH", "auto"))
        first = threading.Event()
        threading.Thread(target=_follow, args=(builder, state, out, first), name="nianbao-preview-builds", daemon=True).start()
        builder.request([])
        first.wait()
        print(f"预览地址：http://{HOST}:{server.server_address[1]}/index.html（站点文件在 {out}；按 Ctrl+C 结束）", file=sys.stderr, flush=True)
        while True:
            try:
                edits = watcher.changes(timeout=1.0)
            except Unavailable:  # inotify past its watch limit: poll from now on, and build once to catch up
                watcher.close()
                watcher = open_watcher(watched(content), "poll")
                edits = [str(root) for root in watched(content)]
            if not edits:
                continue
            print(f"检测到改动：{', '.join(edits[:3])}{' 等' if len(edits) > 3 else ''}", file=sys.stderr, flush=True)
            builder.request(edits)
            watcher.watch(watched(content))  # site.yaml may name another theme
    finally:
        if watcher is not None:
            watcher.close()
        if builder is not None:
            builder.close()
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _follow(builder: Builder, state: BuildState, out: Path, first: threading.Event) -> None:
    """Take the builder's replies as they come: show the fast lane's pages, record each build (holding
    the state's lock through a build that no fast lane came before), and say so in the terminal."""
    locked = False
    while True:
        reply = builder.replies()
        if reply[0] == "closed":
            return
        if reply[0] == "fast":
            state.show_fast(reply[1])
            if locked:  # a build given up for this save: its pages are served at once
                state.lock.release()
                locked = False
            print(f"已先生成改动的年报页面（{len(reply[1])} 个，用时 {builder.waited(latest=True):.2f} 秒），接着重新生成整个站点。", file=sys.stderr, flush=True)
            continue
        if reply[0] == "building":
            state.building()
            if not locked and not state.fast_lane_shown:
                state.lock.acquire()
                locked = True
            continue
        errors = tuple(reply[1]) if reply[0] == "done" else (reply[1],)
        status = state.record(errors, out)
        if locked:
            state.lock.release()
            locked = False
        took = builder.waited()
        builder.answered()
        if errors:
            print("\n".join(errors), file=sys.stderr)
            print(f"生成失败（第 {status.version} 次），继续提供上一次成功生成的站点。", file=sys.stderr, flush=True)
        else:
            print(f"已生成（第 {status.version} 次，用时 {took:.1f} 秒）。", file=sys.stderr, flush=True)
        first.set()
        if reply[0] == "gone":
            return


def _unsafe_output(content: Path, out: Path) -> bool:
    c, o = content.resolve(), out.resolve()
    return o == c or c.is_relative_to(o) or o.is_relative_to(c) or o == Path(o.anchor)
