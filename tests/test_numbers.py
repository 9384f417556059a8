"""Reading numbers as clerks write them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from generator.source.numbers import read_number


@pytest.mark.parametrize(
    ("raw", "value", "normalised"),
    [
        (0, 0, ""),
        (12, 12, ""),
        ("１２", 12, "１２"),
        (" 0", 0, " 0"),
        ("0　", 0, "0　"),
        ("1,234", 1234, "1,234"),
        ("1，234", 1234, "1，234"),
    ],
)
def test_counts_normalised_when_unambiguous(raw: object, value: int, normalised: str) -> None:
    r = read_number(raw, integer=True, signed=False)
    assert (r.value, r.error, r.normalised_from) == (value, "", normalised)


@pytest.mark.parametrize("raw", ["约10", "10件", "1 2", "1,23", "", True, 3.5, 2.0, -1, "-1", [1]])
def test_counts_rejected_when_not(raw: object) -> None:
    r = read_number(raw, integer=True, signed=False)
    assert r.error and r.value is None


def test_deltas_may_be_negative_and_amounts_decimal() -> None:
    assert read_number(-3, integer=True, signed=True).value == -3
    assert read_number("－３", integer=True, signed=True).value == -3
    assert read_number(0.5, integer=False, signed=False).value == Decimal("0.5")
    assert read_number("1.25", integer=False, signed=False).value == Decimal("1.25")


def test_null_is_a_blank_cell() -> None:
    r = read_number(None, integer=True, signed=False)
    assert r.value is None and not r.error
