"""`nianbao new`: scaffold a report of a format, every table cell present (zero) and the official headings."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.build.pipeline import check
from generator.commands.report import print_problems, summary
from generator.importer.content_files import (
    ReportFile,
    TargetExists,
    bad_segments,
    outline_markdown,
    read_name,
    region_yaml,
    town_folders,
    town_yaml,
    write_files,
    zero_statistics,
)
from generator.formats import catalogue
from generator.diagnostics import Diagnostics

HELP = "新建一份年报：按格式生成全部单元格（为 0）和规定的章节标题"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("town", metavar="PATH", help="镇目录（内容目录下的路径，如 shandong/weihai/huancui/yangting）")
    p.add_argument("--year", type=int, required=True, help="报告年度")
    p.add_argument("--format", required=True, dest="format_id", metavar="ID", help="报告格式标识，如 gov-2021（可用的格式见 docs/formats.md）")
    p.add_argument("--content", default="content", help="内容目录（默认 content）")
    p.add_argument(
        "--name",
        action="append",
        default=[],
        metavar="名称 或 目录=名称",
        help="新建 town.yaml 时的镇名（如 --name 羊亭镇）；新建 region.yaml 时的地区名（如 --name huancui=环翠区）",
    )
    p.add_argument("--force", action="store_true", help="覆盖已有的同年度年报文件")


def run(args: argparse.Namespace) -> int:
    cat = catalogue()
    fmt = cat.get(args.format_id)
    if fmt is None:
        return _usage(f"未知的报告格式“{args.format_id}”，可用：{'、'.join(sorted(cat.formats))}")
    if not 2000 <= args.year <= 2100:
        return _usage(f"年度 {args.year} 不在合理范围内")
    content = Path(args.content)
    if not content.is_dir():
        return _usage(f"找不到内容目录 {content}")
    town_path, parts = town_folders(content, args.town)
    if not parts:
        return _usage("请给出镇目录，如 shandong/weihai/huancui/yangting")
    bad = bad_segments(parts)
    if bad:
        return _usage(f"目录名“{bad[0]}”不合规：只能用小写英文字母、数字和连字符")
    town_name, region_names = _names(args.name)
    folder = content / town_path
    files: dict[Path, str] = {}
    missing: list[str] = []
    town_file = folder / "town.yaml"
    if town_file.exists():
        town_name = read_name(town_file) or town_name
    elif town_name:
        files[town_file] = town_yaml(town_name)
    else:
        missing.append(f"--name 镇名（新建 {town_file}）")
    for i in range(1, len(parts)):
        region_file = content.joinpath(*parts[:i]) / "region.yaml"
        if not region_file.exists():
            name = region_names.get(parts[i - 1])
            if name:
                files[region_file] = region_yaml(name)
            else:
                missing.append(f"--name {parts[i - 1]}=地区名（新建 {region_file}）")
    if missing:
        return _usage("缺少名称，无法新建目录文件；请补充：" + "；".join(missing))
    report = ReportFile(
        format=fmt,
        year=args.year,
        title=f"{town_name}{args.year}年政府信息公开工作年度报告",
        statistics=zero_statistics(fmt),
        header=(f"由 nianbao new 按格式 {fmt.id}（{fmt.name}）生成。" + ("统计表各格均为 0，请按实际填写。" if fmt.tables else ""),),
    )
    data_file, md_file = folder / f"{args.year}.yaml", folder / f"{args.year}.md"
    try:
        write_files({data_file: report.dump(), md_file: outline_markdown(fmt)}, force=args.force)
    except TargetExists as exc:
        return _usage(f"{exc} 已存在；确需覆盖请加 --force")
    write_files({p: t for p, t in files.items() if not p.exists()}, force=False)
    for path in [data_file, md_file, *files]:
        print(f"已写入 {path}", file=sys.stderr)
    result = check(content)
    own = Diagnostics([p for p in result.diags.problems if f"/{town_path}/" in p.path or p.path.endswith(town_path)])
    print_problems(own, verbose=False)
    print(f"检查：{summary(own)}。", file=sys.stderr)
    return 1 if own.has_errors else 0


def _names(values: list[str]) -> tuple[str, dict[str, str]]:
    town = ""
    regions: dict[str, str] = {}
    for value in values:
        if "=" in value:
            slug, _, name = value.partition("=")
            regions[slug.strip()] = name.strip()
        else:
            town = value.strip()
    return town, regions


def _usage(message: str) -> int:
    print(f"nianbao: 用法错误：{message}", file=sys.stderr)
    return 2
