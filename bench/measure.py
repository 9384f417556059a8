"""Running a command and measuring it: wall time and the peak memory of its whole process tree.

Memory is sampled from /proc every 50 ms: the proportional set size (PSS, from smaps_rollup) of
the process and all its descendants, summed, so that forked workers sharing pages are not
counted twice; where PSS cannot be read, RSS is used. `RUSAGE_CHILDREN` gives, as a cross-check,
the largest single process's peak RSS.

Reading smaps_rollup walks the process's page tables (5 ms for a 360 MB process here), and the
sampler shares the machine's two cores with what it measures. A process's PSS is never more than
its RSS (from statm, a small read), so a sample whose RSS sum is not above the peak PSS so far
cannot raise it and its PSS is not read: the same peak, at a fraction of the cost.
"""

from __future__ import annotations

import os
import resource
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.05


@dataclass
class Measured:
    wall: float
    peak_tree_mb: float
    max_single_rss_mb: float
    code: int
    stdout: str
    stderr: str


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _memory_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * _PAGE_KB
    except (OSError, ValueError, IndexError):
        return 0


def _tree(root: int) -> list[int]:
    tree = _children()
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(tree.get(pid, ()))
    return found


def tree_memory_kb(root: int, at_least: int = 0) -> int:
    """PSS of `root` and its descendants, summed; `at_least` or less if their RSS sum is not above it."""
    pids = _tree(root)
    if at_least and sum(_rss_kb(pid) for pid in pids) <= at_least:
        return at_least
    return sum(_memory_kb(pid) for pid in pids)


def run(cmd: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> Measured:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], tree_memory_kb(proc.pid, at_least=peak[0]))
            stop.wait(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    stop.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return Measured(wall, peak[0] / 1024, max(after, before) / 1024, proc.returncode, out, err)
