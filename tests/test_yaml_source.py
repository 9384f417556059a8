"""The YAML loader: line marks, duplicate keys and hostile documents."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import CONTENT
from generator.diagnostics import Diagnostics
from generator.source.yaml_source import load_yaml


def load(text: str | bytes) -> tuple[object, Diagnostics]:
    diags = Diagnostics()
    raw = text.encode("utf-8") if isinstance(text, str) else text
    doc = load_yaml(raw, "x.yaml", diags)
    return doc, diags


def test_values_and_their_positions() -> None:
    doc, diags = load("title: 标题\nstatistics:\n  stats: {a: 1, b: 2}\npublished: 2017-01-17\n")
    assert not diags.problems
    assert doc.data["statistics"]["stats"] == {"a": 1, "b": 2}
    assert doc.data["published"] == dt.date(2017, 1, 17)
    w = doc.where(("statistics", "stats", "b"))
    assert w.line == 3
    assert doc.where(("title",), key=True).line == 1
    assert doc.where(("statistics", "stats", "missing")).line == 3  # nearest ancestor


def test_duplicate_keys_are_an_error_naming_both_lines() -> None:
    doc, diags = load("a: 1\nb:\n  c: 1\n  c: 2\n")
    assert doc is None
    [p] = diags.problems
    assert p.code == "duplicate-key" and (p.line, p.column) == (4, 3)
    assert "b.c" in p.message and "第 3 行" in p.message


def test_tabs_get_a_plain_message() -> None:
    _, diags = load("a:\n\tb: 1\n")
    [p] = diags.problems
    assert p.code == "yaml-syntax" and p.line == 2 and "制表符" in p.message


def test_broken_utf8_names_the_line() -> None:
    _, diags = load(b"a: 1\nb: \xff\xfe\n")
    [p] = diags.problems
    assert p.code == "encoding" and p.line == 2


def test_alias_bomb_is_refused() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 10) + "]")
    _, diags = load("\n".join(lines) + "\n")
    assert [p.code for p in diags.problems] == ["yaml-too-big"]


def test_deep_nesting_is_refused() -> None:
    _, diags = load("a: " + "[" * 200 + "]" * 200 + "\n")
    assert [p.code for p in diags.problems] == ["yaml-too-deep"]


def test_yaml_11_booleans_stay_what_yaml_says() -> None:
    doc, diags = load("no: 1\n")
    assert not diags.problems
    assert doc.data == {"False": 1}


def test_very_deep_nesting_is_refused_before_it_can_overflow_the_stack() -> None:
    # composing this with libyaml recursed in C until the process died (SIGSEGV)
    for text in ("a: " + "[" * 100_000 + "]" * 100_000 + "\n", "a: " + "{a: " * 100_000 + "1" + "}" * 100_000 + "\n"):
        doc, diags = load(text)
        assert doc is None
        [p] = diags.problems
        assert p.code == "yaml-too-deep" and p.line == 1 and p.column > 3


def test_deep_block_nesting_names_the_line() -> None:
    text = "".join(" " * i + "a:\n" for i in range(2_000)) + " " * 2_000 + "b\n"
    _, diags = load(text)
    [p] = diags.problems
    assert p.code == "yaml-too-deep" and p.line == 51  # the 51st mapping starts there


def test_tags_on_collections_are_refused_not_ignored() -> None:
    for text in ('a: !!python/object/apply:os.system ["echo x"]\n', "a: !!set {x: null}\n", "a: !!omap [x: 1]\n", "a: !custom {b: 1}\n"):
        doc, diags = load(text)
        assert doc is None, text
        assert [p.code for p in diags.problems] == ["yaml-tag"], text
        assert diags.problems[0].line == 1
    doc, diags = load("a: !!seq [1]\nb: !!map {c: 1}\n")
    assert doc is not None and doc.data == {"a": [1], "b": {"c": 1}}


def test_keys_that_cannot_be_constructed_are_refused_with_their_line() -> None:
    # found by the long fuzzing session: a tag on a key raised ConstructorError out of the loader
    cases = [("a: 1\n!!binary format: x\n", 2), ("!0 format: x\n", 1), ("a: 1\n? 2021-02-30\n: x\n", 2), ("!!int b: 1\n", 1)]
    # and PyYAML's own constructors raising other exceptions on explicitly tagged scalars
    cases += [("!!timestamp format: x\n", 1), ("a: !!timestamp x\n", 1), ("a: !!bool maybe\n", 1), ("!!bool b: 1\n", 1), ("a: !!float x\n", 1), ("!!int : x\n", 1), ("a: !!int\n", 1)]
    for text, line in cases:
        doc, diags = load(text)
        assert doc is None, text
        [p] = diags.problems
        assert (p.code, p.line) == ("yaml-value", line), text


def _depth(text: str) -> int:
    """The deepest nesting of collections, from libyaml's events."""
    import yaml

    depth = deepest = 0
    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            deepest = max(deepest, depth)
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
    return deepest


