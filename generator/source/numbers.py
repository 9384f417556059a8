"""Reading the numbers clerks write.

Real tables arrive with full-width digits (０), stray spaces (" 0", "0　"),
thousands separators and the like. What is unambiguous is normalised and the
caller is told (so it can warn); what is not is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_FULL_WIDTH = str.maketrans("０１２３４５６７８９．－＋，", "0123456789.-+,")
_SPACES = re.compile(r"[\s\u3000\u00a0\u2002-\u200b\ufeff]+")
_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")

Number = int | Decimal


@dataclass(frozen=True)
class Reading:
    """The outcome of reading one cell: a value, or an error, and maybe a note."""

    value: Number | None = None
    error: str = ""
    normalised_from: str = ""  # the original text, when it had to be cleaned up


def read_number(raw: object, *, integer: bool, signed: bool) -> Reading:
    """Read a cell value. `None` is a blank cell; callers decide what that means."""
    if raw is None:
        return Reading(None)
    if isinstance(raw, bool):
        return Reading(error="应为数字，而不是 true/false")
    if isinstance(raw, int):
        return _check_sign(raw, signed, "")
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            return Reading(error="应为有限的数字")
        if integer:
            if raw.is_integer():
                return Reading(error=f"应为整数，请写作 {int(raw)}")
            return Reading(error="应为整数，不能有小数")
        return _check_sign(Decimal(repr(raw)), signed, "")
    if not isinstance(raw, str):
        return Reading(error="应为数字")
    text = raw.translate(_FULL_WIDTH).strip(" \t\n\r\u3000\u00a0\u2002\u2003\u2009\u200b\ufeff")
    if text == "":
        return Reading(error="空字符串不是数字；原表空白请写 null")
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "")
    pattern = _INTEGER if integer else _DECIMAL
    if not pattern.fullmatch(text):
        kind = "整数" if integer else "数字"
        return Reading(error=f"“{raw}”不是{kind}")
    value: Number
    try:
        value = int(text) if integer else Decimal(text)
    except (ValueError, InvalidOperation):  # pragma: no cover - the patterns exclude these
        return Reading(error=f"“{raw}”不是数字")
    return _check_sign(value, signed, raw)


def _check_sign(value: Number, signed: bool, original: str) -> Reading:
    if value < 0 and not signed:
        return Reading(error="数量不能为负数")
    return Reading(value, normalised_from=original)


def format_number(value: Number | None) -> str:
    """How a number is shown on pages and in CSV: no exponent, no trailing zeros beyond what was written."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text
    return str(value)
