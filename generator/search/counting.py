"""Counting the grams of many reports at once, with numpy: per gram, the reports holding it and how often.

The same result as `normalise.index_grams` applied report by report (a test compares them), in a
few array operations over a whole run of reports instead of one dictionary operation per gram
position and per (report, gram) pair:

1. the reports' run texts (`normalise.run_text`) are joined, RUN_BREAK between them, and read as
   an array of code points; each distinct character gets a number of b bits (0: the break);
2. each gram of one to four characters lying within one run becomes one 64-bit integer: its
   characters' numbers from the top (zeros after the last), the report's number (r bits, within
   the run of reports) in the low bits;
3. one sort of those integers puts each gram's positions together, report after report; the
   lengths of the groups of equal integers are the term frequencies;
4. `parts` writes every gram's postings (`postings.Part`) into two byte arrays at once.
A run whose 4 × b + r bits do not fit in 64 raises `TooManyCharacters` (the writer then cuts it).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from generator.search.normalise import MAX_GRAM, RUN_BREAK, run_text
from generator.search.postings import ALPHABET, TF_CAP, Part



class TooManyCharacters(ValueError):
    """More distinct characters than a gram key can tell apart beside the report numbers."""


def gram_postings(texts: Sequence[str]) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """The grams of `texts` (raw texts; report n is texts[n]) and their postings.

    Returns (grams, starts, reports, tfs): gram g's postings are reports[starts[g]:starts[g + 1]]
    (ascending report numbers) with their term frequencies tfs[...] (uncapped); `starts` has one
    more entry than `grams`. Grams come in the order of their keys (not alphabetical)."""
    runs = [run_text(t) for t in texts]
    joined = RUN_BREAK.join(runs) + RUN_BREAK * MAX_GRAM
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    alphabet = np.unique(codes)  # alphabet[0] is the break (0): the padding holds one
    char_bits = max(1, int(len(alphabet) - 1).bit_length())
    report_bits = max(1, (len(runs) - 1).bit_length())
    if MAX_GRAM * char_bits + report_bits > 64:
        raise TooManyCharacters(len(alphabet))
    numbering = np.zeros(int(alphabet[-1]) + 1, dtype=np.uint64)
    numbering[alphabet] = np.arange(len(alphabet), dtype=np.uint64)
    ids = numbering[codes]
    lengths = np.fromiter((len(r) for r in runs), dtype=np.int64, count=len(runs))
    report_of = np.repeat(np.arange(len(runs), dtype=np.uint64), lengths + 1)  # each run and the break after it
    size = len(report_of)
    del codes, joined
    parts: list[np.ndarray] = []
    key = report_of  # the report number in the low bits, the characters above it
    inside = np.ones(size, dtype=bool)
    for n in range(MAX_GRAM):
        shifted = ids[n : n + size]
        key |= shifted << np.uint64(char_bits * (MAX_GRAM - 1 - n) + report_bits)
        inside &= shifted != 0
        parts.append(key[inside])
    pairs = np.concatenate(parts)
    pairs.sort()  # by gram, then report: each (gram, report) pair's positions side by side
    if len(pairs) == 0:
        return [], np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    new_pair = np.empty(len(pairs), dtype=bool)
    new_pair[0] = True
    np.not_equal(pairs[1:], pairs[:-1], out=new_pair[1:])
    pair_starts = np.flatnonzero(new_pair)
    tfs = np.diff(np.append(pair_starts, len(pairs)))
    unique = pairs[pair_starts]
    grams = unique >> np.uint64(report_bits)
    reports = (unique & np.uint64((1 << report_bits) - 1)).astype(np.int64)
    new_gram = np.empty(len(grams), dtype=bool)
    new_gram[0] = True
    np.not_equal(grams[1:], grams[:-1], out=new_gram[1:])
    gram_starts = np.flatnonzero(new_gram)
    starts = np.append(gram_starts, len(grams))
    return _gram_texts(grams[gram_starts], alphabet, char_bits), starts, reports, tfs


def _gram_texts(keys: np.ndarray, alphabet: np.ndarray, char_bits: int) -> list[str]:
    """The strings of gram keys (without their report bits)."""
    columns = np.empty((len(keys), MAX_GRAM), dtype=np.uint32)
    mask = np.uint64((1 << char_bits) - 1)
    for n in range(MAX_GRAM):
        columns[:, n] = alphabet[(keys >> np.uint64(char_bits * (MAX_GRAM - 1 - n))) & mask]
    text = columns.tobytes().decode("utf-32-le")
    lengths = (columns != 0).sum(axis=1).tolist()
    return [text[i * MAX_GRAM : i * MAX_GRAM + n] for i, n in enumerate(lengths)]


_DIGITS = np.frombuffer(ALPHABET.encode("ascii"), dtype=np.uint8)


def parts(grams: list[str], starts: np.ndarray, reports: np.ndarray, tfs: np.ndarray, first_id: int) -> dict[str, Part]:
    """Every gram's `postings.Part` (as `postings.packed_part` makes it), report n being id
    `first_id + n`: the sparse digits and, where the dense form may win, the dense row, written for
    all grams at once into two byte arrays that are then cut per gram."""
    if not grams:
        return {}
    ids = reports.astype(np.int64) + first_id
    tf = np.minimum(tfs, TF_CAP).astype(np.int64)
    count = len(ids)
    gram_first = starts[:-1]
    opens = np.zeros(count, dtype=bool)  # the first posting of its gram: no gap written
    opens[gram_first] = True
    gaps = np.zeros(count, dtype=np.int64)
    gaps[1:] = ids[1:] - ids[:-1] - 1
    gap_digits = np.where(opens, 0, _digit_count(gaps))
    tf_digits = _digit_count(tf - 1)
    ends = np.cumsum(gap_digits + tf_digits)
    begins = ends - gap_digits - tf_digits
    text = np.empty(int(ends[-1]), dtype=np.uint8)
    written = np.flatnonzero(~opens)
    _put_numbers(text, begins[written], gaps[written], gap_digits[written])
    _put_numbers(text, begins + gap_digits, tf - 1, tf_digits)
    body = text.tobytes().decode("ascii")
    cut = np.append(begins[gram_first], len(text)).tolist()
    firsts = ids[gram_first]
    lasts = ids[starts[1:] - 1]
    spans = lasts - firsts + 1
    dense = spans <= 2 * np.diff(np.asarray(cut))
    rows = _dense_rows(ids, tf, starts, firsts, spans, dense)
    firsts_list, lasts_list, dense_list = firsts.tolist(), lasts.tolist(), dense.tolist()
    out: dict[str, Part] = {}
    for g, gram in enumerate(grams):
        out[gram] = (firsts_list[g], lasts_list[g], body[cut[g] : cut[g + 1]], rows.get(g) if dense_list[g] else None)
    return out


def _digit_count(values: np.ndarray) -> np.ndarray:
    """Digits of each value (≥ 0) in the postings' base 32."""
    digits = np.ones(len(values), dtype=np.int64)
    top = int(values.max(initial=0))
    n = 1
    while top >= 1 << (5 * n):
        digits += values >= (1 << (5 * n))
        n += 1
    return digits


