"""Shared fixtures: write content trees inline, build real sites into tmp dirs, run the CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from browser import browser  # noqa: F401  (a session fixture shared by the browser tests)

REPO = Path(__file__).resolve().parents[1]
CONTENT = REPO / "content"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

SITE_YAML = "title: 测试门户\nauthority: 测试单位\n"
REGION = "name: {name}\n"
TOWN = "name: {name}\nkind: 镇\nauthority: {name}人民政府\n"


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(*args: str, cwd: Path | None = None) -> Run:
    """Run `python -m generator ARGS` in a subprocess, as a user would."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=600
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def make_content(tmp_path: Path):
    """make_content({"a/b/town/2016.yaml": "..."}) -> a content folder with site.yaml and region/town files filled in."""

    def make(files: dict[str, str | bytes], *, town_path: str = "sheng/shi/xian/zhen", defaults: bool = True) -> Path:
        root = tmp_path / "content"
        base: dict[str, str | bytes] = {}
        if defaults:
            base["site.yaml"] = SITE_YAML
            parts = town_path.split("/")
            for i in range(1, len(parts)):
                base["/".join(parts[:i]) + "/region.yaml"] = REGION.format(name=f"地区{i}")
            base[town_path + "/town.yaml"] = TOWN.format(name="测试镇")
        base.update(files)
        return write_tree(root, base)

    return make


@pytest.fixture
def default_content(tmp_path: Path) -> Path:
    """A private copy of the repository's default content."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


@pytest.fixture(scope="session")
def built_default(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default content built once per session (no search index), for tests that only read pages."""
    out = tmp_path_factory.mktemp("built") / "site"
    result = run_cli("build", "--content", str(CONTENT), "--out", str(out), "--no-search")
    assert result.code == 0, result.err
    return out
