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


# The statistics period a report states for itself: "统计期限自2011年1月1日起，至2011年12月31日止".
_PERIOD = re.compile(
    r"统计(?:期限|时限|期间|区间|时段|时间)[^。\n]{0,8}?(20\d{2})\s*年\s*1\s*月\s*1\s*日[^。\n]{0,8}?(?:至|到)\s*(?:(20\d{2})\s*年\s*)?12\s*月\s*31\s*日"
)
# The report naming itself near its start: "由北京市门头沟区潭柘寺镇编制的2011年度政府信息公开年度报告".
_SELF_NAMED = re.compile(
    r"(?:由\s*(?P<organ>[^\s，,。、；;:：《》()（）“”]{2,40}?)\s*)?(?:编制|发布|公布)[了的]?\s*(?P<year>20\d{2})\s*年度?(?:本机关)?政府信息公开(?:工作)?(?:年度)?报告"
)
OPENING = 600  # characters of the text in which a report names itself


def self_naming(text: str) -> tuple[str, int, str] | None:
    """The organ (may be empty) and the year a report's opening sentences name it by, with the words."""
    m = _SELF_NAMED.search(text[:OPENING])
    return (m["organ"] or "", int(m["year"]), m.group(0)) if m else None


def stated_year(text: str) -> tuple[int, str] | None:
    """The year a report's text says it covers (its statistics period of one calendar year, or its
    own name in its opening sentences), with the words that say it; None where it says neither."""
    for m in _PERIOD.finditer(text):
        if m.group(2) is None or m.group(2) == m.group(1):
            return int(m.group(1)), m.group(0)
    named = self_naming(text)
    return (named[1], named[2]) if named else None
