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
from generator.archive.manifest import MANIFEST


@pytest.fixture(scope="module")
def searchable(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default content built with its search index."""
    out = tmp_path_factory.mktemp("searchable") / "site"
    result = run_cli("build", "--content", str(CONTENT), "--out", str(out))
    assert result.code == 0, result.err
    return out


@pytest.fixture(scope="module")
def archive(searchable: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("archive") / "nianbao-archive.zip"
    result = run_cli("archive", "--site", str(searchable), "--out", str(out))
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


def test_zip_has_one_folder_with_the_site_as_built_a_readme_and_a_manifest(archive: Path, searchable: Path) -> None:
    with zipfile.ZipFile(archive) as z:
        names = [i.filename for i in z.infolist()]
        assert {n.split("/", 1)[0] for n in names} == {"nianbao-archive"}
        files = {n.split("/", 1)[1]: z.read(n) for n in names}
    site_files = {p.relative_to(searchable).as_posix() for p in searchable.rglob("*") if p.is_file() and not p.name.startswith(".")}
    assert set(files) == site_files | {"README.txt", MANIFEST}, "the site as built, its search index included"
    assert {"search/index.html", "search-data/meta.js", "assets/search/engine.js", "assets/search.js"} <= set(files)
    for name in site_files:  # every file is byte for byte the site's: the archive only packs
        assert (searchable / name).read_bytes() == files[name], name
    readme = files["README.txt"].decode("utf-8-sig")
    assert "index.html" in readme and "解压" in readme and "nianbao verify" in readme and "sha256sum -c" in readme
    assert "收录 3 份" in readme and "search/index.html" in readme


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


def test_the_search_scripts_load_nothing_a_page_from_disk_cannot(archive: Path, tmp_path: Path) -> None:
    root = unpack(archive, tmp_path)
    soup = BeautifulSoup((root / "search/index.html").read_text(encoding="utf-8"), "html.parser")
    scripts = [s for s in soup.find_all("script") if s.get("src")]
    assert all(s.get("type") in (None, "text/javascript") for s in scripts), "no modules"
    for name in ("assets/search/engine.js", "assets/search.js"):
        code = (root / name).read_text(encoding="utf-8")
        for forbidden in ("fetch(", "import(", "Worker(", "XMLHttpRequest", "WebAssembly", '"http', "'http", '"//'):
            assert forbidden not in code, (name, forbidden)
    data = root / "search-data"
    assert all(p.read_text(encoding="utf-8").startswith("window.__nianbaoSearch(") for p in data.rglob("*.js"))


def test_a_site_built_without_search_is_packed_and_its_readme_says_so(built_default: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.zip"
    run = run_cli("archive", "--site", str(built_default), "--out", str(out))
    assert run.code == 0, run.err and "未建检索索引" in run.err
    with zipfile.ZipFile(out) as z:
        readme = z.read("a/README.txt").decode("utf-8-sig")
        assert not [n for n in z.namelist() if "/search-data/" in n]
    assert "未建立全文检索索引" in readme and "收录" not in readme


def test_a_damaged_index_is_refused(searchable: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(searchable, site)
    (site / "search-data/meta.js").write_text("window.__nianbaoSearch(\"meta.js\", {", encoding="utf-8")
    run = run_cli("archive", "--site", str(site), "--out", str(tmp_path / "a.zip"))
    assert run.code == 2 and "nianbao build" in run.err and not (tmp_path / "a.zip").exists()


# -- determinism


def test_same_site_gives_the_same_zip_bytes_from_different_folders(archive: Path, tmp_path: Path) -> None:
    second_site = tmp_path / "elsewhere" / "built"
    result = run_cli("build", "--content", str(CONTENT), "--out", str(second_site))
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
    (root / "search-data/meta.js").unlink()
    (root / "Thumbs.db").write_bytes(b"x")
    result = run_cli("verify", str(root))
    assert result.code == 1
    rel = report.relative_to(root).as_posix()
    assert result.out.splitlines() == ["缺少：search-data/meta.js", "多出：Thumbs.db", f"被改动：{rel}"]
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
