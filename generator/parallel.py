"""Running a stage's work over several processes.

Work is split into chunks of item indices (small, picklable) and given to a process pool. The
data the items refer to (sources, the model, the planned pages) is not sent: workers are forked
after the parent has it, and read it from `shared()`. Each worker runs `setup` once (to build its
Jinja environment, say). With one job, few items, or where `fork` is unavailable, the same
functions run in this process, so results cannot depend on the number of jobs.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, Callable, Iterator, TypeVar

R = TypeVar("R")
_PR_SET_PDEATHSIG = 1
MIN_ITEMS_PER_PROCESS = 32  # below this, starting processes costs more than it saves

_SHARED: dict[str, Any] = {}


def shared() -> dict[str, Any]:
    """What the parent published for this run (in a worker: inherited when it was forked)."""
    return _SHARED


def default_jobs() -> int:
    return os.cpu_count() or 1


def _die_with(parent: int) -> None:
    """In a worker: be killed when the build process dies (a SIGKILLed build leaves no workers behind)."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # it died before the line above took effect
        os._exit(1)


def _run_setup(setup: Callable[[], None] | None, parent: int = 0) -> None:
    if parent:
        _die_with(parent)
    if setup is not None:
        setup()


def run_chunks(
    task: Callable[[int, int], R],
    count: int,
    *,
    jobs: int,
    data: dict[str, Any],
    setup: Callable[[], None] | None = None,
) -> Iterator[R]:
    """`task(start, stop)` over [0, count) in chunks; results in completion order."""
    _SHARED.clear()
    _SHARED.update(data)
    if count == 0:
        return
    workers = min(max(jobs, 1), max(1, count // MIN_ITEMS_PER_PROCESS))
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        _run_setup(setup)
        step = 256
        for start in range(0, count, step):
            yield task(start, min(start + step, count))
        return
    size = max(1, min(256, count // (workers * 4)))
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_run_setup, initargs=(setup, os.getpid())) as pool:
        futures = [pool.submit(task, start, min(start + size, count)) for start in range(0, count, size)]
        for future in as_completed(futures):
            yield future.result()
