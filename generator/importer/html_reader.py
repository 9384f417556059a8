"""Reading a portal page saved as HTML: the article among the page furniture, its paragraphs and real tables.

A saved page carries navigation, a breadcrumb (您当前所在位置…), sidebars, a footer and scripts around
the report. The article is the element whose own text is densest (text not inside links, counted in
the element's direct paragraphs and tables); the title is the heading that names the annual report
(年度报告), inside the article or just before it, never a link or a breadcrumb. Tables are read with
rowspan/colspan: a merged cell is one piece at its first grid position, as ``docx_reader`` does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from generator.importer.pieces import Piece, Source

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.IGNORECASE)
_SKIP = {"script", "style", "noscript", "head", "template", "svg", "iframe", "select", "button", "form", "object"}
_VOID = {"br", "img", "hr", "meta", "link", "input", "area", "base", "col", "embed", "source", "wbr", "param", "track"}
_BLOCK = {
    "p", "div", "section", "article", "main", "header", "footer", "nav", "aside", "ul", "ol", "li", "dl", "dt", "dd",
    "table", "tr", "td", "th", "thead", "tbody", "tfoot", "caption", "blockquote", "pre", "center", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "body", "html", "address", "figure", "figcaption",
}
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_FURNITURE_TAGS = {"nav", "footer", "aside"}  # not <header>: an <article> may hold its title in one
_FURNITURE_WORDS = ("nav", "menu", "footer", "foot", "breadcrumb", "crumb", "sidebar", "side", "position", "location", "copyright", "share", "top")
_BREADCRUMB = re.compile(r"^[\s\u3000]*(您|你)?(当前|现在)?(所在)?(的)?位置")
_SPACE = re.compile(r"[ \t\r\n\u00a0]+")
_GAP = " \t\r\n\u3000\u00a0\ufeff"


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def elements(self) -> list[Node]:
        out: list[Node] = []
        stack: list[Node] = [self]
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(reversed([c for c in node.children if isinstance(c, Node)]))
        return out


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.current = self.root
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skipping:
            if tag in _SKIP:
                self.skipping += 1
            return
        if tag in _SKIP:
            self.skipping = 1
            return
        if tag == "p" and self.current.tag == "p":  # an unclosed <p> ends at the next one
            self._close("p")
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in _VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skipping or tag in _SKIP:
            return
        self.current.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag in _SKIP:
                self.skipping -= 1
            return
        self._close(tag)

    def _close(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:  # a stray end tag closes nothing
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.current.children.append(data)


def decode_html(raw: bytes) -> str:
    """The page's text: its declared charset first, then UTF-8, then GB18030 (which covers GB2312 and GBK)."""
    tried: list[str] = []
    m = _META_CHARSET.search(raw[:4096])
    if m:
        declared = m.group(1).decode("ascii", "replace").lower()
        tried.append("gb18030" if declared in {"gb2312", "gbk", "gb_2312-80", "x-gbk"} else declared)
    for encoding in [*tried, "utf-8-sig", "gb18030"]:
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return raw.decode("utf-8", errors="replace")


