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
    """The report's heading: navigation and page furniture above it dropped, the line holding 报告/年报 preferred."""
    if not lines:
        result.findings.append(Finding("", "原文没有正文，标题无从读取"))
        return lines
    at = _title_at(lines)
    if at is None:
        start = next((i for i, line in enumerate(lines) if not is_furniture(line.text)), len(lines))
        _drop_furniture(lines[:start], result)
        lines = lines[start:]
        if lines and _plain_heading(lines[0]):  # a heading that does not say 报告: kept as the title, to be checked
            title, used = _joined_title(lines, 0)
            result.title, result.title_where = title, lines[0].piece.where
            result.findings.append(Finding(lines[0].piece.where, f"把第一行“{excerpt(title)}”当作标题，但它不像年报标题，请核对"))
            return _after_title(lines[used:], title, result)
        if lines:
            first = lines[0]
            result.findings.append(Finding(first.piece.where, f"原文开头是“{excerpt(first.text)}”，没有标题（含“报告”或“年报”的标题行）；请在数据文件的 title 中填写标题"))
        return lines
    title, used = _joined_title(lines, at)
    if not _PLACE_WORD.search(title) and at + used < len(lines):
        below, more = _joined_title(lines, at + used)
        if _title_like(below) and _PLACE_WORD.search(below):  # the page's heading over the report's own title
            at, title, used = at + used, below, more
    _drop_furniture(lines[:at], result)
    result.title, result.title_where = title, lines[at].piece.where
    rest = _after_title(lines[at + used :], title, result)
    if rest and is_date_line(rest[0].text) and not rest[0].heading:
        date = parse_date(rest[0].text)
        if result.published is None and date is not None:
            result.published, result.published_where = date, rest[0].piece.where
            result.findings.append(Finding(rest[0].piece.where, f"发布日期 {date.isoformat()} 取自标题下的“{rest[0].text}”", INFO))
        rest = rest[1:]
    return rest


_NAVIGATION = re.compile(
    r"您?(?:当前|现在)?所在(?:的)?位置|当前位置|^首页\s*(?:[>＞»›/|]|$)|[>＞»›]\s*[^>＞»›]{1,20}\s*[>＞»›]|^\s*[>＞»›]{1,2}"
    r"|(?:[^/\s]{1,14}\s*/\s*){3,}"
)
_FURNITURE_WORDS = re.compile(
    r"索\s*引\s*号|发布机构|发文机关|公开方式|公开形式|公开时限|文\s*号[:：]|生成日期|发文日期|成文日期|主题分类|组配分类|信息来源|"
    r"信息提供日期|发布单位\s*[:：]|发布日期|发布时间|来\s*源\s*[:：]|浏览(?:次数|量)|点击(?:数|率|量)|阅读次数|字\s*[号体]\s*[:：【]|【\s*字\s*[号体]|"
    r"[大中小]\s+[大中小]\s+[大中小]|打印|关闭|分享(?:到|至)?\s*[:：]|无障碍|繁體|长者模式|扫一扫|下载(?:Word|PDF|word|pdf)"
)
_PIPE = re.compile(r"[|｜]")
# the values row of an index block: its first cell the 索引号 (“116223010139324488/2010-00023 | 主动公开 | …”)
_INDEX_NUMBER_ROW = re.compile(r"^\s*[|｜]?\s*[0-9A-Za-z]{6,}\s*[/／-]\s*\d{4}\s*[-－—]\s*\d+\s*[|｜]")
_PIPES_ONLY = re.compile(r"^[\s|｜\-—:：]*$")
_TITLE_CELL = re.compile(r"^\s*(?:标\s*题|名\s*称)\s*[:：]\s*[|｜]?\s*(?P<title>[^|｜]+?)\s*(?:[|｜].*)?$")
_REPORT_WORD = re.compile(r"报告|年报")
_PLACE_WORD = re.compile(r"镇|乡|街道|苏木|办事处|人民政府|管委会|管理委员会|[省市州县区旗]")  # a title naming its place
_SENTENCE_START = re.compile(r"^(?:根据|按照|依据|本年|本报告|本年报|本年度|现将|为|我[镇乡])")


