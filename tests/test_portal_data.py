"""Data downloads (CSV with BOM, JSON without, datapackage), sitemap.xml, the Atom feed and robots.txt."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

from generator.build.pipeline import SearchOptions, build
from generator.render.data_export import neutralise

YANGTING = "shandong/weihai/huancui/yangting"


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), path
    return list(csv.DictReader(io.StringIO(raw[3:].decode("utf-8"))))


def test_dataset_csv_files_have_a_bom_and_the_figures(built_default: Path) -> None:
    reports = read_csv(built_default / "data/reports.csv")
    assert [r["report"] for r in reports] == [
        "jilin/jilinshi/panshi/jichang/2016",
        "shandong/weihai/huancui/yangting/2021",
        "shandong/yantai/laiyang/yangjun/2016",
    ]
    assert reports[0]["published"] == "2017-01-17" and reports[0]["region"] == "吉林省 吉林市 磐石市"
    indicators = read_csv(built_default / "data/indicators.csv")
    by_key = {(r["report"], r["indicator"]): r for r in indicators}
    assert by_key[("jilin/jilinshi/panshi/jichang/2016", "proactive.total")]["value"] == "70"
    assert by_key[("shandong/yantai/laiyang/yangjun/2016", "proactive.total")]["source"] == "正文所述"
    assert by_key[("shandong/yantai/laiyang/yangjun/2016", "applications.received")] == {
        **by_key[("shandong/yantai/laiyang/yangjun/2016", "applications.received")],
        "value": "",
        "source": "不可比",
    }
    cells = read_csv(built_default / "data/cells.csv")
    total = [c for c in cells if c["report"] == f"{YANGTING}/2021" and c["cell"] == "applications.result_total.total"]
    assert len(total) == 1 and total[0]["value"] == "0"


def test_json_has_no_bom_and_matches_the_csv(built_default: Path) -> None:
    raw = (built_default / "data/reports.json").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    data = json.loads(raw)
    jichang = data["reports"][0]
    assert jichang["indicators"]["proactive.total"] == {"label": "主动公开政府信息数", "unit": "条", "value": 70, "source": "统计表"}
    assert jichang["page"] == "jilin/jilinshi/panshi/jichang/2016/index.html"
    one = json.loads((built_default / f"{YANGTING}/2021/data.json").read_bytes())
    assert one["statistics"]["applications.new.total"] == 0
    assert one["published"] is None


def test_json_files_keep_a_record_to_a_line(built_default: Path) -> None:
    """reports.json: each report on a line of its own; a report's data.json: each top-level field."""
    lines = (built_default / "data/reports.json").read_text(encoding="utf-8").splitlines()
    data = json.loads("\n".join(lines))
    on_their_own = [json.loads(line.strip().rstrip(",")) for line in lines if line.startswith('  {"')]
    assert on_their_own == data["reports"] and len(on_their_own) == 3
    text = (built_default / f"{YANGTING}/2021/data.json").read_text(encoding="utf-8")
    one = json.loads(text)
    assert text.splitlines()[1:-1] == [f" {json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}" + ("," if i < len(one) - 1 else "")
                                       for i, (k, v) in enumerate(one.items())]


def test_report_csv_download(built_default: Path) -> None:
    rows = read_csv(built_default / f"{YANGTING}/2021/data.csv")
    cells = {r["item"]: r for r in rows}
    assert cells["applications.new.total"]["value"] == "0"
    assert cells["applications.new.total"]["name"] == "收到和处理政府信息公开申请情况 › 一、本年新收政府信息公开申请数量 › 总计"
    assert cells["proactive.total"] == {"item": "proactive.total", "kind": "指标", "name": "主动公开政府信息数", "unit": "条", "value": "910", "source": "正文所述"}


def test_datapackage_describes_every_column(built_default: Path) -> None:
    package = json.loads((built_default / "data/datapackage.json").read_bytes())
    assert package["profile"] == "data-package"
    for resource in package["resources"]:
        path = built_default / "data" / resource["path"]
        assert path.is_file(), resource["path"]
        if resource["format"] != "csv":
            continue
        header = read_csv(path)[0].keys()
        fields = resource["schema"]["fields"]
        assert [f["name"] for f in fields] == list(header)
        for f in fields:
            assert f["type"] in {"string", "integer", "number", "date"} and f["description"]
    indicators = next(r for r in package["resources"] if r["name"] == "indicators")
    assert {f["name"]: f.get("unit") for f in indicators["schema"]["fields"]}["year"] == "年"


