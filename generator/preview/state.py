"""What the preview server knows about the last build: its number and, if it failed, why."""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class Status:
    version: int
    errors: tuple[str, ...]  # "file:line: message", empty when the last build succeeded


class BuildState:
    """Shared between the rebuild loop (writer) and the request handlers (readers).

    `lock` is held for a whole build and its recording, and by each request while it reads
    the site and the status: a page is never served from a new build with the status of the
    previous one, nor from the moment the output folder is being swapped.
    """

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._status = Status(0, ())

    def get(self) -> Status:
        with self.lock:
            return self._status

    def record(self, errors: tuple[str, ...]) -> Status:
        with self.lock:
            self._status = Status(self._status.version + 1, errors)
            return self._status
