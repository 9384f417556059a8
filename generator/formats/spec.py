"""The description of a report format, as frozen values (read from `formats/*.yaml`)."""

from __future__ import annotations

from functools import cached_property
from dataclasses import dataclass, field
from typing import Iterator


@dataclass(frozen=True)
class HeaderNode:
    """A row or column header; leaves (and, in list tables, any node with `value`) hold cells."""

    id: str | None
    label: str
    children: tuple["HeaderNode", ...] = ()
    unit: str | None = None
    type: str | None = None
    note: str = ""
    value: bool = True
    depth: int = 0

    def leaves(self) -> Iterator["HeaderNode"]:
        if not self.children:
            yield self
        for child in self.children:
            yield from child.leaves()

    def walk(self) -> Iterator["HeaderNode"]:
        yield self
        for child in self.children:
            yield from child.walk()

    @property
    def height(self) -> int:
        """Levels in this subtree (a leaf is 1)."""
        return 1 + max((c.height for c in self.children), default=0)


@dataclass(frozen=True)
class CellSpec:
    """One value cell of a table."""

    id: str  # full cell id: table.row.column, table.row or table.column
    table: str
    row: str
    column: str
    type: str
    unit: str
    label: str  # a readable name: row label, column label

    @cached_property
    def path(self) -> tuple[str, ...]:
        """Where the value sits under `statistics` in a report (read for every cell of every report: kept)."""
        return tuple(self.id.split("."))


@dataclass(frozen=True)
class Table:
    id: str
    section: str
    caption: str
    layout: str  # "grid" | "list"
    rows: tuple[HeaderNode, ...]
    columns: tuple[HeaderNode, ...]
    cells: tuple[CellSpec, ...]
    stub: tuple[str, ...] = ()
    corner: str = ""
    unit_column: str = ""
    note: str = ""
    unit: str = ""
    type: str = "count"

    # Derived once per table (a format is read once per process and never changes): validation and
    # rendering ask for these for every report.
    @cached_property
    def value_rows(self) -> tuple[HeaderNode, ...]:
        nodes: list[HeaderNode] = []
        for root in self.rows:
            if self.layout == "list":
                nodes.extend(n for n in root.walk() if n.value)
            else:
                nodes.extend(root.leaves())
        return tuple(nodes)

    @cached_property
    def value_columns(self) -> tuple[HeaderNode, ...]:
        return tuple(leaf for root in self.columns for leaf in root.leaves())

    @cached_property
    def _cells_at(self) -> dict[tuple[str, str], CellSpec]:
        found: dict[tuple[str, str], CellSpec] = {}
        for c in self.cells:
            found.setdefault((c.row, c.column), c)  # the first, as a scan would find
        return found

    def cell(self, row: str, column: str) -> CellSpec | None:
        return self._cells_at.get((row, column))

    def find_row(self, row_id: str) -> HeaderNode | None:
        for root in self.rows:
            for node in root.walk():
                if node.id == row_id:
                    return node
        return None

    def find_column(self, col_id: str) -> HeaderNode | None:
        for root in self.columns:
            for node in root.walk():
                if node.id == col_id:
                    return node
        return None


@dataclass(frozen=True)
class IdentityCheck:
    """One instance of an identity: the cells on each side, in one row or column."""

    identity: str  # id of the identity
    text: str
    scope: str  # e.g. "总计" column label, or "" when not quantified
    op: str  # "=" or "<="
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    expression: str  # the check as written


@dataclass(frozen=True)
class Identity:
    id: str
    text: str
    check: str
    table: str
    for_each: str
    instances: tuple[IdentityCheck, ...]


@dataclass(frozen=True)
class OutlineSection:
    id: str
    heading: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outline:
    strict: bool
    sections: tuple[OutlineSection, ...]


@dataclass(frozen=True)
class Indicator:
    """A canonical indicator: what makes reports of different formats comparable."""

    id: str
    label: str
    unit: str
    type: str
    description: str
    patterns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Format:
    id: str
    name: str
    basis: str
    years: tuple[int, ...]
    outline: Outline
    tables: tuple[Table, ...]
    identities: tuple[Identity, ...]
    indicators: dict[str, tuple[str, ...]] = field(hash=False)  # indicator id -> cell ids summed
    source_path: str = ""

    @property
    def cells(self) -> dict[str, CellSpec]:
        return {c.id: c for t in self.tables for c in t.cells}

    def table(self, table_id: str) -> Table | None:
        for t in self.tables:
            if t.id == table_id:
                return t
        return None


@dataclass(frozen=True)
class Catalogue:
    """Every format and the canonical indicators."""

    formats: dict[str, Format] = field(hash=False)
    indicators: dict[str, Indicator] = field(hash=False)

    def get(self, format_id: str) -> Format | None:
        return self.formats.get(format_id)
