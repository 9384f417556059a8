"""Which format a report uses, decided by the distinctive labels of its tables.

The markers of each format are data (`generator/formats/importing/layout_markers.yaml`): a few
of a format's own markers decide, so a copy cut after section 二 is still known by its
本年制发件数 or 第二十条第（九）项. One own marker with the shared ones (a copy cut after its first
column header: 第二十条第（一）项 and 本年制发件数) decides too. Where only the markers the 2019 and
2021 national formats share are seen, the report's year (from its title) chooses between them. The share of all a
format's labels is the fallback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

from generator.formats import FORMATS_DIR, Catalogue, Format
from generator.importer.labels import label_forms, norm
from generator.importer.pieces import Piece

MARKERS_FILE = FORMATS_DIR / "importing" / "layout_markers.yaml"
THRESHOLD = 0.3  # share of a format's labels that must appear for its tables to count as present (fallback)
MIN_LABELS_IN_CELLS = 3  # with real table cells in the source, this many labels are enough (a partial table)
TITLE_PIECES = 12  # the report's year is looked for in its first pieces (the title)
_YEAR = re.compile(r"(20\d{2})\s*年")
_BARS = re.compile(r"[|｜]")


@dataclass(frozen=True)
class Recognition:
    format: Format
    found: int  # labels of the format present in the source
    total: int
    markers: tuple[str, ...] = ()  # the labels that decided, as the format file writes them
    reason: str = ""  # how they decided (Chinese, for the import's findings)

    def basis(self, most: int = 0) -> str:
        """The labels that decided and how: “本年制发件数”、“本年废止件数”（该格式特有的标签）; `most` of them when given."""
        if not self.markers:
            return self.reason or "没有可识别的统计表"
        shown = self.markers[:most] if most else self.markers
        more = f" 等 {len(self.markers)} 个" if len(shown) < len(self.markers) else ""
        return "、".join(f"“{m}”" for m in shown) + more + (f"（{self.reason}）" if self.reason else "")


@dataclass(frozen=True)
class _Markers:
    own: dict[str, tuple[int, tuple[str, ...]]]  # format id -> (minimum, markers)
    shared_formats: tuple[str, ...]
    shared_since: dict[str, int]
    shared_min: int
    alone_min: int  # shared markers standing alone as a cell or a line (a table's caption) that suffice with the year
    shared: tuple[str, ...]
    with_own: int  # own markers that, with the shared ones seen, may make up a format's minimum


@lru_cache(maxsize=1)
def _markers() -> _Markers:
    data = yaml.safe_load(MARKERS_FILE.read_text(encoding="utf-8")) or {}
    own = {str(fid): (int(spec.get("min", 1)), tuple(str(m) for m in spec.get("markers") or ())) for fid, spec in (data.get("formats") or {}).items()}
    shared = data.get("shared") or {}
    return _Markers(
        own,
        tuple(str(f) for f in shared.get("formats") or ()),
        {str(k): int(v) for k, v in (shared.get("since") or {}).items()},
        int(shared.get("min", 2)),
        int(shared.get("alone_min", 0)),
        tuple(str(m) for m in shared.get("markers") or ()),
        int(shared.get("with_own", 0)),
    )


def format_labels(fmt: Format) -> set[str]:
    return {norm(label) for label in _labels_in_order(fmt)} - {""}


def _labels_in_order(fmt: Format) -> list[str]:
    """The row and column labels of the format's tables, as the format file writes them, each once, in table order."""
    labels: dict[str, None] = {}
    for table in fmt.tables:
        for root in (*table.rows, *table.columns):
            labels.update((node.label, None) for node in root.walk() if node.label)
    return list(labels)


def _present(markers: tuple[str, ...], text: str, format_id: str) -> tuple[str, ...]:
    return tuple(m for m in markers if any(form in text for form in label_forms(m, format_id)))


def report_year(pieces: list[Piece]) -> int | None:
    for piece in pieces[:TITLE_PIECES]:
        m = _YEAR.search(piece.text)
        if m:
            return int(m.group(1))
    return None