def parse_html(text: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


def _is_furniture(node: Node) -> bool:
    if node.tag in _FURNITURE_TAGS:
        return True
    names = f"{node.attrs.get('class', '')} {node.attrs.get('id', '')}".lower()
    words = re.split(r"[^a-z]+", names)
    return any(w.startswith(f) for w in words if w for f in _FURNITURE_WORDS if f not in {"side", "top", "foot"} or w == f)


def _in_furniture(node: Node) -> bool:
    n: Node | None = node
    while n is not None:
        if _is_furniture(n) or n.tag == "a":
            return True
        n = n.parent
    return False


def _own_density(node: Node) -> int:
    """Text the element holds directly: its text children and its paragraph-like children, links excluded."""
    total = 0
    for child in node.children:
        if isinstance(child, str):
            total += len(child.strip(_GAP))
        elif child.tag == "table" and is_layout_table(child):
            continue
        elif child.tag in {"p", "table", "span", "font", "strong", "b", "br", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "pre", "blockquote", "center"}:
            total += _text_without_links(child)
    return total


def _text_without_links(node: Node) -> int:
    total = 0
    for child in node.children:
        if isinstance(child, str):
            total += len(child.strip(_GAP))
        elif child.tag != "a":
            total += _text_without_links(child)
    return total


def is_layout_table(table: Node) -> bool:
    """A table that lays out the page (it holds tables, or a cell holds running text), not a table of the report."""
    for node in table.elements()[1:]:
        if node.tag == "table":
            return True
        if node.tag in {"td", "th"}:
            text = _SPACE.sub("", node.text())
            if len(text) > 150 or (len(text) > 40 and "。" in text):
                return True
    return False


def find_article(root: Node) -> Node:
    """The element whose own text is densest, outside the page furniture."""
    best, best_score = root, -1
    for node in root.elements():
        if node.tag in {"a", "#root"} or _in_furniture(node):
            continue
        score = _own_density(node)
        if score > best_score:
            best, best_score = node, score
    # the report's statistics tables sit beside its paragraphs: take the parent when it holds both
    while best.parent is not None and best.tag in {"p", "span", "font"}:
        best = best.parent
    return best


def find_title(root: Node, article: Node) -> Node | None:
    """The heading that names the report: in the article or before it, never a link or the breadcrumb."""
    elements = root.elements()
    inside = {id(n) for n in article.elements()}
    position = next((i for i, n in enumerate(elements) if n is article), len(elements))
    candidates: list[tuple[int, Node]] = []
    for i, node in enumerate(elements):
        text = _SPACE.sub("", node.text()).strip(_GAP)
        if "年度报告" not in text and "年报" not in text:
            continue
        if len(text) > 80 or _BREADCRUMB.match(text) or _in_furniture(node):
            continue
        is_heading = node.tag in _HEADINGS or "title" in f"{node.attrs.get('class', '')} {node.attrs.get('id', '')}".lower()
        if not is_heading and node.tag not in {"p", "div", "strong", "b", "center", "td", "span", "font"}:
            continue
        # the innermost element holding the text, so the heading is one line
        if any(isinstance(c, Node) and "年度报告" in c.text() and _SPACE.sub("", c.text()) == text for c in node.children):
            continue
        # a heading first; then the line nearest the article's start (a portal may set the title apart)
        rank = (0 if is_heading else 1, 0 if id(node) in inside or i < position else 1, abs(i - position))
        candidates.append((rank, node))  # type: ignore[arg-type]
    if not candidates:
        return None
    candidates.sort(key=lambda c: c[0])  # type: ignore[arg-type, return-value]
    return candidates[0][1]


class _Writer:
    """Walks the article: lines of prose as pieces, real tables as cell pieces in document order."""

    def __init__(self, name: str, title: Node | None) -> None:
        self.name = name
        self.title = title
        self.pieces: list[Piece] = []
        self.line: list[str] = []
        self.level = 0
        self.order = 0
        self.paragraphs = 0
        self.tables = 0
        self.blank = False

    def flush(self) -> None:
        text = _SPACE.sub(" ", "".join(self.line)).strip(_GAP)
        self.line = []
        if not text:
            return
        self.order += 1
        self.paragraphs += 1
        self.pieces.append(Piece(text, f"{self.name} 第{self.paragraphs}段", self.order, blank_before=self.blank, level=self.level))
        self.blank = False

    def walk(self, node: Node) -> None:
        for child in node.children:
            if isinstance(child, str):
                self.line.append(child)
                continue
            if child.tag == "br":
                self.flush()
                continue
            if _is_furniture(child) and child is not self.title:
                continue
            if child.tag == "table" and not is_layout_table(child):
                self.flush()
                self.table(child)
                continue
            if child.tag in _BLOCK:
                self.flush()
                previous = self.level
                if child is self.title:
                    self.level = 1
                elif child.tag in _HEADINGS:
                    self.level = _HEADINGS[child.tag]
                self.walk(child)
                self.flush()
                self.level = previous
                if child.tag == "p" and not _SPACE.sub("", child.text()).strip(_GAP):
                    self.blank = True
                continue
            self.walk(child)

    def table(self, table: Node) -> None:
        self.tables += 1
        occupied: set[tuple[int, int]] = set()
        rows = [n for n in table.elements() if n.tag == "tr"]
        for r, row in enumerate(rows):
            c = 0
            for cell in (n for n in row.children if isinstance(n, Node) and n.tag in {"td", "th"}):
                while (r, c) in occupied:
                    c += 1
                rowspan = _span(cell.attrs.get("rowspan"))
                colspan = _span(cell.attrs.get("colspan"))
                for dr in range(rowspan):
                    for dc in range(colspan):
                        occupied.add((r + dr, c + dc))
                self.order += 1
                where = f"{self.name} 表{self.tables} 第{r + 1}行第{c + 1}列"
                self.pieces.append(Piece(cell_text(cell), where, self.order, cell=True))
                c += colspan
        self.blank = True


def _span(value: str | None) -> int:
    try:
        return max(1, min(200, int((value or "1").strip())))
    except ValueError:
        return 1


def cell_text(cell: Node) -> str:
    """A cell's text with its inner line breaks (<br>, paragraphs) kept as "\\n"."""
    lines: list[str] = []
    current: list[str] = []

    def end() -> None:
        text = _SPACE.sub(" ", "".join(current)).strip(_GAP)
        current.clear()
        if text:
            lines.append(text)

    def walk(node: Node) -> None:
        for child in node.children:
            if isinstance(child, str):
                current.append(child)
            elif child.tag == "br":
                end()
            elif child.tag in _BLOCK:
                end()
                walk(child)
                end()
            else:
                walk(child)

    walk(cell)
    end()
    return "\n".join(lines)


def read_html(path: Path) -> Source:
    root = parse_html(decode_html(path.read_bytes()))
    article = find_article(root)
    title = find_title(root, article)
    writer = _Writer(path.name, title)
    if title is not None and not any(n is title for n in article.elements()):
        writer.level = 1
        writer.line.append(title.text())
        writer.flush()
        writer.level = 0
    writer.walk(article)
    writer.flush()
    return Source(path, writer.pieces)
