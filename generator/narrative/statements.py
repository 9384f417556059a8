"""Figures stated in a narrative: "主动公开政府信息56条" found by each indicator's patterns,
and every other count the text states ("公开活动信息618条") with the words that label it.

Used by the consistency lint (text against table) and by the importer (key figures of
narrative-only reports, and the report's `stated:` list).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import yaml

from generator.formats import Indicator
from generator.model.site import StatedFigure as Stated
from generator.source.numbers import Number

_WS = re.compile(r"\s+")
_NON_SPACE = re.compile(r"\S+")
_NEWLINE = re.compile("\n")
MAX_DIGITS = 18
_AMONG = "其中"  # what follows it in a sentence are parts of the total stated before it


@dataclass(frozen=True)
class Statement:
    indicator: str
    value: int
    line: int
    column: int
    quote: str  # the matched words, as in the text (whitespace removed)


@lru_cache(maxsize=64)
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


def find_statements(text: str, indicators: dict[str, Indicator]) -> list[Statement]:
    """Every statement of an indicator's value, in text order (one per place)."""
    # The text without whitespace, as runs of non-space characters (\S is str.isspace's complement).
    runs = [(m.start(), m.group()) for m in _NON_SPACE.finditer(text)]
    squeezed = "".join(run for _, run in runs)
    run_at: list[int] = []  # where each run starts in `squeezed`
    at = 0
    for _, run in runs:
        run_at.append(at)
        at += len(run)

    def origin(k: int) -> int:
        i = bisect.bisect_right(run_at, k) - 1
        return runs[i][0] + (k - run_at[i])

    line_starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
    found: dict[int, Statement] = {}
    for indicator in indicators.values():
        for pattern in _compiled(indicator.patterns):
            for m in pattern.finditer(squeezed):
                start = origin(m.start("n"))
                if start in found or len(m.group("n")) > MAX_DIGITS:
                    continue  # a run of digits that long is not a count (and int() refuses 4,300+ digits)
                line = _line_of(line_starts, start)
                found[start] = Statement(
                    indicator=indicator.id,
                    value=int(m.group("n")),
                    line=line,
                    column=start - line_starts[line - 1] + 1,
                    quote=m.group(0),
                )
    return _without_parts(text, [found[k] for k in sorted(found)], line_starts)


def _without_parts(text: str, statements: list[Statement], line_starts: list[int]) -> list[Statement]:
    """An indicator stated more than once in one sentence with different values: its parts are left out.

    A total is stated once; "在市政府门户网站主动公开信息60条，在镇门户网站主动公开信息5条" are its
    parts by channel, neither of them the total. Where one statement stands before the sentence's
    "其中" and the others after it ("主动公开政府信息65条，其中在门户网站主动公开信息60条"), the first is
    the total and is kept."""
    def offset(st: Statement) -> int:
        return line_starts[st.line - 1] + st.column - 1

    def sentence(st: Statement) -> tuple[str, int, int]:
        start = line_starts[st.line - 1]
        return st.indicator, st.line, len(_SENTENCE_END.findall(text, start, offset(st)))

    groups: dict[tuple[str, int, int], list[Statement]] = {}
    for st in statements:
        groups.setdefault(sentence(st), []).append(st)
    kept: list[Statement] = []
    for st in statements:
        group = groups[sentence(st)]
        if len({g.value for g in group}) == 1:
            kept.append(st)
            continue
        first, rest = group[0], group[1:]
        among = text.find(_AMONG, offset(first), offset(rest[0]))
        if st is first and among >= 0 and _SENTENCE_END.search(text, offset(first), among) is None:
            kept.append(st)
    return kept


