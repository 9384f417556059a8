"""Every internal link and asset reference in the built site resolves to a file; nothing is loaded from elsewhere."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

RESOURCE_ATTRS = (("link", "href"), ("script", "src"), ("img", "src"), ("source", "src"), ("iframe", "src"), ("embed", "src"), ("object", "data"), ("video", "src"), ("audio", "src"))
# Pages other engineers' stages add on top of the portal (the search page is built by the search stage).
ADDED_LATER = {"search/index.html"}


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_no_page_loads_anything_from_outside_the_site(built_default: Path) -> None:
    for path in html_files(built_default):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag, attr in RESOURCE_ATTRS:
            for el in soup.find_all(tag):
                value = el.get(attr)
                if value is None or (tag == "link" and "alternate" in (el.get("rel") or [])):
                    continue
                assert not urlsplit(value).scheme and not value.startswith("//"), f"{path}: {tag} {value}"
        for el in soup.find_all(style=True):
            assert "url(" not in el["style"], path
        assert "@import" not in "".join(s.get_text() for s in soup.find_all("style"))
    for css in built_default.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        assert "@import" not in text and "url(" not in text, css


def test_every_internal_link_resolves_to_a_file(built_default: Path) -> None:
    broken: list[str] = []
    checked = 0
    for path in html_files(built_default):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        ids = {el["id"] for el in soup.find_all(id=True)}
        rel_page = path.relative_to(built_default).as_posix()
        for el in soup.find_all(["a", "link", "script", "img", "form"]):
            value = el.get("href") or el.get("src") or el.get("action")
            if value is None:
                continue
            parts = urlsplit(value)
            if parts.scheme or value.startswith("//"):
                assert parts.scheme in {"http", "https", "mailto"}, f"{rel_page}: {value}"
                continue
            checked += 1
            if not parts.path:
                if parts.fragment and parts.fragment not in ids:
                    broken.append(f"{rel_page}: #{parts.fragment}")
                continue
            assert not parts.path.startswith("/"), f"{rel_page}: absolute path {value}"
            target = (path.parent / unquote(parts.path)).resolve()
            assert not parts.path.endswith("/"), f"{rel_page}: links point at files, not folders: {value}"
            relative = target.relative_to(built_default.resolve()).as_posix() if target.is_relative_to(built_default.resolve()) else str(target)
            if not target.is_file() and relative not in ADDED_LATER:
                broken.append(f"{rel_page}: {value}")
            elif parts.fragment and target.suffix == ".html" and target.is_file():
                target_ids = {e["id"] for e in BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser").find_all(id=True)}
                if parts.fragment not in target_ids:
                    broken.append(f"{rel_page}: {value} (no such anchor)")
    assert broken == []
    assert checked > 200


def test_feed_and_sitemap_links_resolve(built_default: Path) -> None:
    import xml.etree.ElementTree as ET

    feed = ET.parse(built_default / "feed.xml").getroot()
    hrefs = [link.get("href") for link in feed.iter("{http://www.w3.org/2005/Atom}link")]
    assert hrefs and all((built_default / h).is_file() for h in hrefs)
