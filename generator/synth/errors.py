"""Known errors planted in synthetic reports, so tests can assert that `nianbao check` finds exactly them.

Each kind changes one report in one way that the validator must report as one error, with the
code and field recorded here. Kinds that touch statistics only apply to formats with tables.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable

from generator.formats import Catalogue, Format
from generator.synth.report import ReportDraft
from generator.synth.statistics import instances


@dataclass(frozen=True)
class PlantedError:
    kind: str
    path: str  # file, relative to the content folder
    code: str  # the diagnostic code `nianbao check` reports
    field: str | None  # the field it names (None for file-level problems)

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "path": self.path, "code": self.code, "field": self.field}


@dataclass(frozen=True)
class ErrorKind:
    id: str
    needs_tables: bool
    apply: Callable[[ReportDraft, Catalogue, random.Random], tuple[str, str | None, str]]  # -> code, field, file ext

    def applies(self, fmt: Format) -> bool:
        return bool(fmt.tables) or not self.needs_tables


def _cell_paths(draft: ReportDraft, rng: random.Random, usable: Callable[[str], bool] = lambda c: True) -> str:
    cells = [c for c in draft.fmt.cells if usable(c)]
    return rng.choice(cells)


def _set_cell(draft: ReportDraft, cell_id: str, value: object) -> None:
    holder = draft.data["statistics"]
    parts = cell_id.split(".")
    for part in parts[:-1]:
        holder = holder[part]
    holder[parts[-1]] = value


def _broken_identity(draft: ReportDraft, _cat: Catalogue, rng: random.Random) -> tuple[str, str | None, str]:
    # a cell in exactly one equality, and in no other check, so exactly one identity fails
    uses: dict[str, int] = {}
    for check in instances(draft.fmt):
        for c in set(check.lhs + check.rhs):
            uses[c] = uses.get(c, 0) + (1 if check.op == "=" else 99)
    single = [c for c, n in sorted(uses.items()) if n == 1]
    cell = rng.choice(single)
    holder = draft.data["statistics"]
    for part in cell.split(".")[:-1]:
        holder = holder[part]
    holder[cell.split(".")[-1]] += 1
    check = next(k for k in instances(draft.fmt) if cell in k.lhs + k.rhs)
    return "identity", f"statistics.{check.lhs[0]}", "yaml"


def _wrong_type(draft: ReportDraft, _cat: Catalogue, rng: random.Random) -> tuple[str, str | None, str]:
    cell = _cell_paths(draft, rng)
    _set_cell(draft, cell, "若干")
    return "bad-number", f"statistics.{cell}", "yaml"


def _negative_count(draft: ReportDraft, _cat: Catalogue, rng: random.Random) -> tuple[str, str | None, str]:
    cells = draft.fmt.cells
    cell = _cell_paths(draft, rng, lambda c: cells[c].type == "count")
    _set_cell(draft, cell, -rng.randint(1, 9))
    return "bad-number", f"statistics.{cell}", "yaml"


def _missing_cell(draft: ReportDraft, _cat: Catalogue, rng: random.Random) -> tuple[str, str | None, str]:
    cell = _cell_paths(draft, rng, lambda c: len(c.split(".")) == 3)
    holder = draft.data["statistics"]
    parts = cell.split(".")
    for part in parts[:-1]:
        holder = holder[part]
    del holder[parts[-1]]
    return "missing-cell", f"statistics.{cell}", "yaml"


def _unknown_cell(draft: ReportDraft, _cat: Catalogue, rng: random.Random) -> tuple[str, str | None, str]:
    table = rng.choice(draft.fmt.tables).id
    draft.data["statistics"][table]["extra_row"] = 1
    return "unknown-field", f"statistics.{table}.extra_row", "yaml"


def _unknown_field(draft: ReportDraft, _cat: Catalogue, _rng: random.Random) -> tuple[str, str | None, str]:
    draft.data["remarks"] = "本字段不属于年报格式"
    return "unknown-field", "remarks", "yaml"


def _year_mismatch(draft: ReportDraft, _cat: Catalogue, _rng: random.Random) -> tuple[str, str | None, str]:
    draft.data["year"] = draft.file_year - 1
    return "year-mismatch", "year", "yaml"


def _unknown_format(draft: ReportDraft, _cat: Catalogue, _rng: random.Random) -> tuple[str, str | None, str]:
    draft.data["format"] = "gov-1999"
    return "unknown-format", "format", "yaml"


def _missing_narrative(draft: ReportDraft, _cat: Catalogue, _rng: random.Random) -> tuple[str, str | None, str]:
    draft.narrative = None
    return "missing-file", None, "md"


ERROR_KINDS: tuple[ErrorKind, ...] = (
    ErrorKind("broken-identity", True, _broken_identity),
    ErrorKind("wrong-type", True, _wrong_type),
    ErrorKind("unknown-field", False, _unknown_field),
    ErrorKind("year-mismatch", False, _year_mismatch),
    ErrorKind("negative-count", True, _negative_count),
    ErrorKind("unknown-cell", True, _unknown_cell),
    ErrorKind("missing-cell", True, _missing_cell),
    ErrorKind("unknown-format", False, _unknown_format),
    ErrorKind("missing-narrative", False, _missing_narrative),
)
KINDS_BY_ID = {k.id: k for k in ERROR_KINDS}


def plant(draft: ReportDraft, kind_id: str, catalogue: Catalogue, rng: random.Random) -> PlantedError:
    code, field, ext = KINDS_BY_ID[kind_id].apply(draft, catalogue, rng)
    return PlantedError(kind_id, f"{draft.town_path}/{draft.file_year}.{ext}", code, field)
