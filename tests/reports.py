"""Report files written by tests: a valid zero-filled report of any format, as YAML text with known lines."""

from __future__ import annotations

from generator.formats import catalogue


def statistics_yaml(format_id: str, values: dict[str, object] | None = None, indent: str = "  ") -> list[str]:
    """The `statistics:` block of a report, one table row per line (flow mappings), zeros unless given."""
    values = values or {}
    fmt = catalogue().formats[format_id]
    lines = ["statistics:"]
    for table in fmt.tables:
        lines.append(f"{indent}{table.id}:")
        rows: dict[str, list[str]] = {}
        for cell in table.cells:
            parts = cell.path[1:]
            value = values.get(cell.id, 0)
            text = "null" if value is None else str(value)
            if len(parts) == 1:
                lines.append(f"{indent * 2}{parts[0]}: {text}")
            else:
                rows.setdefault(parts[0], []).append(f"{parts[1]}: {text}")
        for row, cells in rows.items():
            lines.append(f"{indent * 2}{row}: {{{', '.join(cells)}}}")
    return lines


def report_yaml(format_id: str, year: int = 2021, values: dict[str, object] | None = None, extra: str = "") -> str:
    fmt = catalogue().formats[format_id]
    head = [
        f"format: {format_id}",
        f"year: {year}",
        f"title: 测试镇{year}年政府信息公开工作年度报告",
        f"published: {year + 1}-01-20",
    ]
    body = statistics_yaml(format_id, values) if fmt.tables else []
    return "\n".join(head + body) + "\n" + extra


def narrative_md(format_id: str) -> str:
    fmt = catalogue().formats[format_id]
    parts = ["本报告依据《中华人民共和国政府信息公开条例》编制。", ""]
    for section in fmt.outline.sections:
        parts += [f"## {section.heading}", "", "本节内容。", ""]
    return "\n".join(parts)


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing `needle`."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")
