"""The format descriptions: structure, every identity against hand-checked data, and the crosswalk."""

from __future__ import annotations

import pytest

from generator.diagnostics import Diagnostics
from generator.formats import catalogue
from generator.source.numbers import Number
from generator.stages.validate_report import check_identities
from generator.source.yaml_source import YamlDoc

CAT = catalogue()
TABLE_FORMATS = [f for f in CAT.formats.values() if f.tables]


def failed(fmt_id: str, values: dict[str, Number | None]) -> set[tuple[str, str]]:
    """(identity id, scope) of every identity instance that does not hold."""
    fmt = CAT.formats[fmt_id]
    diags = Diagnostics()
    broken = check_identities(YamlDoc("x.yaml", {}), fmt, values, {}, diags)
    return {(c.identity, c.scope) for c in broken}


def zeros(fmt_id: str) -> dict[str, Number | None]:
    return {cell: 0 for cell in CAT.formats[fmt_id].cells}


def test_the_four_formats_and_their_shapes() -> None:
    assert set(CAT.formats) == {"gov-2008", "gov-2019", "gov-2021", "narrative"}
    shape = {f.id: (len(f.tables), len(f.cells)) for f in CAT.formats.values()}
    # gov-2008: one list table; 2019: five 第二十条 tables + matrix (26 rows x 7) + 15 appeal cells
    assert shape["gov-2008"] == (1, 58)
    assert shape["gov-2019"][0] == 7 and shape["gov-2019"][1] == 3 * 2 + 3 * 2 + 3 * 2 + 2 + 2 + 23 * 7 + 15
    assert shape["gov-2021"][0] == 6 and shape["gov-2021"][1] == 3 * 2 + 1 + 2 + 1 + 25 * 7 + 15
    assert shape["narrative"] == (0, 0)


def test_cell_ids_are_unique_and_typed() -> None:
    for fmt in TABLE_FORMATS:
        ids = [c.id for t in fmt.tables for c in t.cells]
        assert len(ids) == len(set(ids)), fmt.id
        assert {c.type for c in fmt.cells.values()} <= {"count", "delta", "amount"}
    assert CAT.formats["gov-2019"].cells["art20_5.permits.change"].type == "delta"
    assert CAT.formats["gov-2019"].cells["art20_9.amount"].type == "amount"
    fee = CAT.formats["gov-2021"].cells["art20_8.fees"]  # 2021 revision: one amount in 万元
    assert (fee.type, fee.unit) == ("amount", "万元")


@pytest.mark.parametrize("fmt", TABLE_FORMATS, ids=lambda f: f.id)
def test_zeros_satisfy_every_identity(fmt) -> None:  # type: ignore[no-untyped-def]
    assert failed(fmt.id, zeros(fmt.id)) == set()


@pytest.mark.parametrize(
    ("fmt_id", "identity", "scope"),
    [(f.id, i.id, c.scope) for f in TABLE_FORMATS for i in f.identities for c in i.instances],
)
def test_each_identity_instance_catches_a_wrong_total(fmt_id: str, identity: str, scope: str) -> None:
    """Raise the first cell on the left of one instance by 1: exactly that instance breaks (and nothing on other rows)."""
    fmt = CAT.formats[fmt_id]
    check = next(c for i in fmt.identities if i.id == identity for c in i.instances if c.scope == scope)
    values = zeros(fmt_id)
    values[check.lhs[0]] = 1
    broken = failed(fmt_id, values)
    assert (identity, scope) in broken
    # a cell sits in at most one instance of each identity
    assert len([b for b in broken if b[0] == identity]) == 1


def test_blank_cells_count_as_zero() -> None:
    values = zeros("gov-2019")
    values["applications.new.natural"] = None
    assert failed("gov-2019", values) == set()


def test_gov_2008_identities_on_the_jichang_table() -> None:
    """The published 2016 table of 吉昌镇 (hand-checked): every identity holds."""
    stats = zeros("gov-2008")
    stats.update(
        {
            "stats.items": 70, "stats.normative_docs": 26, "stats.normative_issued": 32,
            "stats.website": 38, "stats.wechat": 24, "stats.other_channels": 66,
            "stats.staff": 10, "stats.staff_part_time": 10, "stats.offices": 1, "stats.reading_points": 1,
            "stats.meetings": 3, "stats.training_sessions": 1, "stats.trainees": 10,
        }
    )
    unknown = set(stats) - set(CAT.formats["gov-2008"].cells)
    assert not unknown, f"cell ids changed: {unknown}"
    assert failed("gov-2008", stats) == set()
    stats["stats.staff"] = 11  # 专职 0 + 兼职 10 ≠ 11
    assert failed("gov-2008", stats) == {("staff-split", "")}
    stats["stats.staff"] = 10
    stats["stats.normative_docs"] = 71  # more normative documents than items in all
    assert failed("gov-2008", stats) == {("normative-within-items", "")}


def _matrix(fmt_id: str) -> dict[str, Number | None]:
    """A hand-made application matrix that balances: 6 new + 1 carried = 6 handled + 1 carried forward."""
    v = zeros(fmt_id)
    rows = {
        "new": {"natural": 5, "business": 1},
        "carried_over": {"natural": 1},
        "disclosed": {"natural": 3},
        "partial": {"natural": 1},
        "withheld_secret": {"business": 1},
        "unavailable_not_held": {"natural": 1},
        "result_total": {"natural": 5, "business": 1},
        "carry_forward": {"natural": 1},
    }
    for row, cols in rows.items():
        for col, n in cols.items():
            v[f"applications.{row}.{col}"] = n
        v[f"applications.{row}.total"] = sum(cols.values())
    v.update({"lawsuits.review_upheld": 1, "lawsuits.review_pending": 1, "lawsuits.review_total": 2,
              "lawsuits.direct_corrected": 1, "lawsuits.direct_total": 1})
    return v


@pytest.mark.parametrize("fmt_id", ["gov-2019", "gov-2021"])
def test_post_2019_identities_on_a_hand_checked_matrix(fmt_id: str) -> None:
    v = _matrix(fmt_id)
    assert failed(fmt_id, v) == set()
    v["applications.carry_forward.natural"] = 0  # 5 + 1 ≠ 5 + 0 in the 自然人 column, and the row total is off
    assert failed(fmt_id, v) == {("applications-balance", "自然人"), ("applications-row-total", "四、结转下年度继续办理")}


def test_gov_2021_other_handling_is_a_group_of_three() -> None:
    v = _matrix("gov-2021")
    v["applications.other_misc.natural"] = 1
    v["applications.other_misc.total"] = 1
    v["applications.result_total.natural"] = 6
    v["applications.result_total.total"] = 7
    v["applications.new.natural"] = 6
    v["applications.new.total"] = 7
    assert failed("gov-2021", v) == set()


def test_crosswalk_points_at_real_cells_and_comparable_indicators() -> None:
    g08, g19, g21 = (CAT.formats[i] for i in ("gov-2008", "gov-2019", "gov-2021"))
    assert g08.indicators["applications.received"] == ("stats.received",)
    assert g19.indicators["applications.received"] == ("applications.new.total",)
    assert g21.indicators["litigation.total"] == ("lawsuits.direct_total", "lawsuits.after_review_total")
    assert "proactive.total" not in g19.indicators  # stated only in prose after 2019
    for fmt in CAT.formats.values():
        for ind in fmt.indicators:
            assert ind in CAT.indicators


def test_fee_amounts_are_decimals() -> None:
    fmt = CAT.formats["gov-2008"]
    fees = [c for c in fmt.cells.values() if c.unit == "万元"]
    assert fees and all(c.type == "amount" for c in fees)
