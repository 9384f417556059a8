"""The narrative as clean Markdown, with the title, the date under it and the signature lifted out."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from generator.importer.cleaning import IMAGE_INLINE, WEB_CHROME, artefact, clean_text
from generator.importer.dates import is_date_line, parse_date
from generator.importer.findings import INFO, LOOK, Finding, excerpt
from generator.importer.pieces import Piece

_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_TOP = re.compile(r"^[一二三四五六七八九十]{1,3}、")
_SUB = re.compile(r"^[（(][一二三四五六七八九十]{1,3}[）)]")
_LIST_START = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]{1,3}[）)、.．]|[一二三四五六七八九十]是)")
_ENDS_SENTENCE = re.compile(r"[。！？；：…”」』）)!?;:.]$")
_PUBLISHED = re.compile(r"发布(?:日期|时间)\s*[:：]")
_AUTHORITY_LINE = re.compile(r"^[\u4e00-\u9fff（）()]{2,30}$")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>])")
_MD_LINE_START = re.compile(r"^([#>+\-=|]|\d+[.)](?=\s))")


@dataclass
class Narrative:
    title: str = ""
    title_where: str = ""
    published: dt.date | None = None
    published_where: str = ""
    signature_authority: str = ""
    signature_date: dt.date | None = None
    signature_text: str = ""
    signature_where: str = ""
    markdown: str = ""
    findings: list[Finding] = field(default_factory=list)


@dataclass
class _Line:
    text: str
    piece: Piece
    heading: int = 0  # 2, 3 … for a heading, 0 for prose


def build_narrative(pieces: list[Piece]) -> Narrative:
    result = Narrative()
    markdown_source = any(_MD_HEADING.match(p.text) and not p.text.lstrip().startswith("# source") for p in pieces)
    lines = _clean_lines(pieces, markdown_source, result)
    lines = _title(lines, result)
    lines = _signature(lines, result)
    blocks = _blocks(lines)
    result.markdown = "\n\n".join(_render(b, markdown_source) for b in blocks) + "\n" if blocks else ""
    return result


def _clean_lines(pieces: list[Piece], markdown_source: bool, result: Narrative) -> list[_Line]:
    lines: list[_Line] = []
    for piece in pieces:
        why = artefact(piece.text)
        if why:
            result.findings.append(Finding(piece.where, f"删去{why}：“{excerpt(piece.text)}”", LOOK if why == "原文在此截断" else INFO))
            continue
        text = piece.text
        if IMAGE_INLINE.search(text):
            result.findings.append(Finding(piece.where, "删去行内的图片占位符", INFO))
            text = IMAGE_INLINE.sub("", text)
        level = piece.level
        m = _MD_HEADING.match(text) if markdown_source else None
        if m:
            level = len(m.group(1))
            text = m.group(2).replace("**", "").replace("__", "")
        text = clean_text(text)
        if not text:
            continue
        if _PUBLISHED.search(text) or (len(set(WEB_CHROME.findall(text))) >= 2 and len(text) < 80):
            date = parse_date(text) if _PUBLISHED.search(text) else None
            if date and result.published is None:
                result.published, result.published_where = date, piece.where
                result.findings.append(Finding(piece.where, f"发布日期 {date.isoformat()} 取自网页上的“{excerpt(text)}”", INFO))
            else:
                result.findings.append(Finding(piece.where, f"删去网页栏目文字：“{excerpt(text)}”", INFO))
            continue
        lines.append(_Line(text, piece, level))
    return lines


def _title(lines: list[_Line], result: Narrative) -> list[_Line]:
    if not lines:
        result.findings.append(Finding("", "原文没有正文，标题无从读取"))
        return lines
    first = lines[0]
    if _TOP.match(first.text) or first.heading >= 2:  # the text starts with its first section: no title line
        result.findings.append(Finding(first.piece.where, f"原文开头就是章节“{excerpt(first.text)}”，没有标题；请在数据文件的 title 中填写标题"))
        return lines
    title = first.text
    used = 1
    if not first.heading:
        while used < len(lines) and not lines[used].piece.blank_before and not title.endswith("报告") and len(title) < 60:
            nxt = lines[used]
            if nxt.heading or is_date_line(nxt.text) or _TOP.match(nxt.text):
                break
            title += nxt.text
            used += 1
    result.title, result.title_where = title, first.piece.where
    if "报告" not in title and "年报" not in title:
        result.findings.append(Finding(first.piece.where, f"把第一行“{excerpt(title)}”当作标题，但它不像年报标题，请核对"))
    rest = lines[used:]
    if rest and is_date_line(rest[0].text) and not rest[0].heading:
        date = parse_date(rest[0].text)
        if result.published is None and date is not None:
            result.published, result.published_where = date, rest[0].piece.where
            result.findings.append(Finding(rest[0].piece.where, f"发布日期 {date.isoformat()} 取自标题下的“{rest[0].text}”", INFO))
        rest = rest[1:]
    return rest


def _signature(lines: list[_Line], result: Narrative) -> list[_Line]:
    """The authority and date at the end: lifted out of the text into the signature."""
    for k in range(len(lines) - 1, max(len(lines) - 4, -1), -1):
        line = lines[k]
        if line.heading or not is_date_line(line.text):
            continue
        date = parse_date(line.text)
        authority = ""
        start = k
        if k > 0 and _AUTHORITY_LINE.match(lines[k - 1].text) and not lines[k - 1].heading and not _TOP.match(lines[k - 1].text):
            authority = lines[k - 1].text
            start = k - 1
        result.signature_authority = authority
        result.signature_date = date
        result.signature_text = re.sub(r"\s", "", line.text)
        result.signature_where = line.piece.where
        result.findings.append(Finding(line.piece.where, f"落款：{authority or '（无机关名称）'} {result.signature_text}", INFO))
        return lines[:start] + lines[k + 1 :]
    result.findings.append(Finding(lines[-1].piece.where if lines else "", "原文末尾没有落款（机关名称和日期），未填写 signature", INFO))
    return lines


def _heading_level(line: _Line) -> int:
    text = line.text
    if _TOP.match(text) and len(text) <= 40 and "。" not in text[:-1]:
        return 2
    if _SUB.match(text) and len(text) <= 30 and "。" not in text[:-1] and not re.search(r"\d", text):
        return 3
    if line.heading:  # a Markdown heading without official numbering keeps its place below the title
        return max(2, line.heading)
    return 0


def _blocks(lines: list[_Line]) -> list[tuple[int, str]]:
    """(heading level or 0, text); a line broken inside a sentence is joined to the next."""
    blocks: list[tuple[int, str]] = []
    for line in lines:
        level = _heading_level(line)
        if (
            not level
            and blocks
            and blocks[-1][0] == 0
            and not line.piece.blank_before
            and not _ENDS_SENTENCE.search(blocks[-1][1])
            and not _LIST_START.match(line.text)
            and len(blocks[-1][1]) >= 20
        ):
            blocks[-1] = (0, blocks[-1][1] + line.text)
            continue
        blocks.append((level, line.text))
    return blocks


def _render(block: tuple[int, str], markdown_source: bool) -> str:
    level, text = block
    if not markdown_source:
        text = _MD_SPECIAL.sub(r"\\\1", text)
        text = _MD_LINE_START.sub(r"\\\1", text)
    return f"{'#' * level} {text}" if level else text
