"""The Hugo corpus of a benchmark: the same synthetic reports as front matter + Markdown.

Each report's YAML becomes its front matter (with the town's place name added) and its
narrative the page body; each town is a section (`_index.md`) under `reports/`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

SKELETON = Path(__file__).resolve().parent / "hugo-skel"


def write_hugo_corpus(content: Path, site: Path) -> int:
    """Write a Hugo site for the reports under `content`; returns the number of reports."""
    if site.exists():
        shutil.rmtree(site)
    shutil.copytree(SKELETON, site)
    pages = site / "content"
    reports_dir = pages / "reports"
    reports_dir.mkdir(parents=True)
    (pages / "_index.md").write_text("---\ntitle: 首页\n---\n", encoding="utf-8")
    (reports_dir / "_index.md").write_text("---\ntitle: 年报\nbuild:\n  render: never\n---\n", encoding="utf-8")
    names = {}
    for region in sorted(content.rglob("region.yaml")):
        names[region.parent.relative_to(content).as_posix()] = yaml.load(region.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)["name"]
    count = 0
    for town_yaml in sorted(content.rglob("town.yaml")):
        folder = town_yaml.parent
        rel = folder.relative_to(content).as_posix()
        parts = rel.split("/")
        place = "".join(names.get("/".join(parts[:i]), "") for i in range(1, len(parts)))
        town = yaml.load(town_yaml.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)["name"]
        target = reports_dir / rel.replace("/", "--")
        target.mkdir()
        (target / "_index.md").write_text(f"---\ntitle: {json.dumps(place + town, ensure_ascii=False)}\n---\n", encoding="utf-8")
        for data in sorted(folder.glob("[0-9][0-9][0-9][0-9].yaml")):
            narrative = data.with_suffix(".md").read_text(encoding="utf-8")
            front = data.read_text(encoding="utf-8") + f"place: {json.dumps(place + town, ensure_ascii=False)}\n"
            (target / f"{data.stem}.md").write_text(f"---\n{front}---\n\n{narrative}", encoding="utf-8")
            count += 1
    return count
