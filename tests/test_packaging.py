"""The wheel carries what a build needs: the default theme and the format descriptions."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import REPO


def test_wheel_contains_theme_and_formats(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(REPO)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [wheel] = tmp_path.glob("nianbao-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    theme = {p.relative_to(REPO / "themes").as_posix() for p in (REPO / "themes" / "default").rglob("*") if p.is_file()}
    assert theme and {f"generator/themes/{t}" for t in theme} <= names
    modules = {p.relative_to(REPO).as_posix() for p in (REPO / "generator").rglob("*.py") if "themes" not in p.parts}
    assert modules <= names, sorted(modules - names)
    formats = {p.name for p in (REPO / "generator" / "formats").glob("*.yaml")}
    assert {f"generator/formats/{f}" for f in formats} <= names
    hints = {p.name for p in (REPO / "generator" / "formats" / "importing").glob("*.yaml")}
    assert hints and {f"generator/formats/importing/{f}" for f in hints} <= names, "the importer's markers and label variants"
    modules = {p.relative_to(REPO).as_posix() for p in (REPO / "generator").rglob("*.py")}
    assert modules <= names, sorted(modules - names)
