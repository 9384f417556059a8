"""Dates as reports print them: 2017年1月17日, 二零一六年一月十七日, 2021-01-29."""

from __future__ import annotations

import datetime as dt
import re

_DIGITS = {"〇": 0, "○": 0, "Ｏ": 0, "O": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN = "〇○Ｏ零一二三四五六七八九十"
DATE = re.compile(
    rf"(?P<y>\d{{4}}|[{_CN}]{{4}})\s*[年\-/.]\s*(?P<m>\d{{1,2}}|[{_CN}]{{1,3}})\s*[月\-/.]\s*(?P<d>\d{{1,2}}|[{_CN}]{{1,3}})\s*日?"
)


def _number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if "十" in text:  # 十, 十七, 二十, 三十一
        tens, _, ones = text.partition("十")
        t = _DIGITS.get(tens, None) if tens else 1
        o = _DIGITS.get(ones, None) if ones else 0
        return None if t is None or o is None else t * 10 + o
    value = 0
    for ch in text:
        if ch not in _DIGITS:
            return None
        value = value * 10 + _DIGITS[ch]
    return value


def parse_date(text: str) -> dt.date | None:
    """The date a piece of text states (the first one), or None."""
    m = DATE.search(text)
    if not m:
        return None
    y, mo, d = _number(m["y"]), _number(m["m"]), _number(m["d"])
    if y is None or mo is None or d is None:
        return None
    try:
        return dt.date(y, mo, d)
    except ValueError:
        return None


def is_date_line(text: str) -> bool:
    """A line that is nothing but a date (a signature's date, the date under a title)."""
    stripped = re.sub(r"[\s\u3000（）()]", "", text)
    m = DATE.fullmatch(stripped)
    return bool(m) and parse_date(stripped) is not None
