"""Reading structure and figures out of hostile narrative text: linear time, no exceptions."""

from __future__ import annotations

from generator.formats import Indicator
from generator.narrative.outline import headings
from generator.narrative.statements import find_statements

PROACTIVE = Indicator(
    id="proactive.total", label="主动公开政府信息数", unit="条", type="count", description="", patterns=(r"主动公开(?:政府)?信息(?P<n>\d+)条",)
)


def test_heading_text_loses_its_closing_hashes() -> None:
    found = headings("## 一、总体情况 ##\n# 标题 #  \n#不是标题\n```\n## 代码中\n```\n")
    assert [(h.level, h.text, h.line) for h in found] == [(2, "一、总体情况", 1), (1, "标题", 2)]


def test_a_long_line_of_hashes_is_read_in_linear_time() -> None:
    # the old pattern (lazy text, then [ \t#]*$) backtracked quadratically: minutes for this line
    line = "# a" + " #" * 100_000 + "x"
    [h] = headings(line + "\n")
    assert h.text.startswith("a #") and h.text.endswith("x")


def test_statements_read_figures() -> None:
    [s] = find_statements("全年主动公开政府信息 56 条。", {PROACTIVE.id: PROACTIVE})
    assert (s.value, s.line) == (56, 1)


def test_an_absurd_run_of_digits_is_not_a_figure() -> None:
    # int() refuses more than 4,300 digits: this used to raise ValueError and stop the build
    assert find_statements("主动公开信息" + "9" * 5_000 + "条", {PROACTIVE.id: PROACTIVE}) == []
