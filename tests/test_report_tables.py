"""The report pages draw the official tables as published: spans, captions, header scopes, figures."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup, Tag

YANGTING = "shandong/weihai/huancui/yangting/2021/index.html"
JICHANG = "jilin/jilinshi/panshi/jichang/2016/index.html"
YANGJUN = "shandong/yantai/laiyang/yangjun/2016/index.html"


def page(site: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((site / rel).read_text(encoding="utf-8"), "html.parser")


def table(soup: BeautifulSoup, table_id: str) -> Tag:
    found = soup.find("table", id=f"table-{table_id}")
    assert isinstance(found, Tag), table_id
    return found


def span(cell: Tag, attr: str) -> int:
    return int(cell.get(attr, 1))


def grid_width(t: Tag) -> set[int]:
    """Widths of every body row, counting cells spanned from rows above (a correct table has one width)."""
    widths: set[int] = set()
    carry: list[int] = []  # remaining rowspans per column
    for tr in t.find("tbody").find_all("tr"):
        cells = tr.find_all(["th", "td"])
        col = 0
        row_carry = [max(0, c - 1) for c in carry]
        occupied = [c > 0 for c in carry]
        for cell in cells:
            while col < len(occupied) and occupied[col]:
                col += 1
            for k in range(span(cell, "colspan")):
                idx = col + k
                while len(row_carry) <= idx:
                    row_carry.append(0)
                    occupied.append(False)
                row_carry[idx] = span(cell, "rowspan") - 1
            col += span(cell, "colspan")
        widths.add(max(col, len(occupied)))
        carry = row_carry
    return widths


def test_application_matrix_layout(built_default: Path) -> None:
    t = table(page(built_default, YANGTING), "applications")
    assert t.caption and "收到和处理政府信息公开申请情况" in t.caption.get_text()
    head = t.find("thead").find_all("tr")
    assert len(head) == 3
    corner = head[0].find("td")
    assert (span(corner, "colspan"), span(corner, "rowspan")) == (3, 3)
    assert "勾稽关系" in corner.get_text()
    top = head[0].find("th")
    assert (top.get_text(), span(top, "colspan"), top["scope"]) == ("申请人情况", 7, "colgroup")
    second = [(th.get_text(), span(th, "colspan"), span(th, "rowspan")) for th in head[1].find_all("th")]
    assert second == [("自然人", 1, 2), ("法人或其他组织", 5, 1), ("总计", 1, 2)]
    assert [th.get_text() for th in head[2].find_all("th")] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    rows = t.find("tbody").find_all("tr")
    assert len(rows) == 23  # 2 + 20 under 三、本年度办理结果 + 1
    results = rows[2].find("th")
    assert (results.get_text(), span(results, "rowspan"), results["scope"]) == ("三、本年度办理结果", 20, "rowgroup")
    first = rows[0].find("th")
    assert (first.get_text(), span(first, "colspan"), first["scope"]) == ("一、本年新收政府信息公开申请数量", 3, "row")
    assert grid_width(t) == {3 + 7}


def test_every_data_cell_names_its_headers(built_default: Path) -> None:
    soup = page(built_default, YANGTING)
    ids = {el["id"] for el in soup.find_all(id=True)}
    cells = soup.select("table.official td[data-cell]")
    assert len(cells) == 198
    for td in cells:
        headers = list(td["headers"])  # bs4 splits multi-valued attributes
        assert headers and set(headers) <= ids


def test_appeals_table_has_three_header_rows_and_no_stub(built_default: Path) -> None:
    t = table(page(built_default, YANGTING), "lawsuits")
    head = t.find("thead").find_all("tr")
    assert [(th.get_text(), span(th, "colspan")) for th in head[0].find_all("th")] == [("行政复议", 5), ("行政诉讼", 10)]
    assert [span(th, "rowspan") for th in head[1].find_all("th")][:5] == [2, 2, 2, 2, 2]
    body = t.find("tbody").find_all("tr")
    assert len(body) == 1 and body[0].find("th") is None and len(body[0].find_all("td")) == 15


def test_gov_2008_statistics_table_with_units_and_values(built_default: Path) -> None:
    t = table(page(built_default, JICHANG), "stats")
    rows = {tr.find("th").get_text(strip=True): [td.get_text(strip=True) for td in tr.find_all("td")] for tr in t.find("tbody").find_all("tr")}
    assert rows["（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）"] == ["条", "70"]
    assert rows["2.政府网站公开政府信息数"] == ["条", "38"]
    assert rows["一、主动公开情况"][0] == "—"
    assert rows["（三）接受培训人员数"] == ["人次", "10"]
    assert len(t.find("tbody").find_all("tr")) == 65  # every row of the official table, headings included


def test_narrative_report_has_no_table_and_keeps_its_headings(built_default: Path) -> None:
    soup = page(built_default, YANGJUN)
    assert soup.find("table", class_="official") is None
    assert len(soup.find_all("h1")) == 1
    h2 = [h.get_text(strip=True) for h in soup.select(".narrative h2")]
    assert h2[0] == "一、概述" and "六、政府信息公开申请办理情况" in h2
    assert "主动公开政府信息56条" in soup.get_text()


def test_consistency_notes_are_shown_in_plain_words(built_default: Path) -> None:
    notes = page(built_default, JICHANG).find("section", class_="notes")
    assert notes is not None
    text = notes.get_text()
    assert "75条" in text and "70条" in text and "content/" not in text


def test_tables_follow_their_sections(built_default: Path) -> None:
    soup = page(built_default, YANGTING)
    for section in soup.select(".narrative section"):
        heading = section.find("h2").get_text()
        ids = [t["id"] for t in section.find_all("table")]
        if heading.startswith("三、"):
            assert ids == ["table-applications"]
        if heading.startswith("四、"):
            assert ids == ["table-lawsuits"]
        if heading.startswith("二、"):
            assert ids == ["table-art20_1", "table-art20_5", "table-art20_6", "table-art20_8", "table-art20_9"]


def test_index_lists_every_report(built_default: Path) -> None:
    soup = page(built_default, "index.html")
    hrefs = {a["href"] for a in soup.find_all("a", href=True)}
    assert {YANGTING, JICHANG, YANGJUN} <= hrefs
    assert soup.find("html")["lang"] == "zh-CN"
