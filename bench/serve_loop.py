"""The preview loop as a clerk lives it: `nianbao serve` open in a browser, a narrative saved, the page reloaded.

    python bench/serve_loop.py --towns 1000 --work /tmp/nianbao-serve-loop [--edits 5] [--keep]

Makes a synthetic corpus (`nianbao synth`), starts `nianbao serve` on it, waits for the first
build, opens the edited report's page in headless Chromium (/usr/bin/chromium, through
Playwright) and then `--edits` times appends a sentence to that report's narrative and measures
from the save to the moment the open page shows the sentence (the preview reloads it itself).
Each save waits for the last to show. The wall time of each is printed with the median. Not a
test: its times depend on the machine.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

sys.path.insert(0, str(REPO / "tests"))

from bench.loop_args import loop_options  # noqa: E402
from browser import CHROMIUM_FLAGS  # noqa: E402  (the tests' Chromium flags)

CHROMIUM = "/usr/bin/chromium"
FIRST_BUILD_SECONDS = 1800.0
SHOW_SECONDS = 120.0


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}


def _address(proc: subprocess.Popen[str]) -> str:
    """The preview's address, from its first "预览地址" line (printed after the first build)."""
    assert proc.stderr is not None
    deadline = time.monotonic() + FIRST_BUILD_SECONDS
    for line in proc.stderr:
        m = re.search(r"http://127\.0\.0\.1:\d+/", line)
        if m:
            return m.group(0)
        if time.monotonic() > deadline:
            break
    sys.exit("nianbao serve did not start")


def _page_url(content: Path, narrative: Path) -> str:
    rel = narrative.relative_to(content).with_suffix("")  # <regions>/<town>/<year>
    return f"{rel.as_posix()}/index.html"


def serve_loop(content: Path, out: Path, edited: Path, edits: int) -> tuple[float, list[float]]:
    """`nianbao serve` on `content` (writing `out`), `edited`'s page open in headless Chromium, `edits` saves:
    the time to the first build, and from each save to the page showing it."""
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--content", str(content), "--port", "0",
                             "--out", str(out)], env=_env(), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        started = time.monotonic()
        base = _address(proc)
        first = time.monotonic() - started
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
            try:
                page = browser.new_page()
                page.goto(base + _page_url(content, edited))
                walls = []
                for i in range(edits):
                    sentence = f"预览测量第{i + 1}句。"
                    with edited.open("a", encoding="utf-8") as narrative:
                        narrative.write(f"\n{sentence}\n")
                    saved = time.monotonic()
                    page.wait_for_function("s => document.body && document.body.innerText.includes(s)", arg=sentence,
                                           timeout=SHOW_SECONDS * 1000, polling=20)
                    walls.append(time.monotonic() - saved)
            finally:
                browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    return first, walls


def main() -> None:
    args = loop_options(__doc__, "/tmp/nianbao-serve-loop", jobs=False)
    content, out = args.work / "content", args.work / "site"
    try:
        subprocess.run([sys.executable, "-m", "generator", "synth", "--towns", str(args.towns), "--out", str(content)],
                       env=_env(), check=True, capture_output=True)
        narratives = sorted(content.rglob("*.md"))
        first, walls = serve_loop(content, out, narratives[len(narratives) // 2], args.edits)
        print(f"first build: {first:.2f} s")
        for i, wall in enumerate(walls):
            print(f"save {i + 1} -> page shows it: {wall:.2f} s")
        print(f"median of {len(walls)}: {statistics.median(walls):.2f} s")
    finally:
        if not args.keep:
            shutil.rmtree(args.work, ignore_errors=True)


if __name__ == "__main__":
    main()
