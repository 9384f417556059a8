"""Running a stage's work over several processes.

Work is split into chunks of item indices (small, picklable) and sent to worker processes; what
the items refer to (sources, the model, the planned pages) is an argument of the run, `setup`, a
callable that makes a worker's state, and each chunk is done as `task(state, start, stop)`. The
workers are forked (`multiprocessing`'s fork context, with `setup` as the argument of their
process): `setup` and the data it holds are inherited, not pickled, so 30,000 planned pages cost
nothing to hand over. A worker calls `setup()` once (to build its Jinja environment, say). With one
job, few items, or where `fork` is unavailable, the same functions run in this process, so results
cannot depend on the number of jobs.

The pool starts no thread: the parent sends each worker its next chunk over a pipe and waits on
the pipes, so nothing is ever forked from a process that runs threads of this module.

A forked worker shares the parent's memory until it writes to it, and Python writes (reference
counts) to every object it reads: over a long run a worker copies the pages of all it has read,
up to the whole model. With `items_per_process`, each of the `jobs` workers is a succession of
processes, each retired once it was sent about that many items and replaced by a fresh fork, so
that what a process copied is given back.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import pickle
import signal
import sys
from collections import deque
from collections.abc import Iterator
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Generic, TypeVar

R = TypeVar("R")
S = TypeVar("S")
_PR_SET_PDEATHSIG = 1
MIN_ITEMS_PER_PROCESS = 32  # below this, starting processes costs more than it saves
AHEAD = 2  # chunks sent to a worker before its first result is back: it never waits for the parent


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


def _workers(count: int, jobs: int) -> int:
    return min(max(jobs, 1), max(1, count // MIN_ITEMS_PER_PROCESS))


def in_process(count: int, jobs: int) -> bool:
    """Does `run_chunks` run `count` items in this process, in order (one job, few items, or no fork)?"""
    return _workers(count, jobs) <= 1 or "fork" not in multiprocessing.get_all_start_methods()


def run_chunks(
    task: Callable[[S, int, int], R],
    count: int,
    setup: Callable[[], S],
    *,
    jobs: int,
    items_per_process: int = 0,
    chunk_size: int = 0,
) -> Iterator[R]:
    """`task(setup(), start, stop)` over [0, count) in chunks; results in completion order.

    `chunk_size` > 0: the items of a chunk (the last may have fewer); 0: chosen from the count.

    `items_per_process` > 0: no worker handles many more items than that (see the module's text);
    0: the workers live through the whole run.
    """
    if count == 0:
        return
    if in_process(count, jobs):
        state = setup()
        step = chunk_size or 256
        for start in range(0, count, step):
            yield task(state, start, min(start + step, count))
        return
    workers = _workers(count, jobs)
    size = chunk_size or max(1, min(256, count // (workers * 4)))
    chunks = deque((start, min(start + size, count)) for start in range(0, count, size))
    budget = items_per_process if items_per_process > 0 else count
    live: list[_Worker[S, R]] = []
    try:
        while chunks and len(live) < workers:
            live.append(_Worker(task, setup, budget))
        for worker in live:
            worker.feed(chunks)
        while live:
            for conn in wait([w.conn for w in live]):
                worker = next(w for w in live if w.conn is conn)
                result = worker.receive()
                worker.feed(chunks)
                if worker.waiting == 0:  # its budget is spent, or there is nothing left to send
                    live.remove(worker)
                    worker.stop()  # its share is done: the process exits now, giving back what it copied
                    if chunks:
                        live.append(fresh := _Worker(task, setup, budget))
                        fresh.feed(chunks)
                yield result
    finally:
        for worker in live:  # on an error (or the caller stopping early): what is still queued is dropped
            worker.kill()


class _Worker(Generic[S, R]):
    """One forked process doing the chunks it is sent, `budget` items at most (the last chunk may pass it)."""

    def __init__(self, task: Callable[[S, int, int], R], setup: Callable[[], S], budget: int) -> None:
        self.conn, theirs = multiprocessing.Pipe()
        self.process = multiprocessing.get_context("fork").Process(
            target=_work, args=(task, setup, theirs, os.getpid()), name="nianbao-worker", daemon=True)
        self.process.start()
        theirs.close()
        self.budget = budget
        self.sent = 0  # items
        self.waiting = 0  # chunks sent, result not yet received

    def feed(self, chunks: deque[tuple[int, int]]) -> None:
        """Send chunks until `AHEAD` are outstanding or the budget is spent."""
        while chunks and self.waiting < AHEAD and self.sent < self.budget:
            start, stop = chunks.popleft()
            self.conn.send((start, stop))
            self.sent += stop - start
            self.waiting += 1

    def receive(self) -> R:
        try:
            ok, value = self.conn.recv()
        except (EOFError, ConnectionError):  # it died: the pipe closed, with chunks it had not read
            raise WorkerFailed(f"a worker ended with status {self._ended()}") from None
        self.waiting -= 1
        if not ok:
            raise value
        return value  # type: ignore[no-any-return]

    def stop(self) -> None:
        self.conn.send(None)
        self.conn.close()
        self.process.join()

    def kill(self) -> None:
        self.conn.close()
        self.process.kill()
        self.process.join()

    def _ended(self) -> int | None:
        self.process.join(timeout=5)
        return self.process.exitcode


def _work(task: Callable[[S, int, int], R], setup: Callable[[], S], conn: Connection, parent: int) -> None:
    """A worker's life: its state made once, then each chunk it is sent, until told to stop."""
    _die_with(parent)
    try:
        state = setup()
    except Exception as exc:  # noqa: BLE001 - sent back with the first chunk's result
        conn.recv()
        _send(conn, (False, exc))
        return
    while (chunk := conn.recv()) is not None:
        start, stop = chunk
        try:
            outcome: tuple[bool, Any] = (True, task(state, start, stop))
        except Exception as exc:  # noqa: BLE001 - raised again in the parent
            outcome = (False, exc)
        _send(conn, outcome)
        if not outcome[0]:
            return


def _send(conn: Connection, outcome: tuple[bool, Any]) -> None:
    conn.send_bytes(_pickled(outcome))


def _pickled(outcome: tuple[bool, Any]) -> bytes:
    """A result or an exception, pickled; an exception that cannot be pickled as a `WorkerFailed` saying what it was."""
    try:
        return pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001
        if outcome[0]:
            raise
        exc = outcome[1]
        return pickle.dumps((False, WorkerFailed(f"{type(exc).__name__}: {exc}")), protocol=pickle.HIGHEST_PROTOCOL)


class WorkerFailed(Exception):
    """A worker process ended without a result (or raised something that cannot be sent)."""


class Beside:
    """`fn(*args)` computed in a forked process while this one does something else.

    `result()` returns its value, or raises the exception it raised (both pickled across), or
    raises `WorkerFailed` if the process died without saying. For work that holds the
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
                    outcome: tuple[bool, Any] = (True, fn(*args))
                except Exception as exc:  # noqa: BLE001 - raised again in the parent by result()
                    outcome = (False, exc)
                payload = _pickled(outcome)
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
            raise WorkerFailed(f"the process computing {getattr(self.fn, '__name__', self.fn)} ended with status {status}")
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
