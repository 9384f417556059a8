"""`nianbao verify`: check an archive (zip or unpacked folder) against its SHA-256 manifest."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.archive.manifest import ManifestError
from generator.archive.verify import verify_path

HELP = "按清单核对存档（zip 或解压后的目录）：列出缺少、多出和被改动的文件"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("archive", metavar="ARCHIVE_OR_FOLDER", help="存档 zip 文件或解压出的目录")


def run(args: argparse.Namespace) -> int:
    path = Path(args.archive)
    if not path.exists():
        print(f"nianbao: 用法错误：找不到 {path}", file=sys.stderr)
        return 2
    try:
        verdict = verify_path(path)
    except ManifestError as exc:
        print(f"存档无法核对：{exc}", file=sys.stderr)
        return 1
    for name in verdict.missing:
        print(f"缺少：{name}")
    for name in verdict.extra:
        print(f"多出：{name}")
    for name in verdict.altered:
        print(f"被改动：{name}")
    if verdict.intact:
        print(f"存档完整：{verdict.checked} 个文件与清单一致。", file=sys.stderr)
        return 0
    print(
        f"存档不完整：缺少 {len(verdict.missing)} 个，多出 {len(verdict.extra)} 个，被改动 {len(verdict.altered)} 个文件"
        f"（清单共 {verdict.checked} 个）。",
        file=sys.stderr,
    )
    return 1
