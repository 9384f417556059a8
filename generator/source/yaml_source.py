"""Loading YAML safely, with the line and column of every value.

PyYAML's loaders keep the last of two equal keys and forget where values came
from. Content needs both: a duplicate key is lost data, and every message must
name its line. So the document is composed into nodes with libyaml (fast), and
the nodes are turned into plain values here, recording marks by field path and
refusing duplicate keys, non-scalar keys, excessive nesting and alias bombs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml

from generator.diagnostics import Diagnostics, Where

try:  # libyaml is ~7x faster; fall back to the pure-Python loader where it is missing
    _SafeLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _SafeLoader = yaml.SafeLoader

# A scalar's tag depends only on its kind, text and implicitness (the safe loader has no path
# resolvers), and report files repeat the same short texts (cell values, keys) thousands of times:
# resolving each by PyYAML's regular expressions was a sixth of loading a report.
_RESOLVED: dict[tuple[Any, Any, Any], str] = {}
_RESOLVED_LIMIT = 50_000
_RESOLVED_TEXT = 40  # longer texts are rarely repeated: not kept


class _Loader(_SafeLoader):  # type: ignore[misc, valid-type]
    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        key = (kind, value, implicit)
        tag = _RESOLVED.get(key)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(_RESOLVED) < _RESOLVED_LIMIT and (value is None or len(value) <= _RESOLVED_TEXT):
                _RESOLVED[key] = tag
        return tag


_STR_TAG = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"
_PLAIN_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")  # what PyYAML reads as int(text), nothing else

MAX_DEPTH = 50
MAX_NODES = 200_000
MAX_BYTES = 5 * 1024 * 1024

Path_ = tuple[str | int, ...]
_PLAIN_COLLECTIONS = {"tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}


@dataclass
class YamlDoc:
    """A loaded document: its value and where each part of it was written."""

    path: str
    data: Any
    marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path_, *, key: bool = False) -> Where:
        """The place of a value (or of its key), or of its nearest ancestor."""
        table = self.key_marks if key else self.marks
        p = tuple(path)
        while True:
            if p in table:
                line, col = table[p]
                return Where(self.path, line, col)
            if key and p in self.marks:
                line, col = self.marks[p]
                return Where(self.path, line, col)
            if not p:
                return Where(self.path, 1, 1)
            p = p[:-1]


class _Budget:
    def __init__(self) -> None:
        self.nodes = 0


class _Refused(Exception):
    def __init__(self, code: str, message: str, node: yaml.Node) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.node = node


def field_path(path: Path_) -> str:
    """`statistics.stats.items` / `sections[2]` for messages."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + part
    return text