def test_csv_formula_injection_is_neutralised(make_content, tmp_path: Path) -> None:
    assert [neutralise(s) for s in ("=1+1", "+86", "-x", "@SUM(A1)", "镇", "")] == ["'=1+1", "'+86", "'-x", "'@SUM(A1)", "镇", ""]
    from reports import narrative_md, report_yaml

    content = make_content(
        {
            "sheng/shi/xian/zhen/town.yaml": "name: '=HYPERLINK(\"http://x\")'\nkind: 镇\n",
            "sheng/shi/xian/zhen/2016.yaml": report_yaml("gov-2008", 2016).replace("title: 测试镇2016年政府信息公开工作年度报告", "title: '@cmd'"),
            "sheng/shi/xian/zhen/2016.md": narrative_md("gov-2008"),
        }
    )
    result = build(content, tmp_path / "site")
    assert result.ok, [p.format() for p in result.check.diags.problems]
    rows = read_csv(tmp_path / "site/data/reports.csv")
    assert rows[0]["town"] == "'=HYPERLINK(\"http://x\")" and rows[0]["title"] == "'@cmd"
    # numbers stay numbers (a negative count would not get an apostrophe)
    assert all(r["value"] == "" or r["value"].lstrip("-").isdigit() or "." in r["value"] for r in read_csv(tmp_path / "site/data/indicators.csv"))


def test_sitemap_feed_and_robots(built_default: Path) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.parse(built_default / "sitemap.xml").getroot()
    locs = [u.findtext("s:loc", namespaces=ns) for u in root.findall("s:url", ns)]
    assert "https://example.gov.cn/xxgk/nb/index.html" in locs
    assert f"https://example.gov.cn/xxgk/nb/{YANGTING}/2021/index.html" in locs
    assert all(loc.startswith("https://example.gov.cn/xxgk/nb/") for loc in locs)
    assert not any(loc.endswith("404.html") for loc in locs)
    for loc in locs:
        assert (built_default / loc.removeprefix("https://example.gov.cn/xxgk/nb/")).is_file()
    atom = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.parse(built_default / "feed.xml").getroot()
    entries = feed.findall("a:entry", atom)
    assert len(entries) == 3
    assert entries[0].find("a:link", atom).get("href") == "jilin/jilinshi/panshi/jichang/2016/index.html"
    assert feed.findtext("a:updated", namespaces=atom) == "2017-01-17T00:00:00+08:00"
    robots = (built_default / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap: https://example.gov.cn/xxgk/nb/sitemap.xml" in robots


def test_no_base_url_means_no_sitemap_and_a_notice(make_content, tmp_path: Path) -> None:
    from reports import narrative_md, report_yaml

    content = make_content({"sheng/shi/xian/zhen/2016.yaml": report_yaml("gov-2008", 2016), "sheng/shi/xian/zhen/2016.md": narrative_md("gov-2008")})
    result = build(content, tmp_path / "site")
    assert result.ok
    assert not (tmp_path / "site/sitemap.xml").exists()
    assert any(p.code == "no-sitemap" for p in result.check.diags.problems)
    assert "Sitemap:" not in (tmp_path / "site/robots.txt").read_text(encoding="utf-8")
    assert (tmp_path / "site/feed.xml").is_file()


def test_same_content_same_bytes(make_content, tmp_path: Path) -> None:
    from reports import narrative_md, report_yaml

    content = make_content({"sheng/shi/xian/zhen/2016.yaml": report_yaml("gov-2008", 2016), "sheng/shi/xian/zhen/2016.md": narrative_md("gov-2008")})
    no_search = SearchOptions(enabled=False)  # the search index's own determinism is tested with the search stage
    assert build(content, tmp_path / "a", no_search).ok and build(content, tmp_path / "b", no_search).ok
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert files_a == files_b
    for rel in files_a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel
