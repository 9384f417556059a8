"""`nianbao archive`: one zip of the built site that works unpacked and opened from disk, searchable offline."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.archive.pack import ArchiveError, assemble, folder_name, write_zip, zip_time

HELP = "把生成好的站点打包为可离线浏览和检索的 zip 存档"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--site", default="site", help="生成好的站点目录（默认 site）")
    p.add_argument("--out", default="nianbao-archive.zip", help="存档文件（默认 nianbao-archive.zip）")


def run(args: argparse.Namespace) -> int:
    site, out = Path(args.site), Path(args.out)
    if not site.is_dir():
        print(f"nianbao: 用法错误：找不到站点目录 {site}（请先运行 nianbao build）", file=sys.stderr)
        return 2
    if out.resolve().is_relative_to(site.resolve()):
        print(f"nianbao: 用法错误：存档 {out} 不能写在站点目录 {site} 之内", file=sys.stderr)
        return 2
    if out.is_dir():
        print(f"nianbao: 用法错误：{out} 是目录，请给出 zip 文件名", file=sys.stderr)
        return 2
    try:
        when = zip_time()
        assembled = assemble(site)
    except ArchiveError as exc:
        print(f"nianbao: 用法错误：{exc}", file=sys.stderr)
        return 2
    write_zip(assembled.files, out, folder_name(out), when)
    size = out.stat().st_size
    held = (f"收录 {assembled.reports} 份年报，检索索引 {assembled.index_bytes / 1024:.0f} KB" if assembled.reports is not None
            else "站点未建检索索引")
    print(
        f"已写出存档 {out}（{len(assembled.files)} 个文件，{size / 1024:.0f} KB；{held}）。"
        f"解压后双击 index.html 即可浏览。",
        file=sys.stderr,
    )
    return 0
