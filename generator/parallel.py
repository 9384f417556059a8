"""Running a stage's work over several processes.

Work is split into chunks of item indices (small, picklable) and given to a process pool. The
data the items refer to (sources, the model, the planned pages) is not sent: workers are forked
after the parent has it, and read it from `shared()`. Each worker runs `setup` once (to build its
Jinja environment, say). With one job, few items, or where `fork` is unavailable, the same
functions run in this process, so results cannot depend on the number of jobs.

A forked worker shares the parent's memory until it writes to it, and Python writes (reference
counts) to every object it reads: over a long run a worker copies the pages of all it has read,
up to the whole model. With `items_per_process`, each of the `jobs` workers is a succession of
processes, each forked afresh for a batch of about that many items and exiting after it, so that
what a process copied is given back. Batches shrink towards the end of the run (never more than
an even share of what is left), so the workers finish together.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import pickle
import signal
import sys
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, as_completed, wait
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


def _workers(count: int, jobs: int) -> int:
    return min(max(jobs, 1), max(1, count // MIN_ITEMS_PER_PROCESS))


def in_process(count: int, jobs: int) -> bool:
    """Does `run_chunks` run `count` items in this process, in order (one job, few items, or no fork)?"""
    return _workers(count, jobs) <= 1 or "fork" not in multiprocessing.get_all_start_methods()


def run_chunks(
    task: Callable[[int, int], R],
    count: int,
    *,
    jobs: int,
    data: dict[str, Any],
    setup: Callable[[], None] | None = None,
    items_per_process: int = 0,
) -> Iterator[R]:
    """`task(start, stop)` over [0, count) in chunks; results in completion order.

    `items_per_process` > 0: no worker handles many more items than that (see the module's text);
    0: the workers live through the whole run.
    """
    _SHARED.clear()
    _SHARED.update(data)
    if count == 0:
        return
    workers = _workers(count, jobs)
    if in_process(count, jobs):
        _run_setup(setup)
        step = 256
        for start in range(0, count, step):
            yield task(start, min(start + step, count))
        return
    size = max(1, min(256, count // (workers * 4)))
    context = multiprocessing.get_context("fork")
    if items_per_process <= 0:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_run_setup, initargs=(setup, os.getpid())) as pool:
            futures = [pool.submit(task, start, min(start + size, count)) for start in range(0, count, size)]
            for future in as_completed(futures):
                yield future.result()
        return
    yield from _in_batches(task, deque((start, min(start + size, count)) for start in range(0, count, size)),
                           workers, items_per_process, setup, context)


def _in_batches(task: Callable[[int, int], R], chunks: deque[tuple[int, int]], workers: int, items_per_process: int,
                setup: Callable[[], None] | None, context: Any) -> Iterator[R]:
    """`workers` one-process pools at a time, each given a batch of chunks and replaced when it has done them."""
    left = sum(stop - start for start, stop in chunks)
    live: list[tuple[ProcessPoolExecutor, set[Future[R]]]] = []
    pending: set[Future[R]] = set()

    def start_batch() -> None:
        nonlocal left
        batch = _take(chunks, min(items_per_process, -(-left // workers)))  # at most an even share of what is left
        left -= sum(stop - start for start, stop in batch)
        pool = ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_run_setup, initargs=(setup, os.getpid()))
        live.append((pool, set()))  # before submitting: shut down in `finally` whatever happens
        live[-1][1].update(pool.submit(task, start, stop) for start, stop in batch)
        pending.update(live[-1][1])

    finished = False
    try:
        while chunks and len(live) < workers:
            start_batch()
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            pending.difference_update(done)
            for pool, futures in [b for b in live if b[1].isdisjoint(pending)]:
                live.remove((pool, futures))
                pool.shutdown(wait=True)  # its batch is done: the process exits now, giving back what it copied
                if chunks:
                    start_batch()
            for future in done:
                yield future.result()
        finished = True
    finally:
        for pool, _ in live:  # on an error (or the caller stopping early), queued chunks are dropped
            pool.shutdown(wait=True, cancel_futures=not finished)


def _take(chunks: deque[tuple[int, int]], items: int) -> list[tuple[int, int]]:
    """The next chunks, at least one, up to about `items` items."""
    batch = [chunks.popleft()]
    taken = batch[0][1] - batch[0][0]
    while chunks and taken < items:
        batch.append(chunks.popleft())
        taken += batch[-1][1] - batch[-1][0]
    return batch


class Beside:
    """`fn(*args)` computed in a forked process while this one does something else.

    `result()` returns its value, or raises the exception it raised (both pickled across), or
    raises `BesideFailed` if the process died without saying. For work that holds the
    interpreter lock (a thread would not run alongside) and whose result is cheap to send
    compared with making it. Where `fork` is unavailable, `fn` runs in `result()`, here.
    """

    def __init__(self, fn: Callable[..., R], *args: Any) -> None:
        self.fn, self.args = fn, args
        self.pid = 0
        self.fd = -1
        if "fork" not in multiprocessing.get_all_start_methods():
            return
        read_end, write_end = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the forked process
            code = 1
            try:
                os.close(read_end)
                _die_with(parent)
                try:
                    payload = pickle.dumps((True, fn(*args)), protocol=pickle.HIGHEST_PROTOCOL)
                except Exception as exc:  # noqa: BLE001 - raised again in the parent by result()
                    try:
                        payload = pickle.dumps((False, exc), protocol=pickle.HIGHEST_PROTOCOL)
                    except Exception:  # noqa: BLE001 - an exception that cannot be pickled
                        payload = pickle.dumps((False, BesideFailed(f"{type(exc).__name__}: {exc}")))
                with os.fdopen(write_end, "wb") as sink:
                    sink.write(payload)
                code = 0
            finally:
                os._exit(code)  # never return into the caller (or a test runner) in a child
        os.close(write_end)
        self.pid, self.fd = pid, read_end

    def result(self) -> Any:
        if not self.pid:
            return self.fn(*self.args)
        try:
            with os.fdopen(self.fd, "rb") as source:
                payload = source.read()
        finally:
            _, status = os.waitpid(self.pid, 0)
            self.pid = 0
        if os.waitstatus_to_exitcode(status) != 0 or not payload:
            raise BesideFailed(f"the process computing {getattr(self.fn, '__name__', self.fn)} ended with status {status}")
        ok, value = pickle.loads(payload)
        if not ok:
            raise value
        return value

    def wait(self) -> None:
        """Wait for the process to end, whatever it found (after an error elsewhere, say); where
        nothing was forked, nothing is computed either."""
        if not self.pid:
            return
        try:
            self.result()
        except Exception:  # noqa: BLE001 - the caller is already handling another error
            pass


class BesideFailed(Exception):
    """The process of a `Beside` ended without a result."""
