"""One source file -> one report (data and narrative), with everything that needs a human look."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator.importer.content_files import ReportFile
from generator.importer.dates import self_naming, stated_year
from generator.formats import Catalogue, Format
from generator.importer.figures import key_figures, stated_figures
from generator.importer.findings import INFO, Finding
from generator.importer.narrative import Narrative, build_narrative, fallback_title
from generator.importer.pieces import Source, read_text
from generator.importer.places import Places, read_places
from generator.importer.recognise import Recognition, recognise
from generator.importer.run_together import split_run_together
from generator.importer.tables import TablesRead, read_tables
from generator.source.numbers import Number, format_number

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ""}
FINDING_MARKERS = 16  # labels named in the finding that says which format was recognised
_YEAR = re.compile(r"(20\d{2})\s*年")


class UnreadableSource(Exception):
    """The file is of a kind the importer does not read (say so, and how to convert it)."""


@dataclass
class Imported:
    path: Path
    recognition: Recognition
    narrative: Narrative
    places: Places
    report: ReportFile | None  # None when the year could not be read
    findings: list[Finding] = field(default_factory=list)

    @property
    def year(self) -> int | None:
        return self.report.year if self.report else None


def read_source(path: Path) -> Source:
    suffix = path.suffix.lower()
    if suffix == ".docx":
        from generator.importer.docx_reader import read_docx

        return read_docx(path)
    if suffix in {".html", ".htm"}:
        from generator.importer.html_reader import read_html

        return read_html(path)
    if suffix == ".pdf":
        from generator.importer.pdf_reader import NoTextLayer, read_pdf

        try:
            return read_pdf(path)
        except NoTextLayer as error:
            raise UnreadableSource(str(error)) from error
    if suffix in {".doc", ".wps"}:
        from generator.importer.doc_reader import NoConverter, read_doc

        try:
            return read_doc(path)
        except NoConverter as error:
            raise UnreadableSource(str(error)) from error
    if suffix not in TEXT_SUFFIXES:
        raise UnreadableSource(f"不认识的文件类型 {suffix}；可导入 .docx、.doc、PDF、网页（.html、.htm）或纯文本（.txt、.md）")
    return read_text(path)


def convert(path: Path, catalogue: Catalogue) -> Imported:
    source = read_source(path)
    findings: list[Finding] = [Finding(c.where, f"保存者的附注：“{c.text}”") for c in source.comments]
    recognition = recognise(source.pieces, catalogue)
    fmt = recognition.format
    if fmt.tables:
        findings.append(Finding(path.name, f"识别为 {fmt.id}（{fmt.name}）格式，依据：{recognition.basis(FINDING_MARKERS)}", INFO))
    else:
        findings.append(Finding(path.name, f"原文没有可识别的统计表，按 {fmt.id}（{fmt.name}）导入，关键数字取自正文", INFO))
    if fmt.tables:
        pieces, split = split_run_together(source.pieces, fmt)
        source = replace(source, pieces=pieces)
        findings += split
    tables = read_tables(source.pieces, fmt) if fmt.tables else TablesRead()
    findings += tables.findings
    stray = [p for p in source.pieces if p.cell and p.text.strip()] if not fmt.tables else []
    if stray:
        findings.append(Finding(stray[0].where, f"原文有 {len(stray)} 个表格单元格，但认不出是哪种统计表，均未导入；请核对原件后手工录入或用 nianbao new 新建"))
    prose = [p for i, p in enumerate(source.pieces) if i not in tables.consumed and not p.cell]
    narrative = build_narrative(prose)
    findings += narrative.findings
    all_text = "\n".join(p.text for p in source.pieces)
    places = read_places(narrative.title or _named_as(all_text), narrative.signature_authority, all_text, tables.filled_by)
    year = _year(narrative.title, path, all_text, findings)
    if not narrative.title and fallback_title(places.town, year):
        narrative.title = fallback_title(places.town, year)
        findings.append(Finding(path.name, f"原文没有标题，按读出的镇名和年度暂定为“{narrative.title}”，请按原件核对"))
    if year is None:
        return Imported(path, recognition, narrative, places, None, findings)
    figures, figure_findings = key_figures(narrative.markdown, f"{year}.md", fmt, catalogue) if narrative.markdown else ({}, [])
    findings += figure_findings
    stated = stated_figures(narrative.markdown, f"{year}.md", catalogue, (places.authority, places.town), findings)
    known = _inconsistent_identities(fmt, tables.values, path.name, findings)
    if fmt.tables and len(tables.values) < len(fmt.cells):
        findings.append(Finding(path.name, f"统计表共 {len(fmt.cells)} 格，导入了 {len(tables.values)} 格；其余各格未导入（见上），在补齐之前 nianbao check 会报错"))
    if not places.authority:
        findings.append(Finding(path.name, "原文中找不到发布机关（××人民政府），未填写 authority"))
    signature: dict[str, object] = {}
    if narrative.signature_date or narrative.signature_authority:
        signature = {"authority": narrative.signature_authority, "date": narrative.signature_date, "date_text": narrative.signature_text}
    if narrative.published is None:
        findings.append(Finding(path.name, "原文中找不到发布日期，未填写 published"))
    report = ReportFile(
        format=fmt,
        year=year,
        title=narrative.title,
        authority=places.authority,
        published=narrative.published,
        signature=signature,
        source=_source(source, path),
        filled_by=tables.filled_by,
        statistics=tables.values,
        figures=figures,
        stated=stated,
        known_issues=known,
        header=(f"{narrative.title}：数据文件（由 nianbao import 从 {path.name} 导入）。正文在同目录的 {year}.md。",),
    )
    return Imported(path, recognition, narrative, places, report, findings)


def _named_as(text: str) -> str:
    """For a copy without a title: the name the report's opening gives itself ("由…镇编制的2011年度
    政府信息公开年度报告"), which names its town as a title would; empty if it names no organ."""
    named = self_naming(text)
    return f"{named[0]}{named[1]}年政府信息公开工作年度报告" if named and named[0] else ""


