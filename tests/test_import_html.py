"""Importing a portal page saved as HTML: the article among the furniture, real tables with rowspan/colspan."""

from __future__ import annotations

import html
import shutil
from pathlib import Path

from conftest import CONTENT, run_cli
from generator.build.pipeline import check
from generator.formats import catalogue
from generator.importer.convert import convert
from generator.importer.html_reader import read_html
from test_import_docx import APPLICANTS, FMT, TOWN, _row_label_layout, expected_statistics, matrix_value

TITLE = "测试镇人民政府2022年政府信息公开工作年度报告"


def table(cells: list[tuple[int, int, int, int, str]]) -> str:
    """(row, column, rows spanned, columns spanned, text) -> a <table>, cells in row order."""
    rows: dict[int, list[tuple[int, int, int, str]]] = {}
    for r, c, rs, cs, text in cells:
        rows.setdefault(r, []).append((c, rs, cs, text))
    out = ["<table border='1'><tbody>"]
    for r in sorted(rows):
        out.append("<tr>")
        for _c, rs, cs, text in sorted(rows[r]):
            span = (f" rowspan='{rs}'" if rs > 1 else "") + (f" colspan='{cs}'" if cs > 1 else "")
            out.append(f"<td{span}><p>{html.escape(text).replace(chr(10), '<br>')}</p></td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


Cells = list[tuple[int, int, int, int, str]]


def statistics_blocks() -> list[str | Cells]:
    """Sections 二 to 四 of a gov-2019 report: headings as text, tables as cells, merged as the official form."""
    parts: list[str | Cells] = []
    small = [
        ("第二十条第（一）项", ["信息内容", "本年新\n制作数量", "本年新公开数量", "对外公开总数量"], [["规章", "0", "0", "0"], ["规范性文件", "2", "3", "15"]]),
        ("第二十条第（五）项", ["信息内容", "上一年项目数量", "本年数量", "处理决定数量"], [["行政许可", "12", "-2", "30"], ["其他对外管理服务事项", "4", "", "6"]]),
        ("第二十条第(六)项", ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"], [["行政处罚", "3", "1", "9"], ["行政强制", "0", "0", "0"]]),
        ("第二十条第（八）项", ["信息内容", "上一年项目数量", "本年增/减"], [["行政事业性收费", "1", "0"]]),
        ("第二十条第（九）项", ["信息内容", "采购项目数量", "采购总金额"], [["政府集中采购", "2", "12.5"]]),
    ]
    for caption, header, rows in small:
        cells = [(0, 0, 1, len(header), caption)]
        cells += [(1, c, 1, 1, text) for c, text in enumerate(header)]
        cells += [(r, c, 1, 1, text) for r, row in enumerate(rows, start=2) for c, text in enumerate(row)]
        parts.append(cells)
    parts.append("三、收到和处理政府信息公开申请情况")
    applications = FMT.table("applications")
    assert applications is not None
    cells = [(0, 0, 3, 3, "（本列数据的逻辑关系为：第一项加第二项之和，等于第三项加第四项之和）"), (0, 3, 1, 7, "申请人情况"),
             (1, 3, 2, 1, "自然人"), (1, 4, 1, 5, "法人或其他组织"), (1, 9, 2, 1, "总计")]  # fmt: skip
    cells += [(2, 4 + k, 1, 1, label) for k, label in enumerate(["商业\n企业", "科研机构", "社会公益组织", "法律服务机构", "其他"])]
    row = 3
    for first, last, label, span in _row_label_layout():
        cells.append((row, first, span, last - first + 1, label))
        if last == 2:
            node = next(n for n in applications.value_rows if n.label == label)
            cells += [(row, 3 + k, 1, 1, str(matrix_value(node.id, column))) for k, column in enumerate((*APPLICANTS, "total"))]
            row += 1
    parts.append(cells)
    parts.append("四、政府信息公开行政复议、行政诉讼情况")
    results = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    cells = [(0, 0, 1, 5, "行政复议"), (0, 5, 1, 10, "行政诉讼"), (1, 5, 1, 5, "未经复议直接起诉"), (1, 10, 1, 5, "复议后起诉")]
    cells += [(1, k, 2, 1, label) for k, label in enumerate(results)]
    cells += [(2, 5 + k, 1, 1, label) for k, label in enumerate(results * 2)]
    cells += [(3, k, 1, 1, str(v)) for k, v in enumerate([1, 0, 0, 0, 1, 0, 2, 0, 0, 2, 0, 0, 0, 1, 1])]
    parts.append(cells)
    return parts


def statistics_html() -> str:
    return "".join(f"<p><strong>{b}</strong></p>" if isinstance(b, str) else table(b) for b in statistics_blocks())


def portal_page(encoding: str = "gb2312") -> str:
    """A page as a county portal serves it: navigation, breadcrumb, sidebar of other reports, footer, scripts."""
    return f"""<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset={encoding}">
<title>测试县人民政府门户网站</title><script>var title = "某某镇2021年政府信息公开工作年度报告";</script>
<style>.nav{{color:red}}</style></head><body>
<div class="header"><h1>测试县人民政府</h1><ul class="nav"><li><a href="/">首页</a></li><li><a href="/gk">政府信息公开</a></li></ul></div>
<div class="position">您当前所在位置：<a href="/">首页</a> &gt; <a href="/gk">政府信息公开年报</a> &gt; {TITLE}</div>
<div class="main"><div class="left"><h3>相关文章</h3><ul>
<li><a href="/1.html">某某镇2021年政府信息公开工作年度报告</a></li><li><a href="/2.html">某某乡2022年政府信息公开工作年度报告</a></li></ul></div>
<div class="content"><h2 class="articleTitle">{TITLE}</h2><div class="info">发布时间：2023-01-28 来源：测试镇 浏览次数：<span id="hits">12</span></div>
<div class="TRS_Editor"><p style="text-align:center">（2023年1月20日）</p>
<p><strong>一、总体情况</strong></p><p>　　2022年，我镇主动公开政府信息120条，其中政府网站公开80条。</p>
<p><strong>二、主动公开政府信息情况</strong></p>{statistics_html()}
<p><strong>五、存在的主要问题及改进情况</strong></p><p>公开的及时性有待提升。<br>下一步将加强培训。</p>
<p><strong>六、其他需要报告的事项</strong></p><p>本年度未收取信息处理费。</p>
<p style="text-align:right">测试镇人民政府</p><p style="text-align:right">2023年1月20日</p></div>
<div class="share"><a href="#">分享到微信</a></div></div></div>
<div class="footer"><p>主办：测试县人民政府办公室 版权所有 备案号：某ICP备12345678号</p></div>
<script>document.write("统计");</script></body></html>"""


def write_page(path: Path, encoding: str = "gb2312") -> None:
    path.write_bytes(portal_page(encoding).encode("gb18030" if encoding == "gb2312" else encoding))


def test_html_reader_finds_the_article_and_leaves_the_furniture(tmp_path: Path) -> None:
    page = tmp_path / "测试镇2022年报.htm"
    write_page(page)
    pieces = read_html(page).pieces
    texts = [p.text for p in pieces]
    assert texts[0] == TITLE and pieces[0].level == 1, "the title is the article's heading, not the breadcrumb"
    joined = "\n".join(texts)
    for furniture in ("您当前所在位置", "首页", "某某乡2022年", "备案号", "分享到微信", "document.write", "浏览次数"):
        assert furniture not in joined
    assert "公开的及时性有待提升。" in texts and "下一步将加强培训。" in texts, "<br> breaks a line"
    cells = [p for p in pieces if p.cell]
    corner = next(p for p in cells if p.text.startswith("（本列数据"))
    following = cells[cells.index(corner) + 1 : cells.index(corner) + 5]
    assert [p.text for p in following] == ["申请人情况", "自然人", "法人或其他组织", "总计"], "a merged cell is one piece"
    assert corner.where.endswith("表6 第1行第1列") and following[3].where.endswith("表6 第2行第10列")
    assert "商业\n企业" in [p.text for p in cells], "a cell's inner line break is kept"


def test_html_page_imports_every_figure_into_its_cell(tmp_path: Path) -> None:
    page = tmp_path / "测试镇2022年报.html"
    write_page(page)
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(CONTENT / "site.yaml", content / "site.yaml")
    result = run_cli("import", str(page), "--town", TOWN, "--content", str(content))
    assert result.code == 0, result.out + result.err
    site = check(content).site
    assert site is not None and len(site.reports) == 1
    report = site.reports[0]
    assert report.format == "gov-2019" and report.year == 2022
    assert report.title == TITLE
    assert str(report.published) == "2023-01-20"
    assert report.statistics == expected_statistics()
    assert report.figures == {"proactive.total": 120, "proactive.website": 80}


def test_utf8_page_without_charset_and_narrative_report(tmp_path: Path) -> None:
    seed = "威海市环翠区羊亭镇2021年政府信息公开工作年度报告"
    body = "".join(f"<p>{html.escape(line)}</p>" for line in [
        "一、总体情况", "2021年累计主动公开政府信息合计910条。其中政务网站92条，微信公众号“羊亭在线”公开566条。",
        "（二）政府信息公开申请办理情况。2021年度我镇共接到3次群众主动要求公开政府信息的申请。"])  # fmt: skip
    page = tmp_path / "yangting.html"
    nav = "".join(f"<a href='/{i}'>栏目{i}：关于印发政府信息公开工作年度报告的通知</a>" for i in range(30))
    page.write_text(f"<html><body><div id='menu'>{nav}</div><table><tr><td class='lm'>{nav}</td>"
                    f"<td><table><tr><td><font size=4><b>{seed}</b></font></td></tr><tr><td>{body}</td></tr></table></td></tr></table></body></html>",
                    encoding="utf-8")  # fmt: skip
    imported = convert(page, catalogue())
    assert imported.report is not None and imported.report.title == seed and imported.report.year == 2021
    assert "910条" in imported.narrative.markdown and "栏目" not in imported.narrative.markdown


def test_html5_article_with_its_title_in_a_header(tmp_path: Path) -> None:
    page = tmp_path / "hebao.html"
    page.write_text(
        "<html><head><meta charset='utf-8'></head><body><header><nav><a href='/'>首页</a><a href='/nb'>年度报告</a></nav></header>"
        "<p class='crumb'>当前位置：首页 &gt; 河包镇2020年政府信息公开工作年度报告</p>"
        "<aside><h3>河包镇2019年政府信息公开工作年度报告</h3></aside>"
        "<article><header><h1>河包镇2020年政府信息公开工作年度报告</h1></header>"
        "<h2>一、总体情况</h2><p>2020年主动公开政府信息35条，其中政府网站公开20条。</p></article></body></html>",
        encoding="utf-8",
    )
    imported = convert(page, catalogue())
    assert imported.report is not None and imported.report.title == "河包镇2020年政府信息公开工作年度报告"
    assert imported.places.town == "河包镇"
    assert imported.narrative.markdown.startswith("## 一、总体情况\n\n2020年主动公开政府信息35条")
    assert "首页" not in imported.narrative.markdown and "2019年" not in imported.narrative.markdown


def test_a_column_whose_header_states_another_unit_is_left_for_a_human(tmp_path: Path) -> None:
    # unstated-beijingjiedao-2020 heads the column 采购总金额(万元); the 2019 format records the amount in 元
    page = tmp_path / "测试镇2022年报.html"
    text = portal_page("utf-8")
    assert text.count("<p>采购总金额</p>") == 1
    page.write_text(text.replace("<p>采购总金额</p>", "<p>采购总金额（万元）</p>"), encoding="utf-8")
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(CONTENT / "site.yaml", content / "site.yaml")
    result = run_cli("import", str(page), "--town", TOWN, "--content", str(content))
    assert result.code == 1, "the amount is missing until a human converts it"
    assert "原表单位为万元" in result.out and "本格式以元计" in result.out and "“12.5”未导入" in result.out
    assert "另有 1 处缺少单元格" in result.out
    checked = run_cli("check", "--content", str(content))
    assert checked.code == 1
    assert "missing-cell [statistics.art20_9.amount]" in checked.out + checked.err, "check reports the cell missing until it is filled in"
    imported = convert(page, catalogue())
    stats = imported.report.statistics
    assert "art20_9.amount" not in stats, "neither 12.5 元 nor 125000"
    expected = {k: v for k, v in expected_statistics().items() if k != "art20_9.amount"}
    assert stats == expected, "every other cell, the same column's neighbour included, is read as before"


def test_a_unit_line_row_of_the_table_speaks_for_its_amount_column(tmp_path: Path) -> None:
    caption = "<td colspan='3'><p>第二十条第（九）项</p></td></tr>"
    text = portal_page("utf-8")
    assert text.count(caption) == 1
    page = tmp_path / "测试镇2022年报.html"
    page.write_text(text.replace(caption, caption + "<tr><td colspan='3'><p>单位：万元</p></td></tr>"), encoding="utf-8")
    imported = convert(page, catalogue())
    stats = imported.report.statistics
    assert stats["art20_9.projects"] == 2, "the unit line speaks for the amount, not the count of projects"
    assert "art20_9.amount" not in stats
    [finding] = [f for f in imported.findings if "art20_9.amount" in f.message]
    assert finding.where.endswith("表5 第4行第3列") and "单位行“单位：万元”" in finding.message and "“12.5”未导入" in finding.message
