"""The YAML loader: line marks, duplicate keys and hostile documents."""

from __future__ import annotations

import datetime as dt

from generator.diagnostics import Diagnostics
from generator.yaml_source import load_yaml


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