def _nested(style: str, levels: int) -> str:
    """A valid document nested `levels` deep in one of the ways YAML allows, packed as tightly as it allows."""
    if style == "indented maps":
        return "".join(" " * i + "a:\n" for i in range(levels - 1)) + " " * (levels - 1) + "b: 1\n"
    if style == "sequences under keys, not indented":  # a map and its sequence share a column
        lines, col = [], 0
        for i in range(levels // 2):
            lines.append(" " * col + ("- " if i else "") + "a:")
            col += 2 if i else 0
        return "\n".join(lines) + "\n" + " " * col + "- 1\n"
    if style == "compact sequences":
        return "- " * levels + "x\n"
    if style == "compact and indented":
        half = levels // 2
        return "- " * half + "a:\n" + "".join(" " * (2 * half + i) + "b:\n" for i in range(levels - half - 1)) + " " * (2 * half + levels - half) + "c: 1\n"
    if style == "flow":
        return "a: " + "[" * (levels - 1) + "]" * (levels - 1) + "\n"
    if style == "flow pairs":
        return "a: " + "[b: " * ((levels - 1) // 2) + "1" + "]" * ((levels - 1) // 2) + "\n"
    if style == "explicit keys":
        return "? " * (levels - 1) + "a\n"
    # flow collections left open on each line, with a closing bracket that closes nothing
    if style == "flow, a quoted bracket on each line":
        return "a: " + "".join('[ "]",\n' for _ in range(levels - 1)) + "x" + "]" * (levels - 1) + "\n"
    if style == "flow, a bracket in a comment on each line":
        return "a: " + "".join("[ # ]\n" for _ in range(levels - 1)) + "x" + "]" * (levels - 1) + "\n"
    if style == "flow, one level per line":
        return "a: " + "".join("[\n" for _ in range(levels - 1)) + "x" + "]" * (levels - 1) + "\n"
    if style == "flow on one line each":  # siblings: shallow however many
        return "".join(f"k{i}: {{a: [1, 2], b: 3}}\n" for i in range(levels))
    raise AssertionError(style)


STYLES = ["indented maps", "sequences under keys, not indented", "compact sequences", "compact and indented", "flow",
          "flow pairs", "explicit keys", "flow, a quoted bracket on each line", "flow, a bracket in a comment on each line",
          "flow, one level per line", "flow on one line each"]


@pytest.mark.parametrize("style", STYLES)
def test_the_quick_depth_bound_never_lets_a_deep_document_pass(style: str) -> None:
    """`_shallow` skips the event walk only for documents that cannot be too deep."""
    from generator.source.yaml_source import MAX_DEPTH, _shallow

    seen_shallow = False
    for levels in range(2, 2 * MAX_DEPTH + 10):
        text = _nested(style, levels)
        depth = _depth(text)
        if _shallow(text):
            seen_shallow = True
            assert depth <= MAX_DEPTH, (style, levels, depth)
        if depth > MAX_DEPTH:
            _, diags = load(text)
            assert [p.code for p in diags.problems] == ["yaml-too-deep"], (style, levels)
    assert seen_shallow  # and it does skip the walk for ordinary documents


def test_report_files_are_shallow_enough_to_skip_the_walk(tmp_path: Path) -> None:
    """Block-style report files (as `nianbao synth` and `nianbao new` write them) skip the walk;
    one written with many flow mappings (`{…}`) is walked."""
    from generator.formats import catalogue
    from generator.synth import synthesise
    from generator.source.yaml_source import _shallow

    synthesise(tmp_path / "c", 2, [2014, 2018, 2020, 2022], catalogue(), seed=1)
    files = sorted((tmp_path / "c").rglob("*.yaml"))
    assert len(files) > 8 and all(_shallow(f.read_text(encoding="utf-8")) for f in files)
    # a file with comments beside its flow mappings is walked
    assert not _shallow((CONTENT / "shandong/weihai/huancui/yangting/2021.yaml").read_text(encoding="utf-8"))
