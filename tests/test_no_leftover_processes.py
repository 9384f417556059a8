"""A `nianbao build` that has returned has finished: no process it started is still alive, and
the folder it worked in can be removed at once.

The corpus is small, but the thresholds above which a large site's build once left work to
detached processes (saving the cache, cloning the next staging folder, deleting the replaced
site) are lowered for the command through its environment, so that every such path is taken.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from conftest import REPO
from generator.formats import catalogue
from generator.synth import synthesise

MARKER = "NIANBAO_TEST_BUILD_RUN"


def _alive_with(marker: str) -> list[int]:
    """Processes whose environment carries `marker` (it is inherited by whatever a build starts)."""
    needle = f"{MARKER}={marker}".encode()
    found: list[int] = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            environ = Path(f"/proc/{entry.name}/environ").read_bytes()
            state = Path(f"/proc/{entry.name}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue  # gone, or not ours to read
        if needle in environ.split(b"\0") and state != "Z":
            found.append(int(entry.name))
    return found


def _build(content: Path, out: Path, *extra: str) -> None:
    """Run the command in a session of its own; once it returns, nothing it started may be alive."""
    marker = uuid.uuid4().hex
    env = {**os.environ, "PYTHONPATH": str(REPO), MARKER: marker,
           "NIANBAO_CLONE_MIN_FILES": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "generator", "build", "--content", str(content), "--out", str(out),
                             "--jobs", "2", *extra], env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out_text, err_text = proc.communicate(timeout=600)  # both pipes at their end: no process holds them
    assert proc.returncode == 0, err_text.decode(errors="replace")
    with pytest.raises(ProcessLookupError):
        os.killpg(proc.pid, 0)  # no process left in the command's process group
    assert _alive_with(marker) == []  # nor anywhere else (a process that left the group, say)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("leftover") / "content"
    synthesise(root, 6, [2019, 2020, 2021], catalogue(), seed=5)
    return root


@pytest.mark.parametrize("search", [False, True])
def test_no_process_outlives_a_build_and_its_folder_can_be_removed_at_once(synthetic: Path, tmp_path: Path, search: bool) -> None:
    work = tmp_path / "work"
    content, out = work / "content", work / "site"
    shutil.copytree(synthetic, content)
    extra = () if search else ("--no-search",)
    _build(content, out, *extra)  # a first build: the cache saved, the next staging folder made
    edited = sorted(content.rglob("2020.md"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    _build(content, out, *extra)  # an edit: the old site replaced, the cache saved again
    _build(content, out, *extra)  # nothing changed
    shutil.rmtree(work)  # no "Directory not empty": nothing is writing there any more
    assert not work.exists()
