"""How well `nianbao import` reads the real reports in tests/fixtures/reports, against their hand-checked values.

Each fixture folder holds one `source.*` (text, .docx, .pdf or .html as copied from a portal),
`expected.yaml` (format, year, town, title, authority, the non-zero table cells and the non-zero
counts stated in the prose; `unreadable`: cells the copy leaves undecidable, which the import may
read or not; `other_unit`: cells the source states in a unit other than the format's, as printed,
which the import must leave out and list for a human) and `note.md`. The source is imported through `convert`, the function
`nianbao import` calls for every file, under the folder's name (as a clerk names the file).

Measured per fixture and in total:
- layout right: the format the import chose is the expected one;
- recovered: expected non-zero numbers found where they belong (a cell with its value; a stated
  count with its value and unit among the import's stated figures, or among its key figures);
- misplaced: a cell the import wrote with a value other than the expected one (cells not listed
  are zero unless listed as `unreadable`), or any value in an `other_unit` cell;
- unlisted: an `other_unit` cell that no finding of the import names (left out without a word);
- invented: a number the import wrote that does not occur in the source text;
- metadata: year, title, town and authority against the expected ones, where expected.

Run: `python tests/import_truth.py` (add `-v` to list every number lost or wrong).
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generator.formats import catalogue  # noqa: E402
from generator.importer.convert import Imported, convert, read_source  # noqa: E402

REPORTS = Path(__file__).resolve().parent / "fixtures" / "reports"
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
METADATA = ("year", "title", "town", "authority")


@dataclass
class Outcome:
    name: str
    kind: str  # the source file's suffix: .txt, .docx, .pdf, .html
    expected_format: str
    got_format: str
    expected: int = 0  # non-zero numbers the source states (cells + stated)
    recovered: int = 0
    lost: list[str] = field(default_factory=list)
    misplaced: list[str] = field(default_factory=list)
    unlisted: list[str] = field(default_factory=list)
    invented: list[str] = field(default_factory=list)
    metadata_wrong: list[str] = field(default_factory=list)
    metadata_checked: int = 0

    @property
    def layout_right(self) -> bool:
        return self.expected_format == self.got_format


def fixtures() -> list[Path]:
    return sorted(p for p in REPORTS.iterdir() if (p / "expected.yaml").is_file())


def source_of(folder: Path) -> Path:
    found = sorted(folder.glob("source.*"))
    if len(found) != 1:
        raise SystemExit(f"{folder}: expected exactly one source.* file, found {len(found)}")
    return found[0]


def expected_of(folder: Path) -> dict[str, object]:
    data = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict), folder
    return data


def _decimal(value: object) -> Decimal | None:
    try:
        return Decimal(str(value)).normalize()
    except (InvalidOperation, ValueError):
        return None


def flatten(node: object, prefix: str = ""):  # type: ignore[no-untyped-def]
    if isinstance(node, dict):
        for key, value in node.items():
            yield from flatten(value, f"{prefix}.{key}" if prefix else str(key))
    else:
        yield prefix, node


def _squeeze(text: object) -> str:
    return re.sub(r"\s+", "", str(text or ""))


def import_fixture(folder: Path, workdir: Path) -> tuple[Imported, str]:
    """The import of a fixture's source saved under the fixture's name, and the source's whole text."""
    source = source_of(folder)
    copy = workdir / f"{folder.name}{source.suffix}"
    shutil.copyfile(source, copy)
    text = "\n".join(p.text for p in read_source(copy).pieces)
    return convert(copy, catalogue()), text


def written(imported: Imported) -> dict[str, object]:
    """What the import would write into <year>.yaml, read back as data."""
    if imported.report is None:
        return {}
    data = yaml.safe_load(imported.report.dump())
    return data if isinstance(data, dict) else {}


def _stated_entries(data: dict[str, object]) -> list[tuple[Decimal, str, str]]:
    """(value, unit, words) of every stated figure the import wrote: words are its label and quote."""
    out: list[tuple[Decimal, str, str]] = []
    entries = data.get("stated") or []
    if isinstance(entries, dict):
        entries = list(entries.values())
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict):
            value = next((entry[k] for k in ("value", "number", "count") if k in entry), None)
            unit = str(entry.get("unit", ""))
            words = f"{entry.get('label', '')} {entry.get('quote', '')}"
        else:
            value, unit, words = entry, "", ""
        number = _decimal(value)
        if number is not None:
            out.append((number, unit, words))
    return out


def _shares_words(label: str, words: str) -> bool:
    """The expected label and the import's label or quote have two characters in a row in common."""
    label = _squeeze(label)
    return len(label) < 2 or any(label[i : i + 2] in words for i in range(len(label) - 1))


