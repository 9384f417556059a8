"""What the preview server knows about the builds: the version each page is at, the errors, the fast lane's pages.

An open page reloads when the version the server gives for it differs from the one it was
served with. A full build gives every page a new version; a fast lane (`preview.fast_lane`)
gives one only to the pages it made, which are served from memory (`overlay`) until a full
build has written the site. A page the full build wrote as the fast lane made it keeps the fast
lane's version: the page that already shows it does not reload a second time.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Mapping


@dataclass(frozen=True)
class Status:
    version: int  # of every page not in `pages`
    errors: tuple[str, ...]  # "file:line: message", empty when the last build succeeded
    pages: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))  # site-relative file -> its own version

    def of(self, page: str) -> int:
        """The version of a page (its site-relative file name)."""
        return self.pages.get(page, self.version)


class BuildState:
    """Shared between the thread that follows the builder (writer) and the request handlers (readers).

    `lock` is held for a whole build that no fast lane came before, and by each request while it
    reads the site and the status: a page is never served from a new build with the status of the
    previous one, nor from the moment the output folder is being swapped. After a fast lane the
    build runs unlocked (the last site and the fast lane's pages are served meanwhile; the
    swap is atomic on Linux), so that the reloaded page and its assets are not kept waiting.
    """

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._status = Status(0, ())
        self._counter = 0
        self._overlay: dict[str, tuple[int, bytes]] = {}  # page -> (the version the fast lane made it at, its bytes)
        self._build_from = 0  # the version when the last full build started

    def get(self) -> Status:
        with self.lock:
            return self._status

    def overlaid(self, page: str) -> bytes | None:
        """The fast lane's bytes of a page, while the site on disk is older."""
        with self.lock:
            made = self._overlay.get(page)
            return made[1] if made is not None else None

    @property
    def fast_lane_shown(self) -> bool:
        with self.lock:
            return bool(self._overlay)

    def show_fast(self, pages: Mapping[str, bytes]) -> Status:
        """The fast lane made these pages: serve them, and give them (only) a new version."""
        with self.lock:
            self._counter += 1
            self._overlay.update((page, (self._counter, data)) for page, data in pages.items())
            status = self._status
            self._status = Status(status.version, status.errors, MappingProxyType({**status.pages, **dict.fromkeys(pages, self._counter)}))
            return self._status

    def building(self) -> None:
        """A full build starts: the fast lane's pages made from now on are newer than what it writes."""
        with self.lock:
            self._build_from = self._counter

    def record(self, errors: tuple[str, ...], out: Path | None = None) -> Status:
        """A full build is over: every page gets a new version, but for the fast lane's pages that it wrote
        as they were already shown (read from `out`), and those the fast lane made while it ran (still
        served from memory). After a failed build the fast lane's pages stay served: they are the last good ones."""
        with self.lock:
            self._counter += 1
            kept: dict[str, int] = {}
            if not errors:
                for page, (made, data) in list(self._overlay.items()):
                    if made > self._build_from:
                        kept[page] = made
                        continue
                    if out is not None and _read(out / page) == data:
                        kept[page] = self._status.of(page)
                    del self._overlay[page]
            self._status = Status(self._counter, errors, MappingProxyType(kept))
            return self._status


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None
