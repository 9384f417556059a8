"""Machine-read site files: sitemap.xml, the Atom feed of reports, robots.txt.

A sitemap needs absolute addresses, so it is written only when `site.yaml` sets `base_url`.
The feed's links are relative to the feed itself (Atom resolves them against its own
address); its entry ids are the absolute page addresses when `base_url` is known, and
otherwise a `urn:` built from the report's stable identity. Dates come from the reports,
never from the clock, so the same content gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape, quoteattr

from generator.model import Report, Site

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 50


def sitemap_xml(base_url: str, urls: list[tuple[str, dt.date | None]]) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{SITEMAP_NS}">']
    for url, modified in urls:
        lines.append(f"<url><loc>{escape(base_url + url)}</loc>" + (f"<lastmod>{modified.isoformat()}</lastmod>" if modified else "") + "</url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00+08:00"


def atom_xml(site: Site, entries: list[tuple[Report, str]]) -> bytes:
    """`entries`: (report, page url relative to the site root), newest first."""
    config = site.config
    dated = [r.date for r, _ in entries if r.date]
    updated = _stamp(max(dated)) if dated else _stamp(dt.date(1970, 1, 1))
    feed_id = config.base_url + "feed.xml" if config.base_url else "urn:nianbao:feed"
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<feed xmlns="{ATOM_NS}" xml:lang="zh-CN">',
        f"<title>{escape(config.title)}</title>",
        f"<id>{escape(feed_id)}</id>",
        f"<updated>{updated}</updated>",
        '<link rel="alternate" type="text/html" href="index.html"/>',
        '<link rel="self" type="application/atom+xml" href="feed.xml"/>',
    ]
    if config.authority:
        lines.append(f"<author><name>{escape(config.authority)}</name></author>")
    for report, url in entries[:FEED_ENTRIES]:
        entry_id = config.base_url + url if config.base_url else f"urn:nianbao:report:{report.key}"
        when = _stamp(report.date) if report.date else updated
        author = report.authority or report.town.authority or report.town.name
        lines += [
            "<entry>",
            f"<title>{escape(report.title)}</title>",
            f"<id>{escape(entry_id)}</id>",
            f"<link rel=\"alternate\" type=\"text/html\" href={quoteattr(url)}/>",
            f"<updated>{when}</updated>",
            f"<author><name>{escape(author)}</name></author>",
            f"<summary>{escape(f'{report.town.full_name}{report.year}年度政府信息公开工作年度报告')}</summary>",
            "</entry>",
        ]
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def robots_txt(base_url: str) -> bytes:
    lines = ["User-agent: *", "Allow: /"]
    if base_url:
        lines.append(f"Sitemap: {base_url}sitemap.xml")
    return ("\n".join(lines) + "\n").encode("utf-8")
