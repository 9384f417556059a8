"""Narrative Markdown -> HTML, treating the text as untrusted.

Raw HTML is off, links are limited to safe schemes and in-page anchors, images become their alt text
(a report page loads nothing from elsewhere), and the narrative is split at its top
headings so that each official table can follow the section it belongs to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token

SAFE_SCHEME = re.compile(r"^(https?:|mailto:|tel:)", re.IGNORECASE)
ANY_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def _safe_link(url: str) -> bool:
    # markdown-it hands over the link entity-decoded and percent-encoded; decode the percent
    # signs too, so that "java%09script:" is judged as the "java\tscript:" a reader typed
    candidate = re.sub(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]+", "", unquote(url))
    if ANY_SCHEME.match(candidate):
        return bool(SAFE_SCHEME.match(candidate))
    return not candidate.replace("\\", "/").startswith("//")  # protocol-relative URLs reach other hosts


def _image_as_text(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    alt = "".join(t.content for t in (tokens[idx].children or []))
    return f"[图片：{_escape(alt)}]" if alt else "[图片]"


def _link_open(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    href = str(tokens[idx].attrGet("href") or "")
    if not (SAFE_SCHEME.match(href) or href.startswith("#")):
        # A path (x.html, ../../x, /etc/passwd) would resolve against wherever the page happens
        # to be, outside the site under file://: the words stay, the link goes.
        env["_dropped_link"] = True
        return ""
    if re.match(r"^https?:", href, re.IGNORECASE):
        tokens[idx].attrSet("rel", "noopener noreferrer external")
    return str(self.renderToken(tokens, idx, options, env))


def _link_close(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    if env.pop("_dropped_link", False):  # links do not nest, so one flag pairs them
        return ""
    return str(self.renderToken(tokens, idx, options, env))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = _safe_link  # type: ignore[method-assign]
    md.add_render_rule("image", _image_as_text)
    # markdown-it binds render rules to the renderer: they receive it as their first argument
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("link_close", _link_close)
    return md


@dataclass(frozen=True)
class Section:
    anchor: str
    heading: str  # plain text
    level: int
    html: str  # the section's body (subheadings included), without its own heading


@dataclass(frozen=True)
class Narrative:
    intro: str  # HTML before the first top heading
    sections: tuple[Section, ...]
    toc: tuple[tuple[int, str, str], ...]  # (level, anchor, text) of every heading


def render_narrative(text: str, anchor_prefix: str = "s") -> Narrative:
    md = parser()
    env: dict[str, Any] = {}
    tokens = md.parse(text, env)
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    top = min(levels) if levels else 0
    toc: list[tuple[int, str, str]] = []
    count = 0
    starts: list[int] = []
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            count += 1
            anchor = f"{anchor_prefix}{count}"
            token.attrSet("id", anchor)
            level = int(token.tag[1])
            inline = tokens[i + 1]
            toc.append((level, anchor, _plain(inline)))
            if level == top:
                starts.append(i)
            # the page has one h1 (the title): narrative headings start at h2
            shift = max(0, 2 - top)
            new_tag = f"h{min(6, level + shift)}"
            token.tag = new_tag
            tokens[i + 2].tag = new_tag
    if not starts:
        return Narrative(md.renderer.render(tokens, md.options, env), (), tuple(toc))
    intro = md.renderer.render(tokens[: starts[0]], md.options, env)
    sections: list[Section] = []
    bounds = starts + [len(tokens)]
    for n, start in enumerate(starts):
        end = bounds[n + 1]
        heading_tokens = tokens[start : start + 3]
        body = md.renderer.render(tokens[start + 3 : end], md.options, env)
        anchor = heading_tokens[0].attrGet("id") or ""
        sections.append(Section(anchor, _plain(heading_tokens[1]), int(heading_tokens[0].tag[1]), body))
    return Narrative(intro, tuple(sections), tuple(toc))


def _plain(inline: Token) -> str:
    parts: list[str] = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts).strip()
