"""What `nianbao build` says about the content, as plain values, and how it is printed.

A build prints it from its result; the input snapshot (`generator.incremental.snapshot`) keeps it,
and a build that finds nothing changed prints it again from there: the same lines, the same exit
code, under `--strict` and `--verbose` too. Nothing heavy is imported here.
"""

from __future__ import annotations

import sys
from typing import Any, NamedTuple

Counts = tuple[int, int, int]  # errors, warnings, notices


class Excluded(NamedTuple):
    """A part of the content left off the site for its errors."""

    label: str
    errors: int
    is_report: bool
    scope: str  # its folder (for a town or region file)


class Outcome(NamedTuple):
    """What a build that wrote the site says about the content."""

    problems: tuple[tuple[bool, str], ...]  # (printed without --verbose, the lines), in the order printed
    counts: Counts
    excluded: tuple[Excluded, ...]
    pages: int  # on the site

    def plain(self) -> Any:
        """As marshal's types (tuples, strings, numbers), for the snapshot."""
        return (self.problems, self.counts, tuple(tuple(part) for part in self.excluded), self.pages)

    @classmethod
    def from_plain(cls, value: Any) -> "Outcome | None":
        """From `plain`'s value; None when it is not one."""
        try:
            problems, counts, excluded, pages = value
            made = cls(tuple((bool(shown), str(text)) for shown, text in problems), (int(counts[0]), int(counts[1]), int(counts[2])),
                       tuple(Excluded(str(a), int(b), bool(c), str(d)) for a, b, c, d in excluded), int(pages))
        except (TypeError, ValueError, IndexError):
            return None
        return made

    def say(self, *, verbose: bool, strict: bool, content: str, out: str) -> int:
        """Print the problems, the parts left out and the site's line; return the exit code.

        `content`, `out`: the folders as the command line names them."""
        print_lines(self.problems, verbose=verbose)
        if self.excluded:
            print(f"以下 {len(self.excluded)} 处内容有错误，未发布（改正后重新生成即可）：", file=sys.stderr)
            for part in self.excluded:
                what = "该年报" if part.is_report else f"目录 {content.rstrip('/')}/{part.scope}/ 下的全部内容"
                print(f"  {part.label}（{part.errors} 个错误）：未发布{what}", file=sys.stderr)
        code = exit_code_of(self.counts, strict)
        print(f"已生成 {self.pages} 个页面到 {out}/（{summary_of(self.counts)}）。用浏览器打开 {out}/index.html 即可查看。", file=sys.stderr)
        return code


def print_lines(problems: tuple[tuple[bool, str], ...] | list[tuple[bool, str]], *, verbose: bool) -> None:
    """Each problem's lines, those marked as shown always, and with `verbose` the others (notices) too."""
    for shown, text in problems:
        if shown or verbose:
            print(text, file=sys.stderr)


def summary_of(counts: Counts) -> str:
    e, w, n = counts
    return f"{e} 个错误，{w} 个警告，{n} 个提示"


def exit_code_of(counts: Counts, strict: bool) -> int:
    """1 for errors, and for warnings under `strict` (said so); else 0."""
    errors, warnings, _ = counts
    if errors:
        return 1
    if strict and warnings:
        print("严格模式（--strict）：有警告，视为失败。", file=sys.stderr)
        return 1
    return 0


def pages_line(written: int, unchanged: int, removed: int, note: str, timings: str) -> str:
    """The last line of a build: what became of the pages, and the time per stage."""
    return f"页面：新写 {written}，未变 {unchanged}，删除 {removed}{note}。用时：{timings}。"
