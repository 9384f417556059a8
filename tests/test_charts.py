"""Inline SVG charts: valid XML, labelled, every value stated, gaps marked rather than drawn."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

from hypothesis import given, strategies as st

from generator.render.charts import Bar, bar_chart, nice_step

SVG = "{http://www.w3.org/2000/svg}"


def test_bars_labels_title_and_desc() -> None:
    svg = bar_chart("c1", "主动公开政府信息数", "条", [Bar("2016年", 70), Bar("2017年", None, "不可比"), Bar("2018年", 75)])
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c1-t c1-d"
    assert root.find(f"{SVG}title").text == "主动公开政府信息数（按年度）"
    assert root.find(f"{SVG}desc").text == "2016年：70条；2017年：不可比；2018年：75条"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "主动公开政府信息数（条）" in texts and "年度" in texts  # both axes labelled
    assert {"2016年", "2017年", "2018年", "70", "75", "不可比"} <= set(texts)
    rects = root.findall(f".//{SVG}rect")
    assert len(rects) == 2  # no bar where there is no comparable value
    heights = sorted(float(r.get("height")) for r in rects)
    assert heights[0] < heights[1]
    assert bar_chart("c1", "主动公开政府信息数", "条", [Bar("2016年", 70)]) == bar_chart("c1", "主动公开政府信息数", "条", [Bar("2016年", 70)])


def test_escapes_labels() -> None:
    root = ET.fromstring(bar_chart("c2", "<b>&", "", [Bar("x<y", Decimal("1.5"))]))
    assert root.find(f"{SVG}title").text == "<b>&（按年度）"


@given(st.floats(min_value=0.01, max_value=1e9, allow_nan=False))
def test_nice_step_gives_at_most_five_round_intervals(top: float) -> None:
    step = nice_step(top)
    assert step >= 1
    assert top / step <= 5 or step == 1
    mantissa = step / 10 ** (len(str(int(step))) - 1)
    assert mantissa in (1, 2, 5)
