"""`nianbao build`: check the content and write the site from every part without errors.

Exit codes (docs/cli.md): 0 written, no errors; 1 content errors (the site was written
without the parts that have them, or, for errors about the whole site, not at all);
2 usage (bad arguments, missing content folder, unusable output folder); 3 internal.

When the input snapshot (`generator.incremental.snapshot`) shows that nothing the last build read
or wrote has changed, the site is what a build would make: what that build said is said again,
and nothing else is done (the pipeline, and the libraries it needs, are not even imported).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

import generator
from generator.commands.outcome import Excluded, Outcome, pages_line
from generator.incremental import snapshot
from generator.incremental.state import state_dir
from generator.progress import Timings

if TYPE_CHECKING:
    from generator.build.pipeline import BuildResult
    from generator.stages.write import StagingOptions


HELP = "检查内容并生成站点"
TEXT_EDITED = "只有年报正文的文字有改动"  # what the last line says of a build by `generator.build.text_edit`
TEXT_UNCHANGED = "（改动过的文件经核对内容未变，沿用现有站点）"
# The libraries whose code turns content into pages: an upgrade of one is a change of input.
LIBRARIES = ("jinja2", "markupsafe", "markdown_it", "mdurl", "yaml", "numpy")


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--content", default="content", help="内容目录（默认 content）")
    p.add_argument("--out", default="site", help="输出目录（默认 site）")
    p.add_argument("--jobs", "-j", type=int, default=0, help="并行进程数（默认：CPU 核数）")
    p.add_argument("--no-cache", action="store_true", help="不使用也不保存增量构建缓存（完整重建）")
    p.add_argument("--no-search", action="store_true", help="不生成全文检索索引")
    p.add_argument("--strict", action="store_true", help="有警告也视为失败")
    p.add_argument("--verbose", "-v", action="store_true", help="同时列出提示信息")


def run(args: argparse.Namespace) -> int:
    started_ns = time.time_ns()  # before the pipeline's code is imported, let alone any content read
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
    return build_command(args, content, out, started_ns).code


@dataclass(frozen=True)
class Done:
    """How `nianbao build` ended: its exit code, the build's result (None when the input snapshot
    showed nothing to do, when only narratives' texts changed, or when the output folder was
    unusable) and the number of pages of the site."""

    code: int
    result: BuildResult | None
    pages: int
    how: str = "build"  # "snapshot": nothing to do; "text": only narratives' texts (`generator.build.text_edit`)
    written: int = 0  # pages written, when not by a build
    stages: dict[str, float] = field(default_factory=dict)  # time per stage, when not by a build


def build_command(args: argparse.Namespace, content: Path, out: Path, started_ns: int) -> Done:
    """What `nianbao build` does once its arguments are checked (the benchmark times it through this)."""
    if not args.no_cache:
        timings = Timings()
        key = _key(args, content, out)
        with timings.stage("snapshot"):
            changes = snapshot.changes(out, key, content)
        outcome = Outcome.from_plain(changes.said) if changes is not None else None
        if changes is not None and outcome is not None:
            if not changes.names:
                return _unchanged(args, outcome, timings)
            done = _text_edited(args, content, out, started_ns, key, changes, outcome)
            if done is not None:
                return done
    code, result = _build(args, content, out, started_ns)
    return Done(code, result, len(result.pages) if result is not None else 0)


def _key(args: argparse.Namespace, content: Path, out: Path) -> tuple[str, ...]:
    """What decides the output and what is printed, besides the files read: for the input snapshot."""
    return ("no search" if args.no_search else "search", generator.__version__, os.path.dirname(os.path.abspath(generator.__file__)),
            sys.version, sys.prefix, args.content, str(content.resolve()), str(out.resolve()))


def _unchanged(args: argparse.Namespace, outcome: Outcome, timings: Timings) -> Done:
    """The snapshot says the site is current: say what the build that made it said."""
    code = outcome.say(verbose=args.verbose, strict=args.strict, content=args.content, out=args.out)
    print(pages_line(0, outcome.pages, 0, "（内容、主题与程序均未改变，沿用现有站点）", timings.describe()), file=sys.stderr)
    return Done(code, None, outcome.pages, "snapshot", 0, timings.seconds)


def _text_edited(args: argparse.Namespace, content: Path, out: Path, started_ns: int, key: tuple[str, ...], changes: snapshot.Changes,
                 outcome: Outcome) -> Done | None:
    """If only reports' files changed, and only in their narratives' text, the build of their pages
    and of the search index alone (`generator.build.text_edit`); None when it is not that (the full build runs)."""
    from generator.build.text_edit import edit_texts

    from generator.stages.write import OutputError

    snapshot.discard(out)  # until this build succeeds, no snapshot says the site is current
    try:
        made = edit_texts(content, out, changes, search=not args.no_search, staging=staging_options(os.environ))
    except OutputError:
        return None  # another build holds the output, say: the full build says so, as always
    if made is None:
        return None
    changes.inputs.unsettle(started_ns)
    snapshot.save(out, key, changes.inputs, made.recorded, changes.said)
    code = outcome.say(verbose=args.verbose, strict=args.strict, content=args.content, out=args.out)
    if not args.no_search:
        print(f"全文检索：索引 {made.search_reports} 篇年报（search-data/）。", file=sys.stderr)
    written = len(made.written)
    note = f"（{TEXT_EDITED}：只重写了这些年报的页面{'' if args.no_search else '和全文检索索引'}）" if written else TEXT_UNCHANGED
    print(pages_line(written, outcome.pages - written, 0, note, made.timings.describe()), file=sys.stderr)
    return Done(code, None, outcome.pages, "text", written, made.timings.seconds)


def _build(args: argparse.Namespace, content: Path, out: Path, started_ns: int) -> tuple[int, BuildResult | None]:
    """Build; record the input snapshot if the build left the site as its own (what changed within
    `snapshot.RACY_NS` of `started_ns` recorded as changed)."""
    from generator.build.pipeline import SearchOptions, build
    from generator.commands.report import counts, print_problems, problem_lines, summary
    from generator.incremental.fingerprint import GENERATOR_DIR
    from generator.stages.render import THEMES_DIR
    from generator.stages.write import OutputError

    # what the build reads, stat'ed before it reads it (the custom theme, named in site.yaml, after)
    inputs = snapshot.Inputs()  # (the small ones first: they are compared first)
    inputs.add(GENERATOR_DIR, snapshot.CODE_SUFFIXES)
    for path in _library_files():
        inputs.add(path)
    inputs.add(THEMES_DIR / "default")
    inputs.add(content)
    search = SearchOptions(not args.no_search, args.jobs)
    try:
        snapshot.discard(out)  # until this build succeeds, no snapshot says the site is current
        result = build(content, out, search, jobs=args.jobs, use_cache=not args.no_cache, staging=staging_options(os.environ))
    except OutputError as exc:
        print(f"nianbao: 用法错误：{exc}", file=sys.stderr)
        return 2, None
    except OSError as exc:
        if exc.filename is None or not _inside(Path(exc.filename), out):
            raise  # not about the output folder: an internal error
        print(f"nianbao: 用法错误：无法写入输出目录 {out}：{exc.strerror}（{exc.filename}）。原有站点保持不变。", file=sys.stderr)
        return 2, None
    diags = result.check.diags
    if not result.written:
        print_problems(diags, verbose=args.verbose)
        print(f"未生成站点（{summary(diags)}）：以上错误涉及整个站点。原有站点保持不变。", file=sys.stderr)
        return 1, result
    excluded = tuple(Excluded(part.label, len(part.problems), part.is_report, part.scope) for part in result.exclusions.parts)
    outcome = Outcome(tuple(problem_lines(diags)), counts(diags), excluded, len(result.pages))
    if result.recorded is not None:
        if result.custom_theme is not None:
            inputs.add(result.custom_theme)
        if inputs.complete:
            inputs.unsettle(started_ns)
            snapshot.save(out, _key(args, content, out), inputs, result.recorded, outcome.plain())
    code = outcome.say(verbose=args.verbose, strict=args.strict, content=args.content, out=args.out)
    if result.search is not None:
        print(f"全文检索：索引 {result.search_reports} 篇年报（search-data/）。", file=sys.stderr)
    print(build_summary(result), file=sys.stderr)
    return code, result


def _library_files() -> list[Path]:
    """The files that say which version of each library is installed (its package's `__init__`)."""
    found = []
    for name in LIBRARIES:
        module = sys.modules.get(name)
        where = getattr(module, "__file__", None)
        if where:
            found.append(Path(where))
    return found


def staging_options(environ: Mapping[str, str]) -> StagingOptions:
    """How the site is swapped in: the defaults, unless `NIANBAO_SWAP` ("exchange" or "rename") or
    `NIANBAO_CLONE_MIN_FILES` say otherwise (for tests, and deployments on unusual file systems).
    Read here, once per command; the build takes them as parameters."""
    from generator.stages.write import StagingOptions

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
    return pages_line(len(r.written), len(r.unchanged), len(r.removed), reused + ignored, result.timings.describe())


def _unsafe_output(content: Path, out: Path) -> bool:
    c, o = content.resolve(), out.resolve()
    return o == c or c.is_relative_to(o) or o.is_relative_to(c) or o == Path(o.anchor)
