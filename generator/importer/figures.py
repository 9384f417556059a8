"""Figures stated in sentences: the key figures ("主动公开政府信息56条", by the indicators' patterns)
and every count the narrative states (`stated:`)."""

from __future__ import annotations

from generator.formats import Catalogue, Format
from generator.importer.findings import INFO, Finding
from generator.source.numbers import Number
from generator.narrative.statements import Stated, find_stated, find_statements


def key_figures(markdown: str, md_name: str, fmt: Format, catalogue: Catalogue) -> tuple[dict[str, Number], list[Finding]]:
    """Figures of the indicators the format's tables do not carry; a figure stated twice differently is left out."""
    wanted = {k: v for k, v in catalogue.indicators.items() if k not in fmt.indicators}
    stated: dict[str, list] = {}
    for s in find_statements(markdown, wanted):
        stated.setdefault(s.indicator, []).append(s)
    figures: dict[str, Number] = {}
    findings: list[Finding] = []
    for indicator in sorted(stated, key=lambda k: list(catalogue.indicators).index(k)):
        statements = stated[indicator]
        label = catalogue.indicators[indicator].label
        values = sorted({s.value for s in statements})
        where = f"{md_name}:{statements[0].line}"
        if len(values) > 1:
            quotes = "；".join(f"“{s.quote}”（第{s.line}行）" for s in statements)
            findings.append(Finding(where, f"正文对“{label}”说法不一：{quotes}；未填入 figures，请人工确定"))
            continue
        figures[indicator] = values[0]
        findings.append(Finding(where, f"关键数字 {indicator}（{label}）= {values[0]}，取自“{statements[0].quote}”", INFO))
    return figures, findings


def stated_figures(markdown: str, md_name: str, catalogue: Catalogue, names: tuple[str, ...], findings: list[Finding]) -> list[Stated]:
    """Every count the narrative states, with its label and line; the number of them said in the findings."""
    stated = find_stated(markdown, catalogue.indicators, tuple(n for n in names if n)) if markdown else []
    if stated:
        mapped = sum(1 for s in stated if s.indicator)
        zeros = sum(1 for s in stated if s.value == 0)
        findings.append(Finding(md_name, f"正文中陈述的数字 {len(stated)} 处（其中 {mapped} 处对应规范指标，{zeros} 处为零），已记入 stated", INFO))
    return stated
