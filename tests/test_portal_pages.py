"""The portal a citizen browses: every page kind, built from the default content, holds the right figures."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup, Tag

JICHANG = "jilin/jilinshi/panshi/jichang"
YANGTING = "shandong/weihai/huancui/yangting"
YANGJUN = "shandong/yantai/laiyang/yangjun"


def page(site: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((site / rel).read_text(encoding="utf-8"), "html.parser")


def text(el: Tag | None) -> str:
    assert el is not None
    return " ".join(el.get_text(" ", strip=True).split())


def meta(soup: BeautifulSoup, name: str) -> str | None:
    found = soup.find("meta", attrs={"name": name})
    return found["content"] if isinstance(found, Tag) else None


def row_of(table: Tag, label: str) -> list[str]:
    """The cells of the body row whose header contains `label`."""
    for tr in table.find("tbody").find_all("tr"):
        th = tr.find("th")
        if th is not None and label in th.get_text():
            return [text(c) for c in tr.find_all(["th", "td"])]
    raise AssertionError(f"no row {label!r}")


def table_captioned(soup: BeautifulSoup, words: str) -> Tag:
    for t in soup.find_all("table"):
        if t.caption and words in t.caption.get_text():
            return t
    raise AssertionError(f"no table captioned {words!r}")


def test_every_page_kind_is_written(built_default: Path) -> None:
    expected = [
        "index.html",
        "404.html",
        "sitemap.html",
        "years/index.html",
        "years/2016/index.html",
        "years/2021/index.html",
        "compare/index.html",
        "data/index.html",
        "data/reports.csv",
        "data/indicators.csv",
        "data/cells.csv",
        "data/reports.json",
        "data/datapackage.json",
        "sitemap.xml",
        "feed.xml",
        "robots.txt",
        "jilin/index.html",
        "jilin/jilinshi/index.html",
        "jilin/jilinshi/panshi/index.html",
        "shandong/index.html",
        "shandong/weihai/index.html",
        "shandong/weihai/huancui/index.html",
        "shandong/yantai/index.html",
        "shandong/yantai/laiyang/index.html",
    ]
    for town in (JICHANG, YANGTING, YANGJUN):
        expected.append(f"{town}/index.html")
    for report in (f"{JICHANG}/2016", f"{YANGTING}/2021", f"{YANGJUN}/2016"):
        expected += [f"{report}/index.html", f"{report}/data.csv", f"{report}/data.json"]
    missing = [rel for rel in expected if not (built_default / rel).is_file()]
    assert missing == []


def test_every_page_has_one_h1_lang_and_the_meta_tags(built_default: Path) -> None:
    for path in sorted(built_default.rglob("*.html")):
        soup = page(built_default, path.relative_to(built_default).as_posix())
        assert soup.html["lang"] == "zh-CN", path
        assert len(soup.find_all("h1")) == 1, path
        assert meta(soup, "SiteName") == "政府信息公开工作年度报告汇编", path
        assert meta(soup, "SiteDomain") == "example.gov.cn", path
        assert meta(soup, "ColumnName") == "政府信息公开年报", path
        # site_id_code is empty in the default site.yaml: never invented
        assert meta(soup, "SiteIDCode") is None, path


def test_home_page(built_default: Path) -> None:
    soup = page(built_default, "index.html")
    assert "本站汇集各镇" in text(soup.find("main"))
    form = soup.find("main").find("form", attrs={"role": "search"})
    assert form["action"] == "search/index.html" and form.find("input", attrs={"name": "q"})
    header_form = soup.find("header").find("form", attrs={"role": "search"})
    assert header_form["action"] == "search/index.html"
    # province › city › county › town
    tree = soup.find(id="h-places").find_parent("section")
    jilin = tree.find("a", string="吉林省").find_parent("li")
    assert [a.get_text() for a in jilin.select("a.place")] == ["吉林省", "吉林市", "磐石市", "吉昌镇"]
    assert jilin.find("a", string="吉昌镇")["href"] == f"{JICHANG}/index.html"
    latest = [a["href"] for a in soup.select(".report-list a")]
    assert latest[0] == f"{JICHANG}/2016/index.html"  # published 2017-01-17, the newest date
    assert len(latest) == 3
    totals = table_captioned(soup, "各年度主要指标合计")
    # 2016: jichang 70 (table) + yangjun 56 (stated in its text); 2021: yangting 910
    assert row_of(totals, "2016年")[:3] == ["2016年", "2", "126"]
    assert row_of(totals, "2021年")[:3] == ["2021年", "1", "910"]


def test_town_page_lists_years_with_table_and_chart(built_default: Path) -> None:
    soup = page(built_default, f"{YANGTING}/index.html")
    assert text(soup.find("h1")) == "羊亭镇政府信息公开工作年度报告"
    crumbs = [(a.get_text(), a["href"]) for a in soup.select("nav.crumbs a")]
    assert crumbs == [
        ("首页", "../../../../index.html"),
        ("山东省", "../../../../shandong/index.html"),
        ("威海市", "../../../../shandong/weihai/index.html"),
        ("环翠区", "../../../../shandong/weihai/huancui/index.html"),
    ]
    assert [a["href"] for a in soup.select("#h-years + ul a")] == ["../../../../shandong/weihai/huancui/yangting/2021/index.html"]
    section = soup.find("h3", string="主动公开政府信息数").find_parent("section")
    svg = section.find("svg")
    assert svg["role"] == "img"
    assert "2021年：910条" in svg.find("desc").get_text()
    assert svg.find("title").get_text().startswith("主动公开政府信息数")
    assert [t.get_text() for t in svg.find_all("text")].count("910") == 1
    assert row_of(section.find("table"), "2021年") == ["2021年", "910 文 （正文所述）", "—"]


def test_year_over_year_change_only_between_consecutive_known_years() -> None:
    from generator.model import Report, Town
    from generator.model.site import IndicatorValue
    from generator.render.series import ABSENT, series

    town = Town("a/b", "某镇")

    def report(year: int, value: int | None) -> Report:
        found = {} if value is None else {"proactive.total": IndicatorValue("proactive.total", value, "table")}
        return Report(town, year, "gov-2008", "t", "", "d", "n", indicators=found)

    reports = [report(2016, 70), report(2017, 75), report(2018, None), report(2019, 40), report(2021, 44)]
    points = series(reversed(reports), "proactive.total")
    assert [(p.year, p.reading.value, p.change) for p in points] == [
        (2016, 70, None), (2017, 75, 5), (2018, None, None), (2019, 40, None), (2021, 44, None)
    ]
    assert points[2].reading.status == ABSENT


def test_report_page(built_default: Path) -> None:
    soup = page(built_default, f"{YANGTING}/2021/index.html")
    assert meta(soup, "ArticleTitle") == "威海市环翠区羊亭镇2021年政府信息公开工作年度报告"
    assert meta(soup, "ContentSource") == "羊亭镇人民政府"
    assert meta(soup, "PubDate") is None  # the original shows no date: none is invented
    crumbs = [(a.get_text(), a["href"]) for a in soup.select("nav.crumbs a")]
    assert crumbs[1:] == [
        ("山东省", "../../../../../shandong/index.html"),
        ("威海市", "../../../../../shandong/weihai/index.html"),
        ("环翠区", "../../../../../shandong/weihai/huancui/index.html"),
        ("羊亭镇", "../../../../../shandong/weihai/huancui/yangting/index.html"),
    ]
    articles = soup.find_all("article", class_="report")
    assert len(articles) == 1
    matrix = soup.find("table", id="table-applications")
    new = matrix.find("td", attrs={"data-cell": "applications.new.total"})
    total = matrix.find("td", attrs={"data-cell": "applications.result_total.total"})
    assert (new.get_text(), total.get_text()) == ("0", "0")
    figures = table_captioned(soup, "规范指标")
    assert row_of(figures, "收到政府信息公开申请数") == ["收到政府信息公开申请数", "0", "件", "取自年报统计表"]
    assert row_of(figures, "主动公开政府信息数")[1] == "910"
    notes = text(soup.find("section", class_="notes"))
    assert "3" in notes and "申请" in notes  # the text says 3 applications, the matrix 0
    toc = [a["href"] for a in soup.select("nav.toc a")]
    assert toc[0].startswith("#") and "#downloads-h" in toc
    downloads = [a["href"] for a in soup.select("section.downloads a")]
    assert downloads[:2] == [f"../../../../../{YANGTING}/2021/data.csv", f"../../../../../{YANGTING}/2021/data.json"]


def test_report_page_dates_and_pager(built_default: Path) -> None:
    soup = page(built_default, f"{JICHANG}/2016/index.html")
    assert meta(soup, "PubDate") == "2017-01-17 00:00"
    assert soup.find("time", attrs={"datetime": "2017-01-17"}).get_text() == "2017-01-17"
    pager = [a["href"] for a in soup.select("nav.pager a")]
    assert pager == [f"../../../../../{JICHANG}/index.html"]  # the only report of its town: no previous or next


def test_year_page_sets_reports_side_by_side(built_default: Path) -> None:
    soup = page(built_default, "years/2016/index.html")
    t = soup.find("table", id="year-table")
    assert "sortable" in t["class"]
    jichang = row_of(t, "吉昌镇")
    yangjun = row_of(t, "羊郡镇")
    heads = [text(th) for th in t.find("thead").find_all("th")]
    col = heads.index("主动公开政府信息数（条）")
    assert jichang[col] == "70"
    assert yangjun[col].startswith("56")  # stated in the narrative, marked as such
    assert "正文所述" in yangjun[col]
    assert yangjun[heads.index("收到政府信息公开申请数（件）")] == "不可比"  # a narrative report has no such table
    # default order without JavaScript: by region path (jilin before shandong)
    order = [text(tr.find("th").find("a")) for tr in t.find("tbody").find_all("tr")]
    assert order == ["吉昌镇", "羊郡镇"]
    assert text(t.find("tfoot"))[:2] == "合计"


def test_compare_page_marks_what_is_not_comparable(built_default: Path) -> None:
    soup = page(built_default, "compare/index.html")
    proactive = soup.find("table", attrs={"data-indicator": "proactive.total"})
    heads = [text(th) for th in proactive.find("thead").find_all("th")]
    assert heads == ["镇（乡、街道）", "2016年", "2021年"]
    assert row_of(proactive, "吉昌镇") == ["吉昌镇 吉林省 吉林市 磐石市", "70", "无年报"]
    assert row_of(proactive, "羊亭镇")[1:] == ["无年报", "910 文 （正文所述）"]
    received = soup.find("table", attrs={"data-indicator": "applications.received"})
    assert row_of(received, "羊郡镇")[1] == "不可比"
    assert row_of(received, "羊亭镇")[2] == "0"
    # an indicator only the 2019 format has: the 2008-format report is not comparable, never zero
    carried = soup.find("table", attrs={"data-indicator": "applications.carried_over"})
    assert row_of(carried, "吉昌镇")[1] == "不可比"
    crosswalk = table_captioned(soup, "各格式统计表是否含有各规范指标")
    assert "统计表有此项" in row_of(crosswalk, "收到政府信息公开申请数")


def test_region_pages_for_each_level(built_default: Path) -> None:
    soup = page(built_default, "shandong/index.html")
    assert text(soup.find("h1")) == "山东省"
    towns = [a.get_text() for a in soup.select("main a.place")]
    assert towns == ["威海市", "环翠区", "羊亭镇", "烟台市", "莱阳市", "羊郡镇"]
    county = page(built_default, "shandong/yantai/laiyang/index.html")
    assert [(a.get_text(), a["href"]) for a in county.select("nav.crumbs a")][1:] == [
        ("山东省", "../../../shandong/index.html"),
        ("烟台市", "../../../shandong/yantai/index.html"),
    ]
    assert county.find("a", string="羊郡镇")["href"] == "../../../shandong/yantai/laiyang/yangjun/index.html"
    totals = table_captioned(county, "各年度主要指标合计")
    assert row_of(totals, "2016年")[2] == "56"


def test_footer_furniture_comes_from_site_yaml(make_content, tmp_path: Path) -> None:
    content = make_content(
        {
            "site.yaml": """
                title: 某县政府信息公开年报
                authority: 某县人民政府办公室
                base_url: https://www.example.gov.cn/zfxxgk/nb/
                site_id_code: "4300000077"
                icp: 京ICP备19014889号
                police_filing: 京公网安备11010202008000号
                police_filing_code: "11010202008000"
                badge: _assets/badge.png
                error_report_url: https://zfwzzc.www.gov.cn/check_web/errorInfo_querySiteInfo.action?id=4300000077
                contact:
                  phone: 0000-1234567
            """,
            "_assets/badge.png": b"\x89PNG fake",
        }
    )
    from generator.build.pipeline import build

    result = build(content, tmp_path / "site")
    assert result.ok, [p.format() for p in result.check.diags.problems]
    soup = page(tmp_path / "site", "index.html")
    foot = soup.find("footer")
    assert "主办单位：某县人民政府办公室" in text(foot)
    assert "网站标识码：4300000077" in text(foot)
    assert "电话 0000-1234567" in text(foot)
    icp = foot.find("a", string="京ICP备19014889号")
    assert icp["href"] == "https://beian.miit.gov.cn/"
    assert foot.find("a", string="京公网安备11010202008000号")["href"].endswith("recordcode=11010202008000")
    assert foot.find("a", string="我为政府网站找错")["href"].startswith("https://zfwzzc.www.gov.cn/")
    assert foot.find("a", string="网站地图")["href"] == "sitemap.html"
    badge = foot.find("img")
    assert badge["src"] == "assets/badge.png" and badge["alt"] == "党政机关网站标识"
    assert (tmp_path / "site/assets/badge.png").read_bytes() == b"\x89PNG fake"
    assert meta(soup, "SiteIDCode") == "4300000077"
    assert meta(soup, "SiteDomain") == "www.example.gov.cn"
    # the 404 page is shown at any address: its relative links resolve from the site's own path
    missing = page(tmp_path / "site", "404.html")
    assert missing.find("base")["href"] == "/zfxxgk/nb/"
    assert missing.find("link", rel="stylesheet")["href"] == "assets/style.css"
    assert str(missing).index("<base") < str(missing).index('href="assets/style.css"')


def test_footer_shows_nothing_unconfigured(built_default: Path) -> None:
    foot = page(built_default, "index.html").find("footer")
    assert "网站标识码" not in text(foot) and "ICP" not in text(foot) and foot.find("img") is None
    assert foot.find("a", string="我为政府网站找错") is None


def test_elder_mode_switch_is_in_the_header(built_default: Path) -> None:
    soup = page(built_default, f"{JICHANG}/2016/index.html")
    header = soup.find("header")
    to_elder = header.find("a", attrs={"data-mode": "elder"})
    assert to_elder.get_text() == "长辈版" and to_elder["href"] == "#elder"
    assert soup.find(id="elder") is not None  # without JavaScript the mode follows :target
    scripts = [s["src"] for s in soup.find_all("script")]
    assert scripts == ["../../../../../assets/mode.js", "../../../../../assets/tables.js"]


def test_publisher_theme_overrides_templates_and_assets_file_by_file(make_content, tmp_path: Path) -> None:
    from generator.build.pipeline import build
    from reports import narrative_md, report_yaml

    content = make_content(
        {
            "site.yaml": "title: 测试门户\ntheme: county-theme\n",
            "sheng/shi/xian/zhen/2016.yaml": report_yaml("gov-2008", 2016),
            "sheng/shi/xian/zhen/2016.md": narrative_md("gov-2008"),
        }
    )
    theme = content.parent / "county-theme"
    (theme / "templates").mkdir(parents=True)
    (theme / "static").mkdir()
    (theme / "templates" / "404.html").write_text('{% extends "base.html" %}{% block main %}<h1>本县页面不存在</h1>{% endblock %}', encoding="utf-8")
    (theme / "static" / "style.css").write_text("body { color: #000; }\n", encoding="utf-8")
    (theme / "static" / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    result = build(content, tmp_path / "site")
    assert result.ok, [p.format() for p in result.check.diags.problems]
    site = tmp_path / "site"
    assert text(page(site, "404.html").find("h1")) == "本县页面不存在"
    assert page(site, "404.html").find("footer") is not None  # the default base.html still frames it
    assert (site / "assets/style.css").read_text(encoding="utf-8") == "body { color: #000; }\n"
    assert (site / "assets/logo.svg").is_file()
    default_print = Path(__file__).resolve().parents[1] / "themes/default/static/print.css"
    assert (site / "assets/print.css").read_bytes() == default_print.read_bytes()
    assert text(page(site, "index.html").find("h1")) == "测试门户"  # templates not overridden stay the default


def test_missing_theme_folder_is_a_warning(make_content, tmp_path: Path) -> None:
    from generator.build.pipeline import build
    from reports import narrative_md, report_yaml

    content = make_content(
        {
            "site.yaml": "title: 测试门户\ntheme: no-such-theme\n",
            "sheng/shi/xian/zhen/2016.yaml": report_yaml("gov-2008", 2016),
            "sheng/shi/xian/zhen/2016.md": narrative_md("gov-2008"),
        }
    )
    result = build(content, tmp_path / "site")
    assert result.ok
    assert [p.field for p in result.check.diags.problems if p.code == "missing-file"] == ["theme"]


def test_consistency_notes_follow_the_publishers_choice(make_content, tmp_path: Path) -> None:
    from generator.build.pipeline import build
    from reports import narrative_md, report_yaml

    files = {
        "sheng/shi/xian/zhen/2016.yaml": report_yaml("gov-2008", 2016, {"proactive.total": 5}),
        "sheng/shi/xian/zhen/2016.md": narrative_md("gov-2008") + "\n本年主动公开政府信息75条。\n",
    }
    for shown in (True, False):
        content = make_content({**files, "site.yaml": f"title: 测试门户\nshow_consistency_notes: {str(shown).lower()}\n"})
        out = tmp_path / f"site-{shown}"
        result = build(content, out)
        assert result.ok, [p.format() for p in result.check.diags.problems]
        assert any(p.code == "figure-mismatch" for p in result.check.diags.problems)
        notes = page(out, "sheng/shi/xian/zhen/2016/index.html").find("section", class_="notes")
        assert (notes is not None) is shown
        if shown:
            assert "75" in text(notes)


def test_pages_carry_no_markup_for_a_search_engine(built_default: Path) -> None:
    """The search index is made from the model: no page is marked up for an indexer reading it back."""
    for path in sorted(built_default.rglob("*.html")):
        assert "data-pagefind" not in path.read_text(encoding="utf-8"), path


def test_ids_are_unique_on_every_page(built_default: Path) -> None:
    for path in sorted(built_default.rglob("*.html")):
        ids = [el["id"] for el in BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").find_all(id=True)]
        assert len(ids) == len(set(ids)), (path, sorted({i for i in ids if ids.count(i) > 1}))


def test_towns_at_any_depth_empty_regions_and_towns_without_reports(tmp_path: Path) -> None:
    from conftest import write_tree
    from generator.build.pipeline import build
    from reports import narrative_md, report_yaml

    content = write_tree(
        tmp_path / "content",
        {
            "site.yaml": "title: 测试门户\n",
            "zhen/town.yaml": "name: 顶层镇\n",
            "zhen/2019.yaml": report_yaml("gov-2019", 2019),
            "zhen/2019.md": narrative_md("gov-2019"),
            "zhen/2021.yaml": report_yaml("gov-2021", 2021),
            "zhen/2021.md": narrative_md("gov-2021"),
            "sheng/region.yaml": "name: 某省\n",
            "sheng/kong/region.yaml": "name: 空市\n",
            "sheng/wubao/town.yaml": "name: 无年报镇\n",
        },
    )
    out = tmp_path / "site"
    result = build(content, out)
    assert result.ok, [p.format() for p in result.check.diags.problems]
    assert not (out / "sheng/kong/index.html").exists()  # a region with no town under it has no page
    home = page(out, "index.html")
    assert [a.get_text() for a in home.select("a.place")] == ["某省", "无年报镇", "顶层镇"]
    empty = page(out, "sheng/wubao/index.html")
    assert "暂未收录" in text(empty.find("main")) and empty.find("svg") is None
    town = page(out, "zhen/index.html")
    section = town.find("h3", string="收到政府信息公开申请数").find_parent("section")
    assert [r[0] for r in (row_of(section.find("table"), y) for y in ("2019年", "2021年"))] == ["2019年", "2021年"]
    assert row_of(section.find("table"), "2021年")[2] == "—"  # 2020 is missing: no change across the gap
    report = page(out, "zhen/2021/index.html")
    assert [a["href"] for a in report.select("nav.pager a")] == ["../../zhen/2019/index.html", "../../zhen/index.html"]


def test_a_large_portal_gets_a_compare_page_per_group_of_towns(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from generator.build.pipeline import SearchOptions, build
    from generator.stages import plan

    monkeypatch.setattr(plan, "COMPARE_TOWNS", 1)  # jilin (one town) fits whole; shandong splits into its cities
    out = tmp_path / "site"
    assert build(Path(__file__).resolve().parents[1] / "content", out, SearchOptions(enabled=False), jobs=1).ok
    index = page(out, "compare/index.html")
    assert index.find("table", attrs={"data-indicator": True}) is None  # the index lists groups, no tables
    links = [(text(a), a["href"]) for a in index.select("main nav a")]
    assert links == [
        ("吉林省", "../compare/jilin/index.html"),
        ("山东省 威海市", "../compare/shandong/weihai/index.html"),
        ("山东省 烟台市", "../compare/shandong/yantai/index.html"),
    ]
    assert "各格式统计表是否含有各规范指标" in text(index.find("main"))
    group = page(out, "compare/shandong/weihai/index.html")
    assert text(group.find("h1")) == "山东省 威海市：各镇各年度指标比较"
    proactive = group.find("table", attrs={"data-indicator": "proactive.total"})
    assert [text(th) for th in proactive.find("thead").find_all("th")] == ["镇（乡、街道）", "2021年"]
    assert [text(tr.find("th").find("a")) for tr in proactive.find("tbody").find_all("tr")] == ["羊亭镇"]
    assert row_of(proactive, "羊亭镇")[1:] == ["910 文 （正文所述）"]
    crumbs = [(a.get_text(), a["href"]) for a in group.select("nav.crumbs a")]
    assert crumbs[-1] == ("指标比较", "../../../compare/index.html")
    for rel in ("compare/index.html", "compare/shandong/weihai/index.html"):
        base = out / rel
        for a in page(out, rel).select("main a[href]"):
            href = a["href"].split("#")[0]
            if href:
                assert (base.parent / href).resolve().is_file(), (rel, href)


def test_a_large_portal_lists_regions_not_every_town_on_the_home_and_region_pages(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from generator.build.pipeline import SearchOptions, build
    from generator.pages import home

    monkeypatch.setattr(home, "TREE_TOWNS", 1)  # the default content's 3 towns count as many
    out = tmp_path / "site"
    assert build(Path(__file__).resolve().parents[1] / "content", out, SearchOptions(enabled=False), jobs=1).ok
    places = page(out, "index.html").find(id="h-places").parent
    assert places.select("li.town") == []
    assert "吉林省 （1 个镇） 吉林市 （1 个镇） 磐石市 （1 个镇）" in text(places)
    assert "山东省 （2 个镇）" in text(places)
    province = page(out, "shandong/index.html").find(id="h-places").parent
    assert province.select("li.town") == [] and "环翠区 （1 个镇）" in text(province)
    county = page(out, "shandong/weihai/huancui/index.html").find(id="h-places").parent  # one town, fits
    assert [text(a) for a in county.select("li.town > a.place")] == ["羊亭镇"]
    sitemap = page(out, "sitemap.html")  # the site map still lists every town
    assert len(sitemap.select("li.town")) == 3
