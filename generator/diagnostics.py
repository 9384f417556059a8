"""Problems found in content, as values, and how they are printed.

Every stage may add problems; none of them raises for bad data. The command line
prints them (sorted, one per line, `file:line:col: level [field] message`) and turns
them into an exit code.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable


class Level(enum.IntEnum):
    NOTICE = 0
    WARNING = 1
    ERROR = 2


LEVEL_NAMES = {Level.NOTICE: "提示", Level.WARNING: "警告", Level.ERROR: "错误"}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong (or worth saying) about the content."""

    path: str
    line: int
    column: int
    level: Level
    code: str
    message: str
    field: str = ""
    expected: str = ""
    found: str = ""
    related: tuple[str, ...] = ()
    public: str = ""  # the same finding worded for citizens (no file names), when it may be shown on a page

    def format(self) -> str:
        where = self.path or "(内容目录)"
        if self.line:
            where += f":{self.line}:{self.column}"
        text = f"{where}: {LEVEL_NAMES[self.level]} {self.code}"
        if self.field:
            text += f" [{self.field}]"
        text += f" {self.message}"
        details = []
        if self.expected:
            details.append(f"应为：{self.expected}")
        if self.found:
            details.append(f"实际：{self.found}")
        if details:
            text += "（" + "；".join(details) + "）"
        for rel in self.related:
            text += f"\n    参见 {rel}"
        return text

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "level": self.level.name.lower(),
            "code": self.code,
            "field": self.field,
            "message": self.message,
            "expected": self.expected,
            "found": self.found,
            "related": list(self.related),
        }


@dataclass(frozen=True)
class Where:
    """A place in a source file (1-based line and column; 0 when unknown)."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}" if self.line else self.path


@dataclass
class Diagnostics:
    """An append-only collection of problems, deduplicated."""

    problems: list[Problem] = field(default_factory=list)
    _seen: set[Problem] = field(default_factory=set, repr=False)

    def add(
        self,
        level: Level,
        code: str,
        where: Where,
        message: str,
        *,
        field: str = "",
        expected: object = "",
        found: object = "",
        related: Iterable[Where | str] = (),
        public: str = "",
    ) -> None:
        problem = Problem(
            path=where.path,
            line=where.line,
            column=where.column,
            level=level,
            code=code,
            message=message,
            field=field,
            expected=str(expected) if expected != "" else "",
            found=str(found) if found != "" else "",
            related=tuple(str(r) for r in related),
            public=public,
        )
        if problem not in self._seen:
            self._seen.add(problem)
            self.problems.append(problem)

    def error(self, code: str, where: Where, message: str, **kw: object) -> None:
        self.add(Level.ERROR, code, where, message, **kw)  # type: ignore[arg-type]

    def warning(self, code: str, where: Where, message: str, **kw: object) -> None:
        self.add(Level.WARNING, code, where, message, **kw)  # type: ignore[arg-type]

    def notice(self, code: str, where: Where, message: str, **kw: object) -> None:
        self.add(Level.NOTICE, code, where, message, **kw)  # type: ignore[arg-type]

    def extend(self, other: "Diagnostics") -> None:
        self.extend_problems(other.problems)

    def extend_problems(self, problems: Iterable[Problem]) -> None:
        for p in problems:
            if p not in self._seen:
                self._seen.add(p)
                self.problems.append(p)

    def count(self, level: Level) -> int:
        return sum(1 for p in self.problems if p.level == level)

    @property
    def has_errors(self) -> bool:
        return any(p.level == Level.ERROR for p in self.problems)

    def errors_in(self, path: str) -> bool:
        return any(p.level == Level.ERROR and p.path == path for p in self.problems)

    def sorted(self) -> list[Problem]:
        return sorted(self.problems, key=lambda p: (p.path, p.line, p.column, -p.level, p.code))


def relative(path: Path, root: Path) -> str:
    """The path as shown in messages: relative to the content folder's parent when possible."""
    try:
        return path.resolve().relative_to(root.resolve().parent).as_posix()
    except ValueError:
        return path.as_posix()
