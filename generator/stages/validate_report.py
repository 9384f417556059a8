"""Validating one report: its fields, its statistics against the format, identities and outline."""

from __future__ import annotations

import re
from typing import Any

from generator.diagnostics import Diagnostics
from generator.source.fields import MAX_NAME, Fields, describe
from generator.formats import Catalogue, Format
from generator.formats.spec import IdentityCheck
from generator.formats.types import CELL_TYPES
from generator.model import IndicatorValue, Report, Signature, Source, Town
from generator.model.site import StatedFigure
from generator.source.numbers import Number, format_number
from generator.narrative.outline import check_outline
from generator.narrative.statements import squeeze
from generator.stages.load import ReportSource
from generator.source.yaml_source import YamlDoc, field_path

REPORT_FIELDS = {
    "format": "报告格式：gov-2008、gov-2019、gov-2021 或 narrative",
    "year": "报告年度（整数，与文件名一致）",
    "title": "报告标题（按原文）",
    "authority": "发布机关",
    "published": "发布日期 YYYY-MM-DD",
    "signature": "落款（authority、date、date_text）",
    "source": "来源（url、document、note）",
    "filled_by": "统计表填报单位（按原文）",
    "statistics": "统计表数据（按格式的单元格编号）",
    "figures": "正文中陈述的关键数字（指标编号: 数值）",
    "stated": "正文中陈述的数字（value、unit、label、quote、line，可有 indicator）",
    "known_issues": "已知且保留原样的勾稽问题（check、note）",
}
STATED_FIELDS = {
    "value": "数值（按原文）",
    "unit": "单位（按原文，如 条、件、人次）",
    "label": "标明该数字的词语",
    "quote": "原文（去掉空白）",
    "line": "在正文（.md）中的行号",
    "indicator": "对应的规范指标编号（可省）",
}
_NEGATION = re.compile("未|没有|无|不|零")


def validate_report(source: ReportSource, town: Town, catalogue: Catalogue, diags: Diagnostics) -> Report | None:
    doc = source.data
    assert doc is not None
    f = Fields.root(doc, diags)
    if not f.ok:
        return None
    f.check_keys(REPORT_FIELDS, ("format", "year", "title"))
    fmt_id = f.text("format")
    fmt = catalogue.get(fmt_id) if fmt_id else None
    if fmt_id and fmt is None:
        f.error("format", "unknown-format", f"未知的报告格式“{fmt_id}”", expected="、".join(sorted(catalogue.formats)), found=fmt_id)
    year = f.integer("year")
    if year is not None and year != source.year_in_name:
        f.error("year", "year-mismatch", "报告年度与文件名中的年份不一致", expected=source.year_in_name, found=year)
    elif year is not None and not 2000 <= year <= 2100:
        f.error("year", "bad-value", "报告年度不在合理范围内", expected="2008 年以后的年份", found=year)
    signature = Signature()
    sf = f.mapping("signature")
    if sf is not None and sf.ok:
        sf.check_keys({"authority": "落款机关", "date": "落款日期 YYYY-MM-DD", "date_text": "落款日期原文，如 二零一六年一月十七日"})
        signature = Signature(sf.text("authority"), sf.date("date"), sf.text("date_text"))
    src = Source()
    srcf = f.mapping("source")
    if srcf is not None and srcf.ok:
        srcf.check_keys({"url": "原文网址", "document": "原始文件说明", "note": "转换说明"})
        url = srcf.text("url")
        if url and not url.startswith(("http://", "https://")):
            srcf.error("url", "bad-value", "原文网址应以 http:// 或 https:// 开头", found=url)
            url = ""
        src = Source(url, srcf.text("document"), srcf.text("note"))
    known = _known_issues(f, fmt)
    statistics: dict[str, Number | None] = {}
    figures: dict[str, Number] = {}
    stated: tuple[StatedFigure, ...] = ()
    indicators: dict[str, IndicatorValue] = {}
    acknowledged = Diagnostics()
    if fmt is not None:
        statistics = read_statistics(doc, fmt, diags)
        figures = _figures(f, catalogue, diags)
        check_identities(doc, fmt, statistics, known, acknowledged)
        diags.extend(acknowledged)
        indicators = _indicators(fmt, statistics, figures)
        stated = read_stated(f, catalogue, source.narrative, source.narrative_rel, diags)
        if source.narrative is not None:
            check_outline(source.narrative, source.narrative_rel, fmt, diags)
    if fmt is None or year is None or year != source.year_in_name or not 2000 <= year <= 2100 or source.narrative is None:
        return None
    title = f.text("title", max_len=MAX_NAME)
    if not title:
        return None
    return Report(
        town=town,
        year=year,
        format=fmt.id,
        title=title,
        narrative=source.narrative,
        data_path=source.data_rel,
        narrative_path=source.narrative_rel,
        authority=f.text("authority") or town.authority,
        published=f.date("published"),
        signature=signature,
        source=src,
        filled_by=f.text("filled_by"),
        statistics=statistics,
        figures=figures,
        indicators=indicators,
        stated=stated,
        notes=tuple(p for p in acknowledged.sorted() if p.public),
    )


