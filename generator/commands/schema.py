"""`nianbao schema`: write a JSON Schema per report format (and for site/region/town files)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from generator.formats import catalogue
from generator.formats.jsonschema import all_schemas


def render_schemas() -> dict[str, str]:
    return {name: json.dumps(schema, ensure_ascii=False, indent=2) + "\n" for name, schema in all_schemas(catalogue()).items()}


HELP = "导出各报告格式的 JSON Schema（供编辑器校验和补全）"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", default="schemas", help="输出目录（默认 schemas）")


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    schemas = render_schemas()
    for name, text in schemas.items():
        (out / name).write_text(text, encoding="utf-8")
    print(f"已写出 {len(schemas)} 个 JSON Schema 到 {out}/", file=sys.stderr)
    return 0
