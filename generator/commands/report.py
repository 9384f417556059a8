"""Printing problems and the summary line, shared by the verbs that check content."""

from __future__ import annotations

import json
import sys

from generator.commands.outcome import Counts, exit_code_of, print_lines, summary_of
from generator.diagnostics import Diagnostics, Level


def print_problems(diags: Diagnostics, *, verbose: bool, as_json: bool = False) -> None:
    problems = diags.sorted()
    if as_json:
        json.dump([p.to_dict() for p in problems], sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return
    print_lines(problem_lines(diags), verbose=verbose)


def problem_lines(diags: Diagnostics) -> list[tuple[bool, str]]:
    """Every problem in the order printed: (shown without --verbose, its lines)."""
    return [(p.level >= Level.WARNING, p.format()) for p in diags.sorted()]


def counts(diags: Diagnostics) -> Counts:
    return diags.count(Level.ERROR), diags.count(Level.WARNING), diags.count(Level.NOTICE)


def summary(diags: Diagnostics) -> str:
    return summary_of(counts(diags))


def exit_code(diags: Diagnostics, strict: bool) -> int:
    return exit_code_of(counts(diags), strict)