def measure(folder: Path, workdir: Path) -> Outcome:
    expected = expected_of(folder)
    imported, text = import_fixture(folder, workdir)
    data = written(imported)
    got_format = str(data.get("format") or imported.recognition.format.id)
    outcome = Outcome(folder.name, source_of(folder).suffix, str(expected["format"]), got_format)

    in_source = Counter(_decimal(m) for m in _NUMBER.findall(text))
    cells = {k: v for k, v in flatten(data.get("statistics") or {}) if v is not None}
    want_cells = {str(k): _decimal(v) for k, v in (expected.get("cells") or {}).items()}
    unreadable = set(expected.get("unreadable") or [])
    other_unit = {str(k): str(v) for k, v in (expected.get("other_unit") or {}).items()}

    for cell, value in want_cells.items():
        outcome.expected += 1
        got = _decimal(cells[cell]) if cell in cells else None
        if got == value:
            outcome.recovered += 1
        elif got is None:
            outcome.lost.append(f"{cell} = {value} (not read)")
    for cell, raw in cells.items():
        got = _decimal(raw)
        if cell in unreadable:
            continue
        if cell in other_unit:
            outcome.misplaced.append(f"{cell}: wrote {raw}, the source states {other_unit[cell]}, in a unit other than the format's")
            continue
        want = want_cells.get(cell, Decimal(0))
        if got != want:
            outcome.misplaced.append(f"{cell}: wrote {raw}, the source has {want}")

    for cell, printed in other_unit.items():
        if cell not in cells and not any(cell in f.message and "请换算后填写" in f.message for f in imported.findings):
            outcome.unlisted.append(f"{cell} = {printed} (left out, but no finding asks for it to be converted)")

    stated = _stated_entries(data)
    figures = Counter(_decimal(v) for v in (data.get("figures") or {}).values())
    for item in expected.get("stated") or []:
        outcome.expected += 1
        value, unit = _decimal(item["value"]), str(item.get("unit", ""))
        match = next((e for e in stated if e[0] == value and e[1] == unit and _shares_words(str(item.get("label", "")), e[2])), None)
        if match is not None:
            stated.remove(match)
            outcome.recovered += 1
        elif figures[value] > 0:
            figures[value] -= 1
            outcome.recovered += 1
        else:
            outcome.lost.append(f"{item.get('label', '')} {item['value']}{unit} (stated, not found)")

    wrote = [(f"statistics.{c}", v) for c, v in cells.items()]
    wrote += [(f"figures.{k}", v) for k, v in (data.get("figures") or {}).items()]
    wrote += [("stated", v) for v, _, _ in _stated_entries(data)]
    for where, raw in wrote:
        number = _decimal(raw)
        if number is None or number == 0:
            # a zero from a negation ("未收到申请") has no digit in the source; a zero cell is checked as misplaced above
            continue
        if in_source[number] == 0:
            outcome.invented.append(f"{where} = {raw}")

    for key in METADATA:
        if key not in expected:
            continue
        outcome.metadata_checked += 1
        if key == "town":
            got_value: object = imported.places.town
        elif key == "year":
            got_value = data.get("year")
        else:
            got_value = data.get(key, "")
        if _squeeze(got_value) != _squeeze(expected[key]):
            outcome.metadata_wrong.append(f"{key}: got “{got_value}”, expected “{expected[key]}”")
    return outcome


def failed(folder: Path, error: Exception) -> Outcome:
    expected = expected_of(folder)
    outcome = Outcome(folder.name, source_of(folder).suffix, str(expected["format"]), f"error: {type(error).__name__}")
    outcome.expected = len(expected.get("cells") or {}) + len(expected.get("stated") or [])
    outcome.lost.append(f"the import failed: {type(error).__name__}: {error}")
    outcome.metadata_checked = sum(1 for key in METADATA if key in expected)
    outcome.metadata_wrong = [f"{key}: not read (the import failed)" for key in METADATA if key in expected]
    return outcome


def measure_safely(folder: Path, workdir: Path) -> Outcome:
    """`measure`, with an import that fails outright measured as reading nothing."""
    try:
        return measure(folder, workdir)
    except Exception as error:
        return failed(folder, error)


def measure_all() -> list[Outcome]:
    with tempfile.TemporaryDirectory() as tmp:
        outcomes = []
        for folder in fixtures():
            workdir = Path(tmp) / folder.name
            workdir.mkdir()
            outcomes.append(measure_safely(folder, workdir))
        return outcomes


def recall(outcomes: list[Outcome]) -> float:
    total = sum(o.expected for o in outcomes)
    return sum(o.recovered for o in outcomes) / total if total else 1.0


def report(outcomes: list[Outcome], verbose: bool = False) -> str:
    lines = [f"{'fixture':34} {'kind':5} {'layout':24} {'recovered':>9} {'misplaced':>9} {'invented':>8} {'metadata':>8}"]
    for o in outcomes:
        layout = o.got_format if o.layout_right else f"{o.got_format} ≠ {o.expected_format}"
        meta = f"{o.metadata_checked - len(o.metadata_wrong)}/{o.metadata_checked}"
        lines.append(
            f"{o.name:34} {o.kind:5} {layout:24} {f'{o.recovered}/{o.expected}':>9} {len(o.misplaced):>9} {len(o.invented):>8} {meta:>8}"
        )
        if verbose:
            lines += [f"    lost: {x}" for x in o.lost]
            lines += [f"    misplaced: {x}" for x in o.misplaced]
            lines += [f"    unlisted: {x}" for x in o.unlisted]
            lines += [f"    invented: {x}" for x in o.invented]
            lines += [f"    metadata: {x}" for x in o.metadata_wrong]
    right = sum(o.layout_right for o in outcomes)
    found, total = sum(o.recovered for o in outcomes), sum(o.expected for o in outcomes)
    meta_checked = sum(o.metadata_checked for o in outcomes)
    meta_right = meta_checked - sum(len(o.metadata_wrong) for o in outcomes)
    lines.append(
        f"total: layout right {right}/{len(outcomes)}; stated non-zero numbers recovered {found}/{total} ({recall(outcomes):.0%}); "
        f"misplaced {sum(len(o.misplaced) for o in outcomes)}; unlisted {sum(len(o.unlisted) for o in outcomes)}; invented {sum(len(o.invented) for o in outcomes)}; "
        f"metadata right {meta_right}/{meta_checked}"
    )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    print(report(measure_all(), verbose="-v" in argv))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
