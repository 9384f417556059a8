"""What the indexer reads of a page: the part Pagefind would index, as a small document of its own.

Pagefind indexes only the element marked `data-pagefind-body` and skips what is marked
`data-pagefind-ignore`; of a report page (≈55 KB at 10,000 reports) that is ≈8 KB, the rest
being the navigation and the official tables. Parsing and segmenting the whole page costs
Pagefind about a third more CPU than reading this part alone (docs/search.md), for the same
entry: a test indexes both and compares the fragments and the index byte for byte.

The render workers write this document for each indexed page as they write the page, into the
indexers' input folder (`generator/search/indexer.py`), so that the build process neither links
nor reads the pages again there. `indexed_document` returns None for any page it cannot cut
with certainty (no marker or two, a script, a comment or a raw-text element inside the body, tags
that do not balance); such a page is given to Pagefind whole, which gives the same entry.
"""

from __future__ import annotations

import os
import re

INPUT_FOLDER = ".search-input"  # in the staging folder; removed before the swap
BODY = b"data-pagefind-body"
IGNORE = b"data-pagefind-ignore"
_OPEN_TAG = re.compile(rb"<([a-z][a-z0-9-]*)(?=[\s/>])[^<>]*\Z")
_IGNORING = re.compile(rb"<([a-z][a-z0-9-]*)\s[^<>]*?(?<=\s)data-pagefind-ignore(?:=\"(?:index|all)?\")?(?=[\s/>])[^<>]*>")
_LANG = re.compile(rb"<html\b[^<>]*?\slang=\"([^\"<>]*)\"")
# What a plain scan of tags could read differently from an HTML parser: comments, declarations,
# tag names not in lower case, and elements whose content is not parsed as HTML (one regex: this
# runs over every report page).
_UNSAFE = re.compile(rb"<(?:[^a-z/]|/[^a-z]|s(?:cript|tyle|vg)|t(?:extarea|itle|emplate)|no(?:script|embed|frames)|iframe|xmp|plaintext|math)")
_VOID = frozenset({b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta", b"source", b"track", b"wbr"})
_AFTER_NAME = frozenset(b" \t\n\r\f/>")


def indexed_document(html: bytes) -> bytes | None:
    """The page's `data-pagefind-body` element without its ignored parts, in a minimal document of
    the page's language; None where that cannot be cut with certainty."""
    at = html.find(BODY)
    if at < 0 or html.find(BODY, at + len(BODY)) >= 0:
        return None
    start = html.rfind(b"<", 0, at)
    opening = _OPEN_TAG.match(html, start, at) if start >= 0 else None
    lang = _LANG.search(html, 0, max(start, 0))
    if opening is None or lang is None:
        return None
    end = _element_end(html, start, opening.group(1))
    if end is None:
        return None
    body = html[start:end]
    if _UNSAFE.search(body):
        return None
    kept = _without_ignored(body)
    if kept is None:
        return None
    return b'<!DOCTYPE html>\n<html lang="%s">\n<head>\n<meta charset="utf-8">\n</head>\n<body>\n%s\n</body>\n</html>\n' % (lang.group(1), kept)


def _element_end(html: bytes, start: int, name: bytes) -> int | None:
    """The index just past the end tag that closes the element opening at `start` (tags in lower case)."""
    if name in _VOID:
        return None
    opens, closes = b"<" + name, b"</" + name
    depth, pos = 0, start
    while True:
        close = html.find(closes, pos)
        if close < 0:
            return None
        at = html.find(opens, pos, close)
        while at >= 0:
            after = at + len(opens)
            if html[after] in _AFTER_NAME and not html[after:html.find(b">", after) + 1].endswith(b"/>"):
                depth += 1
            at = html.find(opens, after, close)
        pos = close + len(closes)
        if html[pos] in _AFTER_NAME:
            depth -= 1
            if depth <= 0:
                stop = html.find(b">", pos)
                return None if stop < 0 or depth < 0 else stop + 1


def _without_ignored(body: bytes) -> bytes | None:
    """`body` with every `data-pagefind-ignore` element cut out, unless it holds other Pagefind
    attributes (metadata, filters and sorts inside an ignored element still count for Pagefind)."""
    parts: list[bytes] = []
    pos = 0
    while True:
        found = body.find(IGNORE, pos)
        if found < 0:
            parts.append(body[pos:])
            return b"".join(parts)
        start = body.rfind(b"<", pos, found)
        tag = _IGNORING.match(body, start) if start >= 0 else None
        if tag is None or tag.end() <= found:
            return None  # the words are not an attribute of a tag starting after the last cut
        name = tag.group(1)
        end = tag.end() if name in _VOID else _element_end(body, start, name)
        if end is None:
            return None
        if b"data-pagefind-" in body[tag.end():end]:  # kept whole: Pagefind reads what it holds
            parts.append(body[pos:end])
        else:
            parts.append(body[pos:start])
        pos = end


def write(root: str, shard: str, url: str, html: bytes) -> None:
    """Write a page's indexer input to `root/<shard>/<url>` if its indexed part can be cut (if not,
    the indexer links the page itself)."""
    document = indexed_document(html)
    if document is None:
        return
    target = f"{root}/{shard}/{url}"
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as sink:
        sink.write(document)
