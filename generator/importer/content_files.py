"""Writing content files: a report's YAML and Markdown, and the town/region files a new town needs.

Shared by `nianbao new` and `nianbao import`. Output is deterministic (same input, same
bytes), every string is quoted when YAML would otherwise misread it, and nothing that
exists is overwritten unless the caller says so.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generator.diagnostics import Diagnostics
from generator.formats import Format
from generator.source.numbers import Number, format_number
from generator.source.slugs import is_slug
from generator.narrative.statements import Stated
from generator.source.yaml_source import load_yaml

_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^\n]*")


def scalar(value: object) -> str:
    """One YAML scalar: plain when that reads back as the same string, else double-quoted."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int,)) or hasattr(value, "as_tuple"):  # int or Decimal
        return format_number(value)  # type: ignore[arg-type]
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if _PLAIN.fullmatch(text) and ": " not in text and " #" not in text and not text.endswith((" ", ":")):
        try:
            if yaml.safe_load(text) == text:
                return text
        except yaml.YAMLError:
            pass
    return "".join(_escape(ch) for ch in json.dumps(text, ensure_ascii=False))


def _escape(ch: str) -> str:
    """Characters YAML refuses, or folds as line breaks, written as escapes inside a double-quoted scalar."""
    code = ord(ch)
    printable = ch in "\t\n\r" or 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or code >= 0x10000
    if printable and ch not in "\u2028\u2029\ufeff":
        return ch
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _comment(text: str) -> str:
    """A one-line YAML comment: characters YAML refuses or reads as line breaks are dropped."""
    return " ".join("".join(ch for ch in text if len(_escape(ch)) == 1).split())


@dataclass
class ReportFile:
    """What goes into `<year>.yaml`: fields in the order a clerk reads them."""

    format: Format
    year: int
    title: str
    authority: str = ""
    published: dt.date | None = None
    signature: dict[str, object] = field(default_factory=dict)  # authority, date, date_text
    source: dict[str, str] = field(default_factory=dict)  # url, document, note
    filled_by: str = ""
    statistics: dict[str, Number | None] = field(default_factory=dict)  # cell id -> value (absent: not read)
    figures: dict[str, Number] = field(default_factory=dict)
    stated: list[Stated] = field(default_factory=list)  # every count the narrative states, where it states it
    known_issues: dict[str, str] = field(default_factory=dict)  # identity id -> why it is kept as the source has it
    header: tuple[str, ...] = ()  # comment lines at the top

    def dump(self) -> str:
        out = [f"# {_comment(line)}" for line in self.header]
        out += [f"format: {scalar(self.format.id)}", f"year: {self.year}", f"title: {scalar(self.title)}"]
        if self.authority:
            out.append(f"authority: {scalar(self.authority)}")
        if self.published:
            out.append(f"published: {self.published.isoformat()}")
        for name, mapping in (("signature", self.signature), ("source", self.source)):
            items = [(k, v) for k, v in mapping.items() if v not in (None, "")]
            if items:
                out.append(f"{name}:")
                out += [f"  {k}: {scalar(v)}" for k, v in items]
        if self.filled_by:
            out.append(f"filled_by: {scalar(self.filled_by)}")
        if self.format.tables:
            out += self._statistics()
        if self.figures:
            out.append("figures:")
            out += [f"  {k}: {scalar(v)}" for k, v in self.figures.items()]
        if self.stated:
            out.append("stated:  # 正文中陈述的数字：数值、单位、标明它的词语、原文和在正文中的行号")
            for st in self.stated:
                out += [f"  - value: {scalar(st.value)}", f"    unit: {scalar(st.unit)}", f"    label: {scalar(st.label)}", f"    quote: {scalar(st.quote)}", f"    line: {st.line}"]
                if st.indicator:
                    out.append(f"    indicator: {scalar(st.indicator)}")
        if self.known_issues:
            out.append("known_issues:")
            for check_id, note in self.known_issues.items():
                out += [f"  - check: {scalar(check_id)}", f"    note: {scalar(note)}"]
        return "\n".join(out) + "\n"

    def _statistics(self) -> list[str]:
        lines = ["statistics:"]
        for table in self.format.tables:
            cells = [c for c in table.cells if c.id in self.statistics]
            if not cells:
                continue
            lines.append(f"  {table.id}:{'  # ' + _comment(table.caption) if table.caption else ''}")
            rows: dict[str, list[str]] = {}
            for cell in cells:
                value = scalar(self.statistics[cell.id])
                if len(cell.path) == 2:
                    lines.append(f"    {cell.path[1]}: {value}  # {_comment(cell.label)}")
                else:
                    rows.setdefault(cell.path[1], []).append(f"{cell.path[2]}: {value}")
            for row_id, parts in rows.items():
                node = table.find_row(row_id)
                label = f"  # {_comment(node.label)}" if node is not None and node.label else ""
                lines.append(f"    {row_id}: {{{', '.join(parts)}}}{label}")
        return lines


def zero_statistics(fmt: Format) -> dict[str, Number | None]:
    """Every cell of the format, zero."""
    return {cell.id: 0 for table in fmt.tables for cell in table.cells}


def outline_markdown(fmt: Format, intro: str = "") -> str:
    """A narrative skeleton: the format's section headings, each with an empty body."""
    parts = [intro, ""] if intro else []
    for section in fmt.outline.sections:
        parts += [f"## {section.heading}", ""]
    return "\n".join(parts).rstrip("\n") + "\n" if parts else ""


def town_kind(name: str) -> str:
    for suffix in ("街道", "镇", "乡", "苏木"):
        if name.endswith(suffix):
            return suffix
    return ""


def town_yaml(name: str, authority: str = "") -> str:
    lines = [f"name: {scalar(name)}"]
    kind = town_kind(name)
    if kind:
        lines.append(f"kind: {kind}")
    if authority:
        lines.append(f"authority: {scalar(authority)}")
    return "\n".join(lines) + "\n"


def read_name(path: Path) -> str:
    """The `name` of an existing town.yaml or region.yaml ("" when unreadable)."""
    try:
        doc = load_yaml(path.read_bytes(), str(path), Diagnostics())
    except OSError:
        return ""
    data = doc.data if doc is not None else None
    name = data.get("name") if isinstance(data, dict) else None
    return name if isinstance(name, str) else ""


def region_yaml(name: str) -> str:
    return f"name: {scalar(name)}\n"


class TargetExists(Exception):
    """A file to be written exists and --force was not given."""

    def __init__(self, paths: list[Path]) -> None:
        super().__init__("、".join(str(p) for p in paths))
        self.paths = paths


def town_folders(content: Path, town: str) -> tuple[str, list[str]]:
    """The town path inside the content folder (accepting `content/a/b` as well as `a/b`), and its segments."""
    text = town.strip().replace("\\", "/").strip("/")
    for prefix in (content.as_posix().strip("/").removeprefix("./"), content.name):
        if prefix and text.startswith(prefix + "/"):
            text = text[len(prefix):].strip("/")
            break
    parts = [p for p in text.split("/") if p and p != "."]
    return "/".join(parts), parts


def bad_segments(parts: list[str]) -> list[str]:
    return [p for p in parts if not is_slug(p)]


def write_files(files: dict[Path, str], *, force: bool) -> list[Path]:
    """Write every file, or none: refuse when any exists and `force` is false."""
    existing = [p for p in files if p.exists()]
    if existing and not force:
        raise TargetExists(existing)
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    return list(files)
