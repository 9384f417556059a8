"""The registry of cell types a format may use: name -> how a value is read and checked."""

from __future__ import annotations

from dataclasses import dataclass

from generator.source.numbers import Reading, read_number


@dataclass(frozen=True)
class CellType:
    name: str
    integer: bool
    signed: bool
    description: str  # shown in messages and JSON Schemas

    def read(self, raw: object) -> Reading:
        return read_number(raw, integer=self.integer, signed=self.signed)

    def as_is(self, raw: object) -> bool:
        """Is `raw` read as itself with nothing to say about it (an int in range)? The common case,
        answered without making a Reading (a report has about 120 cells)."""
        return type(raw) is int and (raw >= 0 or self.signed)


CELL_TYPES: dict[str, CellType] = {
    t.name: t
    for t in (
        CellType("count", integer=True, signed=False, description="非负整数"),
        CellType("delta", integer=True, signed=True, description="整数（可为负数，表示减少）"),
        CellType("amount", integer=False, signed=False, description="非负数，可有小数（金额）"),
    )
}
