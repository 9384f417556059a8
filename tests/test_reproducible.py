"""Same content, same bytes: builds in different folders, at different times, with different
--jobs, hash seeds, time zones and locales produce identical sites, file for file, and
identical archives (the zip made by `nianbao archive`, compared as a whole)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from conftest import CONTENT, REPO
from sites import narrative_content, snapshot

def build(content: Path, out: Path, cwd: Path, *, jobs: str, seed: str, tz: str, lang: str) -> None:
    """Build the site, then the archive of it (`<out>.zip` beside it, same name in both places)."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONHASHSEED": seed, "TZ": tz, "LANG": lang, "LC_ALL": lang}
    env.pop("SOURCE_DATE_EPOCH", None)
    for args in (
        ["build", "--content", str(content), "--out", str(out), "--jobs", jobs],
        ["archive", "--site", str(out), "--out", str(out.parent / "archive" / "nianbao.zip")],
    ):
        proc = subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
        assert proc.returncode in (0, 1), proc.stderr
    assert (out / "index.html").exists(), proc.stderr


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    a_root, b_root = tmp_path / "first place", tmp_path / "另一处" / "deeper"
    shutil.copytree(CONTENT, a_root / "content")
    narrative_content(a_root / "content", 3)  # more towns, and reports without tables
    a_content = a_root / "content"
    shutil.copytree(a_content, b_root / "content")
    b_content = b_root / "content"
    for path in b_content.rglob("*"):  # other modification times, as after a fresh checkout
        os.utime(path, (1_000_000_000, 1_000_000_000))
    build(a_content, a_root / "site", a_root, jobs="1", seed="1", tz="UTC", lang="C.UTF-8")
    time.sleep(1.1)  # another second on the clock
    build(b_content, b_root / "public", tmp_path, jobs="2", seed="2", tz="Asia/Shanghai", lang="zh_CN.UTF-8")
    a, b = snapshot(a_root / "site"), snapshot(b_root / "public")
    a["(archive)"] = (a_root / "archive" / "nianbao.zip").read_bytes()
    b["(archive)"] = (b_root / "archive" / "nianbao.zip").read_bytes()
    assert sorted(a) == sorted(b), "the two builds wrote different files"
    assert any(r.startswith("search-data/") for r in a), "the search index is compared too"
    differing = sorted(rel for rel in a if a[rel] != b[rel])
    assert differing == [], f"files that differ between identical builds: {differing[:20]}"
    assert len(a) > 10
    for rel, data in a.items():  # no trace of where or when it was built
        for leak in (str(a_root).encode(), str(tmp_path).encode(), b"first place"):
            assert leak not in data, (rel, leak)
