"""Run Pagefind (extended) over the staged report pages, one process per shard, several at a time.

Each shard's pages are hard-linked into a private input folder (copied where links are not
possible) and indexed by the extended binary shipped in the `pagefind[extended]` wheel, writing
`pagefind/<shard>/`. Processes run side by side up to `jobs`, and only as many as fit a memory
budget estimated from the page counts. A shard whose pages are byte-identical to those of the same
shard in the last good site (and whose index files are intact) is copied from there instead of being
indexed again. Any failure raises SearchIndexError before the staging folder is swapped in.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from generator.search.shards import SearchLayout, Shard

MANIFEST = "nianbao-shard.json"
# Peak memory of one indexer ≈ BASE + PER_PAGE × pages (measured in docs/search.md).
BASE_MB = 55
PER_PAGE_MB = 0.52
DEFAULT_MEMORY_MB = 1200
OPTIONS = ("--keep-index-url", "--quiet")


class SearchIndexError(Exception):
    """The search index could not be built; the message is for the publisher (Chinese)."""


@dataclass(frozen=True)
class ShardRun:
    shard: str
    pages: int
    reused: bool
    seconds: float = 0.0
    peak_mb: float = 0.0  # peak resident memory of the indexer process


def pagefind_binary() -> Path:
    """The extended Pagefind binary from the installed `pagefind_bin_extended` wheel (never a download)."""
    try:
        from pagefind_bin_extended import get_executable  # type: ignore[import-untyped]
    except ImportError as exc:
        raise SearchIndexError("未安装 pagefind[extended]（需要其中文分词版本），无法生成全文检索索引；请安装本项目的依赖") from exc
    try:
        return Path(get_executable())
    except FileNotFoundError as exc:
        raise SearchIndexError(f"pagefind[extended] 安装不完整：{exc}") from exc


def pagefind_version(binary: Path) -> str:
    proc = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=60)
    return proc.stdout.strip()


def estimate_mb(pages: int) -> float:
    return BASE_MB + PER_PAGE_MB * pages


def index(stage: Path, layout: SearchLayout, *, previous: Path | None = None, jobs: int = 0, memory_mb: int = DEFAULT_MEMORY_MB) -> list[ShardRun]:
    """Index every shard of `layout` from the pages written under `stage` into `stage/pagefind/`."""
    binary = pagefind_binary()
    version = pagefind_version(binary)
    jobs = jobs if jobs > 0 else (os.cpu_count() or 1)
    runs: list[ShardRun] = []
    todo: list[tuple[Shard, str]] = []
    for shard in layout.shards:
        digest = _digest(stage, shard, version)
        if previous is not None and _reuse(previous, stage, shard, digest):
            runs.append(ShardRun(shard.name, len(shard.urls), reused=True))
        else:
            todo.append((shard, digest))
    work = stage / ".search-input"
    try:
        runs.extend(_run_all(binary, stage, work, todo, jobs, memory_mb))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return sorted(runs, key=lambda r: r.shard)


def _digest(stage: Path, shard: Shard, version: str) -> str:
    h = hashlib.sha256(f"{version}\0{' '.join(OPTIONS)}\0".encode())
    for url in shard.urls:
        h.update(url.encode("utf-8") + b"\0" + hashlib.sha256((stage / url).read_bytes()).digest())
    return h.hexdigest()


def _reuse(previous: Path, stage: Path, shard: Shard, digest: str) -> bool:
    """Copy the shard from the last good site if it indexed the same pages and its files are intact."""
    old = previous / shard.folder
    try:
        manifest = json.loads((old / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("digest") != digest:
            return False
        files: dict[str, str] = manifest["files"]
        on_disk = {p.relative_to(old).as_posix() for p in old.rglob("*") if p.is_file()} - {MANIFEST}
        if set(files) != on_disk:
            return False
        for rel, sha in files.items():
            if hashlib.sha256((old / rel).read_bytes()).hexdigest() != sha:
                return False
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False
    shutil.copytree(old, stage / shard.folder)
    return True


def _prepare(stage: Path, work: Path, shard: Shard) -> Path:
    site = work / shard.name
    for url in shard.urls:
        target = site / url
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(stage / url, target)
        except OSError:
            shutil.copyfile(stage / url, target)
    return site


@dataclass
class _Running:
    shard: Shard
    digest: str
    proc: subprocess.Popen[bytes]
    log: Path
    started: float
    estimate: float


def _run_all(binary: Path, stage: Path, work: Path, todo: list[tuple[Shard, str]], jobs: int, memory_mb: int) -> list[ShardRun]:
    # Largest shards first, so that the long ones do not start last.
    queue = sorted(todo, key=lambda t: (-len(t[0].urls), t[0].number))
    running: list[_Running] = []
    done: list[ShardRun] = []
    try:
        while queue or running:
            while queue and len(running) < jobs:
                shard, digest = queue[0]
                need = estimate_mb(len(shard.urls))
                if running and sum(r.estimate for r in running) + need > memory_mb:
                    break
                queue.pop(0)
                running.append(_start(binary, stage, work, shard, digest, need))
            time.sleep(0.02)
            for r in list(running):
                pid, status, usage = os.wait4(r.proc.pid, os.WNOHANG)
                if pid == 0:
                    continue
                running.remove(r)
                r.proc.returncode = os.waitstatus_to_exitcode(status)
                done.append(_finish(stage, r, usage.ru_maxrss / 1024))
    finally:
        for r in running:
            r.proc.kill()
            r.proc.wait()
    return done


def _start(binary: Path, stage: Path, work: Path, shard: Shard, digest: str, estimate: float) -> _Running:
    site = _prepare(stage, work, shard)
    log = work / f"{shard.name}.log"
    out = stage / shard.folder
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            [str(binary), "--site", str(site), "--output-path", str(out), *OPTIONS],
            stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT,
        )
    return _Running(shard, digest, proc, log, time.monotonic(), estimate)


def _finish(stage: Path, r: _Running, peak_mb: float) -> ShardRun:
    out = stage / r.shard.folder
    if r.proc.returncode != 0 or not (out / "pagefind.js").is_file() or not (out / "pagefind-entry.json").is_file():
        tail = r.log.read_text(encoding="utf-8", errors="replace")[-2000:].strip()
        raise SearchIndexError(f"索引分片 {r.shard.name} 失败（Pagefind 退出码 {r.proc.returncode}）：{tail}")
    files = {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.rglob("*")) if p.is_file()}
    manifest = {"shard": r.shard.name, "digest": r.digest, "pages": list(r.shard.urls), "files": files}
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return ShardRun(r.shard.name, len(r.shard.urls), reused=False, seconds=time.monotonic() - r.started, peak_mb=peak_mb)