def _known_issues(f: Fields, fmt: Format | None) -> dict[str, str]:
    value = f.data.get("known_issues")
    if value is None:
        return {}
    if not isinstance(value, list):
        f.error("known_issues", "wrong-type", "known_issues 应为列表", expected="列表", found=describe(value))
        return {}
    ids = {i.id for i in fmt.identities} if fmt else set()
    known: dict[str, str] = {}
    for i, item in enumerate(value):
        item_f = Fields(f.doc, ("known_issues", i), item, f.diags)
        if not item_f.ok:
            continue
        item_f.check_keys({"check": "勾稽关系编号", "note": "说明（为何保留原样）"}, ("check", "note"))
        check = item_f.text("check")
        if fmt and check and check not in ids:
            item_f.error("check", "unknown-check", f"该格式没有编号为“{check}”的勾稽关系", expected="、".join(sorted(ids)), found=check)
        elif check:
            known[check] = item_f.text("note")
    return known


def read_statistics(doc: YamlDoc, fmt: Format, diags: Diagnostics) -> dict[str, Number | None]:
    """Every cell the format defines, read and checked; a wrong or missing cell is reported and left out."""
    root = doc.data.get("statistics") if isinstance(doc.data, dict) else None
    values: dict[str, Number | None] = {}
    if not fmt.tables:
        if root:
            diags.error(
                "no-tables",
                doc.where(("statistics",)),
                f"格式“{fmt.id}”没有统计表，不能填写 statistics；正文中的关键数字请写在 figures 中",
                field="statistics",
            )
        return values
    if root is None:
        diags.error(
            "missing-field",
            doc.where(()),
            "缺少必填字段“statistics”（统计表数据）",
            field="statistics",
            expected="、".join(t.id for t in fmt.tables),
        )
        return values
    if not _is_mapping(root, doc, ("statistics",), diags):
        return values
    tables = {t.id: t for t in fmt.tables}
    _unknown_keys(root, tables, doc, ("statistics",), "表格", diags)
    for table in fmt.tables:
        tpath = ("statistics", table.id)
        if table.id not in root:
            diags.error("missing-table", doc.where(("statistics",)), f"缺少表格“{table.caption}”", field=field_path(tpath), expected=table.id)
            continue
        tdata = root[table.id]
        if not _is_mapping(tdata, doc, tpath, diags):
            continue
        nested = len(table.cells) > 0 and len(table.cells[0].path) == 3
        first_level = {c.path[1]: c for c in table.cells}
        _unknown_keys(tdata, first_level, doc, tpath, "行" if nested or len(table.value_columns) == 1 else "列", diags)
        for cell in table.cells:
            key = cell.path[1]
            if key not in tdata:
                if not nested or key not in tdata:
                    diags.error("missing-cell", doc.where(tpath), f"缺少单元格“{cell.label}”", field=field_path(tpath + (key,)), expected=cell.id)
                continue
            holder, hpath = tdata, tpath
            if nested:
                row = tdata[key]
                hpath = tpath + (key,)
                if not isinstance(row, dict):
                    if cell.column == table.value_columns[0].id:
                        diags.error(
                            "wrong-type",
                            doc.where(hpath),
                            f"“{key}”应为该行各列的映射",
                            field=field_path(hpath),
                            expected="{" + ", ".join(f"{c.id}: 0" for c in table.value_columns) + "}",
                            found=describe(row),
                        )
                    continue
                if cell.column == table.value_columns[0].id:
                    _unknown_keys(row, {c.id: c for c in table.value_columns}, doc, hpath, "列", diags)
                holder = row
                key = cell.path[2]
                if key not in holder:
                    diags.error("missing-cell", doc.where(hpath), f"缺少单元格“{cell.label}”", field=field_path(hpath + (key,)), expected=cell.id)
                    continue
            raw, cell_type = holder[key], CELL_TYPES[cell.type]
            if cell_type.as_is(raw):
                values[cell.id] = raw
                continue
            reading = cell_type.read(raw)
            if reading.value is not None and not reading.error and not reading.normalised_from:
                values[cell.id] = reading.value  # nothing to say about it
                continue
            vpath = hpath + (key,)
            where = doc.where(vpath)
            if reading.error:
                diags.error("bad-number", where, f"单元格“{cell.label}”的值不对：{reading.error}", field=field_path(vpath), expected=CELL_TYPES[cell.type].description, found=describe(raw))
                continue
            if reading.normalised_from:
                diags.warning(
                    "normalised-number",
                    where,
                    f"单元格“{cell.label}”写成了文字，已按数字 {format_number(reading.value)} 处理；请直接写数字",
                    field=field_path(vpath),
                    expected=format_number(reading.value),
                    found=repr(reading.normalised_from),
                )
            if reading.value is None:
                diags.notice("blank-cell", where, f"单元格“{cell.label}”为空白（原表未填），勾稽校验中按 0 计", field=field_path(vpath))
            values[cell.id] = reading.value
    return values