def _line_of(line_starts: list[int], offset: int) -> int:
    lo, hi = 0, len(line_starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if line_starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo + 1


# ---- every count the text states ("公开活动信息618条"), not only the canonical indicators ----

_WORDS_FILE = Path(__file__).with_name("stated_words.yaml")
_CLAUSE_END = "，,。；;：:、！!？?"
_SENTENCE_END = re.compile(r"[。；;！!？?]")
_CONNECTIVE = re.compile(r"(?:和|及|与|以及|并)$")
_OPEN, _CLOSE = "（(", "）)"
_CLAUSES = re.compile(r"[，,：:]")  # a negation is read clause by clause, and quoted as its sentence
MAX_LABEL = 40
_COUNTED_AS = re.compile(r"计为?$")
_EVERY = re.compile(r"每(?:半年|[月周年季天日]度?)$")
_TOTAL_BEFORE = re.compile(r"、[^、，,。；;]*(?:共计|合计|总计|共)$")  # a listing, then its total: "…、城镇建设管理办公室共"
_LISTING = re.compile(r"、[^、]*等([^、等（）()]{2,})$")


@dataclass(frozen=True)
class _Words:
    figure: re.Pattern[str]
    leading: re.Pattern[str]
    excise: re.Pattern[str]
    trailing: tuple[str, ...]
    verbs: tuple[str, ...]
    classifiers: tuple[str, ...]
    negations: dict[str, tuple[re.Pattern[str], ...]]


@lru_cache(maxsize=1)
def _words() -> _Words:
    data = yaml.safe_load(_WORDS_FILE.read_text(encoding="utf-8"))
    units = "|".join(re.escape(u) for u in data["units"])
    not_after = "|".join(re.escape(w) for w in data["after_unit_not"])
    figure = re.compile(rf"(?<![0-9.．第每])(?P<n>[0-9]+(?:\.[0-9]+)?)(?P<unit>{units})(?!{not_after})")
    return _Words(
        figure=figure,
        leading=re.compile("^(?:" + "|".join(data["leading"]) + ")"),
        excise=re.compile("|".join(data["excise"])),
        trailing=tuple(sorted(data["trailing"], key=len, reverse=True)),
        verbs=tuple(data["verbs"]),
        classifiers=tuple(data["classifiers"]),
        negations={k: tuple(re.compile(p) for p in v) for k, v in data["negations"].items()},
    )


def find_stated(text: str, indicators: dict[str, Indicator], names: tuple[str, ...] = ()) -> list[Stated]:
    """Every count stated in `text` (Markdown), in text order, mapped to a canonical indicator where the wording says so.

    `names` are the report's own place names (羊郡镇, 羊郡镇人民政府): a label does not begin with them.
    A number is only ever one written in the text; a zero stated as a negation ("未收到政府信息公开申请")
    is listed with its sentence as the quote.
    """
    words = _words()
    canonical = {(s.line, s.column): s for s in find_statements(text, indicators)}
    found: list[Stated] = []
    used: set[tuple[int, int]] = set()
    for number, raw in enumerate(text.split("\n"), start=1):
        if raw.lstrip().startswith("|"):
            continue  # a table row: its cells are the table's, not prose
        line, columns = _squeeze(raw)
        by_indicator: set[str] = set()
        previous_end = 0
        for m in words.figure.finditer(line):
            if len(m.group("n").split(".")[0]) > MAX_DIGITS:
                continue
            if line[m.end("unit"):m.end("unit") + 1] in ("）", ")") and _COUNTED_AS.search(line, max(0, m.start() - 4), m.start()):
                continue  # the counting rule in brackets ("不同渠道发布的同一信息计为1条"), not a count
            if _EVERY.search(line, max(0, m.start() - 4), m.start()):
                continue  # a frequency ("每月1次"), not a count
            start = _clause_start(line, m.start())
            own_start = max(start, previous_end)
            label, end = _label(line, own_start, m, words, names)
            if not label:
                label = _label_text(line[_clause_start(line, max(0, start - 1)):max(0, start - 1)], words, names)
            previous_end = end
            if not label:
                continue
            column = columns[m.start("n")] + 1
            st = canonical.get((number, column))
            indicator = st.indicator if st is not None else ""
            if st is not None:
                used.add((number, column))
                by_indicator.add(indicator)
            value: Number = Decimal(m.group("n")) if "." in m.group("n") else int(m.group("n"))
            found.append(Stated(value, m.group("unit"), label, line[own_start:end], number, indicator))
        for sentence in _sentences(line):
            for ind_id, patterns in words.negations.items():
                if ind_id in by_indicator or ind_id not in indicators or words.figure.search(sentence):
                    continue
                if any(p.search(clause) for clause in _CLAUSES.split(sentence) for p in patterns):
                    ind = indicators[ind_id]
                    found.append(Stated(0, ind.unit, ind.label, sentence, number, ind_id))
                    by_indicator.add(ind_id)
    for key, st in canonical.items():
        if key not in used:  # a statement the line-by-line reading does not see (broken over lines)
            ind = indicators[st.indicator]
            found.append(Stated(st.value, ind.unit, ind.label, st.quote, st.line, st.indicator))
    return sorted(found, key=lambda s: s.line)  # stable: within a line, in reading order


def squeeze(text: str) -> str:
    """The text without whitespace (how quotes are kept and compared)."""
    return _WS.sub("", text)


def _squeeze(raw: str) -> tuple[str, list[int]]:
    """A line without whitespace, and for each of its characters the column it has in the line."""
    kept = [(i, ch) for i, ch in enumerate(raw) if not ch.isspace()]
    return "".join(ch for _, ch in kept), [i for i, _ in kept]


def _clause_start(line: str, at: int) -> int:
    """Where the clause holding `at` begins; across a "、" joining bare names ("人大、政协提案0件")."""
    k = at
    while True:
        while k > 0 and line[k - 1] not in _CLAUSE_END:
            k = _before_remark(line, k - 1) if line[k - 1] in _CLOSE else k - 1
        if k == 0 or line[k - 1] != "、":
            return k
        j = k - 1
        while j > 0 and line[j - 1] not in _CLAUSE_END:
            j -= 1
        if _words().figure.search(line, j, k - 1) or any(ch.isdigit() for ch in line[j:k - 1]):
            return k
        k = j


def _before_remark(line: str, close: int) -> int:
    """Where a remark in brackets ending at `close` opens ("类信息（包括行政审批、执法等）1条"): its 、 end no clause.

    A bracket without its opening in the same sentence is an ordinary character."""
    depth = 0
    for k in range(close, -1, -1):
        ch = line[k]
        if ch in _CLOSE:
            depth += 1
        elif ch in _OPEN:
            depth -= 1
            if depth == 0:
                return k
        elif _SENTENCE_END.match(ch):
            break
    return close


def _label(line: str, start: int, m: re.Match[str], words: _Words, names: tuple[str, ...]) -> tuple[str, int]:
    """The words labelling the figure at `m` (those before it, and after it when only a verb precedes), and the clause end."""
    before = _label_text(line[start:m.start()], words, names)
    end = m.end()
    if not before or before.endswith(words.verbs) or m.group("unit") in words.classifiers:
        k = end
        while k < len(line) and line[k] not in _CLAUSE_END and not line[k].isdigit() and k - end < 20:
            k += 1
        after = line[end:k]
        if line[k:k + 1].isdigit():  # "1名专职人员和2名兼职工作人员": the next figure's own words begin at the connective
            after = _CONNECTIVE.sub("", after)
            k = end + len(after)
        if after:
            end = k
            head = line[start:m.start()].removesuffix("了")
            # "有2名", or a total after the things it counts ("A、B、C共7个内设机构"): the words after the classifier
            alone = before in ("有",) or (m.group("unit") in words.classifiers and _TOTAL_BEFORE.search(head) is not None)
            before = _label_text(after, words, names) if alone else _label_text(head + after, words, names)
    return _after_listing(before)[:MAX_LABEL], end


def _after_listing(label: str) -> str:
    """The noun after a listing that ends in 等 ("机构职能、政策解读、工作动态等各类信息" -> 各类信息), else the label."""
    m = _LISTING.search(label)
    return m.group(1) if m else label


def _label_text(text: str, words: _Words, names: tuple[str, ...]) -> str:
    for name in sorted(names, key=len, reverse=True):
        if name:
            text = text.replace(name, "")
    text = words.excise.sub("", text)
    while True:
        m = words.leading.match(text)
        if not m or not m.group(0):
            break
        text = text[m.end():]
    changed = True
    while changed and text:
        changed = False
        for word in words.trailing:
            if text.endswith(word) and len(text) > len(word):
                text = text[: -len(word)]
                changed = True
                break
    return "" if text in words.trailing else text


def _sentences(line: str) -> list[str]:
    parts, at = [], 0
    for m in _SENTENCE_END.finditer(line):
        parts.append(line[at:m.start()])
        at = m.end()
    parts.append(line[at:])
    return [p for p in parts if p]
