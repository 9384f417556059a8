"""Hostile inputs and the checks that prove they stayed inert, shared by the security tests.

Every payload calls `nbx_pwned`: if that word ever appears inside a script, an event
handler or a script URL of a generated file, escaping failed somewhere.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

MARK = "nbx_pwned"

UNSAFE_LINKS = [
    "javascript:nbx_pwned()",
    "JAVASCRIPT:nbx_pwned()",
    "JaVaScRiPt:nbx_pwned()",
    "java&#x09;script:nbx_pwned()",
    "java&#9;script:nbx_pwned()",
    "&#106;avascript:nbx_pwned()",
    "jav&#x0A;ascript:nbx_pwned()",
    "java%09script:nbx_pwned()",
    "%6Aavascript:nbx_pwned()",
    "java\u200bscript:nbx_pwned()",
    "vbscript:nbx_pwned()",
    "VBScript:nbx_pwned()",
    "data:text/html,<script>nbx_pwned()</script>",
    "data:text/html;base64,PHNjcmlwdD5uYnhfcHduZWQoKTwvc2NyaXB0Pg==",
    "DATA:image/svg+xml,<svg onload=nbx_pwned()>",
    "//evil.example/nbx_pwned",
    "/\\evil.example/nbx_pwned",
]

# Text that, pasted into any YAML string, must come out as text wherever the string appears.
HTML_PAYLOADS = [
    '<script>nbx_pwned()</script>',
    '"><img src=x onerror=nbx_pwned()>',
    "'><svg onload=nbx_pwned()>",
    '</title><script>nbx_pwned()</script>',
    '</script><script>nbx_pwned()</script>',
    '<!--<script>nbx_pwned()</script>-->',
    '&lt;script&gt;nbx_pwned()&lt;/script&gt;',
    '=HYPERLINK("http://evil.example","nbx_pwned")',
]

_JSONP = re.compile(r"\A\s*[A-Za-z_$][\w$.]*\((.*)\);?\s*\Z", re.S)
_URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "data", "srcdoc", "content"}
_SCRIPT_URL = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)
_CONTROLS = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\ufeff]+")


def _script_url(value: str) -> bool:
    return bool(_SCRIPT_URL.match(_CONTROLS.sub("", value)))


def assert_inert_html(html: str, *, where: str = "") -> None:
    """No element, attribute or URL in this HTML can run anything a payload brought."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(True):
        # the theme may use forms, images and inline SVG; an injected one would need an
        # event handler or a script URL to act, and those are checked below
        assert tag.name not in {"iframe", "frame", "frameset", "object", "embed", "applet"}, (where, str(tag)[:200])
        if tag.name == "script":
            assert MARK not in tag.get_text() or tag.get("type") in {"application/json", "application/ld+json"}, (where, str(tag)[:200])
            assert "</" not in (tag.string or "") and "<!--" not in (tag.string or ""), (where, str(tag)[:200])
        if tag.name == "meta" and tag.get("http-equiv", "").lower() == "refresh":
            raise AssertionError((where, str(tag)))
        for name, value in tag.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            assert not name.lower().startswith("on"), (where, name, str(tag)[:200])
            if name.lower() in _URL_ATTRS:
                assert not _script_url(text), (where, name, text[:200])
                if MARK in text:
                    assert not _CONTROLS.sub("", text).replace("\\", "/").startswith("//"), (where, name, text[:200])


def assert_inert_file(path: Path, rel: str) -> None:
    """Check one generated file by its kind; any kind the checks do not know must not carry the mark."""
    assert_inert_bytes(path.read_bytes(), rel)


def assert_inert_bytes(data: bytes, rel: str) -> None:
    """Check one generated file's bytes by the kind its name says."""
    suffix = Path(rel).suffix.lower()
    if suffix in {".html", ".htm"}:
        assert_inert_html(data.decode("utf-8"), where=rel)
    elif suffix == ".json":
        json.loads(data.decode("utf-8"))
    elif suffix in {".xml", ".rss", ".atom"}:
        ET.fromstring(data)  # well-formed: every payload was escaped
        text = data.decode("utf-8")
        for m in re.finditer(r"<(?:link|guid|loc|id)\b[^>]*>([^<]*)<", text):
            assert not _script_url(m.group(1)), (rel, m.group(1))
    elif suffix == ".csv":
        for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
            for cell in row:
                if MARK in cell:
                    assert cell[:1] not in {"=", "+", "-", "@", "\t", "\r"}, (rel, cell[:100])
    elif suffix in {".css", ".js", ".png", ".svg", ".ico", ".woff2", ".pf_fragment", ".pf_index", ".pf_meta", ".pagefind", ".gz", ".txt", ""}:
        pass  # theme assets, search-index shards and robots.txt: not built from content text...
    if suffix == ".js" and MARK.encode() in data:
        # content may reach a script only as data: one call whose arguments are JSON (JSONP)
        m = _JSONP.match(data.decode("utf-8"))
        assert m, (rel, "content text in a script that is not a JSONP data file")
        json.loads("[" + m.group(1) + "]")
    elif suffix in {".svg", ".css"}:
        assert MARK.encode() not in data, rel  # ...so content text must never reach them


def assert_links_inside(html: str, page: Path, root: Path) -> None:
    """Every link and resource of a page is another site, an anchor, or a file inside the site folder."""
    soup = BeautifulSoup(html, "html.parser")
    rel = page.relative_to(root).as_posix()
    for tag in soup.find_all(True):
        if tag.name == "base":
            continue  # the 404 page's <base>: the publisher's own address (base_url), checked as a URL above
        for name in ("href", "src", "action", "poster"):
            value = tag.get(name)
            if not isinstance(value, str) or not value or value.startswith("#"):
                continue
            parts = urlsplit(value)
            if parts.scheme:
                assert parts.scheme.lower() in {"http", "https", "mailto", "tel"}, (rel, value)
                continue
            assert not value.startswith(("/", "\\")), (rel, value)  # would leave the site under file://
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            assert target.is_relative_to(root.resolve()), (rel, value)


def assert_site_inert(out: Path) -> int:
    """Check every file of a built site; return how many were checked."""
    count = 0
    for path in sorted(out.rglob("*")):
        if path.is_file():
            assert_inert_file(path, path.relative_to(out).as_posix())
            if path.suffix.lower() in {".html", ".htm"}:
                assert_links_inside(path.read_text(encoding="utf-8"), path, out)
            count += 1
    return count