def is_furniture(text: str) -> bool:
    """A line of a portal's page around the report: breadcrumb, index block, publication line, buttons."""
    if _title_cell(text):
        return False
    if _PIPES_ONLY.match(text) or _INDEX_NUMBER_ROW.match(text):
        return True
    if "。" in text or len(text) > 120:
        return False
    return bool(_NAVIGATION.search(text) or _FURNITURE_WORDS.search(text))


def _lone_cell(text: str) -> str:
    """The text of a pipe row with one cell holding anything (“汤浦镇2009年政府信息公开工作年报 |”), else ""."""
    if not _PIPE.search(text):
        return ""
    cells = [c.strip() for c in _PIPE.split(text) if c.strip()]
    return cells[0] if len(cells) == 1 else ""


def _title_cell(text: str) -> str:
    """The title a pipe row holds: a 标题 cell, or the row's only cell when it reads as a title."""
    m = _TITLE_CELL.match(text)
    if m:
        return m.group("title")
    lone = _lone_cell(text)
    return lone if lone and _title_like(lone) else ""


def _title_text(line: _Line) -> str:
    return _title_cell(line.text) or line.text


def _title_like(text: str) -> bool:
    return bool(_REPORT_WORD.search(text)) and len(text) <= 80 and "。" not in text and not _SENTENCE_START.match(text)


def _joined_title(lines: list[_Line], at: int) -> tuple[str, int]:
    """The title starting at `at`, with the lines it was broken over ("…政府信息公开工作" / "年度报告")."""
    first = lines[at]
    title = _title_text(first)
    used = 1
    if first.heading or _title_cell(first.text):
        return title, used
    while at + used < len(lines) and not lines[at + used].piece.blank_before and not _REPORT_WORD.search(title[-4:]) and len(title) < 60:
        nxt = lines[at + used]
        if nxt.heading or is_date_line(nxt.text) or _TOP.match(nxt.text) or is_furniture(nxt.text) or "。" in nxt.text or _PIPE.search(nxt.text):
            break
        title += nxt.text
        used += 1
    return title, used


def _plain_heading(line: _Line) -> bool:
    """A first line that reads as a heading though it names no report: short, not a section, not a sentence, not a cell."""
    text = line.text
    return (
        line.heading < 2 and not _TOP.match(text) and not _SUB.match(text) and "。" not in text and len(text) <= 40
        and not _SENTENCE_START.match(text) and not _PIPE.search(text) and not re.search(r"\d+\s*[条件次个人]", text)
    )


def _title_at(lines: list[_Line]) -> int | None:
    """Where the title is: the first line (with its continuation) holding 报告/年报 above the first section, furniture skipped."""
    for i, line in enumerate(lines[:15]):
        if _TOP.match(line.text) and not _title_cell(line.text):
            return None
        if is_furniture(line.text) or (_PIPE.search(line.text) and not _title_cell(line.text)):
            continue  # the page's index block above the title is copied as table rows
        title, _ = _joined_title(lines, i)
        if _title_like(title):
            return i
        if "。" in line.text or len(line.text) > 80:  # the body has begun
            return None
    return None


def _drop_furniture(lines: list[_Line], result: Narrative) -> None:
    for line in lines:
        _note_furniture(line, result)


def _note_furniture(line: _Line, result: Narrative) -> None:
    date = parse_date(line.text) if re.search(r"发布|日期|时间", line.text) else None
    if date and result.published is None:
        result.published, result.published_where = date, line.piece.where
        result.findings.append(Finding(line.piece.where, f"发布日期 {date.isoformat()} 取自网页上的“{excerpt(line.text)}”", INFO))
    else:
        result.findings.append(Finding(line.piece.where, f"删去网页栏目文字：“{excerpt(line.text)}”", INFO))


def _after_title(lines: list[_Line], title: str, result: Narrative) -> list[_Line]:
    """Furniture printed under the title (the publication line, share buttons) and a repeat of the title, dropped."""
    k = 0
    while k < len(lines) and k < 8:
        line = lines[k]
        if is_furniture(line.text):
            _note_furniture(line, result)
        elif re.sub(r"\s", "", _title_text(line)) == re.sub(r"\s", "", title):
            result.findings.append(Finding(line.piece.where, "删去网页上重复的标题", INFO))
        else:
            break
        k += 1
    return lines[k:]


def fallback_title(town: str, year: int | None) -> str:
    """The title a report without one is given: only when the town and the year were read."""
    return f"{town}{year}年政府信息公开工作年度报告" if town and year else ""


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
