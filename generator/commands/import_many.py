"""`nianbao import FILES_OR_FOLDERS` without --town: each report placed in its town's folder by the title.

A report is placed only where its town is certain: the town named in its title (or signature)
is the `name` of exactly one town.yaml of the content folder, the regions the title names
deciding between towns of the same name. A report that cannot be placed, or two reports of
the same town and year, are said and skipped; nothing is guessed. A table at the end sums up
every file: town, year, format and why (the labels that decided it), cells read, figures, items to look at.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from generator.commands import import_ as single
from generator.importer.content_files import TargetExists, read_name, write_files
from generator.formats import catalogue
from generator.importer.convert import TEXT_SUFFIXES, Imported, UnreadableSource, convert
from generator.importer.findings import LOOK

SUMMARY_MARKERS = 3  # labels named in the summary's "format and why" column (the import's findings name them all)
READABLE = {".docx", ".doc", ".wps", ".pdf", ".html", ".htm", *(s for s in TEXT_SUFFIXES if s)}


@dataclass
class Row:
    path: Path
    town: str = ""  # the town folder, relative to the content folder
    imported: Imported | None = None
    skipped: str = ""  # why the file was not imported


def source_files(names: list[str]) -> tuple[list[Path], list[str]]:
    """The files named, and the readable files inside the folders named (sorted); names that do not exist."""
    files: list[Path] = []
    missing: list[str] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in READABLE and not p.name.startswith("."))
        elif path.is_file():
            files.append(path)
        else:
            missing.append(name)
    return files, missing


def towns(content: Path) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """Town name -> [(folder, names of the regions above it, top down)] for every town.yaml of the content."""
    out: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for town_file in sorted(content.rglob("town.yaml")):
        folder = town_file.parent.relative_to(content)
        regions = tuple(read_name(content.joinpath(*folder.parts[:d]) / "region.yaml") for d in range(1, len(folder.parts)))
        out.setdefault(read_name(town_file), []).append((folder.as_posix(), regions))
    return out


def place(item: Imported, known: dict[str, list[tuple[str, tuple[str, ...]]]]) -> tuple[str, str]:
    """(town folder, "") when the report's town is certain, else ("", why not)."""
    name = item.places.town
    if not name:
        return "", "标题和落款中读不出镇名，未导入；请用 --town 指定镇目录单独导入"
    candidates = known.get(name, [])
    if len(candidates) > 1 and item.places.regions:
        named = set(item.places.regions)
        candidates = [c for c in candidates if named <= set(c[1])]
    if not candidates:
        return "", f"内容目录中没有名为“{name}”的镇（town.yaml），未导入；请先用 nianbao new 建立该镇，或用 --town 指定镇目录"
    if len(candidates) > 1:
        folders = "、".join(c[0] for c in candidates)
        return "", f"内容目录中有 {len(candidates)} 个名为“{name}”的镇（{folders}），标题没有写明属于哪个县区，未导入；请用 --town 指定"
    return candidates[0][0], ""


def run_many(args: argparse.Namespace, content: Path) -> int:
    files, missing = source_files(args.files)
    if missing:
        return single._usage(f"找不到文件 {'、'.join(missing)}")
    if not files:
        return single._usage("给出的文件夹中没有可导入的年报文件（.docx、.doc、.pdf、.html、.txt）")
    known = towns(content)
    cat = catalogue()
    rows: list[Row] = []
    for path in files:
        row = Row(path)
        rows.append(row)
        try:
            row.imported = convert(path, cat)
        except UnreadableSource as exc:
            row.skipped = str(exc)
            continue
        if row.imported.report is None:
            row.skipped = "读不出年度，未导入"
            continue
        row.town, row.skipped = place(row.imported, known)
    by_key: dict[tuple[str, int], list[Row]] = {}
    for row in rows:
        if not row.skipped and row.imported is not None and row.imported.year is not None:
            by_key.setdefault((row.town, row.imported.year), []).append(row)
    for (town, year), same in by_key.items():
        if len(same) > 1:
            names = "、".join(r.path.name for r in same)
            for row in same:
                row.skipped = f"与其他文件冲突：{names} 都是 {town} 的 {year} 年年报，均未导入；请确认哪一份是正式发布的，用 --town 单独导入"
    placed = [r for r in rows if not r.skipped and r.imported is not None and r.imported.report is not None]
    out: dict[Path, str] = {}
    for row in placed:
        assert row.imported is not None and row.imported.report is not None
        folder = content / row.town
        out[folder / f"{row.imported.year}.yaml"] = row.imported.report.dump()
        out[folder / f"{row.imported.year}.md"] = row.imported.narrative.markdown
    try:
        write_files(out, force=args.force)
    except TargetExists as exc:
        return single._usage(f"{exc} 已存在；确需覆盖请加 --force")
    for row in rows:
        if row.skipped:
            print(f"{row.path}：{row.skipped}")
        elif row.imported is not None:
            single._print_import(row.imported, content / row.town, args.quiet)
    print_summary(rows)
    code = 0
    for town in sorted({r.town for r in placed}):
        code = max(code, single._check(content, town, [r.imported for r in placed if r.town == town and r.imported is not None]))
    if not placed:
        print("没有导入任何年报。", file=sys.stderr)
        return 1
    return code


def print_summary(rows: list[Row]) -> None:
    """One line a file: what was imported where, and how much of it was read."""
    print("导入汇总：")
    print("| 文件 | 镇 | 年度 | 格式及依据 | 读入单元格 | 关键数字 | 待核对 |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        item = row.imported
        if item is None or item.report is None or row.skipped:
            why = row.skipped.split("；")[0].removesuffix("，未导入")
            town = item.places.town if item is not None else ""
            year = str(item.year) if item is not None and item.year else ""
            print(f"| {row.path.name} | {town} | {year} | 未导入：{why} | | | |")
            continue
        fmt = item.report.format
        if fmt.tables:
            how = f"{fmt.id}：{item.recognition.basis(SUMMARY_MARKERS)}"
            cells = f"{sum(1 for v in item.report.statistics.values() if v is not None)}/{len(fmt.cells)}"
        else:
            how = f"{fmt.id}：{item.recognition.basis()}"
            cells = "—"
        looks = sum(1 for f in item.findings if f.level == LOOK)
        print(f"| {row.path.name} | {item.places.town}（{row.town}） | {item.year} | {how} | {cells} | {len(item.report.figures)} | {looks} |")
