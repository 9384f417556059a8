"""`nianbao check` on content with one kind of mistake each: exit code, file:line:col and field path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli
from reports import line_of, narrative_md, report_yaml

TOWN = "sheng/shi/xian/zhen"


def check_json(content: Path, *extra: str) -> tuple[int, list[dict]]:
    result = run_cli("check", "--content", str(content), "--json", *extra)
    return result.code, json.loads(result.out)


def only(problems: list[dict], code: str) -> dict:
    matching = [p for p in problems if p["code"] == code]
    assert len(matching) == 1, problems
    return matching[0]


def write_report(make_content, text: str, year: int = 2021, fmt: str = "gov-2019", name: str | None = None) -> Path:
    stem = name or str(year)
    return make_content({f"{TOWN}/{stem}.yaml": text, f"{TOWN}/{stem}.md": narrative_md(fmt)})


def test_valid_report_passes(make_content) -> None:
    content = write_report(make_content, report_yaml("gov-2019"))
    code, problems = check_json(content)
    assert code == 0
    assert [p for p in problems if p["level"] != "notice"] == []


def test_duplicate_key(make_content) -> None:
    text = report_yaml("gov-2019").replace("year: 2021\n", "year: 2021\ntitle: 重复的标题\n")
    content = write_report(make_content, text)
    code, problems = check_json(content)
    assert code == 1
    p = only(problems, "duplicate-key")
    assert p["path"] == f"content/{TOWN}/2021.yaml" and p["line"] == 4  # the second one; the message names the first
    assert "第 3 行" in p["message"]


def test_unknown_field(make_content) -> None:
    text = report_yaml("gov-2019") + "publisher: 某某\n"
    content = write_report(make_content, text)
    code, problems = check_json(content)
    assert code == 1
    p = only(problems, "unknown-field")
    assert (p["line"], p["field"]) == (line_of(text, "publisher:"), "publisher")


def test_unknown_cell_names_the_expected_ones(make_content) -> None:
    text = report_yaml("gov-2019").replace("new: {natural: 0,", "new: {natral: 0, natural: 0,")
    content = write_report(make_content, text)
    code, problems = check_json(content)
    assert code == 1
    p = only(problems, "unknown-field")
    assert p["field"] == "statistics.applications.new.natral"
    assert p["line"] == line_of(text, "natral")
    assert "natural" in p["expected"]


def test_missing_required_field(make_content) -> None:
    text = report_yaml("gov-2019").replace("title: 测试镇2021年政府信息公开工作年度报告\n", "")
    content = write_report(make_content, text)
    code, problems = check_json(content)
    assert code == 1
    p = only(problems, "missing-field")
    assert p["field"] == "title" and p["line"] == 1


def test_missing_cell(make_content) -> None:
    text = report_yaml("gov-2019").replace("    review_total: 0\n", "", 1)
    content = write_report(make_content, text)
    code, problems = check_json(content)
    assert code == 1
    p = only(problems, "missing-cell")
    assert p["field"] == "statistics.lawsuits.review_total"
    assert p["expected"] == "lawsuits.review_total"


def test_wrong_type(make_content) -> None:
    text = report_yaml("gov-2019").replace("year: 2021", "year: 二〇二一")
    content = write_report(make_content, text)
    code, problems = check_json(content)
    assert code == 1
    p = only(problems, "wrong-type")
    assert (p["field"], p["line"], p["expected"]) == ("year", 2, "整数")


def test_negative_count(make_content) -> None:
    text = report_yaml("gov-2019", values={"lawsuits.review_upheld": -1})
    content = write_report(make_content, text)
    code, problems = check_json(content)
    assert code == 1
    p = only(problems, "bad-number")
    assert p["field"] == "statistics.lawsuits.review_upheld"
    assert p["line"] == line_of(text, "review_upheld: -1")
    assert "负数" in p["message"]


def test_negative_change_is_allowed_where_the_format_says_so(make_content) -> None:
    text = report_yaml("gov-2019", values={"art20_5.permits.change": -2})
    code, problems = check_json(write_report(make_content, text))
    assert code == 0


def test_full_width_digits_are_normalised_with_a_warning(make_content) -> None:
    text = report_yaml("gov-2019", values={"lawsuits.review_upheld": '"１"', "lawsuits.review_total": '" 1"'})
    content = write_report(make_content, text)
    code, problems = check_json(content)
    assert code == 0  # unambiguous: normalised and reported
    normalised = [p for p in problems if p["code"] == "normalised-number"]
    assert {p["field"] for p in normalised} == {"statistics.lawsuits.review_upheld", "statistics.lawsuits.review_total"}
    assert all(p["level"] == "warning" for p in normalised)
    strict_code, _ = check_json(content, "--strict")
    assert strict_code == 1


def test_ambiguous_number_text_is_rejected(make_content) -> None:
    text = report_yaml("gov-2019", values={"lawsuits.review_upheld": '"约3件"'})
    code, problems = check_json(write_report(make_content, text))
    assert code == 1
    assert only(problems, "bad-number")["field"] == "statistics.lawsuits.review_upheld"


def test_unknown_format(make_content) -> None:
    text = report_yaml("gov-2019").replace("format: gov-2019", "format: gov-2020")
    code, problems = check_json(write_report(make_content, text))
    assert code == 1
    p = only(problems, "unknown-format")
    assert (p["field"], p["line"], p["found"]) == ("format", 1, "gov-2020")
    assert "gov-2019" in p["expected"]


def test_year_in_file_name_disagrees(make_content) -> None:
    text = report_yaml("gov-2019", year=2021)
    content = make_content({f"{TOWN}/2020.yaml": text, f"{TOWN}/2020.md": narrative_md("gov-2019")})
    code, problems = check_json(content)
    assert code == 1
    p = only(problems, "year-mismatch")
    assert (p["path"], p["line"], p["field"], p["expected"], p["found"]) == (f"content/{TOWN}/2020.yaml", 2, "year", "2020", "2021")


def test_broken_identity_names_the_total_cell(make_content) -> None:
    # 3 new applications from natural persons, but the total column says 2
    values = {"applications.new.natural": 3, "applications.new.total": 2, "applications.result_total.natural": 3,
              "applications.result_total.total": 3, "applications.disclosed.natural": 3, "applications.disclosed.total": 3}
    text = report_yaml("gov-2019", values=values)
    code, problems = check_json(write_report(make_content, text))
    assert code == 1
    broken = [p for p in problems if p["code"] == "identity"]
    fields = {p["field"] for p in broken}
    assert "statistics.applications.new.total" in fields  # row: 总计 = 自然人 + …
    assert "statistics.applications.new.total" in fields or "statistics.applications.result_total.total" in fields
    row = next(p for p in broken if "[applications-row-total]" in p["message"])
    assert row["field"] == "statistics.applications.new.total"
    column = next(p for p in broken if "[applications-balance]" in p["message"])
    assert "（七）总计 + 四、结转下年度继续办理" in column["expected"]  # the column identity names the rows
    assert row["line"] == line_of(text, "  new: {")
    assert (row["expected"].split("（")[0], row["found"]) == ("等于 3", "2")
    assert "自然人 + 商业企业" in row["expected"]  # the row identity names the columns it adds up


def test_outline_out_of_order_is_a_warning(make_content) -> None:
    md = narrative_md("gov-2019").replace("## 五、存在的主要问题及改进情况", "## 五、其他想法")
    content = make_content({f"{TOWN}/2021.yaml": report_yaml("gov-2019"), f"{TOWN}/2021.md": md})
    code, problems = check_json(content)
    assert code == 0
    outline = [p for p in problems if p["code"] == "outline"]
    assert {p["level"] for p in outline} == {"warning"}
    assert any(p["line"] == line_of(md, "五、其他想法") for p in outline)
    assert any("缺少章节" in p["message"] for p in outline)
    assert check_json(content, "--strict")[0] == 1


def test_outline_accepts_real_heading_variants(make_content) -> None:
    md = narrative_md("gov-2019").replace("## 五、存在的主要问题及改进情况", "## **五、政府信息公开工作存在的主要问题及改进情况**")
    md = md.replace("## 一、总体情况", "## 一、总体情况：")
    content = make_content({f"{TOWN}/2021.yaml": report_yaml("gov-2019"), f"{TOWN}/2021.md": md})
    code, problems = check_json(content)
    assert code == 0 and not [p for p in problems if p["code"] == "outline"]


def test_every_problem_of_a_run_is_reported_together(make_content) -> None:
    bad = report_yaml("gov-2019", values={"lawsuits.review_upheld": -1}) + "colour: red\n"
    content = make_content(
        {
            f"{TOWN}/2021.yaml": bad,
            f"{TOWN}/2021.md": narrative_md("gov-2019"),
            f"{TOWN}/2020.yaml": report_yaml("gov-2019", year=2019),
            f"{TOWN}/2020.md": narrative_md("gov-2019"),
        }
    )
    code, problems = check_json(content)
    assert code == 1
    assert {"bad-number", "unknown-field", "year-mismatch"} <= {p["code"] for p in problems}


def test_text_output_names_file_line_column_and_field(make_content) -> None:
    text = report_yaml("gov-2019") + "publisher: 某某\n"
    content = write_report(make_content, text)
    result = run_cli("check", "--content", str(content))
    assert result.code == 1
    line = line_of(text, "publisher:")
    assert f"content/{TOWN}/2021.yaml:{line}:1: 错误 unknown-field [publisher] 未知字段“publisher”" in result.err
    assert "1 个错误" in result.err


@pytest.mark.parametrize("broken", ["title: [unclosed\n", "a:\n\tb: 1\n"])
def test_yaml_syntax_errors_name_the_line(make_content, broken: str) -> None:
    content = write_report(make_content, "format: gov-2019\n" + broken)
    code, problems = check_json(content)
    assert code == 1
    p = only(problems, "yaml-syntax")
    assert p["line"] >= 2


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run_cli("check", "--content", str(tmp_path / "nowhere")).code == 2
    assert run_cli("check", "--bogus").code == 2


def test_acknowledged_identity_is_a_warning_and_a_public_note(make_content, tmp_path: Path) -> None:
    values = {"lawsuits.review_upheld": 2, "lawsuits.review_total": 1}
    extra = "known_issues:\n  - check: review-total\n    note: 原表如此，已核对。\n"
    content = write_report(make_content, report_yaml("gov-2019", values=values, extra=extra))
    code, problems = check_json(content)
    assert code == 0
    p = only(problems, "identity-known")
    assert p["level"] == "warning" and p["field"] == "statistics.lawsuits.review_total"
    out = tmp_path / "site"
    assert run_cli("build", "--content", str(content), "--out", str(out), "--no-search").code == 0
    page = (out / TOWN / "2021" / "index.html").read_text(encoding="utf-8")
    assert "原表勾稽关系不成立" in page and "原表如此，已核对。" in page


def test_unknown_known_issue_is_an_error(make_content) -> None:
    extra = "known_issues:\n  - check: no-such-check\n    note: x\n"
    code, problems = check_json(write_report(make_content, report_yaml("gov-2019", extra=extra)))
    assert code == 1
    assert only(problems, "unknown-check")["field"] == "known_issues[0].check"
