"""`nianbao archive` and `nianbao verify`: what goes into the zip, its determinism, and the manifest check."""

from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings, strategies as st

from conftest import CONTENT, run_cli
from generator.archive.extract import Record, read_page
from generator.archive.grams import grams, normalise, query_terms, shard_of, term_grams
from generator.archive.manifest import MANIFEST
from generator.archive.offline_index import SHARD_BYTES, build_index
from generator.archive.offline_page import offline_page

TOWNS = {"jichang", "yangjun", "yangting"}


@pytest.fixture(scope="module")
def archive(built_default: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("archive") / "nianbao-archive.zip"
    result = run_cli("archive", "--site", str(built_default), "--out", str(out))
    assert result.code == 0, result.err
    return out


def unpack(archive: Path, where: Path) -> Path:
    with zipfile.ZipFile(archive) as z:
        z.extractall(where)
    return where / "nianbao-archive"


def rewrite_zip(source: Path, target: Path, change: dict[str, bytes | None], add: dict[str, bytes] | None = None) -> None:
    """Copy a zip, replacing (bytes) or dropping (None) some entries and adding others."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            if info.filename in change:
                if change[info.filename] is not None:
                    dst.writestr(info, change[info.filename])  # type: ignore[arg-type]
            else:
                dst.writestr(info, src.read(info))
        for name, data in (add or {}).items():
            dst.writestr(name, data)


# -- contents


def test_zip_has_one_folder_with_the_site_the_offline_search_a_readme_and_a_manifest(archive: Path, built_default: Path) -> None:
    with zipfile.ZipFile(archive) as z:
        names = [i.filename for i in z.infolist()]
        assert {n.split("/", 1)[0] for n in names} == {"nianbao-archive"}
        files = {n.split("/", 1)[1]: z.read(n) for n in names}
    site_pages = {p.relative_to(built_default).as_posix() for p in built_default.rglob("*.html")}
    assert site_pages <= set(files)
    assert len([n for n in site_pages if n.endswith("/index.html") and n.count("/") >= 2]) >= 3
    assert {"README.txt", MANIFEST, "search/index.html", "offline-search/engine.js", "offline-search/meta.js"} <= set(files)
    assert not any(n.startswith(("pagefind/", ".")) or "/." in n for n in files), "the web index and hidden files stay out"
    for name, data in files.items():  # every file is byte for byte the site's, unless the archive made it
        if (built_default / name).is_file() and name != "search/index.html":
            assert (built_default / name).read_bytes() == data, name
    readme = files["README.txt"].decode("utf-8-sig")
    assert "index.html" in readme and "解压" in readme and "nianbao verify" in readme and "sha256sum -c" in readme
    assert "收录 3 份" in readme


def test_manifest_lists_the_sha256_of_every_other_file(archive: Path) -> None:
    with zipfile.ZipFile(archive) as z:
        files = {i.filename.split("/", 1)[1]: z.read(i) for i in z.infolist()}
    lines = files.pop(MANIFEST).decode().splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in lines)
    assert listed == {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    assert [line.split("  ", 1)[1] for line in lines] == sorted(files)


def test_every_link_and_asset_in_the_archive_points_at_a_file_in_it(archive: Path, tmp_path: Path) -> None:
    root = unpack(archive, tmp_path)
    checked = 0
    for page in root.rglob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag, attr in (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"), ("form", "action")):
            for el in soup.find_all(tag):
                value = el.get(attr)
                if not value or value.startswith(("#", "http:", "https:", "mailto:")):
                    continue
                assert not value.startswith("/"), f"{page}: {value}"
                target = (page.parent / value.split("#")[0].split("?")[0]).resolve()
                assert target.is_file(), f"{page.relative_to(root)}: {value}"
                assert target.is_relative_to(root.resolve())
                checked += 1
    assert checked > 10


def test_offline_search_page_keeps_the_site_furniture_and_loads_only_classic_scripts(archive: Path, tmp_path: Path) -> None:
    root = unpack(archive, tmp_path)
    soup = BeautifulSoup((root / "search/index.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.html["lang"] == "zh-CN"
    assert soup.find("link", href="../assets/style.css")
    assert soup.select_one(".site-name a")["href"] == "../index.html"
    form = soup.find("form", id="offline-search")
    assert form["action"] == "index.html" and form["method"] == "get"
    assert soup.find("input", attrs={"name": "q"}) and soup.find("select", attrs={"name": "year"}) and soup.find("select", attrs={"name": "town"})
    scripts = soup.find_all("script")
    assert [s["src"] for s in scripts] == ["../offline-search/engine.js"]
    assert all(s.get("type") in (None, "text/javascript") for s in scripts), "no modules"
    engine = (root / "offline-search/engine.js").read_text(encoding="utf-8")
    for forbidden in ("fetch(", "import ", "Worker(", "XMLHttpRequest", "WebAssembly", "http://", "https://"):
        assert forbidden not in engine


def test_index_records_every_report_with_its_facets(built_default: Path) -> None:
    from generator.archive.extract import read_site

    records = {r.url.split("/")[-3]: r for r in read_site(built_default)}
    assert set(records) == TOWNS
    assert (records["jichang"].town, records["jichang"].year) == ("磐石市吉昌镇", "2016")
    assert (records["yangjun"].town, records["yangjun"].year) == ("莱阳市羊郡镇", "2016")
    assert (records["yangting"].town, records["yangting"].year) == ("环翠区羊亭镇", "2021")
    assert "磐石市" in records["jichang"].regions and "山东省" in records["yangting"].regions
    assert all(r.format and r.title and len(r.text) > 1000 for r in records.values())
    assert "首页" not in records["jichang"].text.split(" ")[:3], "the breadcrumb is not indexed"


def test_web_search_files_stay_out_and_the_search_page_is_replaced(built_default: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(built_default, site)
    (site / "pagefind").mkdir()
    (site / "pagefind/pagefind.js").write_text("export {}", encoding="utf-8")
    home = (site / "index.html").read_text(encoding="utf-8")
    web_search = home.replace('href="index.html"', 'href="../index.html"').replace('href="assets/', 'href="../assets/')
    web_search = web_search.replace("</head>", '<link rel="stylesheet" href="../pagefind/pagefind-ui.css"></head>')
    web_search = web_search.replace("</body>", '<script type="module">import "../pagefind/pagefind.js";</script></body>')
    (site / "search").mkdir(exist_ok=True)
    (site / "search/index.html").write_text(web_search, encoding="utf-8")
    report = next(site.glob("shandong/**/yangting/2021/index.html"))
    original = report.read_text(encoding="utf-8")
    with_web_search = original.replace("</head>", '<link rel="stylesheet" href="../../../../../pagefind/pagefind-ui.css">\n</head>').replace(
        "</body>", '<script src="../../../../../pagefind/pagefind-highlight.js"></script>\n<script>var keep = 1;</script>\n</body>'
    )
    report.write_text(with_web_search, encoding="utf-8")
    out = tmp_path / "a.zip"
    assert run_cli("archive", "--site", str(site), "--out", str(out)).code == 0
    with zipfile.ZipFile(out) as z:
        names = [n.split("/", 1)[1] for n in z.namelist()]
        page = z.read("a/search/index.html").decode()
        archived_report = z.read("a/" + report.relative_to(site).as_posix()).decode()
        assert z.read("a/index.html") == (site / "index.html").read_bytes(), "pages without Pagefind stay as they are"
    assert "/pagefind/" not in archived_report and "var keep = 1;" in archived_report
    assert archived_report == original.replace("</body>", "<script>var keep = 1;</script>\n</body>")
    assert not [n for n in names if n.startswith("pagefind/")]
    assert "pagefind" not in page and 'type="module"' not in page
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find("link", href="../assets/style.css") and soup.find("form", id="offline-search")
    assert [s["src"] for s in soup.find_all("script")] == ["../offline-search/engine.js"]


def test_search_page_cut_from_the_home_page_moves_its_links_one_folder_down() -> None:
    home = """<html lang="zh-CN"><head><title>门户</title><meta name="SiteName" content="某门户"><link rel="stylesheet" href="assets/style.css"></head>
    <body><header><a href="index.html">首页</a><form action="search/index.html" role="search"><input name="q"></form>
    <a href="https://www.gov.cn/">外链</a><a href="#main">跳</a></header><main id="main"><p>首页内容</p></main></body></html>"""
    page = offline_page(home, from_root=True)
    soup = BeautifulSoup(page, "html.parser")
    assert soup.title.string == "站内检索 - 某门户"
    assert soup.find("link", href="../assets/style.css")
    assert soup.find("form", action="../search/index.html"), "the header box submits to this very page"
    assert [a["href"] for a in soup.header.find_all("a")] == ["../index.html", "https://www.gov.cn/", "#main"]
    assert "首页内容" not in page and soup.main.find("form", id="offline-search")


# -- extraction and segmentation


def test_pagefind_body_and_attributes_win_over_the_fallbacks() -> None:
    page = """<html><head><title>T</title></head><body>
    <nav class="crumbs">首页 › 甲省 › 乙镇 › 2016年度</nav>
    <article class="report"><h1>报告</h1><p>外层</p>
      <div data-pagefind-body><span data-pagefind-meta="title">真正标题</span>
        <p>依申请公开</p><p data-pagefind-ignore>不要索引</p><nav>目录</nav>
        <span data-pagefind-filter="年度">2019年</span><span data-pagefind-filter="town:丙镇, region:丁市"></span>
        <img data-pagefind-filter="format[alt]" alt="2019版"></div></article></body></html>"""
    r = read_page(page, "x/index.html")
    assert r is not None
    assert (r.title, r.year, r.town, r.regions, r.format) == ("真正标题", "2019", "丙镇", ["丁市"], "2019版")
    assert "依申请公开" in r.text and "不要索引" not in r.text and "目录" not in r.text and "外层" not in r.text


def test_pages_without_an_indexed_region_are_not_records() -> None:
    assert read_page("<html><body><main><h1>首页</h1></main></body></html>", "index.html") is None


def test_table_cells_do_not_run_together() -> None:
    r = read_page('<article class="report"><table><tr><td>申请</td><td>公开</td></tr></table></article>', "a.html")
    assert r is not None and "请公" not in set(grams(normalise(r.text)))


@pytest.mark.parametrize(
    ("query", "terms"),
    [("依申请公开", ["依申请公开"]), ("行政复议　羊亭镇", ["行政复议", "羊亭镇"]), ("２０２１年", ["2021年"]), ("ABC，公开", ["abc", "公开"]), ("  ", [])],
)
def test_query_terms_are_normalised_and_split_at_spaces_and_punctuation(query: str, terms: list[str]) -> None:
    assert query_terms(query) == terms


def test_term_grams_are_bigrams_or_the_single_character() -> None:
    assert term_grams("行政复议") == ["行政", "政复", "复议"]
    assert term_grams("镇") == ["镇"]
    assert term_grams("8.1%") == ["8", "1"]


# -- determinism


def test_same_site_gives_the_same_zip_bytes_from_different_folders(built_default: Path, archive: Path, tmp_path: Path) -> None:
    second_site = tmp_path / "elsewhere" / "built"
    result = run_cli("build", "--content", str(CONTENT), "--out", str(second_site), "--no-search")
    assert result.code == 0, result.err
    second = tmp_path / "other" / "nianbao-archive.zip"
    assert run_cli("archive", "--site", str(second_site), "--out", str(second)).code == 0
    assert second.read_bytes() == archive.read_bytes()
    with zipfile.ZipFile(archive) as z:
        infos = z.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}


def test_source_date_epoch_sets_every_timestamp(built_default: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    out = tmp_path / "a.zip"
    assert run_cli("archive", "--site", str(built_default), "--out", str(out)).code == 0
    with zipfile.ZipFile(out) as z:
        assert {i.date_time for i in z.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    bad = run_cli("archive", "--site", str(built_default), "--out", str(tmp_path / "b.zip"))
    assert bad.code == 2 and "SOURCE_DATE_EPOCH" in bad.err and not (tmp_path / "b.zip").exists()


def test_archive_usage_errors(built_default: Path, tmp_path: Path) -> None:
    missing = run_cli("archive", "--site", str(tmp_path / "nope"), "--out", str(tmp_path / "a.zip"))
    assert missing.code == 2 and "nianbao build" in missing.err
    not_a_site = tmp_path / "empty"
    not_a_site.mkdir()
    assert run_cli("archive", "--site", str(not_a_site), "--out", str(tmp_path / "a.zip")).code == 2
    copy = tmp_path / "site"
    shutil.copytree(built_default, copy)
    inside = run_cli("archive", "--site", str(copy), "--out", str(copy / "a.zip"))
    assert inside.code == 2 and not (copy / "a.zip").exists()


# -- verify


def test_verify_intact_zip_and_folder(archive: Path, tmp_path: Path) -> None:
    ok = run_cli("verify", str(archive))
    assert ok.code == 0 and "完整" in ok.err and ok.out == ""
    root = unpack(archive, tmp_path)
    assert run_cli("verify", str(root)).code == 0
    assert run_cli("verify", str(tmp_path)).code == 0, "the folder it was unpacked into works too"


def test_verify_names_altered_missing_and_extra_files_in_a_zip(archive: Path, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.zip"
    top = "nianbao-archive/"
    rewrite_zip(
        archive,
        damaged,
        {top + "index.html": b"<p>changed</p>", top + "assets/style.css": None},
        {top + "jilin/extra.html": b"<p>extra</p>"},
    )
    result = run_cli("verify", str(damaged))
    assert result.code == 1
    assert result.out.splitlines() == ["缺少：assets/style.css", "多出：jilin/extra.html", "被改动：index.html"]


def test_verify_names_altered_missing_and_extra_files_in_a_folder(archive: Path, tmp_path: Path) -> None:
    root = unpack(archive, tmp_path)
    report = next(root.glob("shandong/**/yangting/2021/index.html"))
    report.write_bytes(report.read_bytes().replace("羊亭镇".encode(), "羊亭乡".encode(), 1))
    (root / "offline-search/meta.js").unlink()
    (root / "Thumbs.db").write_bytes(b"x")
    result = run_cli("verify", str(root))
    assert result.code == 1
    rel = report.relative_to(root).as_posix()
    assert result.out.splitlines() == ["缺少：offline-search/meta.js", "多出：Thumbs.db", f"被改动：{rel}"]
    assert "缺少 1 个，多出 1 个，被改动 1 个" in result.err


@pytest.mark.parametrize("change", ["altered", "missing", "extra"])
def test_verify_fails_for_each_kind_of_damage_alone(archive: Path, tmp_path: Path, change: str) -> None:
    root = unpack(archive, tmp_path)
    target = root / "search/index.html"
    if change == "altered":
        target.write_bytes(target.read_bytes() + b" ")
    elif change == "missing":
        target.unlink()
    else:
        (root / "search/new.html").write_bytes(b"")
    result = run_cli("verify", str(root))
    assert result.code == 1 and "search/" in result.out


def test_verify_without_a_manifest_or_with_a_broken_zip_fails(archive: Path, tmp_path: Path) -> None:
    no_manifest = tmp_path / "no-manifest.zip"
    rewrite_zip(archive, no_manifest, {"nianbao-archive/" + MANIFEST: None})
    result = run_cli("verify", str(no_manifest))
    assert result.code == 1 and MANIFEST in result.err
    broken = tmp_path / "broken.zip"
    broken.write_bytes(archive.read_bytes()[:200])
    assert run_cli("verify", str(broken)).code == 1


def test_verify_usage_errors(tmp_path: Path) -> None:
    assert run_cli("verify").code == 2
    assert run_cli("verify", str(tmp_path / "nope.zip")).code == 2


# -- the index files, read back as the browser reads them


def _load_index(files: dict[str, bytes]) -> tuple[dict, dict[int, dict[str, str]], list[str]]:
    def payload(name: str) -> tuple[int | None, object]:
        text = files[name].decode("utf-8")
        m = re.fullmatch(r"NianbaoOffline\.(\w+)\((?:(\d+),)?(.*)\);\n", text, re.S)
        assert m, name
        return (int(m.group(2)) if m.group(2) else None), json.loads(m.group(3))

    _, meta = payload("offline-search/meta.js")
    shards = {}
    for n in range(meta["shards"]):  # type: ignore[index]
        number, grams_ = payload(f"offline-search/index-{n}.js")
        assert number == n
        shards[n] = grams_
    texts: list[str] = []
    for n in range(meta["chunks"]):  # type: ignore[index]
        texts += payload(f"offline-search/text-{n}.js")[1]  # type: ignore[operator]
    return meta, shards, texts  # type: ignore[return-value]


def _ids(postings: str) -> list[int]:
    out, previous = [], 0
    for part in postings.split(","):
        previous += int(part, 36)
        out.append(previous)
    return out


ALPHABET = st.sampled_from(list("依申请公开行政复议羊亭镇吉昌郡年报告２０1Ab，。 、"))


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(st.text(ALPHABET, min_size=1, max_size=60), min_size=1, max_size=8), data=st.data())
def test_every_substring_of_a_report_leads_back_to_it(texts: list[str], data: st.DataObject) -> None:
    records = [Record(url=f"r{i}/index.html", title=f"t{i}", text=t, year="2016") for i, t in enumerate(texts)]
    files, _ = build_index(records)
    meta, shards, stored = _load_index(files)
    assert stored == texts and [d[0] for d in meta["docs"]] == [r.url for r in records]
    doc = data.draw(st.integers(0, len(texts) - 1))
    folded = normalise(texts[doc])
    start = data.draw(st.integers(0, len(folded) - 1))
    piece = folded[start : data.draw(st.integers(start + 1, len(folded)))]
    for term in query_terms(piece):
        for gram in term_grams(term):
            postings = shards[shard_of(gram, meta["shards"])].get(gram)
            assert postings is not None and doc in _ids(postings), (term, gram)


def test_a_large_index_is_split_into_shards_of_about_the_target_size() -> None:
    rnd = random.Random(7)
    chars = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    records = [Record(url=f"r{i}/index.html", title="t", text="".join(rnd.choice(chars) for _ in range(3000))) for i in range(60)]
    files, stats = build_index(records)
    assert stats.shards > 3
    sizes = [len(v) for k, v in files.items() if "/index-" in k]
    assert len(sizes) == stats.shards and max(sizes) < 2 * SHARD_BYTES
    meta, shards, _ = _load_index(files)
    for n, grams_ in shards.items():
        assert all(shard_of(g, meta["shards"]) == n for g in grams_)
