"""Comparing table labels as clerks type them: spacing, bracket width, 、/， and known rewordings do not matter."""

from __future__ import annotations

import re

_SPACE = re.compile(r"[\s\u3000\u00a0\u2002-\u200b\ufeff]+")
_TRANSLATE = str.maketrans(
    {"(": "（", ")": "）", ",": "，", "、": "，", ":": "：", ";": "；", "／": "/", "“": None, "”": None, '"': None, "‘": None, "’": None, "'": None, "*": None}
)
# Real variants of the official wording, mapped to the wording of the format files.
ALIASES: tuple[tuple[str, str], ...] = (
    ("本年数量", "本年增/减"),
    ("本年增减", "本年增/减"),
    ("逻辑关系", "勾稽关系"),
)
_NUMBER = re.compile(r"[+\-－＋]?[0-9０-９][0-9０-９,，]*(?:[.．][0-9０-９]+)?")
DASHES = {"—", "——", "-", "－", "/", "／", "─"}


def norm(text: str) -> str:
    key = _SPACE.sub("", text).translate(_TRANSLATE)
    for variant, official in ALIASES:
        key = key.replace(variant, official)
    return key


def is_number(text: str) -> bool:
    return bool(_NUMBER.fullmatch(_SPACE.sub("", text)))


def is_blank(text: str) -> bool:
    return not _SPACE.sub("", text)
