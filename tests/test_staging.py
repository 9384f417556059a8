"""The staging folder: nothing is written outside it, and the replaced site is cleared away."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.stages.write import OutputError, Staging


@pytest.mark.parametrize("rel", ["../escape.html", "a/../../escape.html", "/abs.html", "a//b.html", "./a.html", "", "a\\..\\b.html"])
def test_paths_leaving_the_staging_folder_are_refused(tmp_path: Path, rel: str) -> None:
    with Staging(tmp_path / "site") as staging:
        with pytest.raises(OutputError):
            staging.write(rel, b"x")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.nianbao"]  # the hidden folder and its lock stay (docs/reliability.md)
    assert sorted(p.name for p in (tmp_path / ".site.nianbao").iterdir()) == ["lock"]


def test_unchanged_files_are_linked_and_the_old_site_removed(tmp_path: Path) -> None:
    out = tmp_path / "site"
    with Staging(out) as staging:
        staging.write("a/index.html", b"first")
        staging.write("b/index.html", b"old")
        staging.commit()
    inode = (out / "a" / "index.html").stat().st_ino
    with Staging(out) as staging:
        assert staging.reuse("a/index.html") == "linked"
        staging.write("c/index.html", b"new")
        staging.commit()
    assert (out / "a" / "index.html").stat().st_ino == inode and (out / "a" / "index.html").read_bytes() == b"first"
    assert not (out / "b").exists() and (out / "c" / "index.html").read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.nianbao", "site"]
    assert sorted(p.name for p in (tmp_path / ".site.nianbao").iterdir()) == ["lock"]
