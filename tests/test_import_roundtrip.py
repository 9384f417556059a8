"""Every table format round-trips: a text copy drawn from the format description imports into the same cells."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest

from generator.formats import Format, catalogue
from generator.formats.spec import Table
from generator.importer.convert import convert
from generator.importer.labels import norm

TABLE_FORMATS = sorted(f.id for f in catalogue().formats.values() if f.tables)


def value_for(rng: random.Random, kind: str) -> object:
    if kind == "delta":
        return rng.randint(-20, 20)
    if kind == "amount":
        return Decimal(rng.randint(0, 9999)) / 10
    return rng.randint(0, 300)


def garble(label: str, rng: random.Random) -> str:
    """A label as clerks' copies have it: half-width brackets, 、 as ，, broken over two lines."""
    text = label.replace("（", "(").replace("）", ")") if rng.random() < 0.5 else label
    if len(text) > 6 and rng.random() < 0.3:
        cut = rng.randint(2, len(text) - 2)
        text = text[:cut] + "\n" + text[cut:]
    return text


def table_text(table: Table, values: dict[str, object], rng: random.Random) -> list[str]:
    lines = [table.caption, ""]
    header = [*table.stub] if table.stub else ([table.corner] if table.corner else [])
    for root in table.columns:
        header += [n.label for n in root.walk()]
    lines += [f"\t{garble(h, rng)}" for h in header] + [""]
    for root in table.rows:
        for node in root.walk():
            if node.label:
                lines.append(f"\t{garble(node.label, rng)}")
            if table.layout == "list":
                if node.value:
                    lines.append(f"\t{node.unit or table.unit}")
                    lines.append(f"\t{values[next(c.id for c in table.cells if c.row == node.id)]}")
                else:
                    lines += ["\t—", "\t"]
            elif not node.children:
                lines += [f"\t{values[c.id]}" for c in table.cells if c.row == node.id]
            lines.append("")
    return lines


def source_text(fmt: Format, values: dict[str, object], rng: random.Random) -> str:
    lines = ["某某镇人民政府2023年政府信息公开工作年度报告", ""]
    sections = {s.id: s.heading for s in fmt.outline.sections}
    placed: set[str] = set()
    for section in fmt.outline.sections:
        lines += [section.heading, "本节文字。", ""]
        for table in fmt.tables:
            if table.section == section.id:
                lines += table_text(table, values, rng)
                placed.add(table.id)
    for table in fmt.tables:
        if table.id not in placed:  # an appendix (the 2008 statistics table)
            lines += table_text(table, values, rng)
    del sections
    return "\n".join(lines) + "\n"


def as_web_copy(text: str) -> str:
    """The same page copied from a browser: no tabs, every cell on its own line, blank lines between."""
    out: list[str] = []
    for line in text.split("\n"):
        if line.startswith("\t"):
            if line[1:].strip():
                out += [line[1:], ""]
        elif line.strip():
            out += [line, ""]
    return "\n".join(out)


@pytest.mark.parametrize("format_id", TABLE_FORMATS)
@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("web", [False, True], ids=["tabbed", "web"])
def test_text_drawn_from_the_format_imports_into_the_same_cells(tmp_path: Path, format_id: str, seed: int, web: bool) -> None:
    fmt = catalogue().formats[format_id]
    rng = random.Random(seed)
    values = {c.id: value_for(rng, c.type) for t in fmt.tables for c in t.cells}
    source = tmp_path / "report.txt"
    text = source_text(fmt, values, rng)
    source.write_text(as_web_copy(text) if web else text, encoding="utf-8")
    imported = convert(source, catalogue())
    assert imported.report is not None
    assert imported.report.format.id == format_id
    assert imported.report.statistics == values
    looks = [f.format() for f in imported.findings if f.level == "look" and "勾稽关系" not in f.message and "发布日期" not in f.message]
    assert looks == []
    md = imported.narrative.markdown
    assert md.count("本节文字。") == len(fmt.outline.sections)
    paragraphs = {norm(line) for line in md.splitlines()}
    leaked = [n.label for t in fmt.tables for root in (*t.rows, *t.columns) for n in root.walk() if n.label and norm(n.label) in paragraphs]
    assert leaked == [], "table labels stay out of the narrative"


def add_drawn_table(document, table: Table, values: dict[str, object]) -> None:  # type: ignore[no-untyped-def]
    """The table as the portal draws it (generator.render.tables), as a Word table with the same merged cells."""
    from generator.render.tables import draw

    drawn = draw(table, values)  # type: ignore[arg-type]
    rows = [*drawn.head, *drawn.body]
    placed: list[tuple[int, int, object]] = []
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, cell))
            taken.update((r + i, c + j) for i in range(cell.rowspan) for j in range(cell.colspan))
            c += cell.colspan
    width = max(c for _, c in taken) + 1
    document.add_paragraph(drawn.caption)
    grid = document.add_table(rows=len(rows), cols=width)
    for r, c, cell in placed:
        target = grid.cell(r, c)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(grid.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
        target.text = cell.text


@pytest.mark.parametrize("format_id", TABLE_FORMATS)
def test_docx_drawn_from_the_format_imports_into_the_same_cells(tmp_path: Path, format_id: str) -> None:
    docx = pytest.importorskip("docx")
    fmt = catalogue().formats[format_id]
    rng = random.Random(format_id)
    values = {c.id: value_for(rng, c.type) for t in fmt.tables for c in t.cells}
    document = docx.Document()
    document.add_paragraph("某某镇人民政府2023年政府信息公开工作年度报告")
    placed: set[str] = set()
    for section in fmt.outline.sections:
        document.add_paragraph(section.heading)
        document.add_paragraph("本节文字。")
        for table in fmt.tables:
            if table.section == section.id:
                add_drawn_table(document, table, values)
                placed.add(table.id)
    for table in fmt.tables:
        if table.id not in placed:
            add_drawn_table(document, table, values)
    source = tmp_path / "report.docx"
    document.save(str(source))
    imported = convert(source, catalogue())
    assert imported.report is not None and imported.report.format.id == format_id
    assert imported.report.statistics == values
    looks = [f.format() for f in imported.findings if f.level == "look" and "勾稽关系" not in f.message and "发布日期" not in f.message]
    assert looks == []


@pytest.mark.parametrize("seed_name", ["jichang-2016.txt", "yangting-2021.txt", "web/dawulizhen-2020.txt"])
def test_import_is_deterministic(seed_name: str) -> None:
    seed = Path(__file__).parent / "fixtures" / "seeds" / seed_name
    first, second = convert(seed, catalogue()), convert(seed, catalogue())
    assert first.report is not None and second.report is not None
    assert first.report.dump() == second.report.dump()
    assert first.narrative.markdown == second.narrative.markdown
    assert [f.format() for f in first.findings] == [f.format() for f in second.findings]
