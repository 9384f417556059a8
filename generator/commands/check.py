"""`nianbao check`: load and validate the content, print every problem, build nothing."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.build.pipeline import check
from generator.commands.report import exit_code, print_problems, summary


HELP = "检查内容（不生成站点）"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--content", default="content", help="内容目录（默认 content）")
    p.add_argument("--strict", action="store_true", help="有警告也视为失败")
    p.add_argument("--verbose", "-v", action="store_true", help="同时列出提示信息")
    p.add_argument("--json", action="store_true", help="以 JSON 输出检查结果")


def run(args: argparse.Namespace) -> int:
    content = Path(args.content)
    if not content.is_dir():
        print(f"nianbao: 用法错误：找不到内容目录 {content}", file=sys.stderr)
        return 2
    result = check(content)
    print_problems(result.diags, verbose=args.verbose, as_json=args.json)
    reports = len(result.site.reports) if result.site else 0
    print(f"检查了 {reports} 份年报：{summary(result.diags)}。", file=sys.stderr)
    return exit_code(result.diags, args.strict)
