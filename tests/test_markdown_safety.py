"""Narrative Markdown is untrusted: no markup, no script links, no crash on hostile structure."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from generator.narrative.markdown import render_narrative
from hostile import UNSAFE_LINKS, assert_inert_html


def html_of(text: str) -> str:
    n = render_narrative(text)
    return n.intro + "".join(s.html for s in n.sections)


def test_links_and_images_render() -> None:
    soup = BeautifulSoup(html_of("[政府网站](https://www.gov.cn/) [本页](#s1) [邮件](mailto:a@b.cn)\n\n![照片](x.png)"), "html.parser")
    links = {a.text: a for a in soup.find_all("a")}
    assert links["政府网站"]["href"] == "https://www.gov.cn/"
    assert "noopener" in links["政府网站"]["rel"]
    assert links["本页"]["href"] == "#s1"
    assert links["邮件"]["href"] == "mailto:a@b.cn"
    assert soup.find("img") is None and "[图片：照片]" in soup.text


def test_reference_links_and_autolinks_render() -> None:
    soup = BeautifulSoup(html_of("见[附件][a]和<https://www.gov.cn/>。\n\n[a]: https://example.gov.cn/a.pdf\n"), "html.parser")
    assert [a["href"] for a in soup.find_all("a")] == ["https://example.gov.cn/a.pdf", "https://www.gov.cn/"]


@pytest.mark.parametrize("url", UNSAFE_LINKS)
def test_script_and_data_links_are_not_links(url: str) -> None:
    for text in (f"[点我]({url})", f"[点我][r]\n\n[r]: {url}\n", f"<{url}>", f"![图]({url})"):
        html = html_of(text)
        assert_inert_html(html)
        soup = BeautifulSoup(html, "html.parser")
        assert soup.find("a") is None, (text, html)


def test_paths_are_not_links_only_anchors_are() -> None:
    # a path would resolve against wherever the page happens to be: outside the site under file://
    html = html_of("[a](/etc/passwd) [b](../../../../x.html) [c](x.html) [d](C:/Windows) [e](#s1) [f](?q=1)")
    soup = BeautifulSoup(html, "html.parser")
    assert [a["href"] for a in soup.find_all("a")] == ["#s1"]
    assert soup.get_text().startswith("a b c ") and soup.get_text().strip().endswith("e f")  # the words stay


def test_raw_html_is_text() -> None:
    payload = '<script>nbx_pwned()</script><img src=x onerror="nbx_pwned()"><svg onload=nbx_pwned()></svg><iframe src="javascript:nbx_pwned()">'
    html = html_of(payload + "\n\n" + payload.replace("<", "\n<") + "\n")
    assert_inert_html(html)
    assert "nbx_pwned" in BeautifulSoup(html, "html.parser").text  # shown as text, not dropped


@pytest.mark.parametrize(
    "text",
    [
        ">" * 10_000 + " 深层引用\n",
        "".join("  " * i + "- 项\n" for i in range(1_000)),
        "- " * 10_000 + "项\n",
        "1. " * 10_000 + "项\n",
        "> - " * 5_000 + "项\n",
        "*" * 10_000 + "强调" + "*" * 10_000 + "\n",
        "[" * 10_000 + "链接" + "](x)" * 10_000 + "\n",
    ],
    ids=["blockquotes", "indented-lists", "bullets", "ordered", "quote-lists", "emphasis", "brackets"],
)
def test_deep_nesting_renders_without_recursion_trouble(text: str) -> None:
    html = html_of(text)
    assert_inert_html(html)
    soup = BeautifulSoup(html, "html.parser")
    depth = max((len(list(t.parents)) for t in soup.find_all(True)), default=0)
    if not text.startswith(("*", "[")):  # emphasis pairs are inline spans, not nesting markdown-it caps
        assert depth < 100  # markdown-it caps block nesting; the rest is text


def test_headings_inside_deep_structure_do_not_confuse_sections() -> None:
    n = render_narrative("## 一、总体情况\n\n" + ">" * 5_000 + " ## 不是章节\n\n## 二、其他\n\n正文\n")
    assert [s.heading for s in n.sections] == ["一、总体情况", "二、其他"]
