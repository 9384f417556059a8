"""The search index's documents, made from the model (never from the built HTML).

What a reader searches in a report: its title, its town's and regions' names, and the narrative as
plain text (headings, paragraphs, lists, the text of links and images). The official tables are
not searched: every report of a format shares their labels (docs/search.md).
"""

from __future__ import annotations

from collections.abc import Iterable

from markdown_it.token import Token

from generator.formats import Catalogue
from generator.markdown import parser
from generator.model import Report, Site
from generator.search.documents import SearchDoc
from generator.search.labels import format_label
from generator.urls import report_url
from generator.views import text_of_narrative

# block tokens after which the plain text breaks a line
_BREAK_AFTER = frozenset({"paragraph_close", "heading_close", "list_item_close", "th_close", "td_close", "tr_close",
                          "blockquote_close", "code_block", "fence", "hr"})


def narrative_plain(markdown: str) -> str:
    """The narrative's text as a reader sees it, one block a line, without Markdown syntax."""
    lines: list[str] = []
    line: list[str] = []
    for token in parser().parse(markdown):
        if token.type == "inline":
            line.append(_inline_text(token.children or []))
        elif token.type in ("code_block", "fence"):
            line.append(token.content.strip())
        if token.type in _BREAK_AFTER:
            text = "".join(line).strip()
            if text:
                lines.append(text)
            line = []
    text = "".join(line).strip()
    if text:
        lines.append(text)
    return "\n".join(lines)


def _inline_text(children: Iterable[Token]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":  # shown as its description (generator.markdown)
            parts.append(_inline_text(child.children or []))
    return "".join(parts)


def search_doc(report: Report, catalogue: Catalogue) -> SearchDoc:
    fmt = catalogue.get(report.format)
    return SearchDoc(
        key=report.key,
        url=report_url(report),
        title=report.title,
        town=report.town.name,
        town_path=report.town.path,
        region=tuple(r.name for r in report.town.regions),
        year=report.year,
        format=report.format,
        format_name=format_label(fmt) if fmt is not None else report.format,
        text=narrative_plain(text_of_narrative(report)),
    )


def search_docs(site: Site, catalogue: Catalogue) -> list[SearchDoc]:
    """One document per report, in the model's order (town path, then year)."""
    return [search_doc(report, catalogue) for report in site.reports]
