"""The narrative's section outline: headings found in Markdown, compared with the format's outline."""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.diagnostics import Diagnostics, Where
from generator.formats import Format
from generator.formats.spec import OutlineSection

_ATX = re.compile(r" {0,3}(#{1,6})[ \t]+(.*)")  # the closing #s are stripped after matching: a
# lazy group followed by [ \t#]*$ backtracks quadratically on a long line of "# # # …"
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_HALF_TO_FULL = str.maketrans({"(": "（", ")": "）", ",": "，", ":": "：", ";": "；"})
_NOISE = re.compile(r"[\s*_`#\u3000]+")


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    line: int


def headings(markdown: str) -> list[Heading]:
    """ATX headings outside fenced code blocks, with their line numbers."""
    found: list[Heading] = []
    fenced = False
    for number, line in enumerate(markdown.splitlines(), start=1):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        m = _ATX.match(line)
        if m:
            found.append(Heading(len(m.group(1)), m.group(2).rstrip(" \t#").strip(), number))
    return found


def normalise(text: str) -> str:
    """Heading text compared loosely: markup, spaces and half/full-width punctuation do not matter."""
    return _NOISE.sub("", text.translate(_HALF_TO_FULL)).rstrip("。：:")


def section_of(text: str, sections: tuple[OutlineSection, ...]) -> OutlineSection | None:
    key = normalise(text)
    for section in sections:
        if key in {normalise(section.heading), *(normalise(a) for a in section.aliases)}:
            return section
    return None


def top_headings(found: list[Heading]) -> list[Heading]:
    """The headings of the outline's level: the shallowest level used (normally ##)."""
    if not found:
        return []
    level = min(h.level for h in found)
    return [h for h in found if h.level == level]


def check_outline(markdown: str, path: str, fmt: Format, diags: Diagnostics) -> None:
    """Warn where the narrative's top headings do not follow a strict outline."""
    outline = fmt.outline
    if not outline.strict or not outline.sections:
        return
    tops = top_headings(headings(markdown))
    expected = "、".join(s.heading for s in outline.sections)
    matched: list[tuple[Heading, OutlineSection]] = []
    for h in tops:
        section = section_of(h.text, outline.sections)
        if section is None:
            diags.warning(
                "outline",
                Where(path, h.line, 1),
                f"标题“{h.text}”不是“{fmt.name}”规定的章节",
                expected=expected,
                found=h.text,
            )
        else:
            matched.append((h, section))
    order = [s.id for s in outline.sections]
    last = -1
    for h, section in matched:
        position = order.index(section.id)
        if position < last:
            diags.warning("outline", Where(path, h.line, 1), f"章节“{h.text}”的顺序不对", expected=expected, found=h.text)
        last = max(last, position)
    present = {s.id for _, s in matched}
    for section in outline.sections:
        if section.id not in present:
            diags.warning(
                "outline",
                Where(path, 1, 1),
                f"正文缺少章节“{section.heading}”",
                expected=f"一个二级标题：## {section.heading}",
            )
