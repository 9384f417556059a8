"""Measure the search index: build time, peak memory, files and bytes, and what each query costs.

    python bench/search_index.py --towns 1000 [--jobs 2] [--work /tmp/x] [--keep]

`nianbao synth` content (towns × 2014–2023) is loaded and validated into the model, its reports
become SearchDocs, the index is written, and for a handful of queries (a rare word, common words,
a town's name, the name and a year, an eight-character phrase of one narrative, a word in no
report) it prints what the query reads (meta, postings, the first page of ten reports: files and
bytes) and its count against the brute-force truth (every report's searched text scanned).
This is not a test: its figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator.diagnostics import Diagnostics  # noqa: E402
from generator.formats import catalogue  # noqa: E402
from generator.search.buckets import doc_file  # noqa: E402
from generator.search.documents import SearchDoc, searched_text, site_docs  # noqa: E402
from generator.search.normalise import run_text, search_terms  # noqa: E402
from generator.search.reader import Index, holds  # noqa: E402
from generator.search.writer import ordered, write_index  # noqa: E402
from generator.stages.load import load  # noqa: E402
from generator.stages.validate import validate  # noqa: E402
from generator.synth import synthesise  # noqa: E402

PAGE = 10


def corpus(towns: int, work: Path) -> list[SearchDoc]:
    content = work / "content"
    if not content.exists():
        synthesise(content, towns, list(range(2014, 2024)), catalogue(), seed=1)
    diags = Diagnostics()
    cat = catalogue()
    site = validate(load(content, diags), cat, diags)
    return ordered(site_docs(site, cat))


def queries(docs: list[SearchDoc]) -> list[tuple[str, str]]:
    texts = [run_text(searched_text(d)) for d in docs]
    words: Counter[str] = Counter()
    for t in texts[:: max(1, len(texts) // 200)]:
        words.update({t[i : i + 4] for i in range(len(t) - 3) if "\x00" not in t[i : i + 4]})
    rare = next(w for w, n in sorted(words.items(), key=lambda x: (x[1], x[0])) if n == 1)
    middle = docs[len(docs) // 2]
    runs = [r for r in run_text(middle.text).split("\x00") if len(r) >= 12]
    run = runs[len(runs) // 2]  # a run from the middle of the narrative, not its heading
    phrase = run[2:10]
    return [("rare word", rare), ("common: 行政复议", "行政复议"), ("common: 公开", "公开"), ("town name", middle.town),
            ("town + year", f"{middle.town} {middle.year}"), ("8-char phrase", phrase), ("in none: 区块链", "区块链"),
            ("three terms", f"{middle.town} 行政复议 {middle.year}")]


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--towns", type=int, default=1000)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--work", type=Path, default=None, help="folder for content and index (default: a new temp folder)")
    p.add_argument("--keep", action="store_true", help="keep the work folder")
    args = p.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="nianbao-search-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        t = time.monotonic()
        docs = corpus(args.towns, work)
        print(f"reports {len(docs)}, loaded in {time.monotonic() - t:.1f} s, "
              f"narrative {sum(len(d.text) for d in docs) / max(1, len(docs)):.0f} chars on average")
        out = work / "search-data"
        t = time.monotonic()
        summary = write_index(docs, out, jobs=args.jobs)
        build = time.monotonic() - t
        peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
        print(f"index: {build:.1f} s (jobs {args.jobs}), peak memory {peak / 1024:.0f} MB (largest process), "
              f"grams {summary.grams}, buckets {summary.buckets}, big grams {summary.big}, "
              f"files {summary.files}, {summary.bytes / 1e6:.1f} MB")
        sizes = sorted((f.stat().st_size, f.name) for f in (out / "b").iterdir())
        print(f"meta.js {(out / 'meta.js').stat().st_size / 1e3:.0f} KB; bucket files {sizes[0][0] / 1e3:.0f}–{sizes[-1][0] / 1e3:.0f} KB; "
              f"largest own file {max((f.stat().st_size for f in (out / 'g').glob('*.js')), default=0) / 1e3:.0f} KB")
        index = Index(out)
        texts = [run_text(searched_text(d)) for d in docs]
        print("| query | text | files | KB | candidates | after check | truth |")
        print("|---|---|---|---|---|---|---|")
        for label, q in queries(docs):
            terms = search_terms(q)
            candidates, loaded = index.search(q)
            held = [i for i in candidates if holds(index.doc(i), terms)]
            shown = held[:PAGE]
            files = len(loaded.files) + len(shown)
            size = loaded.bytes + sum((out / doc_file(i)).stat().st_size for i in shown)
            want = sum(1 for t in texts if all(term in t for term in terms))
            print(f"| {label} | {q} | {files} | {size / 1e3:.0f} | {len(candidates)} | {len(held)} | {want} |")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
