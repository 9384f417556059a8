"""Importing a PDF with a text layer (pdfplumber): prose lines, its tables as cells, page furniture dropped."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import CONTENT, run_cli
from generator.build.pipeline import check
from generator.formats import catalogue
from generator.importer.convert import UnreadableSource, convert
from generator.importer.pdf_reader import read_pdf
from test_import_docx import TOWN, expected_statistics
from test_import_html import TITLE, statistics_blocks

pytest.importorskip("pdfplumber")
reportlab = pytest.importorskip("reportlab")

FONT = "STSong-Light"  # one of the CJK fonts every PDF reader knows: nothing to embed, no font file needed
# real report text (威海市环翠区羊亭镇2021年报), a paragraph long enough to wrap over lines
WRAPPED = ("2022年，我镇主动公开政府信息120条，其中政府网站公开80条。及时公布了疫情防控、居民医疗、防范诈骗等政策信息，"
           "打通了服务群众“最后一公里”。严格落实保密审查机制，明确分管保密工作的负责人负责分管保密审查工作。")  # fmt: skip


def write_pdf(path: Path, blocks: list[object]) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    prose = ParagraphStyle("prose", fontName=FONT, fontSize=11, leading=17)
    small = ParagraphStyle("cell", fontName=FONT, fontSize=6.5, leading=8)

    def page_furniture(canvas, doc) -> None:  # type: ignore[no-untyped-def]
        canvas.setFont(FONT, 9)
        canvas.drawString(40, doc.pagesize[1] - 25, "测试县人民政府信息公开专栏")
        canvas.drawCentredString(doc.pagesize[0] / 2, 18, f"- {doc.page} -")

    flow: list[object] = []
    for block in blocks:
        if isinstance(block, str):
            flow.append(Paragraph(block, prose))
            continue
        cells = block  # (row, column, rows spanned, columns spanned, text)
        rows = 1 + max(r + rs - 1 for r, _c, rs, _cs, _t in cells)  # type: ignore[misc]
        columns = 1 + max(c + cs - 1 for _r, c, _rs, cs, _t in cells)  # type: ignore[misc]
        grid: list[list[object]] = [["" for _ in range(columns)] for _ in range(rows)]
        style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("FONT", (0, 0), (-1, -1), FONT, 6.5)]
        for r, c, rs, cs, text in cells:  # type: ignore[misc]
            grid[r][c] = Paragraph(text.replace("\n", "<br/>"), small) if text else ""
            if rs > 1 or cs > 1:
                style.append(("SPAN", (c, r), (c + cs - 1, r + rs - 1)))
        width = 760 / columns
        first = min(150.0, width * 3) if columns >= 10 else width
        widths = [first / 3] * 3 + [(760 - first) / (columns - 3)] * (columns - 3) if columns >= 10 else [width] * columns
        table = Table(grid, colWidths=widths)
        table.setStyle(TableStyle(style))
        flow.append(table)
    doc = SimpleDocTemplate(str(path), pagesize=landscape(A4), leftMargin=40, rightMargin=40, topMargin=50, bottomMargin=40)
    doc.build(flow, onFirstPage=page_furniture, onLaterPages=page_furniture)


def report_blocks() -> list[object]:
    head: list[object] = [TITLE, "（2023年1月20日）", "一、总体情况", WRAPPED, "二、主动公开政府信息情况"]
    tail: list[object] = ["五、存在的主要问题及改进情况", "公开的及时性有待提升。", "六、其他需要报告的事项", "本年度未收取信息处理费。", "测试镇人民政府", "2023年1月20日"]
    return [*head, *statistics_blocks(), *tail]


def test_pdf_reader_reads_lines_tables_and_drops_page_furniture(tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    write_pdf(pdf, report_blocks())
    pieces = read_pdf(pdf).pieces
    texts = [p.text for p in pieces]
    assert texts[0] == TITLE
    assert WRAPPED in texts, "a paragraph wrapped over lines is one piece"
    joined = "\n".join(texts)
    assert "信息公开专栏" not in joined and "- 1 -" not in joined and "- 2 -" not in joined, "header and page numbers dropped"
    cells = [p for p in pieces if p.cell]
    assert [p.text for p in cells[:2]] == ["第二十条第（一）项", "信息内容"], "a caption merged over the row is one cell"
    assert "申请人情况" in [p.text for p in cells]


def test_pdf_imports_every_figure_into_its_cell(tmp_path: Path) -> None:
    pdf = tmp_path / "测试镇2022年报.pdf"
    write_pdf(pdf, report_blocks())
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(CONTENT / "site.yaml", content / "site.yaml")
    result = run_cli("import", str(pdf), "--town", TOWN, "--content", str(content))
    assert result.code == 0, result.out + result.err
    site = check(content).site
    assert site is not None and len(site.reports) == 1
    report = site.reports[0]
    assert report.format == "gov-2019" and report.year == 2022 and report.title == TITLE
    assert report.statistics == expected_statistics()
    assert report.figures == {"proactive.total": 120, "proactive.website": 80}


def test_scanned_pdf_is_refused_with_advice_to_run_ocr(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    pdf = tmp_path / "scan.pdf"
    page = canvas.Canvas(str(pdf))
    page.rect(50, 50, 400, 600, fill=1)  # an image-like page: marks, no text
    page.save()
    with pytest.raises(UnreadableSource, match="扫描件，没有文字层，请先做文字识别/OCR"):
        convert(pdf, catalogue())
    result = run_cli("import", str(pdf), "--town", TOWN, "--content", str(tmp_path))
    assert result.code == 2 and "OCR" in result.err and "scan.pdf" in result.err
