"""The offline search page (`search/index.html` in the archive), cut from a page of the built site.

The page keeps the site's own header and footer: it takes the built search page when there is
one (it already sits at `search/index.html`), else the home page (whose relative links are then
moved one folder down). Scripts and anything of Pagefind are removed — they cannot run from
disk — and the `<main>` region is replaced by the offline search form and results.
"""

from __future__ import annotations

import html
import re

SCRIPT = re.compile(r"<script\b.*?</script\s*>\s*", re.S | re.I)
PAGEFIND_LINK = re.compile(r"<link\b[^>]*pagefind[^>]*>\s*", re.I)
MAIN = re.compile(r"(<main\b[^>]*>).*?(</main\s*>)", re.S | re.I)
TITLE = re.compile(r"<title>(.*?)</title>", re.S | re.I)
SITE_NAME = re.compile(r'<meta name="SiteName" content="([^"]*)"', re.I)
URL_ATTR = re.compile(r'(\s(?:href|src|action)=")([^"]*)"', re.I)
ABSOLUTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|/|#|\?)", re.I)

MAIN_HTML = """
<h1>站内检索</h1>
<p class="offline-note">本页是离线存档中的检索，在本机运行，不需要联网。</p>
<form id="offline-search" class="offline-search" action="index.html" method="get" role="search">
  <div class="field"><label for="offline-q">检索词</label><input id="offline-q" name="q" type="search" enterkeyhint="search" autocomplete="off"></div>
  <div class="field"><label for="offline-year">年度</label><select id="offline-year" name="year"><option value="">全部年度</option></select></div>
  <div class="field"><label for="offline-town">乡镇</label><select id="offline-town" name="town"><option value="">全部乡镇</option></select></div>
  <div class="field"><label for="offline-region">地区</label><select id="offline-region" name="region"><option value="">全部地区</option></select></div>
  <div class="field"><label for="offline-format">报告格式</label><select id="offline-format" name="format"><option value="">全部格式</option></select></div>
  <button type="submit">检索</button>
</form>
<noscript><p>离线检索需要浏览器启用 JavaScript。不检索也可以从<a href="../index.html">首页</a>逐级浏览全部年报。</p></noscript>
<p id="offline-status" role="status" aria-live="polite"></p>
<ol id="offline-results" class="results"></ol>
"""


def without_web_search(page: str) -> str:
    """A page with its references to Pagefind's files removed (they are not in the archive).

    Only scripts and stylesheets that name `pagefind` go; a page that has none is returned
    unchanged, byte for byte.
    """
    if "pagefind/" not in page and "pagefind.js" not in page:
        return page
    page = SCRIPT.sub(lambda m: "" if "pagefind" in m.group(0) else m.group(0), page)
    return PAGEFIND_LINK.sub("", page)


def _down_one_folder(page: str) -> str:
    def fix(m: re.Match[str]) -> str:
        value = m.group(2)
        if not value or ABSOLUTE.match(value):
            return m.group(0)
        return f'{m.group(1)}../{value}"'

    return URL_ATTR.sub(fix, page)


def offline_page(shell: str, *, from_root: bool) -> str:
    """The offline search page made from `shell` (the home page when `from_root`, else the search page)."""
    page = SCRIPT.sub("", shell)
    page = PAGEFIND_LINK.sub("", page)
    if from_root:
        page = _down_one_folder(page)
    m = SITE_NAME.search(page)
    site_name = html.unescape(m.group(1)) if m else ""
    title = f"站内检索 - {site_name}" if site_name else "站内检索"
    page = TITLE.sub(lambda _: f"<title>{html.escape(title)}</title>", page, count=1)
    if MAIN.search(page):
        page = MAIN.sub(lambda mm: mm.group(1) + MAIN_HTML + mm.group(2), page, count=1)
    else:
        page = re.sub(r"(<body\b[^>]*>).*(</body\s*>)", lambda mm: mm.group(1) + f'<main id="main">{MAIN_HTML}</main>' + mm.group(2), page, count=1, flags=re.S | re.I)
    head_extra = '<link rel="stylesheet" href="../offline-search/search.css">\n'
    page = re.sub(r"</head\s*>", lambda _: head_extra + "</head>", page, count=1, flags=re.I)
    body_extra = '<script src="../offline-search/engine.js"></script>\n'
    page = re.sub(r"</body\s*>", lambda _: body_extra + "</body>", page, count=1, flags=re.I)
    return page
