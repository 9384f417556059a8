"""run_chunks: every item once, in worker processes replaced as asked, errors passed on."""

from __future__ import annotations

import multiprocessing
import os

import pytest

from generator import parallel

pytestmark = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="workers are forked")


_BOTH_STARTED: list[object] = []  # a barrier for two workers, set by a test before it forks them
_WAITED: set[int] = set()


def _which(start: int, stop: int) -> tuple[int, int, int, str]:
    if _BOTH_STARTED and os.getpid() not in _WAITED:  # each worker's first chunk waits for the other worker
        _WAITED.add(os.getpid())
        _BOTH_STARTED[0].wait(timeout=60)  # type: ignore[attr-defined]
    return start, stop, os.getpid(), parallel.shared()["tag"]


def _fails(start: int, stop: int) -> int:
    if start >= 40:
        raise ValueError(f"chunk {start}")
    return start


def _covered(results: list[tuple[int, int, int, str]]) -> list[int]:
    return sorted(i for start, stop, _, _ in results for i in range(start, stop))


def test_workers_live_through_the_run_by_default() -> None:
    # without the barrier, a fast worker may take every chunk before the other has started
    _BOTH_STARTED[:] = [multiprocessing.Barrier(2)]
    try:
        results = list(parallel.run_chunks(_which, 1000, jobs=2, data={"tag": "x"}))
    finally:
        _BOTH_STARTED.clear()
    assert _covered(results) == list(range(1000))
    pids = {pid for _, _, pid, _ in results}
    assert len(pids) == 2 and os.getpid() not in pids
    assert {tag for *_, tag in results} == {"x"}  # what the parent published, inherited


def test_workers_are_replaced_after_about_items_per_process() -> None:
    results = list(parallel.run_chunks(_which, 1000, jobs=2, data={"tag": "y"}, items_per_process=100))
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
        list(parallel.run_chunks(_fails, 1000, jobs=2, data={}, items_per_process=100))
    assert set(multiprocessing.active_children()) <= before


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
    with pytest.raises(parallel.BesideFailed):
        parallel.Beside(_dies, "nowhere").result()
