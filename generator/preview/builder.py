"""The preview's builder: one long-lived process that makes every build of a `serve` session.

`serve` runs a threaded HTTP server, and a build forks its workers (`generator.parallel`): a
fork from a process with threads copies locks that other threads may hold. So the builds run in
a process of their own, started with the "spawn" method (a fresh interpreter, no thread, no
inherited lock), which may fork freely. It lives as long as the preview and keeps between builds
what a build would otherwise read again: the imported generator, the formats, the last build's
cache (`generator.incremental.cache.Memory`), so a save costs what it changes, and what the last
good build rendered with (`preview.fast_lane`), so the page of a report just saved is rendered
before the rest of the site.

It answers each request (the files changed) with:

- `("fast", {url: bytes})`: the changed reports' pages, when the fast lane could make them;
- `("building",)`: a full build starts;
- `("done", errors)`: that build is over (its errors, empty if it succeeded).

A change the fast lane cannot make is built here and then, one build after the other. A fast lane
is followed by a full build that brings every other page, the downloads and the search index up to
date, once no other save has come for `FULL_BUILD_AFTER` seconds; that build runs in a forked
process (`parallel.Beside`), so that a save coming meanwhile is answered by the fast lane at once.
The fast lane writes nothing, and only one build runs at a time: the builds alone write the
output. A build made here (for a change the fast lane cannot make) that finds another save come
while it plans gives up before it writes anything (`build(keep_going=...)`), and starts again
with that save too.

The builder ignores Ctrl+C (the terminal sends it to the whole process group): the preview
stops it by closing its end of the pipe, and waits for it to leave.
"""

from __future__ import annotations

import multiprocessing
import signal
import time
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from generator.incremental.cache import Memory
from generator.parallel import Beside
from generator.preview.fast_lane import FastLane
from generator.preview.rebuild import Rebuilt, rebuild

STOP_SECONDS = 30.0  # a build under way is let finish (its staging folder is removed by itself)
FULL_BUILD_AFTER = 1.0  # seconds without another save, after a fast lane, before the full build

Reply = tuple[Any, ...]


def _serve_builds(conn: Connection, replies: Connection, content: str, out: str, full_build_after: float) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    session = _Session(conn, replies, Path(content), Path(out), full_build_after)
    try:
        session.run()
    except (EOFError, OSError):
        pass  # the preview has gone (maybe while building)
    finally:
        if session.behind is not None:
            session.behind.wait()  # a build under way is let finish


class _Session:
    def __init__(self, conn: Connection, replies: Connection, content: Path, out: Path, full_build_after: float) -> None:
        self.conn, self.replies = conn, replies
        self.content, self.out = content, out
        self.full_build_after = full_build_after
        self.memory = Memory()
        self.lane = FastLane(content)
        self.behind: Beside | None = None  # the full build after fast lanes, running in a forked process
        self.due: float | None = None  # when the full build after the last fast lane is to start

    def run(self) -> None:
        while True:
            waiting: list[Any] = [self.conn] + ([self.behind.fd] if self.behind is not None else [])
            timeout = None if self.due is None or self.behind is not None else max(0.0, self.due - time.monotonic())
            ready = wait(waiting, timeout)
            if self.behind is not None and self.behind.fd in ready:
                self._finish_behind()
            elif self.conn in ready:
                self._answer(_requests(self.conn))
            elif self.due is not None and self.behind is None and time.monotonic() >= self.due:
                self.due = None
                self.replies.send(("building",))
                self.behind = Beside(_build_behind, self.content, self.out, self.memory)
                if not self.behind.pid:  # no fork on this system: it is built now, in this process
                    self._finish_behind()

    def _answer(self, changes: list[str]) -> None:
        pages = _fast(self.lane, changes)
        if pages is not None:
            self.replies.send(("fast", pages))
            self.due = time.monotonic() + self.full_build_after
            return
        self.lane.suspend()  # until the build is over, the model does not say what the files hold
        if self.behind is not None:
            self._finish_behind()  # one build at a time
        self.due = None
        while True:
            self.replies.send(("building",))
            built = _build(self.content, self.out, self.memory, self.conn)
            if not built.given_up:
                break
            _requests(self.conn)  # what came while it planned is built by the next one, which starts now
        self.lane.keep(built.setup)
        self.replies.send(("done", built.errors))

    def _finish_behind(self) -> None:
        assert self.behind is not None
        try:
            built: Rebuilt = self.behind.result()
        except Exception as exc:  # noqa: BLE001 - the forked build died: said as an error, the next save builds again
            built = Rebuilt((f"nianbao: 预览的生成过程意外结束：{exc}",), None)
        self.behind = None
        if built.errors:
            self.lane.suspend()  # (the fast lane's model is still its own: kept, but not used until a build succeeds)
        self.replies.send(("done", built.errors))


def _build(content: Path, out: Path, memory: Memory, requests: Connection | None) -> Rebuilt:
    """A full build; with `requests`, one that gives up if a request has come before it writes anything."""
    return rebuild(content, out, memory=memory, keep_going=None if requests is None else (lambda: not requests.poll()))


def _build_behind(content: Path, out: Path, memory: Memory) -> Rebuilt:
    """The full build after fast lanes, in a forked process: it does not give up for a save (the fast
    lane answers that one meanwhile), and what it rendered with is not sent back (the fast lane's
    model already holds the same reports)."""
    return _build(content, out, memory, None)._replace(setup=None)


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
