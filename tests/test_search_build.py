"""The search stage without a browser: shard layout, what the indexer writes, reuse, failure, markup."""

from __future__ import annotations

import json
import shutil
import stat
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import CONTENT, run_cli
from generator.build import SearchOptions, build
from generator.cache import cache_dir
from generator.search import indexer
from generator.search.indexer import LAYERS, MANIFEST, SearchIndexError, pagefind_binary
from generator.search.manifest import fragments, load as load_manifest, stamp
from generator.search.shards import jump_hash, layout, shard_count, town_key
from search_edits import JICHANG, JICHANG_NEW, LOST_WORD, YANGJUN, YANGJUN_DELETED, edit_delete_add, lose_a_word, prepare

YANGTING = "shandong/weihai/huancui/yangting/2021/index.html"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


# --- shard layout -------------------------------------------------------------------------------

def test_jump_hash_is_balanced_and_moves_few_towns_when_growing() -> None:
    keys = [town_key(f"sheng/shi/xian/zhen{i}") for i in range(4000)]
    sizes = Counter(jump_hash(k, 8) for k in keys)
    assert set(sizes) == set(range(8))
    assert max(sizes.values()) < 1.2 * 4000 / 8
    moved = sum(jump_hash(k, 8) != jump_hash(k, 9) for k in keys)
    assert moved < 4000 * 1.5 / 9  # about 1/9 of the towns move to the new shard, none elsewhere
    assert all(jump_hash(k, 9) in (jump_hash(k, 8), 8) for k in keys)


def test_layout_keeps_a_town_together_and_does_not_depend_on_order() -> None:
    pages = [(f"a/t{i}", f"a/t{i}/{y}/index.html") for i in range(50) for y in (2019, 2020, 2021)]
    one = layout(pages, 4)
    assert one == layout(list(reversed(pages)), 4)
    for shard in one.shards:
        assert list(shard.urls) == sorted(shard.urls)
    towns = {url.rsplit("/", 2)[0]: one.shard_of(url) for url in (u for _, u in pages)}
    assert all(one.shard_of(f"{town}/2019/index.html") == name for town, name in towns.items())
    assert one.pages == 150 and len(one.shards) == 4


def test_shard_count_follows_the_page_count() -> None:
    assert shard_count(0) == 1
    assert shard_count(1000) == 1
    assert shard_count(1001) == 2
    assert shard_count(10_000) == 10
    assert shard_count(10, pages_per_shard=3) == 4


def test_the_extended_binary_comes_from_the_installed_wheel() -> None:
    binary = pagefind_binary()
    assert binary.name == "pagefind_extended"
    assert "pagefind_bin_extended" in binary.parts


# --- the build ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sharded_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("searchbuild") / "site"
    result = run_cli("build", "--content", str(CONTENT), "--out", str(out), "--search-shards", "8")
    assert result.code == 0, result.err
    return out


def test_each_shard_indexes_its_own_pages(sharded_site: Path) -> None:
    folders = sorted(p for p in (sharded_site / "pagefind").iterdir() if p.is_dir())
    assert [f.name for f in folders] == ["s0", "s2", "s6"]
    indexed: list[str] = []
    for folder in folders:
        manifest = load_manifest(folder)
        assert manifest["shard"] == folder.name
        indexed += manifest["pages"]
        assert len(list((folder / "fragment").iterdir())) == len(manifest["pages"])
        assert (folder / "pagefind.js").is_file() and list(folder.glob("pagefind.zh-cn_*.pf_meta"))
    assert sorted(indexed) == sorted(str(p.relative_to(sharded_site)) for p in sharded_site.rglob("20*/index.html") if not p.relative_to(sharded_site).parts[0] == "years")
    assert not list(sharded_site.rglob(".search-input"))


def test_the_manifest_knows_each_pages_result_id_and_filters(sharded_site: Path) -> None:
    manifest = load_manifest(sharded_site / "pagefind" / "s2")
    entry = manifest["pages"][JICHANG]
    [fragment] = (sharded_site / "pagefind" / "s2" / "fragment").iterdir()
    assert entry["id"] == fragment.name.removesuffix(".pf_fragment")
    assert entry["filters"] == {"format": ["2008年版格式"], "region": ["吉林市", "吉林省", "磐石市"], "town": ["磐石市吉昌镇"], "year": ["2016"]}
    assert entry["stamp"] == [(sharded_site / JICHANG).stat().st_size, (sharded_site / JICHANG).stat().st_mtime_ns, (sharded_site / JICHANG).stat().st_ino]


