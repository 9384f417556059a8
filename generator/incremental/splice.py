"""Writing the site-wide data files (reports.csv, indicators.csv, cells.csv, reports.json) from per-report pieces.

Each of these files is a head, one piece per report (in the site's report order, joined by a
separator), and a tail; a piece depends only on its report (and what every page shares). The
file is streamed to disk piece by piece, never held whole in memory (cells.csv is about 20 KB
per report: 200 MB at 10,000 reports). Where the last build wrote the same file and recorded
where each piece lies in it, a piece whose fingerprint is unchanged is copied from the old
file by the kernel (`os.copy_file_range`) instead of being made again, so one edited report
costs one piece, not the whole file. And where every changed report's piece turns out the same
bytes as before (a narrative edited without a figure), the file is the previous one: it is
hard-linked into the new site, not copied. The result is the same bytes either way (tests
compare with `generator.render.data_export`'s whole-file functions).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from generator.model import Report

# report key -> (piece fingerprint, offset in the file, length)
PieceIndex = dict[str, tuple[str, int, int]]
FLUSH_AT = 1 << 20


@dataclass(frozen=True)
class SplicedFile:
    head: bytes
    piece: Callable[[Report], bytes]
    separator: bytes
    tail: bytes
    whole_when_empty: Callable[[], bytes]  # the file when there is no report at all


class _Sink:
    """An unbuffered file with our own buffer, so that kernel copies land at the right place."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = bytearray()
        self.position = 0

    def write(self, data: bytes) -> None:
        self.buffer += data
        self.position += len(data)
        if len(self.buffer) >= FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        done = 0
        with memoryview(self.buffer) as view:
            while done < len(view):
                done += os.write(self.fd, view[done:])
        self.buffer.clear()

    def copy(self, source: int, offset: int, length: int) -> None:
        self.flush()
        done = 0
        while done < length:
            n = _copy_range(source, self.fd, offset + done, length - done)
            if n <= 0:
                raise OSError("short copy from the previous data file")
            done += n
        self.position += length


def _copy_range(source: int, target: int, offset: int, length: int) -> int:
    try:
        return os.copy_file_range(source, target, length, offset)
    except OSError:  # another file system, or an old kernel: copy through memory
        data = os.pread(source, min(length, FLUSH_AT), offset)
        written = os.write(target, data)
        return written


def write_spliced(
    target: Path,
    spec: SplicedFile,
    reports: list[Report],
    fingerprints: list[str],
    previous: Path | None = None,
    previous_index: PieceIndex | None = None,
) -> PieceIndex:
    """Write the file at `target` (created exclusively, never through a link); return where each piece lies.

    If the file would hold exactly the previous file's bytes, `target` is a hard link to it instead.
    """
    old_fd = -1
    if previous is not None and previous_index:
        try:
            old_fd = os.open(previous, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            old_fd = -1
    try:
        old_size = os.fstat(old_fd).st_size if old_fd >= 0 else 0
        if old_fd >= 0 and reports:
            assert previous is not None and previous_index is not None
            same = _same_bytes(spec, reports, fingerprints, old_fd, old_size, previous_index)
            if same is not None and _link(previous, target):
                return same
        return _write(target, spec, reports, fingerprints, old_fd, old_size, previous_index)
    finally:
        if old_fd >= 0:
            os.close(old_fd)


def _write(target: Path, spec: SplicedFile, reports: list[Report], fingerprints: list[str], old_fd: int, old_size: int,
           previous_index: PieceIndex | None) -> PieceIndex:
    index: PieceIndex = {}
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        sink = _Sink(fd)
        if not reports:
            sink.write(spec.whole_when_empty())
            sink.flush()
            return index
        sink.write(spec.head)
        pending: tuple[int, int] | None = None  # a run of pieces to copy from the old file: (offset, length)
        for i, (report, fp) in enumerate(zip(reports, fingerprints)):
            start = sink.position + (len(spec.separator) if i else 0) + (pending[1] if pending else 0)
            old = previous_index.get(report.key) if (old_fd >= 0 and previous_index) else None
            reusable = old is not None and old[0] == fp and old[1] + old[2] <= old_size
            # a piece that follows the pending run in the old file joins it, the separator before it
            # copied along when the old file had it there too
            if reusable and pending and i and pending[0] + pending[1] + len(spec.separator) == old[1] \
                    and (not spec.separator or os.pread(old_fd, len(spec.separator), pending[0] + pending[1]) == spec.separator):
                pending = (pending[0], pending[1] + len(spec.separator) + old[2])
            else:
                if pending:
                    sink.copy(old_fd, *pending)
                    pending = None
                if i:
                    sink.write(spec.separator)
                if reusable:
                    pending = (old[1], old[2])
                else:
                    sink.write(spec.piece(report))
            index[report.key] = (fp, start, sink.position + (pending[1] if pending else 0) - start)
        if pending:
            sink.copy(old_fd, *pending)
        sink.write(spec.tail)
        sink.flush()
        return index
    finally:
        os.close(fd)


def _same_bytes(spec: SplicedFile, reports: list[Report], fingerprints: list[str], old_fd: int, old_size: int,
                previous_index: PieceIndex) -> PieceIndex | None:
    """The new file's piece index if it would hold exactly the previous file's bytes, else None.

    So it is when the reports are the same, in the same order, and each changed report's piece
    is as before (a narrative edited without a figure changes no data file): the previous file,
    written as its index says, is then checked piece by piece only where a report changed.
    """
    if len(previous_index) != len(reports) or os.pread(old_fd, len(spec.head), 0) != spec.head:
        return None
    index: PieceIndex = {}
    position = len(spec.head)
    for i, (report, (key, old), fp) in enumerate(zip(reports, previous_index.items(), fingerprints)):
        start = position + (len(spec.separator) if i else 0)
        if key != report.key or old[1] != start:
            return None
        if old[0] != fp and os.pread(old_fd, old[2], start) != spec.piece(report):
            return None
        index[key] = (fp, start, old[2])
        position = start + old[2]
    if spec.separator and len(reports) > 1 and os.pread(old_fd, len(spec.separator), len(spec.head) + previous_index[reports[0].key][2]) != spec.separator:
        return None
    if old_size != position + len(spec.tail) or os.pread(old_fd, len(spec.tail), position) != spec.tail:
        return None
    return index


def _link(previous: Path, target: Path) -> bool:
    """Put the previous file at `target` as a hard link (nothing is written into it); False where that cannot be."""
    try:
        os.link(previous, target, follow_symlinks=False)
        return True
    except OSError:
        return False
