"""What the search index holds of a report: a `SearchDoc`, made from the model (never from HTML).

The searched text of a report is its title, its town's name, the names of its regions (province
down to county) and its narrative as plain text. The labels of the official tables are left out:
every report of a format shares them, so they would only make every report match.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from generator.incremental.fingerprint import digest
from generator.formats import Catalogue
from generator.model.site import Report, Site
from generator.render.urls import report_url
from generator.render.views import text_of_narrative


@dataclass(frozen=True, slots=True)
class SearchDoc:
    key: str  # the report's identity, e.g. "shandong/yantai/laiyang/yangjun/2022"
    url: str  # page path relative to the site root, as the site links it
    title: str
    town: str
    town_path: str
    region: tuple[str, ...]  # names, province down to county
    year: int
    format: str  # format id
    format_name: str
    text: str | None  # narrative as plain text; None until read (`texts_reader`)


def field_text(doc: SearchDoc) -> str:
    """The part of the searched text whose hits rank first: title and town name."""
    return f"{doc.title}\n{doc.town}"


def searched_text(doc: SearchDoc) -> str:
    """Everything a query is matched against, one part per line (no gram crosses a line)."""
    assert doc.text is not None, doc.key
    return "\n".join((doc.title, doc.town, *doc.region, doc.text))


_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKS = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)|[*_`~]+|^\s*\|?(?:\s*:?-{3,}:?\s*\|)+\s*$", re.M)


def plain_text(markdown: str) -> str:
    """A narrative's Markdown as the words a reader sees: links and emphasis marks removed."""
    return _MARKS.sub("", _LINK.sub(r"\1", markdown)).replace("|", " ")


def report_doc(report: Report, format_name: str, *, text: bool = True) -> SearchDoc:
    """A report of the model as the index holds it (its page at `report_url`); with `text` False,
    without its narrative (`text` None: a cached report's narrative is then not read)."""
    return SearchDoc(key=report.key, url=report_url(report), title=report.title, town=report.town.name,
                     town_path=report.town.path, region=tuple(r.name for r in report.town.regions), year=report.year,
                     format=report.format, format_name=format_name, text=plain_text(text_of_narrative(report)) if text else None)


def site_docs(site: Site, catalogue: Catalogue, *, texts: bool = True) -> list[SearchDoc]:
    """Every report of a site (with `texts`, its narrative read: a cached report's from its file)."""
    docs = []
    for report in site.reports:
        fmt = catalogue.formats.get(report.format)
        docs.append(report_doc(report, fmt.name if fmt else report.format, text=texts))
    return docs


def texts_reader(site: Site) -> Callable[[Sequence[SearchDoc]], list[SearchDoc]]:
    """What gives documents of `site`'s reports their narratives (read from the reports' files). The
    reports are looked up by key once, not for every run of documents, nor in a forked process,
    where going through every report would copy it."""
    reports = {r.key: r for r in site.reports}

    def complete(docs: Sequence[SearchDoc]) -> list[SearchDoc]:
        return [d if d.text is not None else replace(d, text=plain_text(text_of_narrative(reports[d.key]))) for d in docs]

    return complete


def stamp(doc: SearchDoc, report_fp: str | None) -> str:
    """What a report's document is made from: its report's fingerprint (which covers the narrative)
    and its other fields; "-" when the fingerprint is not known (the document is then compared)."""
    if not report_fp:
        return "-"
    return digest(report_fp, repr((doc.key, doc.url, doc.title, doc.town, doc.town_path, doc.region, doc.year, doc.format, doc.format_name)))
