"""`nianbao synth`: write a synthetic content tree (for tests and benchmarks), optionally with known errors."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from generator.formats import catalogue
from generator.synth import ERRORS_FILE, synthesise

HELP = "生成合成测试内容（用于测试和性能评估）"
_YEARS = re.compile(r"(\d{4})(?:-(\d{4}))?\Z")


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--towns", type=int, required=True, help="镇的数量")
    p.add_argument("--years", default="2014-2023", help="年度范围，如 2014-2023（默认）或 2021")
    p.add_argument("--out", required=True, help="输出的内容目录（须不存在或为空）")
    p.add_argument("--seed", type=int, default=1, help="随机种子（相同种子生成相同内容）")
    p.add_argument("--errors", type=int, default=0, help=f"故意植入的错误个数（清单写入 {ERRORS_FILE}）")


def run(args: argparse.Namespace) -> int:
    m = _YEARS.match(args.years)
    first, last = (int(m[1]), int(m[2] or m[1])) if m else (0, -1)
    if not m or last < first or first < 2000 or last > 2100:
        print(f"nianbao: 用法错误：年度范围应写作 2014-2023，而不是 {args.years}", file=sys.stderr)
        return 2
    if args.towns < 1 or args.errors < 0:
        print("nianbao: 用法错误：--towns 至少为 1，--errors 不能为负数", file=sys.stderr)
        return 2
    out = Path(args.out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        print(f"nianbao: 用法错误：输出目录 {out} 已存在且不为空", file=sys.stderr)
        return 2
    years = list(range(first, last + 1))
    if args.errors > args.towns * len(years):
        print("nianbao: 用法错误：错误个数不能多于年报份数", file=sys.stderr)
        return 2
    result = synthesise(out, args.towns, years, catalogue(), seed=args.seed, errors=args.errors)
    for e in result.errors:
        print(f"植入错误 {e.kind}: {e.path} [{e.code}] {e.field or ''}".rstrip())
    print(
        f"已生成 {result.regions} 个地区、{result.towns} 个镇、{result.reports} 份年报到 {out}/"
        + (f"；植入 {len(result.errors)} 个错误，清单见 {out / ERRORS_FILE}" if result.errors else ""),
        file=sys.stderr,
    )
    return 0
