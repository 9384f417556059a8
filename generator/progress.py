"""What a long build tells the person waiting: a progress line on a terminal, and time per stage."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from typing import Iterator, TextIO

PROGRESS_FROM = 300  # builds with fewer pages than this finish before a progress line would help


class Timings:
    """Wall time per named stage, in the order the stages ran."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start

    def describe(self) -> str:
        names = {"snapshot": "核对", "load": "读取", "validate": "校验", "plan": "规划", "render": "渲染", "index": "索引", "write": "写出"}
        return "，".join(f"{names.get(k, k)} {v:.2f} 秒" for k, v in self.seconds.items())


class Progress:
    """`label n/total` redrawn in place on a terminal, at most a few times a second; silent otherwise."""

    def __init__(self, stream: TextIO | None = None, *, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._last = 0.0
        self._shown = False

    def update(self, label: str, done: int, total: int) -> None:
        if not self.enabled or total < PROGRESS_FROM:
            return
        now = time.monotonic()
        if done < total and now - self._last < 0.2:
            return
        self._last = now
        self.stream.write(f"\r{label} {done}/{total}（{done * 100 // max(total, 1)}%）")
        self.stream.flush()
        self._shown = True

    def done(self) -> None:
        if self._shown:
            self.stream.write("\n")
            self.stream.flush()
            self._shown = False
