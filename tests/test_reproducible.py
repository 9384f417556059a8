"""Same content, same bytes: builds in different folders, at different times, with different
--jobs, hash seeds, time zones and locales produce identical sites, file for file, and
identical archives (the zip made by `nianbao archive`, compared as a whole)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from conftest import CONTENT, REPO
from sites import narrative_content, snapshot

# Files allowed to differ between two builds of the same content (as path patterns, since a
# differing file may also have a differing hashed name), each with the reason. Keep this to
# what truly cannot be reproducible, and say precisely what varies.
_PAGEFIND_FILTERS = "Pagefind writes filters from a hash map (docs/search.md, 'What varies between two identical builds')"
EXEMPT: dict[str, str] = {
    r"pagefind/[^/]+/filter/[^/]+\.pf_filter": _PAGEFIND_FILTERS,
    r"pagefind/[^/]+/pagefind\.[^/]+\.pf_meta": _PAGEFIND_FILTERS + ": the meta file's name hashes the filter files",
    r"pagefind/[^/]+/pagefind-entry\.json": _PAGEFIND_FILTERS + ": names the meta file",
    r"pagefind/[^/]+/nianbao-shard\.json": _PAGEFIND_FILTERS + ": lists the hashes of the files above; and it records"
    " the size, mtime and inode of each file and indexed page, by which the next build checks them without reading them",
}


def exempt(rel: str) -> bool:
    return any(re.fullmatch(pattern, rel) for pattern in EXEMPT)


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
    assert sorted(r for r in a if not exempt(r)) == sorted(r for r in b if not exempt(r)), "the two builds wrote different files"
    for pattern in EXEMPT:  # the exempt files are there all the same, as many in each build
        assert len([r for r in a if re.fullmatch(pattern, r)]) == len([r for r in b if re.fullmatch(pattern, r)]), pattern
    differing = sorted(rel for rel in a if not exempt(rel) and a[rel] != b[rel])
    assert differing == [], f"files that differ between identical builds: {differing[:20]}"
    assert len(a) > 10
    for rel, data in a.items():  # no trace of where or when it was built
        for leak in (str(a_root).encode(), str(tmp_path).encode(), b"first place"):
            assert leak not in data, (rel, leak)
