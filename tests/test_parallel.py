"""run_chunks: every item once, in worker processes replaced as asked, given their input as an argument, errors passed on."""

from __future__ import annotations

import multiprocessing
import os
import threading

import pytest

from generator import parallel

pytestmark = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="workers are forked")


_BOTH_STARTED: list[object] = []  # a barrier for two workers, set by a test before it forks them
_WAITED: set[int] = set()


def _which(tag: str, start: int, stop: int) -> tuple[int, int, int, str]:
    if _BOTH_STARTED and os.getpid() not in _WAITED:  # each worker's first chunk waits for the other worker
        _WAITED.add(os.getpid())
        _BOTH_STARTED[0].wait(timeout=60)  # type: ignore[attr-defined]
    return start, stop, os.getpid(), tag


def _fails(state: None, start: int, stop: int) -> int:
    if start >= 40:
        raise ValueError(f"chunk {start}")
    return start


def _covered(results: list[tuple[int, int, int, str]]) -> list[int]:
    return sorted(i for start, stop, _, _ in results for i in range(start, stop))


def test_workers_live_through_the_run_by_default() -> None:
    # without the barrier, a fast worker may take every chunk before the other has started
    _BOTH_STARTED[:] = [multiprocessing.Barrier(2)]
    try:
        results = list(parallel.run_chunks(_which, 1000, lambda: "x", jobs=2))
    finally:
        _BOTH_STARTED.clear()
    assert _covered(results) == list(range(1000))
    pids = {pid for _, _, pid, _ in results}
    assert len(pids) == 2 and os.getpid() not in pids
    assert {tag for *_, tag in results} == {"x"}  # what setup made, in each worker


def test_workers_are_replaced_after_about_items_per_process() -> None:
    results = list(parallel.run_chunks(_which, 1000, lambda: "y", jobs=2, items_per_process=100))
    assert _covered(results) == list(range(1000))
    by_process: dict[int, int] = {}
    for start, stop, pid, _ in results:
        by_process[pid] = by_process.get(pid, 0) + stop - start
    chunk = max(stop - start for start, stop, _, _ in results)
    assert max(by_process.values()) < 100 + chunk  # a batch ends with the chunk that reaches the limit
    assert len(by_process) >= 1000 // (100 + chunk) and len(by_process) > 2 and os.getpid() not in by_process


def test_an_error_in_a_worker_reaches_the_caller_and_leaves_no_worker_behind() -> None:
    before = set(multiprocessing.active_children())
    with pytest.raises(ValueError, match="chunk"):
        list(parallel.run_chunks(_fails, 1000, lambda: None, jobs=2, items_per_process=100))
    assert set(multiprocessing.active_children()) <= before


class _Unsendable(Exception):
    def __reduce__(self):  # type: ignore[no-untyped-def]
        raise TypeError("not picklable")


def _made_once(state: list[int], start: int, stop: int) -> tuple[int, int]:
    state.append(start)  # the worker's own state: what it did before is there
    return os.getpid(), len(state)


def test_setup_runs_once_per_worker_and_its_state_is_passed_to_every_chunk() -> None:
    made: list[int] = []

    def setup() -> list[int]:
        made.append(os.getpid())
        return []

    results = list(parallel.run_chunks(_made_once, 1000, setup, jobs=2))
    assert made == []  # in the workers, not here
    by_process: dict[int, list[int]] = {}
    for pid, seen in results:
        by_process.setdefault(pid, []).append(seen)
    assert all(sorted(seen) == list(range(1, len(seen) + 1)) for seen in by_process.values())
    in_here = list(parallel.run_chunks(_made_once, 10, setup, jobs=2))  # few items: here, setup once too
    assert made == [os.getpid()] and in_here == [(os.getpid(), 1)]


def _raises_unsendable(state: None, start: int, stop: int) -> int:
    raise _Unsendable("cannot be pickled")


def _dies_in_chunk(state: None, start: int, stop: int) -> int:
    os._exit(5)


def test_a_worker_that_dies_or_raises_what_cannot_be_sent_is_an_error_here() -> None:
    with pytest.raises(parallel.WorkerFailed, match="_Unsendable: cannot be pickled"):
        list(parallel.run_chunks(_raises_unsendable, 1000, lambda: None, jobs=2))
    with pytest.raises(parallel.WorkerFailed, match="status 5"):
        list(parallel.run_chunks(_dies_in_chunk, 1000, lambda: None, jobs=2))
    assert multiprocessing.active_children() == []


def _threads(state: None, start: int, stop: int) -> int:
    return threading.active_count()


def test_the_pool_starts_no_thread() -> None:
    forks: list[int] = []
    before = threading.active_count()
    os.register_at_fork(before=lambda: forks.append(threading.active_count()))
    results = list(parallel.run_chunks(_threads, 1000, lambda: None, jobs=2, items_per_process=100))
    assert len(forks) > 2 and set(forks) == {before}  # never a thread of the pool's own alive at a fork
    assert set(results) == {1}


def _listed(path: str) -> tuple[int, list[str]]:
    return os.getpid(), sorted(os.listdir(path))


def _broken(path: str) -> None:
    raise OSError(f"cannot list {path}")


def test_beside_computes_in_another_process_and_sends_the_result(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "a").write_text("x")
    running = parallel.Beside(_listed, str(tmp_path))
    pid, names = running.result()
    assert pid != os.getpid() and names == ["a"]


def _dies(path: str) -> None:
    os._exit(3)


def test_beside_raises_what_its_process_raised_or_that_it_died() -> None:
    with pytest.raises(OSError, match="cannot list nowhere"):
        parallel.Beside(_broken, "nowhere").result()
    with pytest.raises(parallel.WorkerFailed):
        parallel.Beside(_dies, "nowhere").result()
