"""Artefacts of conversion, recognised and removed: image placeholders, page numbers, stray spaces."""

from __future__ import annotations

import re

IMAGE_LINE = re.compile(r"^\s*\[image:[^\]]*\]", re.IGNORECASE)  # "[image: image2.png]25 | TEEM …": the placeholder and OCR debris after it
IMAGE_INLINE = re.compile(r"!\[[^\]]*\]\([^)]*\)|\[image:[^\]]*\]", re.IGNORECASE)
PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–]\s*\d{1,3}\s*[-—–]|\d{1,3}|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})\s*$"
)
TRUNCATED = re.compile(r"^\s*\[TRUNCATED[^\]]*\]\s*$", re.IGNORECASE)
WEB_CHROME = re.compile(r"字体[:：]|【?打印】?|分享至|【关闭】|浏览次数|阅读次数|【字号|来源[:：]")  # a portal's page furniture, two or more on one line
_ODD_SPACES = re.compile(r"[\u3000\u00a0\u2002-\u200b\ufeff\t]")
_CJK = r"\u2e80-\u2fff\u3001-\u303f\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’《》〈〉【】…—"
_SPACE_BY_CJK = re.compile(rf"(?<=[{_CJK}]) +| +(?=[{_CJK}])")
_SPACE_IN_NUMBER_WORD = re.compile(r"(?<=\d) +(?=[年月日号条件次个人名万元%])")


def clean_text(text: str) -> str:
    """Full-width and other odd spaces gone; spaces next to Chinese characters (never meant) removed."""
    text = _ODD_SPACES.sub(" ", text).strip()
    text = _SPACE_BY_CJK.sub("", text)
    text = _SPACE_IN_NUMBER_WORD.sub("", text)
    return re.sub(r" {2,}", " ", text)


def artefact(text: str) -> str:
    """Why a whole line is an artefact of conversion ("" when it is report text)."""
    if IMAGE_LINE.match(text):
        return "图片占位符（及其后的识别残字）"
    if TRUNCATED.match(text):
        return "原文在此截断"
    if PAGE_NUMBER.match(text):
        return "页码或孤立的数字"
    return ""
