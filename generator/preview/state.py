"""What the preview server knows about the last build: its number and, if it failed, why."""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class Status:
    version: int
    errors: tuple[str, ...]  # "file:line: message", empty when the last build succeeded


class BuildState:
    """Shared between the rebuild loop (writer) and the request handlers (readers)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._status = Status(0, ())

    def get(self) -> Status:
        with self._lock:
            return self._status

    def record(self, errors: tuple[str, ...]) -> Status:
        with self._lock:
            self._status = Status(self._status.version + 1, errors)
            return self._status