def decode_text(raw: bytes, rel: str, diags: Diagnostics) -> str | None:
    """UTF-8 (with or without BOM) or a clear error naming the line of the first bad byte."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        diags.error(
            "encoding",
            Where(rel, line, col),
            "文件不是有效的 UTF-8 编码，请用 UTF-8 另存后重试",
            found=f"字节 0x{raw[exc.start]:02x}",
        )
        return None
    return text


def load_yaml(raw: bytes, rel: str, diags: Diagnostics) -> YamlDoc | None:
    """Parse one YAML file. On any problem, add it to `diags` and return None."""
    if len(raw) > MAX_BYTES:
        diags.error("too-large", Where(rel), "YAML 文件过大", expected=f"不超过 {MAX_BYTES} 字节", found=f"{len(raw)} 字节")
        return None
    text = decode_text(raw, rel, diags)
    if text is None:
        return None
    loader = _Loader(text)
    try:
        deep = None if _shallow(text) else _too_deep(text)
        if deep is not None:
            diags.error("yaml-too-deep", Where(rel, deep.line + 1, deep.column + 1), f"YAML 嵌套超过 {MAX_DEPTH} 层，拒绝处理")
            return None
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        diags.error("yaml-syntax", Where(rel, line, col), "YAML 语法错误：" + _explain(exc, _char_at(text, mark)))
        return None
    except yaml.YAMLError as exc:
        diags.error("yaml-syntax", Where(rel), f"YAML 语法错误：{exc}")
        return None
    finally:
        loader.dispose()
    doc = YamlDoc(rel, None)
    if node is None:
        return doc
    try:
        doc.data = _convert(node, (), doc, loader, _Budget(), 0)
    except _Refused as exc:
        mark = exc.node.start_mark
        diags.error(exc.code, Where(rel, mark.line + 1, mark.column + 1), exc.message)
        return None
    return doc


def _shallow(text: str) -> bool:
    """Can the document not be nested more than MAX_DEPTH deep? (Then `_too_deep` need not walk it.)

    A bound from the text alone. Along a chain of nested block collections the column where each
    starts never decreases and grows at least every other step (only a sequence may sit at its
    mapping's column, and what nests in it must be indented further). A collection starts at the
    end of its line's prefix of blanks and `-`/`?`/`:` indicators, or within it; so with no such
    prefix of `limit` characters, block nesting is under 2 × limit. Flow collections inside add at
    most two levels (a sequence and a single-pair mapping in it) per level of brackets
    (`_flow_bound`). Anything else (long prefixes, deep brackets) is walked.
    """
    limit = (MAX_DEPTH - 2 * _flow_bound(text)) // 2 - 1
    return limit > 0 and _long_prefix(limit).search(text) is None


_BRACKET_LINE = re.compile(r"(?m)^.*[\[\]{}].*$")
_NOT_PLAIN = re.compile(r"['\"#!]")  # quotes and comments may hold brackets, tags may end in one
_BRACKETS = re.compile(r"[\[\]{}]")


def _flow_bound(text: str) -> int:
    """At most how deep flow collections nest: the deepest brackets of one line when every line with
    brackets closes what it opens and has no quote, comment or tag; else every opening bracket."""
    deepest = 0
    for line in _BRACKET_LINE.findall(text):
        if _NOT_PLAIN.search(line):
            return text.count("[") + text.count("{")
        depth = 0
        for bracket in _BRACKETS.findall(line):
            depth += 1 if bracket in "[{" else -1
            if depth < 0:
                return text.count("[") + text.count("{")
            deepest = max(deepest, depth)
        if depth:
            return text.count("[") + text.count("{")
    return deepest


@lru_cache(maxsize=None)
def _long_prefix(limit: int) -> re.Pattern[str]:
    return re.compile(r"(?m)^(?:[ \t]|[-?:](?=[ \t\r]|$)){%d}" % limit)


def _too_deep(text: str) -> yaml.Mark | None:
    """Where nesting first exceeds MAX_DEPTH, found from the event stream before composing.

    libyaml's parser keeps its own stack, but composing nodes recurses in C: a document
    nested a hundred thousand levels deep would overflow the C stack and kill the process.
    """
    scanner = _Loader(text)
    depth = 0
    try:
        while scanner.check_event():
            event = scanner.get_event()
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        # libyaml's own nesting limit (PyYAML 6.0.4 and later): its scanner, reading ahead of the
        # events, refuses flow collections past a thousand levels before the walk above gets there
        if "maximum nesting depth" in str(exc.problem) and exc.problem_mark is not None:
            return exc.problem_mark
        raise
    finally:
        scanner.dispose()
    return None


def _char_at(text: str, mark: yaml.Mark | None) -> str:
    if mark is None:
        return ""
    lines = text.splitlines()
    if mark.line < len(lines) and mark.column < len(lines[mark.line]):
        return lines[mark.line][mark.column]
    return ""


def _explain(exc: yaml.MarkedYAMLError, char: str) -> str:
    problem = str(exc.problem or exc)
    if char == "\t" or "\\t" in problem or "tab" in problem:
        return "不能用制表符（Tab）缩进，请改用空格"
    if "unacceptable character" in problem or "special characters are not allowed" in problem:
        return "文件中含有不允许的控制字符"
    if "mapping values are not allowed" in problem:
        return "此处不能出现冒号（若为文字内容，请加引号）"
    if "could not find expected ':'" in problem:
        return "缺少冒号“:”（键与值之间须有冒号和空格）"
    if "found duplicate anchor" in problem or "found undefined alias" in problem:
        return "锚点或别名有误：" + problem
    return problem


def _scalar(node: yaml.ScalarNode, loader: Any) -> Any:
    try:
        # the two kinds of nearly every scalar, made as PyYAML's constructors make them, directly
        if node.tag == _STR_TAG:
            return node.value
        if node.tag == _INT_TAG and _PLAIN_DECIMAL.match(node.value):
            return int(node.value)  # ValueError past Python's digit limit, as in the constructor
        return loader.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as exc:
        raise _Refused("yaml-value", f"无法识别的值：{exc.problem}", node) from None
    except ValueError as exc:  # e.g. an impossible date such as 2021-02-30, or 5,000 digits
        raise _Refused("yaml-value", f"无法识别的值 {node.value[:40]!r}：{exc}", node) from None
    except Exception:  # noqa: BLE001 - third-party code turning one scalar into a value
        # PyYAML's constructors trip over explicitly tagged scalars in several ways:
        # "!!timestamp x" raises AttributeError, "!!bool x" KeyError, an empty "!!int" IndexError.
        # Whatever the exception, it means the same thing: this value cannot be read.
        raise _Refused("yaml-value", f"无法识别的值 {node.value[:40]!r}（标签 {node.tag}）", node) from None


def _convert(node: yaml.Node, path: Path_, doc: YamlDoc, loader: Any, budget: _Budget, depth: int) -> Any:
    budget.nodes += 1
    if budget.nodes > MAX_NODES:
        raise _Refused("yaml-too-big", f"YAML 文档展开后超过 {MAX_NODES} 个节点（可能是别名炸弹），拒绝处理", node)
    if depth > MAX_DEPTH:
        raise _Refused("yaml-too-deep", f"YAML 嵌套超过 {MAX_DEPTH} 层，拒绝处理", node)
    doc.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node, loader)
    if isinstance(node, (yaml.SequenceNode, yaml.MappingNode)) and node.tag not in _PLAIN_COLLECTIONS:
        # the converter below builds plain lists and dicts, so a tag such as
        # !!python/object/apply or !!set on a collection would be silently ignored
        raise _Refused("yaml-tag", f"不支持 YAML 标签“{node.tag}”，请直接写出值", node)
    if isinstance(node, yaml.SequenceNode):
        return [_convert(child, path + (i,), doc, loader, budget, depth + 1) for i, child in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _Refused("yaml-merge", "不支持 YAML 合并键“<<”，请直接写出各项", key_node)
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Refused("yaml-key", "键必须是简单的文字或数字", key_node)
            key = _scalar(key_node, loader)  # keys too: "!!binary title:" or "? 2021-02-30" must not raise
            key = str(key) if not isinstance(key, str) else key
            if key in result:
                first = doc.key_marks[path + (key,)]
                raise _Refused(
                    "duplicate-key",
                    f"键“{field_path(path + (key,))}”重复出现（第一次在第 {first[0]} 行）；"
                    "YAML 只会保留最后一个值，这会丢失数据",
                    key_node,
                )
            doc.key_marks[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = _convert(value_node, path + (key,), doc, loader, budget, depth + 1)
        return result
    raise _Refused("yaml-node", "无法识别的 YAML 节点", node)  # pragma: no cover