def _is_mapping(value: Any, doc: YamlDoc, path: tuple, diags: Diagnostics) -> bool:
    if isinstance(value, dict):
        return True
    diags.error("wrong-type", doc.where(path), f"“{field_path(path)}”应为映射", field=field_path(path), expected="映射", found=describe(value))
    return False


def _unknown_keys(data: dict, known: dict, doc: YamlDoc, path: tuple, what: str, diags: Diagnostics) -> None:
    for key in data:
        if key not in known:
            diags.error(
                "unknown-field",
                doc.where(path + (key,), key=True),
                f"该格式没有{what}“{key}”",
                field=field_path(path + (key,)),
                expected="、".join(str(k) for k in known),
                found=key,
            )


def _figures(f: Fields, catalogue: Catalogue, diags: Diagnostics) -> dict[str, Number]:
    ff = f.mapping("figures")
    if ff is None or not ff.ok:
        return {}
    result: dict[str, Number] = {}
    for key, raw in ff.data.items():
        indicator = catalogue.indicators.get(key)
        path = ("figures", key)
        if indicator is None:
            diags.error("unknown-indicator", f.doc.where(path, key=True), f"未知的指标“{key}”", field=field_path(path), expected="、".join(catalogue.indicators), found=key)
            continue
        reading = CELL_TYPES[indicator.type].read(raw)
        if reading.error or reading.value is None:
            diags.error("bad-number", f.doc.where(path), f"关键数字“{indicator.label}”的值不对：{reading.error or '不能为空'}", field=field_path(path), expected=CELL_TYPES[indicator.type].description, found=describe(raw))
            continue
        if reading.normalised_from:
            diags.warning("normalised-number", f.doc.where(path), f"关键数字“{indicator.label}”写成了文字，已按数字处理；请直接写数字", field=field_path(path), found=repr(reading.normalised_from))
        result[key] = reading.value
    return result


