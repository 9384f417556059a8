"""Run Pagefind (extended) over the staged report pages: base shards, plus a small layer of recent edits.

Each bundle's pages are put in a private input folder, a tree per bundle, and indexed by the
extended binary shipped in the `pagefind[extended]` wheel, writing `pagefind/<name>/`. The render
workers write there the part of each report page that Pagefind indexes (`generator.search.input`)
as they write the page; a page not rendered in this build, or not cut there, is hard-linked whole
(copied where links are not possible), which gives Pagefind the same entry. Processes run side by side up to `jobs`, and only as many as fit a memory
budget estimated from the page counts.

A base shard of the last good site whose files are intact is kept: the staging folder is usually
a clone of the site (`generator.stages.clone`), whose links to the shard's files stay where they are
once each file is found as its manifest records it; otherwise the files are hard-linked in. If
some of its pages changed since it was indexed (edited, deleted, added, moved), and the changed
pages of the whole site are few (`OVERLAY_LIMIT`), the shard is kept as it is: the changed and new
pages are indexed into one small bundle, `pagefind/recent/`, and the shard's entries for pages
that are no longer as it indexed them are listed as masked in `pagefind/layers.json`, which the
search page reads. Past the limit, the shards with the most changes are indexed again in full
(their pages leave the overlay) until the overlay is down to half the limit; when the number of
shards changes, every shard with changes is. A clean build has no overlay. See docs/search.md.
Any failure raises SearchIndexError before the staging folder is swapped in.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator.search import manifest as manifests
from generator.search.input import INPUT_FOLDER
from generator.search.manifest import MANIFEST, Manifest
from generator.search.shards import FOLDER, SearchLayout
from generator.stages.write import delete_in_background

__all__ = ["MANIFEST", "LAYERS", "OVERLAY", "OVERLAY_LIMIT", "SearchIndexError", "ShardRun", "index", "pagefind_binary"]

LAYERS = f"{FOLDER}/layers.json"
OVERLAY = "recent"
# Changed pages (over the whole site) that go into the overlay rather than re-indexing their
# shards. The overlay is indexed again on every build that changes it: ≈0.3 s for one page, ≈1 s
# for 50, ≈2 s for 100 on the two-core build machine (docs/search.md).
OVERLAY_LIMIT = 50
# Peak memory of one indexer ≈ BASE + PER_PAGE × pages (measured in docs/search.md: 0.31 MB per
# report page since the official tables are not indexed; 0.35 leaves a margin).
BASE_MB = 55
PER_PAGE_MB = 0.35
DEFAULT_MEMORY_MB = 1200
OPTIONS = ("--keep-index-url", "--quiet")


class SearchIndexError(Exception):
    """The search index could not be built; the message is for the publisher (Chinese)."""


@dataclass(frozen=True)
class ShardRun:
    shard: str  # a base shard ("s3") or the overlay ("recent")
    pages: int
    reused: bool
    seconds: float = 0.0
    peak_mb: float = 0.0  # peak resident memory of the indexer process
    overlay: bool = False


@dataclass(frozen=True)
class _Bundle:
    name: str
    urls: tuple[str, ...]

    @property
    def folder(self) -> str:
        return f"{FOLDER}/{self.name}"


@dataclass
class _Base:
    """A base shard of this build and what its previous index says about its pages."""

    bundle: _Bundle
    old: Manifest | None = None
    changed: list[str] = field(default_factory=list)  # pages of the shard not as the old index has them
    stale: list[str] = field(default_factory=list)  # pages in the old index that are no longer as indexed there
    # pages whose bytes changed but whose entry in the old index is still exact: url -> [sha, entry id]
    verified: dict[str, list[str]] = field(default_factory=dict)
    # pages written again with the same bytes (a new inode, say): url -> their stamp now
    restamped: dict[str, list[int]] = field(default_factory=dict)


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


PageStamp = Callable[[str], "tuple[int, int, int] | None"]


def _no_stamps(url: str) -> None:
    return None


def index(stage: Path, layout: SearchLayout, *, previous: Path | None = None, jobs: int = 0, memory_mb: int = DEFAULT_MEMORY_MB,
          overlay_limit: int | None = None, page_stamp: PageStamp = _no_stamps) -> list[ShardRun]:
    """Index every shard of `layout` from the pages written under `stage` into `stage/pagefind/`.

    `stage/pagefind/` may hold a clone's links to the last site's index (`Staging.hand_over`):
    a base shard found intact there is kept as it is, everything else is unlinked before any
    indexer writes. `page_stamp` gives a staged page's (size, mtime_ns, inode) where the caller
    knows it (the renderer records each page it writes or keeps), sparing a `stat` per page.
    """
    overlay_limit = OVERLAY_LIMIT if overlay_limit is None else overlay_limit
    binary = pagefind_binary()
    config = hashlib.sha256(f"{pagefind_version(binary)}\0{' '.join(OPTIONS)}".encode()).hexdigest()
    jobs = jobs if jobs > 0 else (os.cpu_count() or 1)
    _clear(stage / FOLDER, {s.name for s in layout.shards} | {OVERLAY})
    old_layers = _read_layers(previous)
    verified: dict[str, list[str]] = old_layers.get("verified", {}) if isinstance(old_layers.get("verified"), dict) else {}
    bases = [_compare(stage, previous, _Bundle(s.name, s.urls), config, verified, page_stamp) for s in layout.shards]
    folded = _to_fold(bases, overlay_limit, new_count=old_layers.get("count") != layout.count)
    runs: list[ShardRun] = []
    todo: list[_Bundle] = []
    kept: list[_Base] = []
    work = _Input(stage / INPUT_FOLDER, layout.shard_of)
    early: _Running | None = None
    try:
        if previous is not None and all(b.old is not None and b.bundle.name not in folded for b in bases):
            # every shard should be kept (the usual edit): index the overlay while they are linked
            early = _start_overlay(binary, stage, work, previous, bases, config)
        for base in bases:
            reusable = base.old is not None and base.bundle.name not in folded
            if reusable and previous is not None and manifests.link_intact(base.old, previous / base.bundle.folder, stage / base.bundle.folder):  # type: ignore[arg-type]
                if base.restamped:  # record the pages' new stamps, or every later build would read them again
                    base.old = manifests.restamp(stage / base.bundle.folder, base.old, base.restamped)  # type: ignore[arg-type]
                runs.append(ShardRun(base.bundle.name, len(base.bundle.urls), reused=True))
                kept.append(base)
            else:
                todo.append(base.bundle)
        if early is not None and todo:  # a shard turned out damaged: its pages leave the overlay
            _stop(stage, early)
            early = None
        runs += [run for run, _ in _run_all(binary, stage, work, todo, config, jobs, memory_mb)]
        while True:
            overlay = _overlay(binary, stage, work, previous, kept, config, jobs, memory_mb, early)
            early = None
            stale_words = _holding_lost_words(stage, layout, kept)
            if not stale_words:
                break
            # Masking cannot hide a word from a shard's dictionary: index these shards again.
            for base in stale_words:
                kept.remove(base)
                shutil.rmtree(stage / base.bundle.folder)
            shutil.rmtree(stage / FOLDER / OVERLAY, ignore_errors=True)
            runs = [r for r in runs if r.shard not in {b.bundle.name for b in stale_words}]
            runs += [run for run, _ in _run_all(binary, stage, work, [b.bundle for b in stale_words], config, jobs, memory_mb)]
        runs += overlay
    finally:
        if early is not None:
            _stop(stage, early)
        _discard(work, stage)
    _write_layers(stage, layout, kept)
    return sorted(runs, key=lambda r: (r.overlay, r.shard))


@dataclass(frozen=True)
class _Input:
    """The indexers' input folder: `root/<bundle>/<url>` for each bundle's pages."""

    root: Path
    shard_of: Callable[[str], str]

    def prepare(self, stage: Path, bundle: _Bundle) -> Path:
        """The input tree of `bundle`, complete: what the render workers wrote for its pages, and
        links to the staged pages for the others."""
        site = self.root / bundle.name
        overlay = bundle.name == OVERLAY
        if overlay:
            shutil.rmtree(site, ignore_errors=True)  # the overlay may be indexed twice in one build
        for url in bundle.urls:
            target = site / url
            if overlay:
                written = self.root / self.shard_of(url) / url  # where the render worker put it
                source = written if written.is_file() else stage / url
            elif target.is_file():
                continue
            else:
                source = stage / url
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, target)
            except OSError:
                shutil.copyfile(source, target)
        return site


def _clear(folder: Path, bundles: set[str]) -> None:
    """Unlink whatever a clone left in `folder` but the folders of these bundles (each is kept if
    found intact, `manifests.link_intact`, or removed before it is indexed, `_start`)."""
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            if entry.name not in bundles:
                shutil.rmtree(entry.path)
        else:
            os.unlink(entry.path)


def _discard(work: _Input, stage: Path) -> None:
    """Remove the indexers' input folder: it is moved beside the staging folder and deleted in the
    background, under a name the next build also clears if this one dies first. (Deleting even the
    overlay's few folders took 0.1 s on a disk mounted with `discard`; thousands took seconds.)"""
    if not work.root.exists():
        return
    aside = stage.parent / f"{stage.name}-search-input"
    try:
        os.rename(work.root, aside)
    except OSError:
        shutil.rmtree(work.root, ignore_errors=True)
        return
    delete_in_background(aside)


def _read_layers(previous: Path | None) -> dict:  # type: ignore[type-arg]
    if previous is None:
        return {}
    try:
        raw = json.loads((previous / LAYERS).read_text(encoding="utf-8"))
        return raw if isinstance(raw, dict) else {}
    except (OSError, ValueError):
        return {}


def _compare(stage: Path, previous: Path | None, bundle: _Bundle, config: str, verified: dict[str, list[str]],
             page_stamp: PageStamp = _no_stamps) -> _Base:
    """Which pages of `bundle` differ from what its previous index holds (none known: old is None)."""
    base = _Base(bundle)
    if previous is None:
        return base
    old = manifests.read(previous / bundle.folder, bundle.name, config)
    if old is None:
        return base
    base.old = old
    urls = set(bundle.urls)
    root = os.fspath(stage)
    for url in bundle.urls:
        entry = old.pages.get(url)
        if entry is not None:
            known = page_stamp(url)
            now = list(known) if known is not None else manifests.stamp(os.stat(f"{root}/{url}"))
            if now == entry.stamp:
                continue
            sha = manifests.sha256_file(Path(f"{root}/{url}"))
            if sha == entry.sha:
                base.restamped[url] = now
                continue
            if verified.get(url) == [sha, entry.id]:  # a previous build found the entry still exact
                base.verified[url] = [sha, entry.id]
                continue
            base.stale.append(url)
        base.changed.append(url)
    base.stale += [url for url in old.pages if url not in urls]
    base.stale.sort()
    return base


def _to_fold(bases: list[_Base], limit: int, *, new_count: bool) -> set[str]:
    """The shards to index again in full although their previous index is there.

    With another shard count, every shard with a change. Past the overlay limit, the shards with
    the most changes, until the overlay is down to half the limit: a long series of edits then
    re-indexes a few shards now and then, rather than every shard at once.
    """
    differing = [b for b in bases if b.old is not None and (b.changed or b.stale)]
    if new_count:
        return {b.bundle.name for b in differing}
    left = sum(len(b.changed) for b in differing)
    if left <= limit:
        return set()
    folded: set[str] = set()
    for base in sorted(differing, key=lambda b: (-len(b.changed) - len(b.stale), b.bundle.name)):
        if left <= limit // 2:
            break
        folded.add(base.bundle.name)
        left -= len(base.changed)
    return folded


def _start_overlay(binary: Path, stage: Path, work: _Input, previous: Path, bases: list[_Base], config: str) -> _Running | None:
    """Start indexing the overlay of these shards' changed pages, unless there is none to make."""
    bundle = _overlay_bundle(bases)
    if not bundle.urls or _old_overlay(stage, previous, bundle, config) is not None:
        return None
    return _start(binary, stage, work, bundle, config, estimate_mb(len(bundle.urls)))


def _overlay_bundle(bases: list[_Base]) -> _Bundle:
    """The overlay of these shards: their changed pages."""
    return _Bundle(OVERLAY, tuple(sorted(url for base in bases for url in base.changed)))


def _old_overlay(stage: Path, previous: Path | None, bundle: _Bundle, config: str) -> Manifest | None:
    """The last site's overlay, if it indexed exactly these pages as they are now."""
    old = manifests.read(previous / bundle.folder, OVERLAY, config) if previous is not None else None
    if old is None or {u: e.sha for u, e in old.pages.items()} != {url: manifests.sha256_file(stage / url) for url in bundle.urls}:
        return None
    return old


def _stop(stage: Path, r: _Running) -> None:
    """Stop an indexer whose bundle is no longer wanted, and remove what it wrote."""
    r.proc.kill()
    r.proc.wait()
    shutil.rmtree(stage / r.bundle.folder, ignore_errors=True)


def _overlay(binary: Path, stage: Path, work: _Input, previous: Path | None, kept: list[_Base], config: str,
             jobs: int, memory_mb: int, early: _Running | None = None) -> list[ShardRun]:
    """Index the changed pages of the kept shards into pagefind/recent/ (reused if it holds exactly them).

    `early` is an indexer already started on the overlay (`_start_overlay`): it is used if it holds
    the right pages, and stopped otherwise.
    """
    while True:
        bundle = _overlay_bundle(kept)
        urls = bundle.urls
        if early is not None and early.bundle != bundle:
            _stop(stage, early)
            early = None
        if not urls:
            shutil.rmtree(stage / bundle.folder, ignore_errors=True)  # a clone's copy of the last overlay
            return []
        out = stage / bundle.folder
        old = _old_overlay(stage, previous, bundle, config) if early is None else None
        if old is not None and manifests.link_intact(old, previous / bundle.folder, out):  # type: ignore[operator]
            return [ShardRun(OVERLAY, len(urls), reused=True, overlay=True)]
        running, early = ([early] if early is not None else []), None
        [(run, made)] = _run_all(binary, stage, work, [] if running else [bundle], config, jobs, memory_mb, running)
        # A page whose new HTML differs only outside what Pagefind indexes (a link to a new
        # neighbouring year, say) has the same fragment as its shard's entry: that entry is still
        # exact. Keep it, leave the page out of the overlay, and index the overlay again without it.
        same = False
        for base in kept:
            assert base.old is not None
            for url in list(base.changed):
                entry = base.old.pages.get(url)
                if entry is not None and entry.id == made.pages[url].id:
                    base.changed.remove(url)
                    base.stale.remove(url)
                    base.verified[url] = [made.pages[url].sha, entry.id]
                    same = True
        if not same:
            return [ShardRun(run.shard, run.pages, False, run.seconds, run.peak_mb, overlay=True)]
        shutil.rmtree(out)


def _holding_lost_words(stage: Path, layout: SearchLayout, kept: list[_Base]) -> list[_Base]:
    """Kept shards whose masked entries hold a word that no live page of the site has any more.

    Such a word stays in the shard's dictionary, and Pagefind reads a query word by the words
    its dictionary holds (docs/search.md): the shard would answer a query for the lost word, or for
    a word it begins with, otherwise than a clean index. Words still on some live page are no
    harm: the search page already corrects for shards that hold different words.
    """
    with_stale = [b for b in kept if b.stale]
    if not with_stale:
        return []
    lost_here: dict[str, dict[str, int]] = {}  # shard -> word -> masked pages holding it
    for base in with_stale:
        assert base.old is not None
        counts: dict[str, int] = {}
        for page in manifests.page_words(stage / base.bundle.folder, [base.old.pages[u].id for u in base.stale]):
            for word in page:
                counts[word] = counts.get(word, 0) + 1
        lost_here[base.bundle.name] = counts
    overlay = stage / FOLDER / OVERLAY
    live: set[str] = set()
    if (overlay / "fragment").is_dir():
        for path in (overlay / "fragment").glob("*.pf_fragment"):
            live |= manifests.words(manifests.read_fragment(path))
    candidates = {w for counts in lost_here.values() for w in counts} - live
    if not candidates:
        return []
    # the shards that lost the words are the likeliest to hold them still: look there first
    for shard in sorted(layout.shards, key=lambda s: (s.name not in lost_here, s.number)):
        try:
            vocabulary = manifests.vocabulary(stage / shard.folder)
        except (OSError, ValueError):
            return with_stale  # cannot tell: index them again
        masked = lost_here.get(shard.name, {})
        candidates = {w for w in candidates if vocabulary.get(w, 0) - masked.get(w, 0) <= 0}
        if not candidates:
            return []
    return [b for b in with_stale if candidates & set(lost_here[b.bundle.name])]


def _write_layers(stage: Path, layout: SearchLayout, kept: list[_Base]) -> None:
    """pagefind/layers.json: the bundles the search page merges, and the stale entries it must hide."""
    bundles = [{"path": f"{s.folder}/", "shard": s.name} for s in layout.shards]
    if (stage / FOLDER / OVERLAY / "pagefind.js").is_file():
        bundles.append({"path": f"{FOLDER}/{OVERLAY}/", "shard": OVERLAY})
    masked = []
    for base in kept:
        assert base.old is not None
        for url in base.stale:
            entry = base.old.pages[url]
            masked.append({"id": entry.id, "shard": base.bundle.name, "filters": entry.filters})
    masked.sort(key=lambda m: (m["shard"], m["id"]))
    verified = {url: v for base in kept for url, v in base.verified.items()}
    layers = {"count": layout.count, "bundles": bundles, "masked": masked, "verified": dict(sorted(verified.items()))}
    path = stage / LAYERS
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    path.write_text(json.dumps(layers, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")


@dataclass
class _Running:
    bundle: _Bundle
    config: str
    pages: dict[str, tuple[str, list[int]]]  # url -> sha, stamp of the staged page as indexed
    proc: subprocess.Popen[bytes]
    log: Path
    started: float
    estimate: float


def _run_all(binary: Path, stage: Path, work: _Input, todo: list[_Bundle], config: str, jobs: int, memory_mb: int,
             running: list[_Running] | None = None) -> list[tuple[ShardRun, Manifest]]:
    """Index `todo`, and wait for the indexers already `running`."""
    # Largest bundles first, so that the long ones do not start last.
    queue = sorted(todo, key=lambda b: (-len(b.urls), b.name))
    running = list(running or [])
    done: list[tuple[ShardRun, Manifest]] = []

    def fill() -> None:
        while queue and len(running) < jobs:
            bundle = queue[0]
            need = estimate_mb(len(bundle.urls))
            if running and sum(r.estimate for r in running) + need > memory_mb:
                break
            queue.pop(0)
            running.append(_start(binary, stage, work, bundle, config, need))

    try:
        while queue or running:
            fill()
            time.sleep(0.01)
            ended: list[tuple[_Running, float]] = []
            for r in list(running):
                pid, status, usage = os.wait4(r.proc.pid, os.WNOHANG)
                if pid == 0:
                    continue
                running.remove(r)
                r.proc.returncode = os.waitstatus_to_exitcode(status)
                ended.append((r, usage.ru_maxrss / 1024))
            # The next indexers start before the manifests of these are written (reading a
            # shard's 1,000 fragments takes a while): meanwhile a core would have nothing to do.
            if ended:
                fill()
            for r, peak_mb in ended:
                done.append(_finish(stage, r, peak_mb))
    finally:
        for r in running:
            r.proc.kill()
            r.proc.wait()
    return done


def _start(binary: Path, stage: Path, work: _Input, bundle: _Bundle, config: str, estimate: float) -> _Running:
    pages = {}
    for url in bundle.urls:
        path = stage / url
        pages[url] = (manifests.sha256_file(path), manifests.stamp(path.stat()))
    site = work.prepare(stage, bundle)
    log = work.root / f"{bundle.name}.log"
    out = stage / bundle.folder
    shutil.rmtree(out, ignore_errors=True)  # a clone's links to the last index: never written through
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            [str(binary), "--site", str(site), "--output-path", str(out), *OPTIONS],
            stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT,
        )
    return _Running(bundle, config, pages, proc, log, time.monotonic(), estimate)


def _finish(stage: Path, r: _Running, peak_mb: float) -> tuple[ShardRun, Manifest]:
    out = stage / r.bundle.folder
    if r.proc.returncode != 0 or not (out / "pagefind.js").is_file() or not (out / "pagefind-entry.json").is_file():
        tail = r.log.read_text(encoding="utf-8", errors="replace")[-2000:].strip()
        raise SearchIndexError(f"索引分片 {r.bundle.name} 失败（Pagefind 退出码 {r.proc.returncode}）：{tail}")
    try:
        made = manifests.write(out, r.bundle.name, r.config, r.pages)
    except (OSError, ValueError) as exc:
        raise SearchIndexError(f"索引分片 {r.bundle.name} 的结果无法读取：{exc}") from exc
    run = ShardRun(r.bundle.name, len(r.bundle.urls), reused=False, seconds=time.monotonic() - r.started, peak_mb=peak_mb)
    return run, made
