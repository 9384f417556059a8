"""Counts stated in a narrative (`stated:`): found in real texts, written by import, checked, shown and exported."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import CONTENT, FIXTURES, REPO, run_cli
from generator.build.pipeline import check
from generator.render.data_export import report_csv, report_record
from generator.diagnostics import Diagnostics
from generator.formats.parse import load_catalogue
from generator.narrative.statements import find_stated, squeeze

EXPECTED = yaml.safe_load((FIXTURES / "stated" / "expected.yaml").read_text(encoding="utf-8"))
CATALOGUE = load_catalogue(REPO / "generator" / "formats", Diagnostics())
NAMES = ("吉昌镇人民政府", "吉昌镇", "张义镇人民政府", "张义镇", "义亭镇", "崇武镇人民政府", "崇武镇", "汤浦镇", "羊郡镇", "羊亭镇", "大五里镇", "太平镇", "建新镇", "郭仓镇", "唐村镇", "建国门街道", "城北街道", "溪下乡", "北街街道", "新华街道")


def _is_negation(st) -> bool:  # type: ignore[no-untyped-def]
    """A zero stated in words ("未收到……申请"), not in digits."""
    return st.value == 0 and not re.search(rf"(?<![0-9.])0{re.escape(st.unit)}", st.quote)


def _read(name: str):  # type: ignore[no-untyped-def]
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return text, find_stated(text, CATALOGUE.indicators, NAMES)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_text_nothing_invented_nothing_unexpected(name: str) -> None:
    text, found = _read(name)
    lines = text.split("\n")
    expected = EXPECTED[name]
    counts = [tuple(c) for c in expected.get("counts", [])]
    for st in found:
        # never a number not in the text: the quote is at its line, the value is in the quote
        assert st.quote in squeeze(lines[st.line - 1]), st
        assert _is_negation(st) or re.search(rf"(?<![0-9]){st.value}", st.quote), st
    digits = [st for st in found if not _is_negation(st)]
    unmatched = list(digits)
    for value, unit, words in counts:
        hit = next((st for st in unmatched if st.value == value and st.unit == unit and words in st.label), None)
        if hit is not None:
            unmatched.remove(hit)
    assert unmatched == [], f"{name}: counts found that the hand list does not have (invented or mislabelled): {unmatched}"
    negations = sorted(st.indicator for st in found if _is_negation(st))
    assert negations == sorted(expected.get("negations", [])), name


def test_at_least_95_percent_of_the_stated_non_zero_counts_are_recovered() -> None:
    stated = recovered = 0
    missed = []
    for name, expected in sorted(EXPECTED.items()):
        _, found = _read(name)
        pool = [st for st in found if not _is_negation(st)]
        for value, unit, words in [tuple(c) for c in expected.get("counts", [])] + [tuple(c) for c in expected.get("words", [])]:
            if value == 0:
                continue
            stated += 1
            hit = next((st for st in pool if st.value == value and st.unit == unit and words in st.label), None)
            if hit is None:
                missed.append((name, value, unit, words))
            else:
                pool.remove(hit)
                recovered += 1
    assert stated >= 80
    assert recovered / stated >= 0.95, (recovered, stated, missed)
    # the misses are the counts written in Chinese numerals, which the hand lists keep apart
    assert missed == [(name, *tuple(c)) for name, expected in sorted(EXPECTED.items()) for c in expected.get("words", [])]


@pytest.mark.parametrize(
    ("sentence", "indicator", "value"),
    [
        ("2016年度我镇共公开信息984条。", "proactive.total", 984),
        ("2018年度我镇主动公开政府信息数22条，其中线上信息公开15条。", "proactive.total", 22),
        ("全年信息主动公开292条。", "proactive.total", 292),
        ("门户网站发布信息265条。", "proactive.website", 265),
        ("开展培训3次，培训人员120人次。", "training.sessions", 3),
        ("开展培训3次，培训人员120人次。", "training.trainees", 120),
        ("受理依申请公开2件。", "applications.received", 2),
        ("我乡收到有关政府信息公开行政复议申请0件。", "review.total", 0),
        ("2016年我镇没有依申请公开信息。", "applications.received", 0),
        ("2018年度我镇没有接到群众主动要求公开政府信息的申请。", "applications.received", 0),
        ("2012年度，我街道未发生因信息公开而引起的行政复议和行政诉讼。", "litigation.total", 0),
        ("2017年度，本单位没有向依申请公开对象收取复印、传真、递送等任何费用。", "fees.total", 0),
    ],
)
def test_wording_variants_map_to_canonical_indicators(sentence: str, indicator: str, value: int) -> None:
    found = [st for st in find_stated(sentence, CATALOGUE.indicators) if st.indicator == indicator]
    assert [st.value for st in found] == [value]
    assert found[0].quote in squeeze(sentence)


def test_breakdown_by_category_each_its_own_entry() -> None:
    found = find_stated("公开活动信息618条，机构职能类信息50条，政策法规类信息30条。", CATALOGUE.indicators)
    assert [(st.value, st.unit, st.label, st.quote) for st in found] == [
        (618, "条", "公开活动信息", "公开活动信息618条"),
        (50, "条", "机构职能类信息", "机构职能类信息50条"),
        (30, "条", "政策法规类信息", "政策法规类信息30条"),
    ]


def test_a_remark_in_brackets_does_not_cut_the_label_and_a_distinguishing_one_stays() -> None:
    # guangdong-changgang-2018: the 、 inside the remark ends no clause, and the remark is no part of the label
    text = "其中:2.工作文件类(包括规范性文件、政策解读等)信息10条;4.行政职权类信息（包括行政审批、执法等）1条;行政办事事项(居民)105条"
    found = find_stated(text, CATALOGUE.indicators)
    assert [(st.value, st.label) for st in found] == [(10, "工作文件类信息"), (1, "行政职权类信息"), (105, "行政办事事项(居民)")]
    assert found[1].quote == "4.行政职权类信息（包括行政审批、执法等）1条"


def test_a_listing_before_its_count_is_not_the_label() -> None:
    # hubei-heshengqiao-2022: the things counted are listed first; the words after the listing (or the classifier) name them
    text = (
        "贺胜桥镇设党政综合办公室、经济发展办公室、城镇建设管理办公室共7个内设机构;核定机关行政编制人员45名。"
        "我镇通过区政府网站、政务公开栏和报刊、电视等新闻媒体共发布机构职能、政策及政策解读、工作动态等各类信息1060条。"
    )
    found = find_stated(text, CATALOGUE.indicators)
    assert [(st.value, st.unit, st.label) for st in found] == [(7, "个", "内设机构"), (45, "名", "核定机关行政编制人员"), (1060, "条", "各类信息")]
    assert found[2].quote.endswith("工作动态等各类信息1060条")
    # a classifier without a listing before it keeps its verb: "配备2名工作人员"
    assert [st.label for st in find_stated("镇党政办配备2名工作人员。", CATALOGUE.indicators)] == ["镇党政办配备工作人员"]


def test_counts_by_channel_are_not_the_total() -> None:
    # stated/tangpu-2009.txt: two channels' counts in one sentence; neither is 主动公开政府信息数
    parts = "全年我镇在市政府门户网站主动公开信息60条，在镇门户网站主动公开信息5条。"
    found = find_stated(parts, CATALOGUE.indicators)
    assert [(st.value, st.indicator) for st in found] == [(60, ""), (5, "")]
    # the total before 其中 keeps its indicator; the parts after it do not take it
    found = find_stated("全年主动公开政府信息65条，其中在市门户网站主动公开信息60条。" + parts[4:], CATALOGUE.indicators)
    assert [(st.value, st.indicator) for st in found] == [(65, "proactive.total"), (60, ""), (60, ""), (5, "")]


def test_frequencies_time_limits_and_ordinals_are_not_counts() -> None:
    text = "按照《条例》第31条规定，在15个工作日内答复，每月1次，（不同渠道和方式公开相同信息计1条）。回复率达到100%。"
    assert find_stated(text, CATALOGUE.indicators) == []
    # a negation whose sentence states the number in digits gives no second, invented zero
    assert [st.value for st in find_stated("未收到申请，共受理信息公开申请2件。", CATALOGUE.indicators)] == [2]


# ---- import, check, page and downloads ----

TOWN = "jilin/jilinshi/panshi/jichang"


def _imported(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(CONTENT / "site.yaml", content / "site.yaml")
    result = run_cli("import", str(FIXTURES / "seeds" / "jichang-2016.txt"), "--town", TOWN, "--content", str(content))
    assert result.code == 0, result.out + result.err
    return content


def test_import_writes_stated_that_check_accepts_and_the_schema_validates(tmp_path: Path) -> None:
    content = _imported(tmp_path)
    data = yaml.safe_load((content / TOWN / "2016.yaml").read_text(encoding="utf-8"))
    assert data["format"] == "gov-2008"  # a table report: the stated figures are its narrative's
    md = (content / TOWN / "2016.md").read_text(encoding="utf-8").split("\n")
    stated = data["stated"]
    assert {"value": 88, "unit": "条", "label": "政务公开栏公开信息", "quote": "同时利用政务公开栏公开信息88条", "line": stated[6]["line"]} == stated[6]
    assert {"value": 75, "unit": "条", "label": "主动公开信息", "quote": "我镇主动公开信息75条", "line": stated[4]["line"], "indicator": "proactive.total"} == stated[4]
    for entry in stated:
        assert entry["quote"] in squeeze(md[entry["line"] - 1])
    negation = next(e for e in stated if e.get("indicator") == "review.total")
    assert negation["value"] == 0 and "没有" in negation["quote"]
    site = check(content).site
    assert site is not None
    report = site.reports[0]
    assert len(report.stated) == len(stated) and report.stated[4].indicator == "proactive.total"
    schema = json.loads((REPO / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    data["published"] = str(data["published"])
    data["signature"]["date"] = str(data["signature"]["date"])
    jsonschema.validate(data, schema)
    bad = dict(data, stated=[dict(stated[0], value="三十六")])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_a_table_reports_narrative_has_its_stated_figures_too(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(CONTENT / "site.yaml", content / "site.yaml")
    town = "shandong/weihai/huancui/yangting"
    result = run_cli("import", str(FIXTURES / "seeds" / "yangting-2021.txt"), "--town", town, "--content", str(content))
    assert result.code == 0, result.out + result.err
    data = yaml.safe_load((content / town / "2021.yaml").read_text(encoding="utf-8"))
    assert data["format"] == "gov-2019" and data["statistics"]  # as the hand conversion in content/ has it
    stated = [(e["value"], e["unit"], e.get("indicator")) for e in data["stated"]]
    assert stated[:6] == [(910, "条", "proactive.total"), (92, "条", "proactive.website"), (566, "条", None), (188, "条", None), (64, "条", None), (3, "次", "applications.received")]
    assert (0, "件", "review.total") in stated and (0, "件", "litigation.total") in stated
    assert "正文中陈述的数字" in result.out + result.err


def test_check_names_file_line_and_field_when_a_stated_figure_is_not_in_the_text(tmp_path: Path) -> None:
    content = _imported(tmp_path)
    path = content / TOWN / "2016.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  - value: 88\n", "  - value: 89\n", 1)  # a value not in its quote
    text = text.replace("    quote: 我镇主动公开信息75条\n", "    quote: 我镇主动公开信息76条\n", 1)  # a quote not in the text
    path.write_text(text, encoding="utf-8")
    result = run_cli("check", "--content", str(content))
    assert result.code != 0
    out = result.out + result.err
    value_line = text.split("\n").index("  - value: 89") + 1
    quote_line = text.split("\n").index("    quote: 我镇主动公开信息76条") + 1
    assert re.search(rf"2016\.yaml:{value_line}:\d+: 错误 stated-not-in-text \[stated\[6\]\.value\].*89条", out), out
    assert re.search(rf"2016\.yaml:{quote_line}:\d+: 错误 stated-not-in-text \[stated\[4\]\.quote\].*2016\.md:\d+", out), out


def test_a_stated_zero_that_disagrees_with_the_table_is_a_warning(tmp_path: Path) -> None:
    content = _imported(tmp_path)
    path = content / TOWN / "2016.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    negation = next(e for e in data["stated"] if e.get("indicator") == "review.total")
    text = path.read_text(encoding="utf-8")
    row = re.search(r"\n    review: \{[^}]*\}.*\n|\n    review_total: .*\n", text)
    cells = CATALOGUE.formats[data["format"]].indicators["review.total"]
    assert cells, "the format maps review.total to a cell"
    cell = CATALOGUE.formats[data["format"]].cells[cells[0]]
    key = cell.path[-1]
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if re.match(rf"\s+{re.escape(key)}: 0\b", line) or re.search(rf"[{{ ]{re.escape(key)}: 0[,}}]", line))
    lines[at] = re.sub(rf"({re.escape(key)}): 0", r"\1: 2", lines[at], count=1)
    path.write_text("\n".join(lines), encoding="utf-8")
    del row
    result = run_cli("check", "--content", str(content))
    out = result.out + result.err
    assert re.search(rf"2016\.md:{negation['line']}:1: 警告 figure-mismatch \[review\.total\].*没有", out), out


def test_page_table_and_downloads_carry_the_stated_figures(tmp_path: Path) -> None:
    content = _imported(tmp_path)
    site_result = check(content)
    report = site_result.site.reports[0]
    catalogue = site_result.catalogue if hasattr(site_result, "catalogue") else CATALOGUE
    rows = list(csv.reader(io.StringIO(report_csv(report, catalogue).decode("utf-8"))))
    stated_rows = [r for r in rows if r[1] == "正文数字"]
    assert len(stated_rows) == len(report.stated)
    assert ["proactive.total", "正文数字", "主动公开信息", "条", "75"] == stated_rows[4][:5] and "我镇主动公开信息75条" in stated_rows[4][5]
    record = report_record(report, catalogue, "page.html")
    assert record["stated"][6] == {"value": 88, "unit": "条", "label": "政务公开栏公开信息", "quote": "同时利用政务公开栏公开信息88条", "line": report.stated[6].line, "indicator": None}
    out = tmp_path / "site"
    result = run_cli("build", "--content", str(content), "--out", str(out))
    assert result.code == 0, result.out + result.err
    page = next(p for p in out.rglob("*.html") if "2016" in p.as_posix() and "jichang" in p.as_posix() and "报告正文中的数字" in p.read_text(encoding="utf-8"))
    html = page.read_text(encoding="utf-8")
    table = html[html.index('id="stated-h"'):]
    table = table[: table.index("</table>")]
    assert "<caption>" in table and '<th scope="col">所述事项</th>' in table
    assert '<th scope="row">政务公开栏公开信息</th><td class="num">88条</td><td>同时利用政务公开栏公开信息88条</td>' in table