def read_stated(f: Fields, catalogue: Catalogue, narrative: str | None, narrative_rel: str, diags: Diagnostics) -> tuple[StatedFigure, ...]:
    """The `stated:` list, each entry checked against the narrative: its quote at its line, its value in its quote."""
    value = f.data.get("stated")
    if value is None:
        return ()
    if not isinstance(value, list):
        f.error("stated", "wrong-type", "stated 应为列表", expected="列表（每项 value、unit、label、quote、line）", found=describe(value))
        return ()
    lines = [squeeze(line) for line in narrative.split("\n")] if narrative is not None else []
    result: list[StatedFigure] = []
    for i, item in enumerate(value):
        item_f = Fields(f.doc, ("stated", i), item, diags)
        if not item_f.ok:
            continue
        item_f.check_keys(STATED_FIELDS, ("value", "unit", "label", "quote", "line"))
        unit, label, quote = item_f.text("unit"), item_f.text("label"), squeeze(item_f.text("quote"))
        line = item_f.integer("line")
        indicator = item_f.text("indicator")
        if indicator and indicator not in catalogue.indicators:
            item_f.error("indicator", "unknown-indicator", f"未知的指标“{indicator}”", expected="、".join(catalogue.indicators), found=indicator)
            indicator = ""
        kind = "amount" if unit.endswith("元") else "count"
        reading = CELL_TYPES[kind].read(item_f.data.get("value"))
        if reading.error or reading.value is None:
            item_f.error("value", "bad-number", f"正文数字“{label}”的值不对：{reading.error or '不能为空'}", expected=CELL_TYPES[kind].description, found=describe(item_f.data.get("value")))
            continue
        number = reading.value
        if line is None or not quote or not unit or not label:
            continue
        if narrative is None:  # not read in this run: checked when it is
            result.append(StatedFigure(number, unit, label, quote, line, indicator))
            continue
        where = f"{narrative_rel}:{line}"
        if not 1 <= line <= len(lines):
            item_f.error("line", "stated-not-in-text", f"正文只有 {len(lines)} 行，没有第 {line} 行（{narrative_rel}）", expected=f"1–{len(lines)}", found=line)
            continue
        if quote not in lines[line - 1]:
            elsewhere = [n for n, text in enumerate(lines, start=1) if quote in text]
            hint = f"；这句话在第 {'、'.join(map(str, elsewhere[:5]))} 行" if elsewhere else "；正文中没有这句话"
            item_f.error("quote", "stated-not-in-text", f"正文数字“{label}”的原文不在正文第 {line} 行（{where}）{hint}", expected=f"{where} 中的原文", found=quote)
            continue
        if not _states(quote, number, unit):
            item_f.error(
                "value",
                "stated-not-in-text",
                f"正文数字“{label}”的值 {format_number(number)}{unit} 不在其原文中（{where}）：“{quote}”",
                expected=f"原文中的数字（{where}）",
                found=f"{format_number(number)}{unit}",
            )
            continue
        result.append(StatedFigure(number, unit, label, quote, line, indicator))
    return tuple(result)


def _states(quote: str, number: Number, unit: str) -> bool:
    """Does the quote state this value: its digits (not part of a longer number), or a zero as a negation?"""
    digits = re.escape(format_number(number))
    if re.search(rf"(?<![0-9.]){digits}(?![0-9]|\.[0-9])", quote):
        return True
    return number == 0 and bool(_NEGATION.search(quote))


def check_identities(doc: YamlDoc, fmt: Format, values: dict[str, Number | None], known: dict[str, str], diags: Diagnostics) -> list[IdentityCheck]:
    """Evaluate every identity instance; return the failed ones (reported as errors, or warnings if acknowledged)."""
    cells = fmt.cells
    failed: list[IdentityCheck] = []
    for identity in fmt.identities:
        for check in identity.instances:
            if any(c not in values for c in check.lhs + check.rhs):
                continue  # a missing or unreadable cell was reported already
            left = sum((values[c] or 0 for c in check.lhs), 0)
            right = sum((values[c] or 0 for c in check.rhs), 0)
            holds = left == right if check.op == "=" else left <= right
            if holds:
                continue
            failed.append(check)
            anchor = check.lhs[0]
            where = doc.where(("statistics",) + cells[anchor].path)
            related = [f"{doc.where(('statistics',) + cells[c].path)} {cells[c].label} = {format_number(values[c])}" for c in check.lhs + check.rhs]
            scope = f"（{check.scope}）" if check.scope else ""
            statement = identity.text or check.expression
            part = -1 if identity.for_each == "row" else 0  # name the cells along the axis the identity runs over
            expected = ("等于 " if check.op == "=" else "不大于 ") + f"{format_number(right)}（" + " + ".join(cells[c].label.split("／")[part] for c in check.rhs) + "）"
            level_note = known.get(identity.id)
            message = f"勾稽关系不成立{scope}：{statement}"
            kw = dict(field=f"statistics.{anchor}", expected=expected, found=format_number(left), related=related)
            if level_note is not None:
                public = f"原表勾稽关系不成立{scope}：{statement}。{level_note}"
                diags.warning("identity-known", where, message + f"（已登记为原表如此：{level_note}）", public=public, **kw)  # type: ignore[arg-type]
            else:
                diags.error("identity", where, message + f" [{identity.id}]", **kw)  # type: ignore[arg-type]
    return failed


def _indicators(fmt: Format, values: dict[str, Number | None], figures: dict[str, Number]) -> dict[str, IndicatorValue]:
    result: dict[str, IndicatorValue] = {}
    for ind, cells in fmt.indicators.items():
        present = [values[c] for c in cells if c in values]
        if len(present) != len(cells):
            continue
        value: Number | None = None if all(v is None for v in present) else sum((v or 0 for v in present), 0)
        result[ind] = IndicatorValue(ind, value, "table", cells)
    for ind, value in figures.items():
        if ind not in result:
            result[ind] = IndicatorValue(ind, value, "text")
    return dict(sorted(result.items()))

