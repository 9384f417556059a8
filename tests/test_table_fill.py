"""Official tables filled from a layout rendered once (generator/table_fill.py) equal the theme macro's own output."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from generator.formats import catalogue
from generator.formats.spec import Table
from generator.source.numbers import Number
from generator.stages.render import make_env, theme_dirs
from generator.render.table_fill import TableFiller
from generator.render.tables import ReportTable, draw

TABLED = [(f.id, t) for f in catalogue().formats.values() for t in f.tables]


def variants(table: Table) -> dict[str, dict[str, Number | None]]:
    """Values of one table: plain counts, zeros, negatives, decimals, blank cells and cells the report lacks."""
    ids = [c.id for c in table.cells]
    counts: dict[str, Number | None] = {c: i * 7 + 3 for i, c in enumerate(ids)}
    return {
        "counts": counts,
        "other counts": {c: i * 1000 + 11 for i, c in enumerate(ids)},  # same layout, other numbers
        "zeros": {c: 0 for c in ids},
        "mixed": {
            c: (None if i % 5 == 1 else 0 if i % 5 == 2 else -i if i % 5 == 3 else Decimal(f"{i}.50") if i % 5 == 4 else i)
            for i, c in enumerate(ids)
            if i % 7 != 6  # and some cells missing
        },
        "blank": {c: None for c in ids},
        "empty": {},
    }


def default_macro(env: Any) -> Any:
    return env.get_template("_table.html").module.official_table


def env_with_table(tmp_path: Path, source: str) -> Any:
    templates = tmp_path / "theme" / "templates"
    templates.mkdir(parents=True, exist_ok=True)
    (templates / "_table.html").write_text(source, encoding="utf-8")
    return make_env(theme_dirs(tmp_path / "theme"))


@pytest.mark.parametrize("format_id,table", TABLED, ids=[f"{f}-{t.id}" for f, t in TABLED])
def test_filled_tables_equal_the_macro_for_every_table_of_every_format(format_id: str, table: Table) -> None:
    env = make_env(theme_dirs(None))
    filler: TableFiller = env.globals["filled_table"]
    macro = default_macro(env)
    for name, values in variants(table).items():
        slow = str(macro(draw(table, values)))
        for attempt in range(3):  # the first makes the layout, the others fill it
            fast = filler(macro, ReportTable(table, values))
            assert str(fast) == slow, (format_id, table.id, name, attempt)
    # the default theme's macro is filled from layouts, not rendered for every report
    assert filler.filled >= 2 * len(variants(table))
    assert all(layout is not None for layout in filler.layouts.values())


def test_a_layout_is_reused_across_reports_with_other_numbers() -> None:
    env = make_env(theme_dirs(None))
    filler: TableFiller = env.globals["filled_table"]
    macro = default_macro(env)
    fmt_id, table = TABLED[0]
    for n in range(1, 6):
        values: dict[str, Number | None] = {c.id: n * (i + 1) for i, c in enumerate(table.cells)}
        assert str(filler(macro, ReportTable(table, values))) == str(macro(draw(table, values)))
    assert len(filler.layouts) == 1 and filler.filled == 4


ROWS = "{% for row in t.body %}<tr>{% for c in row %}<td>CELL</td>{% endfor %}</tr>{% endfor %}"
VALUE_DEPENDENT = {
    "compared": '{% if c.text == "0" %}零{% else %}{{ c.text }}{% endif %}',
    "truth": "{% if c.text %}{{ c.text }}{% else %}—{% endif %}",
    "length": "{{ c.text|length }}",
    "int": "{{ c.text|int + 1 }}",
    "joined": '{{ c.text ~ "件" }}',
    "string test": "{% if c.text is string %}{{ c.text }}{% endif %}",
    "escaped length": "{{ c.text|e|length }}",
    "escaped replaced": '{{ c.text|e|replace("-", "−") }}',
    "truncated": "{{ c.text|e|truncate(3, true, '') }}",
    "whole cell": "{{ c }}",
    "attribute": "{{ c.text.zfill(3) }}",
    "format": '{{ "%5s"|format(c.text) }}',
}


@pytest.mark.parametrize("name", sorted(VALUE_DEPENDENT))
def test_a_macro_that_depends_on_the_numbers_is_rendered_for_every_report(tmp_path: Path, name: str) -> None:
    source = "{% macro official_table(t) %}" + ROWS.replace("CELL", VALUE_DEPENDENT[name]) + "{% endmacro %}"
    env = env_with_table(tmp_path, source)
    filler: TableFiller = env.globals["filled_table"]
    macro = default_macro(env)
    _, table = next((f, t) for f, t in TABLED if t.layout == "grid")
    ids = [c.id for c in table.cells]
    for values in ({c: 5 for c in ids}, {c: 0 for c in ids}, {c: -12 for c in ids}, {c: 123456 for c in ids}):
        assert str(filler(macro, ReportTable(table, values))) == str(macro(draw(table, values))), name
    assert filler.filled == 0


def test_a_publishers_macro_that_only_writes_the_numbers_is_filled(tmp_path: Path) -> None:
    cell = '<span title="100%">{{ c.text }}</span>%s{% if "neg" in c.cls %}（减）{% endif %}'
    env = env_with_table(tmp_path, "{% macro official_table(t) %}<p>{{ t.caption }}</p>" + ROWS.replace("CELL", cell) + "{% endmacro %}")
    filler: TableFiller = env.globals["filled_table"]
    macro = default_macro(env)
    _, table = TABLED[0]
    for values in variants(table).values():
        for _ in range(2):
            assert str(filler(macro, ReportTable(table, values))) == str(macro(draw(table, values)))
    assert filler.filled > 0


def test_a_table_reads_like_a_drawn_table_in_a_theme_that_calls_the_macro_itself() -> None:
    env = make_env(theme_dirs(None))
    macro = default_macro(env)
    _, table = TABLED[0]
    values = variants(table)["mixed"]
    assert str(macro(ReportTable(table, values))) == str(macro(draw(table, values)))


def test_a_custom_table_template_takes_effect_on_report_pages(make_content, tmp_path: Path) -> None:
    from generator.build.pipeline import build
    from reports import narrative_md, report_yaml

    fmt = catalogue().formats["gov-2021"]
    first = [c.id for c in fmt.tables[0].cells]
    content = make_content(
        {
            "site.yaml": "title: 测试门户\ntheme: county-theme\n",
            # two reports with one layout: zeros in different cells
            "sheng/shi/xian/zhen/2021.yaml": report_yaml("gov-2021", 2021, {first[0]: 7, first[1]: 0}),
            "sheng/shi/xian/zhen/2021.md": narrative_md("gov-2021"),
            "sheng/shi/xian/zhen/2022.yaml": report_yaml("gov-2021", 2022, {first[0]: 0, first[1]: 9}),
            "sheng/shi/xian/zhen/2022.md": narrative_md("gov-2021"),
        }
    )
    templates = content.parent / "county-theme" / "templates"
    templates.mkdir(parents=True)
    (templates / "_table.html").write_text(
        "{% macro official_table(t) %}<table class=\"county\" id=\"county-{{ t.id }}\"><tbody>"
        "{% for row in t.body %}<tr>{% for c in row if c.cell_id %}"
        '<td data-cell="{{ c.cell_id }}">{% if c.text == "0" %}无{% else %}{{ c.text }}{% endif %}</td>'
        "{% endfor %}</tr>{% endfor %}</tbody></table>{% endmacro %}\n",
        encoding="utf-8",
    )
    result = build(content, tmp_path / "site", jobs=1)
    assert result.ok, [p.format() for p in result.check.diags.problems]
    for year, shown in ((2021, ("7", "无")), (2022, ("无", "9"))):
        soup = BeautifulSoup((tmp_path / "site" / f"sheng/shi/xian/zhen/{year}/index.html").read_text(encoding="utf-8"), "html.parser")
        assert soup.select("table.official") == []
        tables = soup.select("table.county")
        assert [t["id"] for t in tables] == [f"county-{t.id}" for t in fmt.tables]
        cells = {td["data-cell"]: td.get_text() for td in soup.select("table.county td")}
        assert (cells[first[0]], cells[first[1]]) == shown
        assert cells[first[2]] == "无"  # the other cells are zeros


def test_text_computed_from_the_written_numbers_is_caught_even_when_the_first_report_matches_the_placeholders(tmp_path: Path) -> None:
    # the length of "100" is that of the first shape of placeholder for the first ten cells: only the
    # second shape shows that the text around the placeholders depends on what was written there
    env = env_with_table(tmp_path, "{% macro official_table(t) %}" + ROWS.replace("CELL", "{{ c.text|e|length }}") + "{% endmacro %}")
    filler: TableFiller = env.globals["filled_table"]
    macro = default_macro(env)
    table = catalogue().formats["gov-2019"].table("art20_1")
    assert table is not None and len(table.cells) < 10
    for value in (100, 5, 12345):
        values: dict[str, Number | None] = {c.id: value for c in table.cells}
        assert str(filler(macro, ReportTable(table, values))) == str(macro(draw(table, values))), value
    assert filler.filled == 0


def test_a_use_of_a_number_is_noticed_even_if_the_macro_swallows_the_error() -> None:
    env = make_env(theme_dirs(None))
    filler: TableFiller = env.globals["filled_table"]
    macro = default_macro(env)

    def zero_marking_macro(t: Any) -> Any:
        zeros = 0
        for row in t.body:
            for c in row:
                try:
                    zeros += c.text == "0"
                except Exception:
                    pass
        return macro(t) + str(zeros)

    _, table = TABLED[0]
    ids = [c.id for c in table.cells]
    for values in ({c: 1 for c in ids}, {c: 0 for c in ids}):
        assert str(filler(zero_marking_macro, ReportTable(table, values))) == str(zero_marking_macro(draw(table, values)))
    assert filler.filled == 0


def test_a_table_whose_reports_rarely_share_a_layout_stops_making_layouts() -> None:
    from generator.render.table_fill import MAX_NEW_SHARE, TRIAL

    env = make_env(theme_dirs(None))
    filler: TableFiller = env.globals["filled_table"]
    macro = default_macro(env)
    table = catalogue().formats["gov-2021"].table("applications")
    assert table is not None
    ids = [c.id for c in table.cells]
    reports = 3 * TRIAL
    for n in range(reports):  # every report leaves a different cell blank
        values: dict[str, Number | None] = {c: (None if i == n else i) for i, c in enumerate(ids)}
        assert str(filler(macro, ReportTable(table, values))) == str(macro(draw(table, values))), n
    assert TRIAL <= len(filler.layouts) <= MAX_NEW_SHARE * reports + TRIAL
    assert filler.rendered >= reports - len(filler.layouts)
