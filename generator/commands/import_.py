"""`nianbao import`: convert existing reports (.docx or text) into content files, listing what needs a human look.

The list is printed, not written into the content folder: a stray file in a town folder
would be a file the build does not know (and warns about), and the list is for the
clerk's session, not for publication. Redirect it (`> 导入记录.txt`) to keep it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.build.pipeline import check
from generator.commands.report import summary
from generator.importer.content_files import TargetExists, bad_segments, read_name, region_yaml, town_folders, town_yaml, write_files
from generator.diagnostics import Diagnostics, Level
from generator.formats import catalogue
from generator.importer.convert import Imported, UnreadableSource, convert
from generator.importer.findings import INFO, LOOK, Finding

HELP = "导入已有年报（.docx、.doc、PDF、网页或纯文本，可以是文件夹），转换为内容文件，并列出需要人工核对之处"
ALREADY_LISTED = {"missing-cell", "missing-table"}  # the import's own list names these, row by row
SITE_STUB = "title: 政府信息公开工作年度报告\n"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE", help="年报原文：.docx、.doc、PDF、另存的网页（.html），或从网站复制的纯文本；也可以是一个文件夹")
    p.add_argument("--town", metavar="PATH", help="镇目录（内容目录下的路径，如 shandong/weihai/huancui/yangting）；不给时按各年报标题中的镇名归入已有的镇目录")
    p.add_argument("--content", default="content", help="内容目录（默认 content）")
    p.add_argument("--force", action="store_true", help="覆盖已有的同年度年报文件")
    p.add_argument("--quiet", "-q", action="store_true", help="只列出需要人工核对之处，不列说明")


def run(args: argparse.Namespace) -> int:
    content = Path(args.content)
    if args.town is None:
        from generator.commands.import_many import run_many

        return run_many(args, content)
    town_path, parts = town_folders(content, args.town)
    if not parts:
        return _usage("请用 --town 给出镇目录，如 shandong/weihai/huancui/yangting")
    bad = bad_segments(parts)
    if bad:
        return _usage(f"目录名“{bad[0]}”不合规：只能用小写英文字母、数字和连字符")
    missing = [f for f in args.files if not Path(f).is_file()]
    if missing:
        return _usage(f"找不到文件 {'、'.join(missing)}")
    cat = catalogue()
    imports: list[Imported] = []
    for name in args.files:
        try:
            imports.append(convert(Path(name), cat))
        except UnreadableSource as exc:
            return _usage(f"{name}：{exc}")
    years = [i.year for i in imports if i.year is not None]
    if len(set(years)) != len(years):
        return _usage("同一次导入中有两份同年度的年报；请分开导入到不同的镇目录")
    folder = content / town_path
    files: dict[Path, str] = {}
    for item in imports:
        if item.report is not None:
            files[folder / f"{item.year}.yaml"] = item.report.dump()
            files[folder / f"{item.year}.md"] = item.narrative.markdown
    stubs, stub_findings = _stubs(content, parts, imports)
    try:
        write_files(files, force=args.force)
    except TargetExists as exc:
        return _usage(f"{exc} 已存在；确需覆盖请加 --force")
    write_files(stubs, force=False)
    for item in imports:
        _print_import(item, folder, args.quiet)
    if stub_findings or stubs:
        print("目录文件：")
        for path in stubs:
            print(f"  已新建 {path}")
        for f in stub_findings:
            print(f"  需要人工核对 {f.format()}")
    return _check(content, town_path, [i for i in imports if i.report is not None])


def _stubs(content: Path, parts: list[str], imports: list[Imported]) -> tuple[dict[Path, str], list[Finding]]:
    """site.yaml, region.yaml and town.yaml where missing, named as the report names them."""
    files: dict[Path, str] = {}
    findings: list[Finding] = []
    places = next((i.places for i in imports if i.places.town), imports[0].places)
    if not (content / "site.yaml").exists():
        files[content / "site.yaml"] = SITE_STUB
        findings.append(Finding(str(content / "site.yaml"), "新建了站点配置，门户名称暂为“政府信息公开工作年度报告”，请按实际填写 title、authority 等"))
    town_file = content.joinpath(*parts) / "town.yaml"
    if not town_file.exists():
        if places.town:
            files[town_file] = town_yaml(places.town, places.authority)
        else:
            files[town_file] = town_yaml(parts[-1])
            findings.append(Finding(str(town_file), f"原文中读不出镇名，暂以目录名“{parts[-1]}”作为名称，请改为正式名称"))
    else:
        existing = read_name(town_file)
        for item in imports:
            if item.places.town and existing and item.places.town != existing:
                findings.append(Finding(str(town_file), f"{item.path.name} 所报告的是“{item.places.town}”，而这个目录是“{existing}”；请确认导入的目录没有选错"))
    names = list(places.regions)
    for depth in range(len(parts) - 1, 0, -1):  # the nearest region first: the report names regions top-down, nearest last
        region_file = content.joinpath(*parts[:depth]) / "region.yaml"
        name = names.pop() if names else ""
        if region_file.exists():
            continue
        if name:
            files[region_file] = region_yaml(name)
        else:
            files[region_file] = region_yaml(parts[depth - 1])
            findings.append(Finding(str(region_file), f"原文中读不出这一级地区的名称，暂以目录名“{parts[depth - 1]}”作为名称，请改为正式名称"))
    return files, findings


def _print_import(item: Imported, folder: Path, quiet: bool) -> None:
    looks = [f for f in item.findings if f.level == LOOK]
    infos = [f for f in item.findings if f.level == INFO]
    if item.report is None:
        print(f"{item.path}：未导入")
    else:
        print(f"{item.path} → {folder / f'{item.year}.yaml'}、{folder / f'{item.year}.md'}（格式 {item.report.format.id}）")
    if looks:
        print(f"  需要人工核对（{len(looks)} 处）：")
        for f in looks:
            print(f"    {f.format()}")
    if infos and not quiet:
        print("  说明：")
        for f in infos:
            print(f"    {f.format()}")


def _check(content: Path, town_path: str, imports: list[Imported]) -> int:
    result = check(content)
    written = {f"{content.name}/{town_path}/{i.year}.{ext}" for i in imports for ext in ("yaml", "md")}
    own = Diagnostics([p for p in result.diags.problems if p.path in written])
    problems = [p for p in own.sorted() if p.level >= Level.WARNING]
    shown = [p for p in problems if p.code not in ALREADY_LISTED]
    unread = len(problems) - len(shown)
    if problems:
        print("nianbao check 对导入结果的意见：")
        for p in shown:
            print("  " + p.format().replace("\n", "\n  "))
        if unread:
            print(f"  另有 {unread} 处缺少单元格或表格，即上面列出的“未导入”各格；补齐后运行 nianbao check 复查")
    print(f"导入的年报检查结果：{summary(own)}。", file=sys.stderr)
    return 1 if own.has_errors or not imports else 0


def _usage(message: str) -> int:
    print(f"nianbao: 用法错误：{message}", file=sys.stderr)
    return 2
