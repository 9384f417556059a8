"""JSON Schemas generated from the format descriptions, so an editor can check and complete report YAML."""

from __future__ import annotations

from typing import Any

from generator.formats.spec import Catalogue, Format, Table
from generator.formats.types import CELL_TYPES

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _cell_schema(ctype: str, title: str, unit: str) -> dict[str, Any]:
    t = CELL_TYPES[ctype]
    number: dict[str, Any] = {"type": "integer" if t.integer else "number"}
    if not t.signed:
        number["minimum"] = 0
    desc = f"{t.description}" + (f"，单位：{unit}" if unit else "") + "；原表空白写 null"
    return {"title": title, "description": desc, "anyOf": [number, {"type": "null"}]}


def _table_schema(table: Table) -> dict[str, Any]:
    props: dict[str, Any] = {}
    for cell in table.cells:
        parts = cell.path[1:]
        if len(parts) == 1:
            props[parts[0]] = _cell_schema(cell.type, cell.label, cell.unit)
        else:
            row = props.setdefault(
                parts[0],
                {"type": "object", "title": table.find_row(parts[0]).label if table.find_row(parts[0]) else parts[0], "properties": {}, "additionalProperties": False},
            )
            row["properties"][parts[1]] = _cell_schema(cell.type, cell.label, cell.unit)
    for value in props.values():
        if "properties" in value:
            value["required"] = list(value["properties"])
    return {"type": "object", "title": table.caption, "properties": props, "required": list(props), "additionalProperties": False}


def report_schema(fmt: Format, catalogue: Catalogue) -> dict[str, Any]:
    text = {"type": "string"}
    date = {"type": "string", "format": "date", "description": "YYYY-MM-DD"}
    props: dict[str, Any] = {
        "format": {"const": fmt.id, "description": fmt.name},
        "year": {"type": "integer", "minimum": 2000, "maximum": 2100, "description": "报告年度，与文件名一致"},
        "title": {**text, "description": "报告标题（按原文）"},
        "authority": {**text, "description": "发布机关"},
        "published": date,
        "signature": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"authority": text, "date": date, "date_text": {**text, "description": "落款日期原文"}},
        },
        "source": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"url": {**text, "pattern": "^https?://"}, "document": text, "note": text},
        },
        "filled_by": {**text, "description": "统计表填报单位"},
        "figures": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                ind.id: {"title": ind.label, "description": f"{ind.description}（{ind.unit}）", "type": "integer" if CELL_TYPES[ind.type].integer else "number", "minimum": 0}
                for ind in catalogue.indicators.values()
            },
        },
        "stated": {
            "type": "array",
            "description": "正文中陈述的数字：每项的数值须见于正文第 line 行的原文 quote",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["value", "unit", "label", "quote", "line"],
                "properties": {
                    "value": {"type": "number", "minimum": 0, "description": "数值（按原文；以否定句陈述的为 0）"},
                    "unit": {**text, "description": "单位（按原文，如 条、件、人次）"},
                    "label": {**text, "description": "标明该数字的词语"},
                    "quote": {**text, "description": "原文（去掉空白）"},
                    "line": {"type": "integer", "minimum": 1, "description": "在正文（.md）中的行号"},
                    "indicator": {"enum": list(catalogue.indicators), "description": "对应的规范指标编号"},
                },
            },
        },
        "known_issues": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["check", "note"],
                "properties": {"check": {"enum": [i.id for i in fmt.identities]} if fmt.identities else text, "note": text},
            },
        },
    }
    required = ["format", "year", "title"]
    if fmt.tables:
        props["statistics"] = {
            "type": "object",
            "additionalProperties": False,
            "properties": {t.id: _table_schema(t) for t in fmt.tables},
            "required": [t.id for t in fmt.tables],
        }
        required.append("statistics")
    return {
        "$schema": DRAFT,
        "$id": f"report-{fmt.id}.schema.json",
        "title": f"年报数据：{fmt.name}",
        "type": "object",
        "additionalProperties": False,
        "required": required,
        "properties": props,
    }


def site_schemas() -> dict[str, dict[str, Any]]:
    """Schemas of site.yaml, region.yaml and town.yaml (from the validator's field lists)."""
    from generator.formats.site_files import REGION_FIELDS, SITE_FIELDS, TOWN_FIELDS

    def simple(title: str, fields: dict[str, str], required: list[str], special: dict[str, Any]) -> dict[str, Any]:
        props = {k: special.get(k, {"type": "string", "description": v}) for k, v in fields.items()}
        return {"$schema": DRAFT, "title": title, "type": "object", "additionalProperties": False, "required": required, "properties": props}

    code = {"type": ["string", "integer"], "description": "行政区划代码（6、9或12位数字）"}
    return {
        "site.schema.json": simple(
            "站点配置 site.yaml",
            SITE_FIELDS,
            ["title"],
            {
                "show_consistency_notes": {"type": "boolean", "description": SITE_FIELDS["show_consistency_notes"]},
                "contact": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {k: {"type": "string"} for k in ("phone", "email", "address")},
                },
            },
        ),
        "region.schema.json": simple("地区 region.yaml", REGION_FIELDS, ["name"], {"code": code}),
        "town.schema.json": simple("镇 town.yaml", TOWN_FIELDS, ["name"], {"code": code}),
    }


def any_report_schema(catalogue: Catalogue) -> dict[str, Any]:
    """One schema for every report file, whatever its format: the editor picks the branch by `format`."""
    defs = {}
    for fmt in catalogue.formats.values():
        one = report_schema(fmt, catalogue)
        one.pop("$schema")
        one.pop("$id")
        defs[fmt.id] = one
    return {
        "$schema": DRAFT,
        "$id": "report.schema.json",
        "title": "年报数据（任一格式）",
        "type": "object",
        "required": ["format"],
        "properties": {"format": {"enum": sorted(defs)}},
        "oneOf": [{"$ref": f"#/$defs/{fid}"} for fid in sorted(defs)],
        "$defs": dict(sorted(defs.items())),
    }


def all_schemas(catalogue: Catalogue) -> dict[str, dict[str, Any]]:
    schemas = {f"report-{f.id}.schema.json": report_schema(f, catalogue) for f in catalogue.formats.values()}
    schemas["report.schema.json"] = any_report_schema(catalogue)
    schemas.update(site_schemas())
    return dict(sorted(schemas.items()))
