"""Comparing table labels as clerks type them: spacing, bracket width, 、/， and known rewordings do not matter.

The rewordings are data: `generator/formats/importing/label_variants.yaml`."""

from __future__ import annotations

import re
from functools import lru_cache

import yaml

from generator.formats import FORMATS_DIR

VARIANTS_FILE = FORMATS_DIR / "importing" / "label_variants.yaml"
_SPACE = re.compile(r"[\s\u3000\u00a0\u2002-\u200b\ufeff]+")
_TRANSLATE = str.maketrans(
    {"(": "（", ")": "）", ",": "，", "、": "，", ":": "：", ";": "；", "／": "/", "“": None, "”": None, '"': None, "‘": None, "’": None, "'": None, "*": None}
)
_NUMBER = re.compile(r"[+\-－＋]?[0-9０-９][0-9０-９,，]*(?:[.．][0-9０-９]+)?")
DASHES = {"—", "——", "-", "－", "/", "／", "─"}
# a remark in brackets after a label, as a district's template prints its filling instructions:
# “规范性文件（行政机关制定发布的……）”, “上一年项目数量（指2019年事项数）”
_REMARK = re.compile(r"（[^（）]{2,}）$")
# a table's unit line: 单位：件, 单位:个, （单位：万元）, 计量单位：元
_UNIT_LINE = re.compile(r"^[（(]?(?:计量)?单位[:：]\s*(?P<unit>[^\s，。（）()]{1,6})[）)]?$")
# a value written with its unit in the cell: “240万元”, “3件”
_WITH_UNIT = re.compile(r"(?P<n>[+\-－＋]?[0-9０-９][0-9０-９,，]*(?:[.．][0-9０-９]+)?)(?P<unit>万元|元|件|条|个|次|人|项)")


def _plain(text: str) -> str:
    return _SPACE.sub("", text).translate(_TRANSLATE)


@lru_cache(maxsize=1)
def _variants() -> tuple[tuple[tuple[str, str], ...], dict[str, dict[str, str]]]:
    data = yaml.safe_load(VARIANTS_FILE.read_text(encoding="utf-8")) or {}
    words = tuple((_plain(str(k)), _plain(str(v))) for k, v in (data.get("words") or {}).items())
    labels: dict[str, dict[str, str]] = {}
    for scope, pairs in (data.get("labels") or {}).items():
        labels[str(scope)] = {_apply(_plain(str(k)), words): _apply(_plain(str(v)), words) for k, v in (pairs or {}).items()}
    return words, labels


def _apply(key: str, words: tuple[tuple[str, str], ...]) -> str:
    for variant, official in words:
        key = key.replace(variant, official)
    return key


def norm(text: str) -> str:
    return _apply(_plain(text), _variants()[0])


def label_forms(label: str, format_id: str = "") -> set[str]:
    """The normalised label and every known variant of it (for the format, and for all formats)."""
    official = norm(label)
    forms = {official}
    labels = _variants()[1]
    for scope in ("all", format_id):
        for variant, target in labels.get(scope, {}).items():
            if target == official:
                forms.add(variant)
    return forms


def official_form(text: str, format_id: str = "") -> str:
    """The official wording of a label written as one of its variants (or the normalised text itself)."""
    key = norm(text)
    labels = _variants()[1]
    return labels.get(format_id, {}).get(key) or labels.get("all", {}).get(key) or key


def without_remark(key: str) -> str:
    """A normalised label without the bracketed remark it ends in (the key itself when it has none)."""
    return _REMARK.sub("", key)


def with_unit(text: str) -> tuple[str, str] | None:
    """The number and the unit of a cell that writes both (“240万元”), else None."""
    m = _WITH_UNIT.fullmatch(_SPACE.sub("", text))
    return (m.group("n"), m.group("unit")) if m else None


def unit_line(text: str) -> str | None:
    """The unit a table's unit line states (“单位：万元” -> 万元), else None."""
    m = _UNIT_LINE.match(norm(text))
    return m.group("unit") if m else None


def is_number(text: str) -> bool:
    return bool(_NUMBER.fullmatch(_SPACE.sub("", text)))


def is_blank(text: str) -> bool:
    return not _SPACE.sub("", text)