def _put_numbers(text: np.ndarray, at: np.ndarray, values: np.ndarray, digits: np.ndarray) -> None:
    """Write each value in base 32 at its place (`digits` of them, none where 0): continuation
    digits, then the terminal one, which is the only one of almost every value."""
    last = at + digits - 1
    text[last] = _DIGITS[values & 31]
    k = 1
    while True:
        more = np.flatnonzero(digits > k)
        if len(more) == 0:
            return
        text[last[more] - k] = _DIGITS[32 + ((values[more] >> (5 * k)) & 31)]
        k += 1


def _dense_rows(ids: np.ndarray, tf: np.ndarray, starts: np.ndarray, firsts: np.ndarray, spans: np.ndarray,
                dense: np.ndarray) -> dict[int, str]:
    """The dense rows of the grams marked `dense`: one character per report from the first holder
    to the last, ALPHABET[tf] where the report holds the gram and "0" where it does not."""
    chosen = np.flatnonzero(dense)
    if len(chosen) == 0:
        return {}
    lengths = spans[chosen]
    row_ends = np.cumsum(lengths)
    row_begins = row_ends - lengths
    cells = np.full(int(row_ends[-1]), ord("0"), dtype=np.uint8)
    sizes = starts[chosen + 1] - starts[chosen]
    postings = _ranges(starts[chosen], sizes)
    offset = np.repeat(row_begins - firsts[chosen], sizes)
    cells[ids[postings] + offset] = _DIGITS[tf[postings]]
    text = cells.tobytes().decode("ascii")
    begins, ends = row_begins.tolist(), row_ends.tolist()
    return {g: text[begins[n] : ends[n]] for n, g in enumerate(chosen.tolist())}


def _ranges(begins: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """The concatenation of range(b, b + s) for each (b, s)."""
    total = int(sizes.sum())
    steps = np.ones(total, dtype=np.int64)
    heads = np.cumsum(sizes) - sizes
    steps[heads[1:]] = begins[1:] - (begins[:-1] + sizes[:-1]) + 1
    steps[0] = begins[0]
    return np.cumsum(steps)


def counted_parts(texts: Sequence[str], first_id: int) -> dict[str, Part]:
    """The `postings.Part` of every gram of `texts`, text n being report `first_id + n`."""
    return parts(*gram_postings(texts), first_id)
