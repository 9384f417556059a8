"""Printing problems and the summary line, shared by the verbs that check content."""

from __future__ import annotations

import json
import sys

from generator.diagnostics import Diagnostics, Level


def print_problems(diags: Diagnostics, *, verbose: bool, as_json: bool = False) -> None:
    problems = diags.sorted()
    if as_json:
        json.dump([p.to_dict() for p in problems], sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return
    for p in problems:
        if p.level >= Level.WARNING or verbose:
            print(p.format(), file=sys.stderr)


def summary(diags: Diagnostics) -> str:
    e, w, n = diags.count(Level.ERROR), diags.count(Level.WARNING), diags.count(Level.NOTICE)
    return f"{e} 个错误，{w} 个警告，{n} 个提示"


def exit_code(diags: Diagnostics, strict: bool) -> int:
    if diags.has_errors:
        return 1
    if strict and diags.count(Level.WARNING):
        print("严格模式（--strict）：有警告，视为失败。", file=sys.stderr)
        return 1
    return 0
