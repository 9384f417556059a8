"""Lint stage: is each report consistent with itself? (text against table, dates against the year)

Nothing here is an error: the published report is the record, mistakes included.
The publisher is told, with both places, and the report page may show the notes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from generator.diagnostics import Diagnostics, Where
from generator.formats import Catalogue
from generator.model import Report, Site
from generator.source.numbers import format_number
from generator.narrative.statements import Statement, find_statements
from generator.source.yaml_source import YamlDoc

MAX_SIGNATURE_GAP_DAYS = 60


def lint(site: Site, catalogue: Catalogue, docs: dict[str, YamlDoc], diags: Diagnostics) -> Site:
    """Return the site with each report's consistency notes attached (and added to `diags`)."""
    reports = [lint_report(report, catalogue, docs.get(report.data_path), diags) for report in site.reports]
    return dataclasses.replace(site, reports=tuple(reports))


def lint_report(report: Report, catalogue: Catalogue, doc: YamlDoc | None, diags: Diagnostics) -> Report:
    """One report with its consistency notes attached (and added to `diags`)."""
    notes = Diagnostics()
    _figures(report, catalogue, doc, notes)
    _dates(report, doc, notes)
    diags.extend(notes)
    notes.extend_problems(report.notes)
    return dataclasses.replace(report, notes=tuple(notes.sorted()))


def _where(doc: YamlDoc | None, path: tuple, fallback: str) -> Where:
    return doc.where(path) if doc is not None else Where(fallback)


def _figures(report: Report, catalogue: Catalogue, doc: YamlDoc | None, notes: Diagnostics) -> None:
    fmt = catalogue.formats[report.format]
    cells = fmt.cells
    statements = find_statements(report.narrative, catalogue.indicators)
    seen = {(st.indicator, st.line, st.value) for st in statements}
    # the report's own `stated:` entries mapped to an indicator, where the patterns do not find them (zeros stated as negations)
    extra = [Statement(s.indicator, s.value, s.line, 1, s.quote) for s in report.stated if s.indicator and (s.indicator, s.line, s.value) not in seen]
    for st in sorted(statements + extra, key=lambda st: (st.line, st.column)):
        indicator = catalogue.indicators[st.indicator]
        text_where = Where(report.narrative_path, st.line, st.column)
        value = report.indicators.get(st.indicator)
        if value is None or value.value is None or value.value == st.value:
            continue
        if value.origin == "table":
            table_where = _where(doc, ("statistics",) + cells[value.cells[0]].path, report.data_path)
            source = "统计表"
        else:
            table_where = _where(doc, ("figures", st.indicator), report.data_path)
            source = "关键数字"
        notes.warning(
            "figure-mismatch",
            text_where,
            f"正文与{source}不一致：{indicator.label}，正文写“{st.quote}”，{source}为"
            f" {format_number(value.value)}{indicator.unit}（{table_where}）",
            field=st.indicator,
            public=f"{indicator.label}：正文写“{st.quote}”，统计表为 {format_number(value.value)}{indicator.unit}。"
            if value.origin == "table"
            else "",
        )
    for ind, figure in report.figures.items():
        value = report.indicators.get(ind)
        fmt_cells = fmt.indicators.get(ind)
        if fmt_cells and value is not None and value.origin == "table" and value.value is not None and value.value != figure:
            indicator = catalogue.indicators[ind]
            notes.warning(
                "figure-mismatch",
                _where(doc, ("figures", ind), report.data_path),
                f"关键数字与统计表不一致：{indicator.label}",
                field=f"figures.{ind}",
                public=f"{indicator.label}：报告所述 {format_number(figure)}{indicator.unit}，统计表为 {format_number(value.value)}{indicator.unit}。",
                expected=f"{format_number(value.value)}{indicator.unit}（统计表）",
                found=f"{format_number(figure)}{indicator.unit}",
            )


def _dates(report: Report, doc: YamlDoc | None, notes: Diagnostics) -> None:
    year_end = dt.date(report.year, 12, 31)
    sig = report.signature
    if report.published and report.published <= year_end:
        notes.warning(
            "date-before-year-end",
            _where(doc, ("published",), report.data_path),
            f"发布日期早于报告年度（{report.year}年）结束",
            field="published",
            public=f"报告所署发布日期（{report.published.isoformat()}）早于报告年度结束。",
            expected=f"{report.year + 1}-01-01 或以后",
            found=report.published.isoformat(),
        )
    if sig.date and sig.date <= year_end:
        notes.warning(
            "date-before-year-end",
            _where(doc, ("signature", "date"), report.data_path),
            f"落款日期早于报告年度（{report.year}年）结束" + (f"：原文“{sig.date_text}”" if sig.date_text else ""),
            field="signature.date",
            public=f"落款日期（{sig.date_text or sig.date.isoformat()}）早于报告年度（{report.year}年）结束。",
            expected=f"{report.year + 1}-01-01 或以后",
            found=sig.date.isoformat(),
        )
    if report.published and sig.date and abs((report.published - sig.date).days) > MAX_SIGNATURE_GAP_DAYS:
        notes.warning(
            "date-mismatch",
            _where(doc, ("signature", "date"), report.data_path),
            "落款日期与报告开头的日期不一致" + (f"：原文落款“{sig.date_text}”" if sig.date_text else ""),
            field="signature.date",
            public=f"落款日期（{sig.date_text or sig.date.isoformat()}）与报告开头所署日期（{report.published.isoformat()}）不一致。",
            expected=report.published.isoformat(),
            found=sig.date.isoformat(),
            related=[_where(doc, ("published",), report.data_path)],
        )

