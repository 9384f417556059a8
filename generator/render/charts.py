"""Inline SVG charts drawn at build time (no JavaScript): one indicator across years, as bars.

Each chart has a <title> and a <desc> stating every value, labelled axes in Chinese, and is
meant to sit next to a table holding the same numbers. Years without a comparable value
get a marked gap, never a bar.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from generator.source.numbers import Number, format_number

WIDTH = 480
HEIGHT = 280
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 40, 56
BAR = "#0b4f9c"
INK = "#1a1a1a"
GRID = "#767676"


@dataclass(frozen=True)
class Bar:
    label: str  # "2016年"
    value: Number | None
    note: str = ""  # shown instead of a bar when there is no value, e.g. "不可比"


def nice_step(top: float, ticks: int = 5) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving at most `ticks` intervals up to `top`."""
    if top <= 0:
        return 1.0
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            step = factor * power
            return float(step if step >= 1 else 1)
    return float(10 * power)  # pragma: no cover


def _num(value: float) -> str:
    """Coordinates with at most one decimal, without trailing zeros (deterministic output)."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def bar_chart(chart_id: str, title: str, unit: str, bars: list[Bar], x_label: str = "年度") -> str:
    values = [float(b.value) for b in bars if b.value is not None]
    top = max(values + [0.0])
    step = nice_step(top)
    top_tick = step * max(1, math.ceil(top / step)) if top > 0 else step
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    base_y = TOP + plot_h
    y_label = f"{title}（{unit}）" if unit else title

    def y_of(v: float) -> float:
        return base_y - plot_h * (v / top_tick)

    described = "；".join(
        f"{b.label}：{format_number(b.value)}{unit}" if b.value is not None else f"{b.label}：{b.note or '无数据'}" for b in bars
    )
    out: list[str] = [
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-t">{escape(title)}（按年度）</title>',
        f'<desc id="{escape(chart_id)}-d">{escape(described)}</desc>',
        f'<g font-size="14" fill="{INK}">',
        f'<text x="{LEFT}" y="22" font-weight="700">{escape(y_label)}</text>',
    ]
    tick = 0.0
    while tick <= top_tick + 1e-9:
        y = y_of(tick)
        out.append(f'<line x1="{LEFT}" y1="{_num(y)}" x2="{WIDTH - RIGHT}" y2="{_num(y)}" stroke="{GRID}" stroke-width="{2 if tick == 0 else 0.5}"/>')
        out.append(f'<text x="{LEFT - 8}" y="{_num(y + 5)}" text-anchor="end">{escape(_tick_label(tick))}</text>')
        tick += step
    slot = plot_w / max(1, len(bars))
    bar_w = min(56.0, slot * 0.6)
    for i, b in enumerate(bars):
        cx = LEFT + slot * (i + 0.5)
        out.append(f'<text x="{_num(cx)}" y="{base_y + 22}" text-anchor="middle">{escape(b.label)}</text>')
        if b.value is None:
            out.append(f'<text x="{_num(cx)}" y="{base_y - 8}" text-anchor="middle" font-style="italic">{escape(b.note or "无数据")}</text>')
            continue
        y = y_of(float(b.value))
        out.append(f'<rect x="{_num(cx - bar_w / 2)}" y="{_num(y)}" width="{_num(bar_w)}" height="{_num(base_y - y)}" fill="{BAR}"/>')
        out.append(f'<text x="{_num(cx)}" y="{_num(y - 6)}" text-anchor="middle" font-weight="700">{escape(format_number(b.value))}</text>')
    out.append(f'<text x="{_num(LEFT + plot_w / 2)}" y="{HEIGHT - 8}" text-anchor="middle">{escape(x_label)}</text>')
    out.append("</g></svg>")
    return "\n".join(out)


def _tick_label(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return format_number(Decimal(repr(value)).normalize())
