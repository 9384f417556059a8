"""Writing report YAML by hand: fast, stable byte for byte, and laid out as a clerk would write it."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any


def scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def simple_yaml(data: dict[str, Any]) -> str:
    return "".join(f"{k}: {scalar(v)}\n" for k, v in data.items())


def report_yaml(data: dict[str, Any]) -> str:
    """Mappings become blocks; a mapping of scalars at depth ≥ 2 of `statistics` is written on one line."""
    lines: list[str] = []
    _block(data, 0, lines, flow_from=None)
    return "\n".join(lines) + "\n"


def _block(data: dict[str, Any], indent: int, lines: list[str], flow_from: int | None) -> None:
    pad = "  " * indent
    for key, value in data.items():
        if isinstance(value, dict):
            if not value:
                lines.append(f"{pad}{key}: {{}}")
            elif flow_from is not None and indent >= flow_from and all(not isinstance(v, dict) for v in value.values()):
                inner = ", ".join(f"{k}: {scalar(v)}" for k, v in value.items())
                lines.append(f"{pad}{key}: {{{inner}}}")
            else:
                lines.append(f"{pad}{key}:")
                _block(value, indent + 1, lines, 2 if key == "statistics" and indent == 0 else flow_from)
        else:
            lines.append(f"{pad}{key}: {scalar(value)}")
