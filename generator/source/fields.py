"""Typed reading of YAML mappings, reporting every wrong, missing or unknown field."""

from __future__ import annotations

import datetime as dt
from typing import Any

from generator.source.controls import first_invisible
from generator.diagnostics import Diagnostics
from generator.source.yaml_source import Path_, YamlDoc, field_path

MAX_TEXT = 2000  # characters in one text field; titles and names are held to less (MAX_NAME)
MAX_NAME = 200
TYPE_NAMES = {str: "文字", int: "整数", float: "数字", bool: "true/false", list: "列表", dict: "映射", dt.date: "日期"}


def describe(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return f"true/false（{str(value).lower()}）"
    if isinstance(value, (dt.date, dt.datetime)):
        return f"日期 {value.isoformat()}"
    if isinstance(value, (int, float)):
        return f"数字 {value}"
    if isinstance(value, str):
        return f"文字“{value[:40]}”"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "映射"
    return type(value).__name__


class Fields:
    """One mapping in a document: read its fields by name; problems go to `diags`."""

    def __init__(self, doc: YamlDoc, path: Path_, value: Any, diags: Diagnostics) -> None:
        self.doc = doc
        self.path = path
        self.diags = diags
        self.ok = isinstance(value, dict)
        self.data: dict[str, Any] = value if self.ok else {}
        if not self.ok:
            what = "文件内容" if not path else f"“{field_path(path)}”"
            self.diags.error(
                "wrong-type", doc.where(path), f"{what}应为映射（每行“键: 值”）", field=field_path(path), expected="映射", found=describe(value)
            )

    @classmethod
    def root(cls, doc: YamlDoc, diags: Diagnostics) -> "Fields":
        return cls(doc, (), doc.data, diags)

    def where(self, key: str | None = None, *, at_key: bool = False):  # type: ignore[no-untyped-def]
        return self.doc.where(self.path + ((key,) if key else ()), key=at_key)

    def fname(self, key: str) -> str:
        return field_path(self.path + (key,))

    def error(self, key: str | None, code: str, message: str, **kw: Any) -> None:
        self.diags.error(code, self.where(key), message, field=self.fname(key) if key else field_path(self.path), **kw)

    def warning(self, key: str | None, code: str, message: str, **kw: Any) -> None:
        self.diags.warning(code, self.where(key), message, field=self.fname(key) if key else field_path(self.path), **kw)

    def check_keys(self, allowed: dict[str, str], required: tuple[str, ...] = ()) -> None:
        """`allowed` maps each field name to a short Chinese description (for the message)."""
        if not self.ok:
            return
        for key in self.data:
            if key not in allowed:
                self.diags.error(
                    "unknown-field",
                    self.where(key, at_key=True),
                    f"未知字段“{key}”",
                    field=self.fname(key),
                    expected="可用字段：" + "、".join(allowed),
                    found=key,
                )
        for key in required:
            if key not in self.data or self.data[key] is None:
                self.diags.error(
                    "missing-field",
                    self.where(),
                    f"缺少必填字段“{key}”（{allowed.get(key, '')}）",
                    field=self.fname(key),
                    expected=allowed.get(key, key),
                )

    def _typed(self, key: str, types: tuple[type, ...], name: str) -> Any:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) and bool not in types:
            ok = False
        else:
            ok = isinstance(value, types)
        if not ok:
            self.error(key, "wrong-type", f"字段“{key}”的类型不对", expected=name, found=describe(value))
            return None
        return value

    def text(self, key: str, default: str = "", *, max_len: int = MAX_TEXT) -> str:
        value = self._typed(key, (str,), "文字")
        if value is None:
            return default
        cleaned = value.strip()
        if len(cleaned) > max_len:
            self.error(key, "too-long", f"字段“{key}”过长", expected=f"不超过 {max_len} 个字", found=f"{len(cleaned)} 个字")
            return default
        bad = first_invisible(cleaned)
        if bad >= 0:
            self.error(
                key,
                "control-char",
                f"字段“{key}”含有控制字符或文字方向控制符（第 {bad + 1} 个字符），请删除",
                found=f"U+{ord(cleaned[bad]):04X}",
            )
            return default
        return cleaned

    def integer(self, key: str) -> int | None:
        return self._typed(key, (int,), "整数")

    def boolean(self, key: str, default: bool) -> bool:
        value = self._typed(key, (bool,), "true 或 false")
        return default if value is None else value

    def date(self, key: str) -> dt.date | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        self.error(key, "wrong-type", f"字段“{key}”应为日期", expected="YYYY-MM-DD，例如 2022-01-20", found=describe(value))
        return None

    def mapping(self, key: str) -> "Fields | None":
        if key not in self.data or self.data[key] is None:
            return None
        return Fields(self.doc, self.path + (key,), self.data[key], self.diags)
