"""JSON Schemas: the committed ones are what the formats generate, and they accept the default content."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import CONTENT, REPO
from generator.commands.schema import render_schemas

SCHEMAS = REPO / "schemas"


def as_json(value: object) -> object:
    """YAML values as an editor's YAML language server sees them (dates are strings)."""
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def test_committed_schemas_are_up_to_date() -> None:
    generated = render_schemas()
    committed = {p.name: p.read_text(encoding="utf-8") for p in SCHEMAS.glob("*.json")}
    assert committed == generated, "run `nianbao schema --out schemas` and commit the result"


def _validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


REPORTS = sorted(p for p in CONTENT.rglob("*.yaml") if p.stem.isdigit())


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.relative_to(CONTENT).as_posix())
def test_default_reports_validate(path: Path) -> None:
    data = as_json(yaml.safe_load(path.read_text(encoding="utf-8")))
    errors = list(_validator(f"report-{data['format']}.schema.json").iter_errors(data))
    assert errors == []
    assert list(_validator("report.schema.json").iter_errors(data)) == []


def test_site_region_town_files_validate() -> None:
    checked = 0
    for path in sorted(CONTENT.rglob("*.yaml")):
        name = {"site.yaml": "site", "region.yaml": "region", "town.yaml": "town"}.get(path.name)
        if name:
            data = as_json(yaml.safe_load(path.read_text(encoding="utf-8")))
            assert list(_validator(f"{name}.schema.json").iter_errors(data)) == [], path
            checked += 1
    assert checked >= 3 + 8


def test_schema_rejects_what_the_validator_rejects() -> None:
    data = as_json(yaml.safe_load((CONTENT / "shandong/weihai/huancui/yangting/2021.yaml").read_text(encoding="utf-8")))
    validator = _validator("report-gov-2019.schema.json")
    data["statistics"]["applications"]["new"]["natural"] = -1
    data["colour"] = "red"
    del data["statistics"]["lawsuits"]["review_total"]
    messages = " ".join(e.message for e in validator.iter_errors(data))
    assert "-1" in messages and "colour" in messages and "review_total" in messages
