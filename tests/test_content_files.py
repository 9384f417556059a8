"""Writing content files: every string reads back as written, whatever the clerk's source contained."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.importer.content_files import scalar


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_any_string_reads_back_unchanged(text: str) -> None:
    assert yaml.safe_load(f"key: {scalar(text)}\n") == {"key": text}


def test_plain_where_safe_quoted_where_yaml_would_misread() -> None:
    assert scalar("吉昌镇人民政府") == "吉昌镇人民政府"
    for tricky in ("null", "yes", "2016-01-17", "12", "a: b", "# x", "- item", "x #y", " lead", "trail ", "'q", '"q', "@x"):
        assert scalar(tricky).startswith('"'), tricky


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_report_header_comment_from_any_title_keeps_the_file_valid(title: str) -> None:
    from generator.importer.content_files import ReportFile
    from generator.formats import catalogue

    report = ReportFile(format=catalogue().formats["narrative"], year=2020, title=title, header=(f"{title}：数据文件",))
    assert yaml.safe_load(report.dump())["title"] == title
