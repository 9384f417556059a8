"""What the indexer is given of a report page (generator/search/input.py): the part Pagefind indexes.

The promise is that Pagefind makes the same entries from it as from the whole page, so the main
test indexes both, for every report page of the default content and of a synthetic corpus in every
format, and compares the results byte for byte.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from conftest import CONTENT, run_cli
from generator.build import SearchOptions, build
from generator.formats import catalogue
from generator.search.indexer import OPTIONS, pagefind_binary
from generator.search.input import INPUT_FOLDER, indexed_document
from generator.synth import synthesise

PAGE = b"""<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>t</title><script>var a = 1 < 2;</script></head>
<body><nav><a href="/">\xe9\xa6\x96\xe9\xa1\xb5</a></nav>
<article class="report" data-pagefind-body>
<h1 data-pagefind-meta="title">Title</h1>
%s
</article>
<footer>f</footer>
</body></html>
"""


def _doc(inner: bytes) -> bytes | None:
    return indexed_document(PAGE % inner)


def _body(document: bytes) -> bytes:
    return document[document.index(b"<article"):document.index(b"</article>") + len(b"</article>")]


def test_the_document_is_the_body_element_without_ignored_parts_in_the_pages_language() -> None:
    document = _doc(b'<p>kept</p>\n<div data-pagefind-ignore><div><table><tr><td>1</td></tr></table></div></div>\n'
                    b'<section data-pagefind-ignore="all"><p>gone</p></section><img src="x.png" alt="" data-pagefind-ignore><p>after</p>')
    assert document is not None
    assert document.startswith(b'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n</head>\n<body>\n')
    assert _body(document) == (b'<article class="report" data-pagefind-body>\n<h1 data-pagefind-meta="title">Title</h1>\n'
                               b'<p>kept</p>\n\n<p>after</p>\n</article>')
    assert b"<nav>" not in document and b"<footer>" not in document and b"<script>" not in document


def test_an_ignored_element_holding_metadata_or_filters_is_kept_whole() -> None:
    inner = b'<div data-pagefind-ignore><span data-pagefind-filter="year">2021</span></div><p>x</p>'
    document = _doc(inner)
    assert document is not None and inner in document


def test_nested_elements_of_the_same_name_close_where_the_ignored_one_closes() -> None:
    document = _doc(b'<div data-pagefind-ignore><div>a</div><div><div>b</div></div></div><div>kept</div>')
    assert document is not None
    assert b"<div>kept</div>" in document and b">a<" not in document and b">b<" not in document


@pytest.mark.parametrize("inner", [
    b"<script>document.write('</article>')</script>",
    b"<!-- </article> -->",
    b"<STYLE>p{}</STYLE>",
    b"<svg><title>x</title></svg>",
    b"<div data-pagefind-ignore><p>never closed</p>",
    b"<template><p>x</p></template>",
])
def test_a_body_that_a_tag_scan_could_misread_is_left_to_pagefind(inner: bytes) -> None:
    assert _doc(inner) is None


def test_pages_without_one_body_marker_or_a_language_are_left_to_pagefind() -> None:
    assert indexed_document(b'<html lang="zh-CN"><body><p>no marker</p></body></html>') is None
    two = PAGE % b'<div data-pagefind-body>again</div>'
    assert indexed_document(two) is None
    assert indexed_document((PAGE % b"<p>x</p>").replace(b' lang="zh-CN"', b"")) is None
    assert indexed_document(b'<html lang="zh-CN"><body><p>data-pagefind-body as words</p></body></html>') is None


def _index(binary: Path, site: Path, out: Path) -> dict[str, bytes]:
    proc = subprocess.run([str(binary), "--site", str(site), "--output-path", str(out), *OPTIONS], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # filter files and the meta file that names them are written from a hash map (docs/search.md):
    # their names vary between any two runs, so the fragments and the word index are compared
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.parent.name in ("fragment", "index")}


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("searchinput")
    synthesise(root / "synth", 3, list(range(2013, 2024)), catalogue(), seed=7)  # every format in force from 2013 on
    built = []
    for name, content in (("default", CONTENT), ("synth", root / "synth")):
        out = root / f"out-{name}" / "site"
        result = run_cli("build", "--content", str(content), "--out", str(out), "--no-search")
        assert result.code == 0, result.err
        built.append(out)
    return built


def test_pagefind_makes_the_same_entries_from_the_document_as_from_the_whole_page(sites: list[Path], tmp_path: Path) -> None:
    binary = pagefind_binary()
    for site in sites:
        pages = sorted(p for p in site.rglob("index.html") if b"data-pagefind-body" in p.read_bytes())
        assert len(pages) >= 3
        whole, cut = tmp_path / site.parent.name / "whole", tmp_path / site.parent.name / "cut"
        for page in pages:
            rel = page.relative_to(site)
            (whole / rel).parent.mkdir(parents=True, exist_ok=True)
            os.link(page, whole / rel)
            document = indexed_document(page.read_bytes())
            assert document is not None, rel
            assert len(document) < page.stat().st_size
            (cut / rel).parent.mkdir(parents=True, exist_ok=True)
            (cut / rel).write_bytes(document)
        from_whole = _index(binary, whole, tmp_path / site.parent.name / "out-whole")
        from_cut = _index(binary, cut, tmp_path / site.parent.name / "out-cut")
        assert len([k for k in from_whole if k.startswith("fragment")]) == len(pages)
        assert from_cut == from_whole


def test_the_build_indexes_the_documents_the_render_workers_wrote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The indexers' input holds the cut documents (not links to the pages), and is gone after the build."""
    import generator.search.indexer as indexer

    real_start = indexer._start
    copies = tmp_path / "seen"  # the indexer may run in a forked process: what it was given is copied here

    def spy(binary, stage, work, bundle, config, estimate):  # type: ignore[no-untyped-def]
        running = real_start(binary, stage, work, bundle, config, estimate)
        for url in bundle.urls:
            (copies / url).parent.mkdir(parents=True, exist_ok=True)
            (copies / url).write_bytes((work.root / bundle.name / url).read_bytes())
        return running

    monkeypatch.setattr(indexer, "_start", spy)
    out = tmp_path / "site"
    result = build(CONTENT, out, SearchOptions(), jobs=1)
    assert result.written and result.search
    seen = {p.relative_to(copies).as_posix(): p.read_bytes() for p in copies.rglob("*") if p.is_file()}
    assert len(seen) == 3
    for url, given in seen.items():
        assert given == indexed_document((out / url).read_bytes())
    assert not list(out.rglob(INPUT_FOLDER))
