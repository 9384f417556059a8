"""The preview's builder: one long-lived process that makes every build of a `serve` session.

`serve` runs a threaded HTTP server, and a build forks its workers (`generator.parallel`): a
fork from a process with threads copies locks that other threads may hold. So the builds run in
a process of their own, started with the "spawn" method (a fresh interpreter, no thread, no
inherited lock), which may fork freely. It lives as long as the preview and keeps between builds
what a build would otherwise read again: the imported generator, the formats, the last build's
cache (`generator.incremental.cache.Memory`), so a save costs what it changes, and what the last
good build rendered with (`preview.fast_lane`), so the page of a report just saved is rendered
before the rest of the site.

It answers each request (the files changed) with, in order:

- `("fast", {url: bytes})`: the changed reports' pages, when the fast lane could make them;
- `("building",)`: the full build starts (after a fast lane, once no other save has come for
  `FULL_BUILD_AFTER` seconds: a save that comes meanwhile is answered by the fast lane first). A
  save that comes while the build plans makes it give up before it writes anything
  (`build(keep_going=...)`): that save is answered first, and the build starts again;
- `("done", errors)`: the full build is over (its errors, empty if it succeeded).

The fast lane writes nothing and runs only between full builds, so one process alone writes the
output, one build at a time. The builder ignores Ctrl+C (the terminal sends it to the whole
process group): the preview stops it by closing its end of the pipe, and waits for it to leave.
"""

from __future__ import annotations

import multiprocessing
import signal
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from generator.preview.fast_lane import FastLane
from generator.preview.rebuild import rebuild

STOP_SECONDS = 30.0  # a build under way is let finish (its staging folder is removed by itself)
FULL_BUILD_AFTER = 1.0  # seconds without another save, after a fast lane, before the full build

Reply = tuple[Any, ...]


def _serve_builds(conn: Connection, replies: Connection, content: str, out: str, full_build_after: float) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from generator.incremental.cache import Memory

    memory = Memory()
    lane = FastLane(Path(content))
    try:
        while True:
            changes = _requests(conn)
            while True:
                while (pages := _fast(lane, changes)) is not None:
                    replies.send(("fast", pages))
                    if not conn.poll(full_build_after):
                        break
                    changes = _requests(conn)
                if pages is None:
                    lane.suspend()  # until this build is over, the model does not say what the files hold
                replies.send(("building",))
                built = rebuild(Path(content), Path(out), memory=memory, keep_going=lambda: not conn.poll())
                if not built.given_up:
                    break
                changes = _requests(conn)  # a save came while it planned: that one first, then the build anew
            lane.keep(built.setup)
            replies.send(("done", built.errors))
    except (EOFError, OSError):
        return  # the preview has gone (maybe while building)


def _requests(conn: Connection) -> list[str]:
    """The files changed, from every request waiting (at least one)."""
    changes = list(conn.recv())
    while conn.poll():
        changes += conn.recv()
    return changes


def _fast(lane: FastLane, changes: list[str]) -> dict[str, bytes] | None:
    try:
        return lane.pages(changes)
    except Exception:  # noqa: BLE001 - whatever fails here, the full build that follows reports it
        return None


class Builder:
    """The builder process, as the preview talks to it: `request` a build, read its `replies`."""

    def __init__(self, content: Path, out: Path, full_build_after: float = FULL_BUILD_AFTER) -> None:
        context = multiprocessing.get_context("spawn")
        # one pipe each way: closing the requests' end (`close`) ends the builder, whose leaving ends
        # the replies (a thread may be reading them meanwhile)
        requests, self._conn = context.Pipe(duplex=False)
        self._replies, replies = context.Pipe(duplex=False)
        self._process = context.Process(target=_serve_builds, args=(requests, replies, str(content), str(out), full_build_after),
                                        name="nianbao-preview-builder")  # not a daemon: a build forks its workers
        self._process.start()
        requests.close()
        replies.close()
        self._closing = False
        self._since: float | None = None
        self._last: float | None = None  # when the first request not yet answered by a full build was sent

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def request(self, changes: list[str]) -> None:
        """Ask for a build after these changes ([]: whatever changed); the replies come in `replies`."""
        self._last = time.monotonic()
        if self._since is None:
            self._since = self._last
        try:
            self._conn.send(changes)
        except OSError:
            pass  # the builder has gone: `replies` says so

    def waited(self, *, latest: bool = False) -> float:
        """Seconds since the first request that no full build has answered yet (or since the latest request)."""
        since = self._last if latest else self._since
        return time.monotonic() - since if since is not None else 0.0

    def answered(self) -> None:
        """A full build is over: the requests sent so far are answered."""
        self._since = None

    def replies(self) -> Reply:
        """The next reply (blocking); ("gone", message) when the builder has left, ("closed",) once stopped by `close`."""
        try:
            return tuple(self._replies.recv())
        except (EOFError, OSError):
            if self._closing:
                return ("closed",)
            if not self._process.is_alive():
                return ("gone", "nianbao: 预览的生成进程已退出，请重新运行 nianbao serve")
            return ("gone", "nianbao: 预览的生成进程意外退出，请重新运行 nianbao serve")

    def close(self) -> None:
        self._closing = True
        self._conn.close()
        self._process.join(STOP_SECONDS)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
