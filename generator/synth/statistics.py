"""Statistics for a synthetic report: a value for every cell of a format, with every identity holding.

Nothing here knows a cell id: values are drawn by cell type, then the format's identity instances
are made to hold. A cell that is the single left-hand side of an equality is "derived" (a total)
and is set from its parts; any other imbalance is fixed by raising a non-derived cell on the short
side, so values never go below zero. Passes repeat until every instance holds.
"""

from __future__ import annotations

import random
from decimal import Decimal

from generator.formats import Format
from generator.formats.spec import IdentityCheck
from generator.source.numbers import Number

MAX_PASSES = 60


class UnsolvableFormat(Exception):
    """The identities of a format could not all be satisfied (a contradiction in the format)."""


def instances(fmt: Format) -> list[IdentityCheck]:
    return [check for identity in fmt.identities for check in identity.instances]


def derived_cells(fmt: Format) -> set[str]:
    return {c.lhs[0] for c in instances(fmt) if c.op == "=" and len(c.lhs) == 1}


def draw_value(rng: random.Random, cell_type: str, scale: int) -> Number:
    """A plausible small-town value: mostly small counts, many zeros."""
    if rng.random() < 0.35:
        return Decimal("0") if cell_type == "amount" else 0
    if cell_type == "amount":
        return Decimal(rng.randint(0, scale * 100)) / Decimal(10)
    if cell_type == "delta":
        return rng.randint(-scale // 4, scale)
    return rng.randint(0, scale)


def solve(fmt: Format, rng: random.Random, scale: int = 12) -> dict[str, Number]:
    cells = fmt.cells
    values: dict[str, Number] = {cid: draw_value(rng, spec.type, scale) for cid, spec in cells.items()}
    checks = instances(fmt)
    derived = derived_cells(fmt)
    for _ in range(MAX_PASSES):
        changed = False
        for check in checks:
            left = sum((values[c] for c in check.lhs), 0)
            right = sum((values[c] for c in check.rhs), 0)
            if (left == right) if check.op == "=" else (left <= right):
                continue
            changed = True
            if check.op == "=" and len(check.lhs) == 1:
                values[check.lhs[0]] = right
                continue
            if check.op == "=" and len(check.rhs) == 1 and check.rhs[0] not in derived:
                values[check.rhs[0]] = left
                continue
            short_side = check.rhs if left > right else check.lhs
            free = [c for c in short_side if c not in derived]
            if not free:
                continue  # both sides are totals: it holds once their parts do
            target = free[-1]
            values[target] = values[target] + abs(left - right)
        if not changed:
            return {cid: _clean(v) for cid, v in values.items()}
    raise UnsolvableFormat(f"identities of format {fmt.id} did not converge")


def _clean(value: Number) -> Number:
    if isinstance(value, Decimal):
        return value.quantize(Decimal("0.1")) if value != value.to_integral_value() else Decimal(int(value))
    return value


def failing(fmt: Format, values: dict[str, Number | None]) -> list[IdentityCheck]:
    """The instances that do not hold (cells missing from `values` make an instance unknown, not failing)."""
    result = []
    for check in instances(fmt):
        if any(c not in values for c in check.lhs + check.rhs):
            continue
        left = sum((values[c] or 0 for c in check.lhs), 0)
        right = sum((values[c] or 0 for c in check.rhs), 0)
        if not ((left == right) if check.op == "=" else (left <= right)):
            result.append(check)
    return result
