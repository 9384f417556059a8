"""Read a built site's report pages: the text a search indexes, and the facts it filters on.

The indexed region of a page is the element marked `data-pagefind-body` (the region the web
search indexes) or, on a site built without it, the report page's `<article class="report">`.
Inside it, `nav`, `footer`, `form`, `script`, `style`, `template` and anything marked
`data-pagefind-ignore` are skipped, as Pagefind skips them. Facets come from
`data-pagefind-filter` / `data-pagefind-meta` attributes when the page has them, else from the
report page's visible furniture (the breadcrumb and the `dl.meta` list).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SKIP = {"nav", "footer", "form", "script", "style", "template", "noscript"}
BLOCK = {
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt", "figcaption",
    "figure", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol", "p", "pre", "section",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}
FACET_NAMES = {
    "year": ("year", "年度", "年份"),
    "town": ("town", "镇", "乡镇", "乡镇街道"),
    "region": ("region", "地区", "区域"),
    "format": ("format", "格式", "报告格式"),
}
SPACES = re.compile(r"\s+")


@dataclass
class Record:
    url: str  # relative to the site root, e.g. "shandong/yangjun/2016/index.html"
    title: str
    text: str
    year: str = ""
    town: str = ""
    regions: list[str] = field(default_factory=list)
    format: str = ""


@dataclass
class _Open:
    tag: str
    attrs: dict[str, str]
    capture: list[str] | None = None  # collects the element's text when an attribute asks for it
    purpose: str = ""


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[_Open] = []
        self.body_depth: int | None = None  # stack depth of the indexed region, once found
        self.fallback_depth: int | None = None
        self.ignore_depth: int | None = None
        self.body_parts: list[str] = []
        self.fallback_parts: list[str] = []
        self.has_body = False
        self.has_fallback = False
        self.filters: dict[str, list[str]] = {}
        self.meta: dict[str, str] = {}
        self.doc_title: list[str] = []
        self.h1: list[str] = []
        self.crumbs: list[str] = []
        self.dl_pairs: list[tuple[str, str]] = []
        self.pending: list[_Open] = []  # elements whose text is being captured

    # -- structure
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        el = _Open(tag, a)
        depth = len(self.stack)
        if tag in BLOCK:
            self._text(" ")
        if "data-pagefind-body" in a and not self.has_body:
            self.has_body, self.body_depth = True, depth
        if tag == "article" and "report" in a.get("class", "").split() and not self.has_fallback:
            self.has_fallback, self.fallback_depth = True, depth
        if self.ignore_depth is None and (tag in SKIP or "data-pagefind-ignore" in a) and self._in_region():
            self.ignore_depth = depth
        self._attributes(el)
        if tag in VOID:
            return
        self.stack.append(el)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        # close up to the matching element (tolerates unclosed children such as <p> or <li>)
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i].tag == tag:
                while len(self.stack) > i:
                    self._close(self.stack.pop())
                break
        if tag in BLOCK:
            self._text(" ")

    def _close(self, el: _Open) -> None:
        depth = len(self.stack)
        if el.capture is not None:
            text = _clean("".join(el.capture))
            if el.purpose == "title":
                self.doc_title.append(text)
            elif el.purpose == "h1":
                self.h1.append(text)
            elif el.purpose == "crumbs":
                self.crumbs.append(text)
            elif el.purpose.startswith("dt"):
                self.dl_pairs.append(("dt", text))
            elif el.purpose == "dd":
                self.dl_pairs.append(("dd", text))
            elif el.purpose.startswith("filter:"):
                self.filters.setdefault(el.purpose[7:], []).append(text)
            elif el.purpose.startswith("meta:"):
                self.meta.setdefault(el.purpose[5:], text)
            if el in self.pending:
                self.pending.remove(el)
        if self.ignore_depth is not None and depth <= self.ignore_depth:
            self.ignore_depth = None
        if self.body_depth is not None and depth <= self.body_depth:
            self.body_depth = None
        if self.fallback_depth is not None and depth <= self.fallback_depth:
            self.fallback_depth = None

    def _in_region(self) -> bool:
        return self.body_depth is not None or self.fallback_depth is not None

    # -- facts carried by attributes
    def _attributes(self, el: _Open) -> None:
        a = el.attrs
        for spec in _split_specs(a.get("data-pagefind-filter")):
            self._spec(el, spec, "filter")
        for spec in _split_specs(a.get("data-pagefind-meta")):
            self._spec(el, spec, "meta")
        purpose = ""
        if el.tag == "title":
            purpose = "title"
        elif el.tag == "h1" and self._in_region():
            purpose = "h1"
        elif el.tag == "nav" and "crumbs" in a.get("class", "").split():
            purpose = "crumbs"
        elif el.tag in ("dt", "dd") and self._in_region():
            purpose = el.tag
        if purpose and el.tag not in VOID:
            self._capture(el, purpose)

    def _spec(self, el: _Open, spec: str, kind: str) -> None:
        m = re.fullmatch(r"\s*([^:\[\]]+?)\s*(?:\[([^\]]+)\]|:(.*))?\s*", spec, re.S)
        if not m:
            return
        key, attr, value = m.group(1), m.group(2), m.group(3)
        if value is not None:
            found = value.strip()
        elif attr is not None:
            found = el.attrs.get(attr.strip(), "").strip()
        else:
            if el.tag not in VOID and el.capture is None:
                self._capture(el, f"{kind}:{key}")
            return
        if kind == "filter":
            self.filters.setdefault(key, []).append(found)
        else:
            self.meta.setdefault(key, found)

    def _capture(self, el: _Open, purpose: str) -> None:
        # An element can be asked for twice (<h1 data-pagefind-meta="title">): capture its text once.
        if el.capture is None:
            self.pending.append(el)
        el.capture, el.purpose = [], purpose

    # -- text
    def handle_data(self, data: str) -> None:
        self._text(data)

    def _text(self, data: str) -> None:
        for el in self.pending:
            assert el.capture is not None
            el.capture.append(data)
        if self.ignore_depth is not None:
            return
        if self.body_depth is not None:
            self.body_parts.append(data)
        if self.fallback_depth is not None:
            self.fallback_parts.append(data)


def _split_specs(value: str | None) -> list[str]:
    if not value:
        return []
    return [part for part in value.split(",") if part.strip()]


def _clean(text: str) -> str:
    return SPACES.sub(" ", text).strip()


def _facet(p: _PageParser, name: str) -> list[str]:
    for key in FACET_NAMES[name]:
        values = [v for v in p.filters.get(key, []) if v]
        if values:
            return values
    return []


def read_page(html: str, url: str) -> Record | None:
    """The record of one page, or None when the page has no indexed region."""
    p = _PageParser()
    p.feed(html)
    p.close()
    if not (p.has_body or p.has_fallback):
        return None
    text = _clean("".join(p.body_parts if p.has_body else p.fallback_parts))
    title = p.meta.get("title") or (p.h1[0] if p.h1 else "") or (p.doc_title[0] if p.doc_title else url)
    dl: dict[str, str] = {}
    for (k1, term), (k2, desc) in zip(p.dl_pairs, p.dl_pairs[1:]):
        if k1 == "dt" and k2 == "dd":
            dl.setdefault(term, desc)
    crumb_parts = [c.strip() for c in p.crumbs[0].split("›")] if p.crumbs else []
    # 首页 › region … › town › year: the town is the next-to-last step, the regions lie between
    crumb_town = crumb_parts[-2] if len(crumb_parts) >= 3 else ""
    crumb_regions = crumb_parts[1:-2] if len(crumb_parts) >= 4 else []
    years = _facet(p, "year") or [dl.get("报告年度", "")]
    year_match = re.search(r"\d{4}", years[0])
    return Record(
        url=url,
        title=title,
        text=text,
        year=year_match.group(0) if year_match else years[0],
        town=(_facet(p, "town") or [crumb_town])[0],
        regions=_facet(p, "region") or crumb_regions,
        format=(_facet(p, "format") or [dl.get("报告格式", "")])[0],
    )


def read_site(site: Path, skip: tuple[str, ...] = ("search/", "pagefind/", "offline-search/")) -> list[Record]:
    """Every report page of a built site, in URL order."""
    records: list[Record] = []
    for path in sorted(site.rglob("*.html")):
        url = path.relative_to(site).as_posix()
        if url.startswith(skip) or any(part.startswith(".") for part in Path(url).parts):
            continue
        record = read_page(path.read_text(encoding="utf-8", errors="replace"), url)
        if record is not None:
            records.append(record)
    records.sort(key=lambda r: r.url)
    return records
