"""The next build's staging folder, made before the build returns (generator.incremental.clone): same site, shared files untouched."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator.build.pipeline import SearchOptions, build as full_build
from generator.formats import catalogue
from generator.incremental import clone
from generator.stages.write import StagingOptions
from generator.synth import synthesise

NO_SEARCH = SearchOptions(enabled=False)
SMALL_SITES_CLONED = StagingOptions(clone_min_files=1)


def build(content: Path, out: Path, search: SearchOptions, **kw):  # type: ignore[no-untyped-def]
    return full_build(content, out, search, staging=SMALL_SITES_CLONED, **kw)


def _site(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("clone") / "content"
    synthesise(root, 6, [2018, 2019, 2020, 2021], catalogue(), seed=3)
    return root


def _wait_for_clone(out: Path) -> None:
    """Nothing to wait for: the build that returned has made the clone."""
    assert (clone.clone_dir(out) / clone.MANIFEST).is_file(), "the clone was not made"


def _edit_gives_a_clean_builds_site(content: Path, out: Path, narrative: str, clean: Path) -> None:
    """Add a sentence to the first report's `narrative`, build `out` from its clone: a clean build's site."""
    edited = sorted(content.rglob(narrative))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    assert build(content, out, NO_SEARCH, jobs=1).ok
    assert build(content, clean, NO_SEARCH, jobs=1, use_cache=False).ok
    assert _site(out) == _site(clean)


def _keep_links(site: Path, keep: Path) -> dict[Path, bytes]:
    """A second link to every file of the site, with its bytes now: a write into a shared file would show."""
    kept: dict[Path, bytes] = {}
    for i, path in enumerate(sorted(p for p in site.rglob("*") if p.is_file())):
        link = keep / str(i)
        os.link(path, link)
        kept[link] = path.read_bytes()
    return kept


@pytest.mark.parametrize("search", [False, True])
def test_a_build_from_the_clone_makes_a_clean_builds_site_and_never_writes_into_shared_files(
    synthetic: Path, tmp_path: Path, search: bool
) -> None:
    options = SearchOptions() if search else NO_SEARCH
    content = tmp_path / "content"
    shutil.copytree(synthetic, content)
    out = tmp_path / "site"
    assert build(content, out, options, jobs=1).ok
    _wait_for_clone(out)
    keep = tmp_path / "keep"
    keep.mkdir()
    kept = _keep_links(out, keep)
    unchanged_page = sorted(content.rglob("2018.md"))[-1].relative_to(content).with_suffix("").as_posix() + "/index.html"
    inode = (out / unchanged_page).stat().st_ino
    edited = sorted(content.rglob("2020.md"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n补充一句：档案。\n", encoding="utf-8")
    removed = sorted(content.rglob("2021.yaml"))[1]
    removed.unlink()
    removed.with_suffix(".md").unlink()
    result = build(content, out, options, jobs=1)
    assert result.ok and result.rendered.written
    assert not clone.clone_dir(out).exists() or (clone.clone_dir(out) / clone.MANIFEST).is_file()  # taken (a new one may follow)
    assert (out / unchanged_page).stat().st_ino == inode  # kept from the clone, not written again
    for link, data in kept.items():
        assert link.read_bytes() == data  # no file shared with the previous site was written through
    clean = tmp_path / "clean"
    assert build(content, clean, options, jobs=1, use_cache=False).ok
    assert _site(out) == _site(clean)  # the search index too, byte for byte
    assert (out / "search-data/meta.js").is_file() == search


@pytest.mark.parametrize("damage", ["manifest", "missing-file", "wrong-inode"])
def test_a_damaged_clone_is_not_trusted(synthetic: Path, tmp_path: Path, damage: str) -> None:
    content = tmp_path / "content"
    shutil.copytree(synthetic, content)
    out = tmp_path / "site"
    assert build(content, out, NO_SEARCH, jobs=1).ok
    _wait_for_clone(out)
    folder = clone.clone_dir(out)
    if damage == "manifest":
        (folder / clone.MANIFEST).write_bytes(b"{")
    else:
        listed = clone.read_manifest(folder)
        victim = next(rel for rel in sorted(listed) if rel.endswith("index.html") and rel.count("/") > 3)
        (folder / victim).unlink()
        if damage == "wrong-inode":
            (folder / victim).write_text("stale", encoding="utf-8")
    _edit_gives_a_clean_builds_site(content, out, "2019.md", tmp_path / "clean")


def test_the_replaced_site_becomes_the_next_staging_folder(synthetic: Path, tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(synthetic, content)
    out = tmp_path / "site"
    assert build(content, out, NO_SEARCH, jobs=1).ok
    first = clone.read_manifest(clone.clone_dir(out))
    assert first["index.html"] == (out / "index.html").stat().st_ino  # after a first build: links to the site's files
    edited = sorted(content.rglob("2020.md"))[0]
    page = edited.relative_to(content).with_suffix("").as_posix() + "/index.html"
    unchanged = sorted(content.rglob("2018.md"))[-1].relative_to(content).with_suffix("").as_posix() + "/index.html"
    old_page = (out / page).read_bytes()
    edited.write_text(edited.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    assert build(content, out, NO_SEARCH, jobs=1).ok
    folder = clone.clone_dir(out)
    listed = clone.read_manifest(folder)
    assert (folder / page).read_bytes() == old_page != (out / page).read_bytes()  # the replaced site itself
    assert listed[page] == (folder / page).stat().st_ino != (out / page).stat().st_ino
    assert listed[unchanged] == (out / unchanged).stat().st_ino == (folder / unchanged).stat().st_ino  # shared
    assert sorted(listed) == sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != clone.MANIFEST)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")) == [".site.nianbao"]  # one hidden folder
    assert sorted(p.name for p in folder.parent.iterdir()) == ["cache.sqlite", "lock", "next", "templates"]
    assert build(content, out, NO_SEARCH, jobs=1, use_cache=False).ok  # a full build from it: still a clean build's site
    clean = tmp_path / "clean"
    assert build(content, clean, NO_SEARCH, jobs=1, use_cache=False).ok
    assert _site(out) == _site(clean)


def test_after_a_build_that_wrote_most_of_the_site_the_next_staging_folder_is_linked_from_the_new_site(synthetic: Path, tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(synthetic, content)
    out = tmp_path / "site"
    assert build(content, out, NO_SEARCH, jobs=1).ok
    site_yaml = content / "site.yaml"  # every page shows the site's title: all of them written anew
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8").replace('title: "', 'title: "新', 1), encoding="utf-8")
    step = build(content, out, NO_SEARCH, jobs=1)
    assert step.ok and step.rendered.unchanged == []
    listed = clone.read_manifest(clone.clone_dir(out))
    files = {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    assert listed == files  # every file a link to the new site's: the next edit takes them over as they are
    assert not [p for p in tmp_path.iterdir() if p.name not in ("content", "site", ".site.nianbao")]  # the replaced site is gone
    _edit_gives_a_clean_builds_site(content, out, "2020.md", tmp_path / "clean")


def test_the_command_clones_a_site_given_by_a_relative_path(synthetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import run_cli

    monkeypatch.setenv("NIANBAO_CLONE_MIN_FILES", "1")
    work = tmp_path / "work"
    work.mkdir()
    assert run_cli("build", "--content", str(synthetic), "--out", "site", "--no-search", cwd=work).code == 0
    _wait_for_clone(work / "site")
    listed = clone.read_manifest(clone.clone_dir(work / "site"))
    assert listed["index.html"] == (work / "site" / "index.html").stat().st_ino  # a hard link to the site's own file


@pytest.mark.parametrize("damage", ["rewritten", "extra-file", "linked-folder"])
def test_a_clones_copy_of_the_search_index_is_never_trusted(synthetic: Path, tmp_path: Path, damage: str) -> None:
    """The clone's search-data/ is set aside: the new index is made from the last site's, whatever
    was done to the clone's copy."""
    content = tmp_path / "content"
    shutil.copytree(synthetic, content)
    out = tmp_path / "site"
    assert build(content, out, SearchOptions(), jobs=1).ok
    _wait_for_clone(out)
    folder = clone.clone_dir(out) / "search-data"
    bucket = sorted((folder / "b").iterdir())[0]
    if damage == "rewritten":  # a new file (not written through the link) with other bytes
        bucket.unlink()
        bucket.write_bytes(b"not a bucket")
    elif damage == "extra-file":
        (folder / "b" / "planted.js").write_bytes(b"planted")
    else:
        (folder / "elsewhere").symlink_to(tmp_path)
    edited = sorted(content.rglob("2020.md"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n补充一句：档案。\n", encoding="utf-8")
    assert build(content, out, SearchOptions(), jobs=1).ok
    clean = tmp_path / "clean"
    assert build(content, clean, SearchOptions(), jobs=1, use_cache=False).ok
    index = {k: v for k, v in _site(out).items() if k.startswith("search-data/")}
    assert index and index == {k: v for k, v in _site(clean).items() if k.startswith("search-data/")}
    assert not (out / "search-data/elsewhere").exists()
