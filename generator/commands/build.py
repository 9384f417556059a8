"""`nianbao build`: check the content and write the site from every part without errors.

Exit codes (docs/cli.md): 0 written, no errors; 1 content errors (the site was written
without the parts that have them, or, for errors about the whole site, not at all);
2 usage (bad arguments, missing content folder, unusable output folder); 3 internal.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Mapping

from generator.build import BuildResult, SearchOptions, build
from generator.commands.report import exit_code, print_problems, summary
from generator.incremental.state import state_dir
from generator.stages.write import OutputError, StagingOptions


HELP = "检查内容并生成站点"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--content", default="content", help="内容目录（默认 content）")
    p.add_argument("--out", default="site", help="输出目录（默认 site）")
    p.add_argument("--jobs", "-j", type=int, default=0, help="并行进程数（默认：CPU 核数）")
    p.add_argument("--no-cache", action="store_true", help="不使用也不保存增量构建缓存（完整重建）")
    p.add_argument("--no-search", action="store_true", help="不生成全文检索索引")
    p.add_argument("--strict", action="store_true", help="有警告也视为失败")
    p.add_argument("--verbose", "-v", action="store_true", help="同时列出提示信息")


def run(args: argparse.Namespace) -> int:
    content, out = Path(args.content), Path(args.out)
    if args.jobs < 0:
        print(f"nianbao: 用法错误：--jobs 不能为负数（{args.jobs}）", file=sys.stderr)
        return 2
    if not content.is_dir():
        print(f"nianbao: 用法错误：找不到内容目录 {content}", file=sys.stderr)
        return 2
    if _unsafe_output(content, out):
        print(f"nianbao: 用法错误：输出目录 {out} 不能是内容目录或其上级目录", file=sys.stderr)
        return 2
    search = SearchOptions(not args.no_search, args.jobs)
    try:
        result = build(content, out, search, jobs=args.jobs, use_cache=not args.no_cache, staging=staging_options(os.environ))
    except OutputError as exc:
        print(f"nianbao: 用法错误：{exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        if exc.filename is None or not _inside(Path(exc.filename), out):
            raise  # not about the output folder: an internal error
        print(f"nianbao: 用法错误：无法写入输出目录 {out}：{exc.strerror}（{exc.filename}）。原有站点保持不变。", file=sys.stderr)
        return 2
    diags = result.check.diags
    print_problems(diags, verbose=args.verbose)
    if not result.written:
        print(f"未生成站点（{summary(diags)}）：以上错误涉及整个站点。原有站点保持不变。", file=sys.stderr)
        return 1
    parts = result.exclusions.parts
    if parts:
        print(f"以下 {len(parts)} 处内容有错误，未发布（改正后重新生成即可）：", file=sys.stderr)
        for part in parts:
            what = "该年报" if part.is_report else f"目录 {args.content.rstrip('/')}/{part.scope}/ 下的全部内容"
            print(f"  {part.label}（{len(part.problems)} 个错误）：未发布{what}", file=sys.stderr)
    code = exit_code(diags, args.strict)
    print(f"已生成 {len(result.pages)} 个页面到 {out}/（{summary(diags)}）。用浏览器打开 {out}/index.html 即可查看。", file=sys.stderr)
    if result.search is not None:
        print(f"全文检索：索引 {result.search_reports} 篇年报（search-data/）。", file=sys.stderr)
    print(build_summary(result), file=sys.stderr)
    return code


def staging_options(environ: Mapping[str, str]) -> StagingOptions:
    """How the site is swapped in: the defaults, unless `NIANBAO_SWAP` ("exchange" or "rename") or
    `NIANBAO_CLONE_MIN_FILES` say otherwise (for tests, and deployments on unusual file systems).
    Read here, once per command; the build takes them as parameters."""
    default = StagingOptions()
    return StagingOptions(swap=environ.get("NIANBAO_SWAP", default.swap),
                          clone_min_files=int(environ.get("NIANBAO_CLONE_MIN_FILES", default.clone_min_files)))


def _inside(path: Path, out: Path) -> bool:
    """Is `path` the output folder, or one of the build's own files in its hidden folder beside it?"""
    p, o = path.resolve(), out.resolve()
    return p.is_relative_to(o) or p.is_relative_to(state_dir(o)) or p == o.parent or o.is_relative_to(p)


def build_summary(result: BuildResult) -> str:
    r = result.rendered
    reused = f"，沿用缓存中的年报 {result.reports_reused} 份" if result.reports_reused else ""
    ignored = "（缓存无效，已忽略并完整重建）" if result.cache_status.startswith("ignored") else ""
    return (
        f"页面：新写 {len(r.written)}，未变 {len(r.unchanged)}，删除 {len(r.removed)}{reused}{ignored}。"
        f"用时：{result.timings.describe()}。"
    )


def _unsafe_output(content: Path, out: Path) -> bool:
    c, o = content.resolve(), out.resolve()
    return o == c or c.is_relative_to(o) or o.is_relative_to(c) or o == Path(o.anchor)