def _year(title: str, path: Path, text: str, findings: list[Finding]) -> int | None:
    """The report's year: from its title, else from what its text says it covers (a file name such
    as t20120412_1700923.htm tells when it was posted, not its year), else from the file name."""
    m = _YEAR.search(title)
    if m:
        return int(m.group(1))
    said = stated_year(text)
    if said is not None:
        findings.append(Finding(path.name, f"标题中没有年度，按正文“{said[1]}”取 {said[0]} 年，请核对"))
        return said[0]
    m = re.search(r"(20\d{2})", path.stem)
    if m:
        findings.append(Finding(path.name, f"标题中没有年度，按文件名取 {m.group(1)} 年，请核对"))
        return int(m.group(1))
    findings.append(Finding(path.name, "标题、正文（统计期限）和文件名中都没有报告年度，无法导入（请在标题中写明年度后重试）"))
    return None


def _source(source: Source, path: Path) -> dict[str, str]:
    note = "由 nianbao import 从原文转换：标题、发布日期和落款移入本文件，统计表逐格读入，删去了转换留下的图片占位符、页码和多余空格。"
    if source.comments:
        note += "保存者附注：" + "；".join(c.text for c in source.comments)
    return {"url": source.url, "document": path.name, "note": note}


def _inconsistent_identities(fmt: Format, values: dict[str, Number | None], name: str, findings: list[Finding]) -> dict[str, str]:
    """Identities the source's own table breaks: kept as printed, registered so that check warns instead of failing."""
    known: dict[str, str] = {}
    for identity in fmt.identities:
        for check in identity.instances:
            cells = check.lhs + check.rhs
            if any(c not in values for c in cells):
                continue
            left = sum((values[c] or 0 for c in check.lhs), 0)
            right = sum((values[c] or 0 for c in check.rhs), 0)
            if (left == right) if check.op == "=" else (left <= right):
                continue
            scope = f"（{check.scope}）" if check.scope else ""
            findings.append(
                Finding(name, f"原表的勾稽关系不成立{scope}：{identity.text or check.expression}（{format_number(left)} 与 {format_number(right)}）；照录原表，已登记在 known_issues 中，请核对原件")
            )
            known.setdefault(identity.id, "原表如此，导入时照录")
    return known
