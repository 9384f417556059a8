"""The preview's builder: one long-lived process that makes every build of a `serve` session.

`serve` runs a threaded HTTP server, and a build forks its workers (`generator.parallel`): a
fork from a process with threads copies locks that other threads may hold. So the builds run in
a process of their own, started with the "spawn" method (a fresh interpreter, no thread, no
inherited lock), which may fork freely. It lives as long as the preview and keeps between builds
what a build would otherwise read again: the imported generator, the formats, and the last
build's cache (`generator.incremental.cache.Memory`), so a save costs what it changes.

The builder ignores Ctrl+C (the terminal sends it to the whole process group): the preview
stops it by closing its end of the pipe, and waits for it to leave.
"""

from __future__ import annotations

import multiprocessing
import signal
from multiprocessing.connection import Connection
from pathlib import Path

from generator.preview.rebuild import rebuild

STOP_SECONDS = 30.0  # a build under way is let finish (its staging folder is removed by itself)


def _serve_builds(conn: Connection, content: str, out: str) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from generator.incremental.cache import Memory

    memory = Memory()
    while True:
        try:
            conn.recv()
        except (EOFError, OSError):
            return  # the preview has gone
        errors = rebuild(Path(content), Path(out), memory=memory)
        try:
            conn.send(errors)
        except OSError:
            return  # stopped while building


class Builder:
    """The builder process, as the preview talks to it: `rebuild()` returns the build's errors."""

    def __init__(self, content: Path, out: Path) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve_builds, args=(child, str(content), str(out)),
                                        name="nianbao-preview-builder")  # not a daemon: a build forks its workers
        self._process.start()
        child.close()

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def rebuild(self) -> tuple[str, ...]:
        if not self._process.is_alive():
            return ("nianbao: 预览的生成进程已退出，请重新运行 nianbao serve",)
        self._conn.send("build")
        try:
            return tuple(self._conn.recv())
        except EOFError:
            return ("nianbao: 预览的生成进程意外退出，请重新运行 nianbao serve",)

    def close(self) -> None:
        self._conn.close()
        self._process.join(STOP_SECONDS)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