def test_the_search_page_reads_the_bundles_from_layers_json_and_speaks_chinese(sharded_site: Path) -> None:
    page = soup(sharded_site / "search" / "index.html")
    assert page.html["lang"] == "zh-CN"
    form = page.find("form", id="search-form")
    assert not form.has_attr("data-bundles")  # the page does not change with the index layout
    layers = json.loads((sharded_site / LAYERS).read_text(encoding="utf-8"))
    assert layers["bundles"] == [{"path": f"pagefind/{s}/", "shard": s} for s in ("s0", "s2", "s6")]
    assert layers["masked"] == [] and layers["count"] == 8
    assert form["data-root"] == "../"
    assert page.find("input", attrs={"name": "q"}) is not None
    script = page.find("script", attrs={"type": "module"})
    assert script["src"] == "../assets/search.js" and (sharded_site / "assets" / "search.js").is_file()
    assert "需要启用浏览器的 JavaScript" in page.find("noscript").get_text()
    for tag in page.find_all(["script", "link", "img"]):
        assert not (tag.get("src") or tag.get("href") or "").startswith(("http:", "https:", "//"))


def test_every_page_has_a_search_box_that_submits_to_the_search_page(sharded_site: Path) -> None:
    for path, action in ((sharded_site / "index.html", "search/index.html"), (sharded_site / YANGTING, "../../../../../search/index.html")):
        form = soup(path).find("form", attrs={"role": "search"})
        assert form["action"] == action and form.get("method", "get") == "get"
        assert form.find("input", attrs={"name": "q"}) is not None


def test_the_report_body_carries_filters_meta_and_sort(sharded_site: Path) -> None:
    page = soup(sharded_site / YANGTING)
    assert page.html["lang"] == "zh-CN"
    bodies = page.find_all(attrs={"data-pagefind-body": True})
    assert [b.name for b in bodies] == ["article"]
    article = bodies[0]
    filters = sorted(tag["data-pagefind-filter"] if ":" in tag["data-pagefind-filter"] else f'{tag["data-pagefind-filter"]}:{tag.get_text()}'
                     for tag in page.find_all(attrs={"data-pagefind-filter": True}))
    # no shard: the shards are tagged in the browser (Pagefind's mergeFilter), so pages do not depend on the layout
    assert filters == sorted(["format:2019年版格式", "region:山东省", "region:威海市", "region:环翠区", "town:环翠区羊亭镇", "year:2021"])
    assert all(article in tag.parents for tag in page.find_all(attrs={"data-pagefind-filter": True}))
    assert article.find(attrs={"data-pagefind-sort": True})["data-pagefind-sort"] == "year:2021"
    assert article.find("h1")["data-pagefind-meta"] == "title"
    notes = article.find("section", class_="notes")
    assert notes is not None and notes.has_attr("data-pagefind-ignore")


def test_without_search_there_is_no_index_and_the_search_page_says_so(built_default: Path) -> None:
    assert not (built_default / "pagefind").exists()
    page = soup(built_default / "search" / "index.html")
    assert page.find("script", attrs={"type": "module"}) is None
    assert "未建立全文检索索引" in page.get_text()
    assert page.find(attrs={"data-pagefind-filter": "shard:s0"}) is None


# --- rebuilds and failures ---------------------------------------------------------------------