def recognise(pieces: list[Piece], catalogue: Catalogue) -> Recognition:
    """The table format its markers show; else by the share of its labels; the narrative format if none."""
    text = "".join(norm(p.text) for p in pieces)  # a label broken over pieces still counts
    formats = {f.id: f for f in catalogue.formats.values()}
    shares = {fid: _share(f, text) for fid, f in formats.items() if f.tables}
    spec = _markers()
    seen = {fid: _present(markers, text, fid) for fid, (_, markers) in spec.own.items() if fid in formats}
    decided = [fid for fid, found in seen.items() if len(found) >= spec.own[fid][0]]
    if decided:
        best = max(decided, key=lambda fid: (len(seen[fid]), shares[fid][0] / max(shares[fid][1], 1), fid))
        rivals = [fid for fid in decided if fid != best and len(seen[fid]) == len(seen[best])]
        if not rivals:
            found, total = shares[best]
            return Recognition(formats[best], found, total, seen[best], "该格式特有的标签")
    shared = _present(spec.shared, text, "")
    family = [fid for fid in spec.shared_formats if fid in formats]
    joined = _with_shared(seen, shared, family, spec)
    if joined is not None:
        found, total = shares[joined]
        names = "与".join(family)
        return Recognition(formats[joined], found, total, seen[joined] + shared, f"{joined} 特有的标签与{names}共有的标签")
    year = report_year(pieces)
    alone = _standing_alone(shared, pieces)
    enough = len(shared) >= spec.shared_min or (spec.alone_min > 0 and len(alone) >= spec.alone_min)
    if family and enough and year is not None and not any(seen.get(fid) for fid in family):
        in_force = [fid for fid in family if year >= spec.shared_since.get(fid, 0)] or family
        chosen = max(in_force, key=lambda fid: (spec.shared_since.get(fid, 0), fid))
        found, total = shares[chosen]
        names = "与".join(family)
        return Recognition(formats[chosen], found, total, shared, f"{names}共有的标签；两版各自的标签都不见于原文，按报告年度 {year} 年选择")
    return _by_share(pieces, text, formats, shares)


def _standing_alone(markers: tuple[str, ...], pieces: list[Piece]) -> tuple[str, ...]:
    """The markers that make up a whole piece (a cell, a line of its own, or a pipe row's only cell): a table's caption, not words in a sentence."""
    whole = {_BARS.sub("", norm(p.text)) for p in pieces}
    return tuple(m for m in markers if whole & label_forms(m, ""))


def _with_shared(seen: dict[str, tuple[str, ...]], shared: tuple[str, ...], family: list[str], spec: _Markers) -> str | None:
    """The one format of the family whose own markers (too few alone) and the shared ones seen make up its minimum.

    A copy cut after the first column header keeps 第二十条第（一）项 and 本年制发件数: the caption
    says it is one of the national formats, the column says which."""
    if not spec.with_own or not shared:
        return None
    owners = [fid for fid in family if seen.get(fid)]
    if len(owners) != 1:
        return None  # no own marker, or both formats' own markers: the year or the share decides
    fid = owners[0]
    if len(seen[fid]) >= spec.with_own and len(seen[fid]) + len(shared) >= spec.own[fid][0]:
        return fid
    return None


def _share(fmt: Format, text: str) -> tuple[int, int]:
    labels = format_labels(fmt)
    return sum(1 for label in labels if label in text), len(labels)


def _by_share(pieces: list[Piece], text: str, formats: dict[str, Format], shares: dict[str, tuple[int, int]]) -> Recognition:
    best: str | None = None
    for fid in sorted(shares):
        found, total = shares[fid]
        if not total:
            continue
        if best is None or found / total > shares[best][0] / shares[best][1]:
            best = fid
    has_cells = any(p.cell for p in pieces)
    if best is not None:
        found, total = shares[best]
        if found / total >= THRESHOLD or (has_cells and found >= MIN_LABELS_IN_CELLS):
            seen = tuple(label for label in _labels_in_order(formats[best]) if norm(label) in text)
            return Recognition(formats[best], found, total, seen, f"该格式 {total} 个标签中有 {found} 个见于原文")
    narrative = next((f for f in formats.values() if not f.tables), None)
    if narrative is None:  # pragma: no cover - the catalogue ships a narrative format
        raise LookupError("no narrative format in the catalogue")
    return Recognition(narrative, 0, 0)
