"""One synthetic report: its data (as the YAML will hold it) and its narrative."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from generator.formats import Catalogue, Format
from generator.source.numbers import Number
from generator.narrative.statements import find_statements
from generator.synth.narrative import compose, figure_sentence
from generator.synth.phrases import Unfollowable, phrase_for
from generator.synth.statistics import solve

DIGITS = "〇一二三四五六七八九"
EXTRA_FIGURE_SHARE = 0.6


@dataclass
class ReportDraft:
    town_path: str
    file_year: int
    fmt: Format
    data: dict[str, Any]  # the report YAML, in writing order
    narrative: str | None


def chinese_date(d: dt.date) -> str:
    year = "".join(DIGITS[int(c)] for c in str(d.year))
    return f"{year}年{_small(d.month)}月{_small(d.day)}日"


def _small(n: int) -> str:
    if n < 10:
        return DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")


def nest(values: dict[str, Number], fmt: Format) -> dict[str, Any]:
    """Cell values keyed by id -> the `statistics` mapping (table › row › column)."""
    root: dict[str, Any] = {}
    for cid in fmt.cells:
        holder = root
        path = cid.split(".")
        for part in path[:-1]:
            holder = holder.setdefault(part, {})
        holder[path[-1]] = values[cid]
    return root


def draft_report(catalogue: Catalogue, fmt: Format, town_path: str, town: str, authority: str, place: str, year: int, seed: int) -> ReportDraft:
    rng = random.Random(f"{seed}/{town_path}/{year}")
    scale = rng.choice((4, 8, 12, 20, 40))
    values = solve(fmt, rng, scale) if fmt.tables else {}
    # indicator values the narrative may state: from the tables through the crosswalk, else drawn as key figures
    stated: dict[str, Number] = {}
    section_of: dict[str, str] = {}
    tables = {t.id: t for t in fmt.tables}
    for ind, cells in fmt.indicators.items():
        stated[ind] = sum((values[c] for c in cells), 0)
        section_of[ind] = tables[cells[0].split(".")[0]].section
    figures: dict[str, Number] = {}
    for ind_id, indicator in catalogue.indicators.items():
        if ind_id in stated or not indicator.patterns or indicator.type != "count":
            continue
        if rng.random() < EXTRA_FIGURE_SHARE:
            figures[ind_id] = rng.randint(0, scale * 10)
            stated[ind_id] = figures[ind_id]
            section_of[ind_id] = _section_for(ind_id, fmt)
    by_section: dict[str, list[str]] = {}
    for ind_id, value in stated.items():
        sentence = _statement(catalogue, ind_id, value, rng)
        if sentence is None:
            figures.pop(ind_id, None)
            continue
        by_section.setdefault(section_of[ind_id], []).append(sentence)
    published = dt.date(year + 1, 1, 1) + dt.timedelta(days=rng.randint(5, 80))
    title = f"{place}{town}{year}年政府信息公开工作年度报告"
    lines = compose(rng, town, title, fmt.outline.sections, by_section)
    lines += [f"{authority}", "", chinese_date(published), ""]
    narrative = "\n".join(lines)
    _assert_consistent(narrative, catalogue, stated)
    data: dict[str, Any] = {
        "format": fmt.id,
        "year": year,
        "title": title,
        "published": published,
        "signature": {"authority": authority, "date": published, "date_text": chinese_date(published)},
    }
    if fmt.tables:
        data["statistics"] = nest(values, fmt)
    if figures:
        data["figures"] = dict(sorted(figures.items()))
    return ReportDraft(town_path, year, fmt, data, narrative)


def _section_for(indicator: str, fmt: Format) -> str:
    """The outline section whose id starts like the indicator (proactive.total -> proactive), else the first."""
    head = indicator.split(".")[0]
    for s in fmt.outline.sections:
        if s.id == head or head.startswith(s.id) or s.id.startswith(head):
            return s.id
    return fmt.outline.sections[0].id if fmt.outline.sections else "overview"


def _statement(catalogue: Catalogue, ind_id: str, value: Number, rng: random.Random) -> str | None:
    """A sentence stating the value that the lint reads back as exactly this indicator and value."""
    if isinstance(value, Decimal) and value != value.to_integral_value():
        return None
    for pattern in catalogue.indicators[ind_id].patterns:
        try:
            sentence = figure_sentence(phrase_for(pattern, str(int(value)), rng), rng)
        except Unfollowable:
            continue
        found = find_statements(sentence, catalogue.indicators)
        if [(s.indicator, s.value) for s in found] == [(ind_id, int(value))]:
            return sentence
    return None


def _assert_consistent(narrative: str, catalogue: Catalogue, stated: dict[str, Number]) -> None:
    for st in find_statements(narrative, catalogue.indicators):
        if st.indicator in stated and stated[st.indicator] != st.value:
            raise AssertionError(f"synthetic narrative states {st.indicator}={st.value}, table says {stated[st.indicator]}")