def _inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def _layers(out: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((out / LAYERS).read_text(encoding="utf-8"))


def _runs(result) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    return {r.shard: r.reused for r in result.search}


def test_an_edit_goes_into_the_overlay_and_the_shards_are_linked(default_content: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    prepare(default_content)
    first = build(default_content, out, SearchOptions(shards=8))
    assert _runs(first) == {"s0": False, "s2": False, "s6": False}
    before = {s: _inodes(out / "pagefind" / s) for s in ("s0", "s2", "s6")}
    old = {s: load_manifest(out / "pagefind" / s)["pages"] for s in ("s0", "s6")}

    edit_delete_add(default_content)
    second = build(default_content, out, SearchOptions(shards=8))
    assert _runs(second) == {"s0": True, "s2": True, "s6": True, "recent": False}
    assert [r.shard for r in second.search if r.overlay] == ["recent"]
    for s in ("s0", "s2", "s6"):
        assert _inodes(out / "pagefind" / s) == before[s]  # hard links of the previous site's files
    overlay = out / "pagefind" / "recent"
    # exactly the changed pages: the edited and the added report. 吉昌镇 2016 and 羊郡镇 2016 only
    # changed their links to the next year, outside what is indexed: their shards' entries stay,
    # found identical by their fragments.
    assert sorted(fragments(overlay)) == sorted([JICHANG_NEW, YANGTING])
    layers = _layers(out)
    assert layers["bundles"] == [{"path": f"pagefind/{s}/", "shard": s} for s in ("s0", "s2", "s6", "recent")]
    assert layers["masked"] == [  # the deleted report and the old version of the edited one
        {"id": old["s0"][YANGJUN_DELETED]["id"], "shard": "s0", "filters": old["s0"][YANGJUN_DELETED]["filters"]},
        {"id": old["s6"][YANGTING]["id"], "shard": "s6", "filters": old["s6"][YANGTING]["filters"]},
    ]
    assert sorted(layers["verified"]) == [JICHANG, YANGJUN]

    # Nothing changed: nothing is written at all, the overlay stays as it is, the same layers.
    overlay_inodes = _inodes(overlay)
    third = build(default_content, out, SearchOptions(shards=8))
    assert _runs(third) == {} and third.rendered.written == []
    assert _inodes(out / "pagefind" / "recent") == overlay_inodes and _layers(out) == layers
    # A page touched by hand: the site is written again, every bundle (the overlay too) linked.
    (out / "404.html").write_text("x", encoding="utf-8")
    fourth = build(default_content, out, SearchOptions(shards=8))
    assert _runs(fourth) == {"s0": True, "s2": True, "s6": True, "recent": True}
    assert _inodes(out / "pagefind" / "recent") == overlay_inodes and _layers(out) == layers

    # Deleting the added report: the overlay is rebuilt from what differs, without it.
    for ext in ("yaml", "md"):
        (default_content / f"jilin/jilinshi/panshi/jichang/2017.{ext}").unlink()
    fourth = build(default_content, out, SearchOptions(shards=8))
    assert _runs(fourth) == {"s0": True, "s2": True, "s6": True, "recent": False}
    assert sorted(fragments(out / "pagefind" / "recent")) == [YANGTING]
    assert JICHANG not in _layers(out)["verified"]  # back to the bytes s2 indexed


def test_an_edit_that_removes_a_word_from_the_whole_site_reindexes_its_shard(default_content: Path, tmp_path: Path) -> None:
    """Masking hides an entry, not its words from the shard's dictionary, which decides how the shard
    reads a query: a word left only in masked entries would change answers, so the shard is indexed again."""
    out = tmp_path / "site"
    build(default_content, out, SearchOptions(shards=8))
    lose_a_word(default_content)
    rebuilt = build(default_content, out, SearchOptions(shards=8))
    assert _runs(rebuilt) == {"s0": True, "s2": True, "s6": False}
    assert not (out / "pagefind" / "recent").exists() and _layers(out)["masked"] == []
    assert LOST_WORD not in json.loads((out / "pagefind" / "s6" / "nianbao-words.json").read_text(encoding="utf-8"))


def test_too_many_changes_or_a_new_shard_count_fold_the_overlay_back(default_content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    prepare(default_content)
    build(default_content, out, SearchOptions(shards=8))
    edit_delete_add(default_content)
    monkeypatch.setattr(indexer, "OVERLAY_LIMIT", 1)  # two changed pages: past the limit
    folded = build(default_content, out, SearchOptions(shards=8))
    assert _runs(folded) == {"s0": False, "s2": False, "s6": False}  # the shards with changes, indexed again in full
    assert not (out / "pagefind" / "recent").exists()
    assert _layers(out)["masked"] == [] and len(_layers(out)["bundles"]) == 3
    monkeypatch.setattr(indexer, "OVERLAY_LIMIT", 50)
    narrative = default_content / "shandong/weihai/huancui/yangting/2021.md"
    narrative.write_text(narrative.read_text(encoding="utf-8") + "\n本段为测试而加。\n", encoding="utf-8")
    assert _runs(build(default_content, out, SearchOptions(shards=8))) == {"s0": True, "s2": True, "s6": True, "recent": False}
    # another shard count: shards whose pages changed are indexed again, no overlay
    regrown = build(default_content, out, SearchOptions(shards=9))
    assert not (out / "pagefind" / "recent").exists() and _layers(out)["count"] == 9
    assert _layers(out)["masked"] == []
    assert not [r for r in regrown.search if r.overlay]


def test_pages_do_not_depend_on_the_search_layout(default_content: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(default_content, out, SearchOptions(shards=1))
    again = build(default_content, out, SearchOptions(shards=8))
    assert again.rendered.written == [] and len(again.rendered.unchanged) > 30


def test_pages_written_again_with_the_same_bytes_get_new_stamps_in_the_kept_manifests(default_content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    build(default_content, out, SearchOptions(shards=8))
    shutil.rmtree(cache_dir(out))  # without its cache the build writes every page again: same bytes, new files
    second = build(default_content, out, SearchOptions(shards=8))
    assert _runs(second) == {"s0": True, "s2": True, "s6": True}
    for shard in ("s0", "s2", "s6"):
        pages = load_manifest(out / "pagefind" / shard)["pages"]
        assert pages and all(e["stamp"] == stamp((out / url).stat()) for url, e in pages.items())
    hashed: list[str] = []
    real = indexer.manifests.sha256_file

    def counting(path: Path) -> str:
        hashed.append(path.relative_to(out).as_posix() if path.is_relative_to(out) else path.name)
        return real(path)

    monkeypatch.setattr(indexer.manifests, "sha256_file", counting)
    (out / "404.html").write_text("x", encoding="utf-8")  # something to write, so that the index stage runs
    third = build(default_content, out, SearchOptions(shards=8))
    assert _runs(third) == {"s0": True, "s2": True, "s6": True}
    assert hashed == []  # every page known by its stamp: none read again


def test_altered_index_files_are_found_and_indexed_again(default_content: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    prepare(default_content)
    build(default_content, out, SearchOptions(shards=8))
    edit_delete_add(default_content)
    build(default_content, out, SearchOptions(shards=8))
    # A file replaced under the same name (another inode) is hashed, and the change found.
    victim = next((out / "pagefind" / "s0" / "fragment").iterdir())
    data = victim.read_bytes()
    victim.unlink()
    victim.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    # s0 is indexed again from its current pages: its deleted report is no longer masked (the
    # overlay, which held no page of s0, stays)
    assert _runs(build(default_content, out, SearchOptions(shards=8))) == {"s0": False, "s2": True, "s6": True, "recent": True}
    assert [m["shard"] for m in _layers(out)["masked"]] == ["s6"]
    # A corrupted overlay is indexed again; so is a shard whose manifest was altered (here, one
    # character of a page's result id: still JSON, but its checksum line no longer holds).
    (out / "pagefind" / "recent" / "pagefind-entry.json").write_text("{}", encoding="utf-8")
    manifest = out / "pagefind" / "s6" / MANIFEST
    text = manifest.read_text(encoding="utf-8")
    at = text.index('"id":"zh-cn_') + len('"id":"zh-cn_')
    manifest.write_text(text[:at] + ("0" if text[at] != "0" else "1") + text[at + 1:], encoding="utf-8")
    repaired = build(default_content, out, SearchOptions(shards=8))
    assert _runs(repaired) == {"s0": True, "s2": True, "s6": False, "recent": False}
    assert sorted(fragments(out / "pagefind" / "recent")) == [JICHANG_NEW]
    assert _layers(out)["masked"] == []
    # an overlay file altered in place (same inode, another size) is found by its stamp
    entry = out / "pagefind" / "recent" / "pagefind-entry.json"
    with entry.open("ab") as f:
        f.write(b" ")
    assert _runs(build(default_content, out, SearchOptions(shards=8)))["recent"] is False
    assert not entry.read_bytes().endswith(b" ")


def test_an_overlay_started_early_gives_way_when_a_shard_turns_out_damaged(default_content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The overlay starts indexing while the shards are linked; a shard found damaged then is indexed
    again in full, and the overlay is made again without its pages."""
    out = tmp_path / "site"
    prepare(default_content)
    build(default_content, out, SearchOptions(shards=8))
    edit_delete_add(default_content)
    build(default_content, out, SearchOptions(shards=8))
    log = tmp_path / "started.json"  # the indexer may run in a forked process: recorded in a file
    real_start = indexer._start

    def recording(binary, stage, work, bundle, config, estimate):  # type: ignore[no-untyped-def]
        with log.open("a", encoding="utf-8") as f:
            f.write(json.dumps(bundle.urls) + "\n")
        return real_start(binary, stage, work, bundle, config, estimate)

    monkeypatch.setattr(indexer, "_start", recording)
    narrative = default_content / "shandong/weihai/huancui/yangting/2021.md"  # in s6, already in the overlay
    narrative.write_text(narrative.read_text(encoding="utf-8") + "\n再补充一句。\n", encoding="utf-8")
    victim = next((out / "pagefind" / "s2" / "fragment").iterdir())  # s2 holds the added 吉昌镇 2017
    data = victim.read_bytes()
    victim.unlink()
    victim.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    step = build(default_content, out, SearchOptions(shards=8))
    started = [tuple(json.loads(line)) for line in log.read_text(encoding="utf-8").splitlines()]
    assert _runs(step) == {"s0": True, "s2": False, "s6": True, "recent": False}
    # started on both changed pages, stopped when s2 could not be linked, started again without its page
    assert started[0] == tuple(sorted([JICHANG_NEW, YANGTING])) and started[-1] == (YANGTING,)
    assert sorted(fragments(out / "pagefind" / "recent")) == [YANGTING]
    assert JICHANG_NEW in fragments(out / "pagefind" / "s2")


def test_a_failed_index_leaves_the_last_good_site(default_content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    build(default_content, out, SearchOptions(shards=1))
    before = sorted(str(p.relative_to(out)) for p in out.rglob("*"))
    broken = tmp_path / "pagefind_extended"
    broken.write_text("#!/bin/sh\necho 'simulated failure' >&2\nexit 7\n")
    broken.chmod(broken.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(indexer, "pagefind_binary", lambda: broken)
    (default_content / "shandong/weihai/huancui/yangting/2021.md").write_text("# 改过的正文\n", encoding="utf-8")
    with pytest.raises(SearchIndexError, match="simulated failure"):
        build(default_content, out, SearchOptions(shards=1, jobs=1))
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == before

    def left() -> list[Path]:
        return [p for p in tmp_path.iterdir() if p.name.startswith(".site.") and p.name not in (".site.lock", ".site.nianbao-cache")]

    # nothing left beside the output but the lock file (docs/reliability.md) and the build cache:
    # the indexers' input is deleted before the build returns
    assert not left()


def test_bad_search_options_are_usage_errors_and_change_nothing(default_content: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert run_cli("build", "--content", str(default_content), "--out", str(out), "--no-search").code == 0
    result = run_cli("build", "--content", str(default_content), "--out", str(out), "--search-shards", "-1")
    assert result.code == 2 and "--search-shards" in result.err
    assert (out / "index.html").is_file() and not (out / "pagefind").exists()


def test_memory_budget_limits_how_many_indexers_run_together(default_content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a budget below two shards' estimate, shards are indexed one after another."""
    seen: list[int] = []  # in the process that runs the indexers (maybe forked by the build)
    log = tmp_path / "started.txt"
    real_start = indexer._start

    def start(*args, **kwargs):  # type: ignore[no-untyped-def]
        running = real_start(*args, **kwargs)
        seen.append(running.proc.pid)
        with log.open("a", encoding="utf-8") as f:
            f.write(f"{running.proc.pid}\n")
        alive = [pid for pid in seen if _alive(pid)]
        assert len(alive) <= 1, alive
        return running

    monkeypatch.setattr(indexer, "_start", start)
    result = build(default_content, tmp_path / "site", SearchOptions(shards=8, jobs=4, memory_mb=1))
    assert len([r for r in result.search if not r.reused]) == 3 == len(log.read_text(encoding="utf-8").split())


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().split()[2] not in ("Z", "X")
    except FileNotFoundError:
        return False


def test_only_pagefinds_filter_meta_and_entry_files_vary_between_identical_builds(tmp_path: Path) -> None:
    """Pagefind writes filters from a hash map (upstream TODO in pagefind/src/index/mod.rs): those files,
    the meta file named after their hash, the entry file naming it, and our manifest listing them vary."""
    trees = []
    for name in ("a", "b"):
        out = tmp_path / name / "site"
        assert run_cli("build", "--content", str(CONTENT), "--out", str(out), "--search-shards", "8").code == 0
        trees.append({str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    varying = {"filter", "meta", "entry", "manifest"}

    def kind(rel: str) -> str:
        parts = rel.split("/")
        if parts[0] != "pagefind":
            return "page"
        if len(parts) == 2:
            return "layers"  # pagefind/layers.json: identical
        if parts[2] == "filter":
            return "filter"
        if parts[2].endswith(".pf_meta"):
            return "meta"
        return {"pagefind-entry.json": "entry", MANIFEST: "manifest"}.get(parts[2], "index")

    a, b = trees
    for rel in sorted(set(a) | set(b)):
        if kind(rel) not in varying:
            assert a.get(rel) == b.get(rel), rel
    assert {kind(rel) for rel in a} >= {"page", "layers", "index", "filter", "meta", "entry", "manifest"}
    assert len([r for r in a if kind(r) == "meta"]) == len([r for r in b if kind(r) == "meta"]) == 3


def test_past_the_limit_the_shards_with_most_changes_are_folded_until_half_the_limit_is_left() -> None:
    from generator.search.indexer import _Base, _Bundle, _to_fold
    from generator.search.manifest import Manifest

    old = Manifest("x", "c", {}, {})

    def base(name: str, changed: int, stale: int = 0) -> _Base:
        return _Base(_Bundle(name, ()), old, [f"{name}/{i}" for i in range(changed)], [f"{name}/d{i}" for i in range(stale)])

    bases = [base("s0", 30), base("s1", 5, 40), base("s2", 20), base("s3", 0), base("s4", 3)]
    assert _to_fold(bases, 100, new_count=False) == set()  # 58 changed pages: within the limit
    assert _to_fold(bases, 50, new_count=False) == {"s1", "s0"}  # most changes first (s1: 45), down to 25 or less
    assert _to_fold(bases, 100, new_count=True) == {"s0", "s1", "s2", "s4"}  # every shard with a change


def test_after_an_edit_the_index_is_built_while_the_other_pages_are_made(default_content: Path, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A few pages, rendered in this process: the indexed ones first, then the index starts beside the rest."""
    import generator.build as build_module

    out = tmp_path / "site"
    build(default_content, out, SearchOptions(shards=1))
    seen: dict[str, bool] = {}
    real = build_module._Indexing.start

    def start(self):  # type: ignore[no-untyped-def]
        if not self.started:  # what is written when the index is started (it then runs in a thread)
            seen["edited page written"] = (self.staging.stage / YANGTING).is_file()
            seen["home page written"] = (self.staging.stage / "index.html").is_file()
        real(self)

    monkeypatch.setattr(build_module._Indexing, "start", start)
    narrative = default_content / "shandong/weihai/huancui/yangting/2021.md"
    narrative.write_text(narrative.read_text(encoding="utf-8") + "\n补充说明一句。\n", encoding="utf-8")
    result = build(default_content, out, SearchOptions(shards=1), jobs=2)
    assert result.ok and "index.html" in result.rendered.written  # the home page shows every report: made again
    assert seen == {"edited page written": True, "home page written": False}
    assert [r.shard for r in result.search if r.overlay and not r.reused] == ["recent"]
    clean = tmp_path / "clean"
    build(default_content, clean, SearchOptions(shards=1), use_cache=False)
    for rel in result.rendered.pages:
        assert (out / rel).read_bytes() == (clean / rel).read_bytes(), rel
