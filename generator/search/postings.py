"""How a gram's postings (the reports holding it and how often) are written as text.

Alphabet: the 64 characters 0-9 A-Z a-z - _ (safe in JSON and in a script without escaping).
A number is written in base 32, most significant digit first: every digit but the last from the
upper half of the alphabet ("continuation"), the last from the lower half ("terminal").
Term frequencies are capped at TF_CAP. Two forms, the shorter is written (ties: sparse):
- sparse: "s" then, per report in id order, the gap to the previous id (first: id) and tf - 1;
- dense:  "d" then the first id, then one character per report from there to the last holder:
  ALPHABET[tf], "0" where the report does not hold the gram.
`engine.js` decodes the same form.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from itertools import islice, repeat
from operator import and_, sub

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"
TF_CAP = 63
_TERMINAL = ALPHABET[:32]
_CONTINUATION = ALPHABET[32:]
_DECODE = {c: i for i, c in enumerate(ALPHABET)}


def number(n: int) -> str:
    """`n` (≥ 0) in the postings' base 32."""
    return _SMALL[n] if n < _SMALL_COUNT else _number(n)


def _number(n: int) -> str:
    digits = [_TERMINAL[n & 31]]
    n >>= 5
    while n:
        digits.append(_CONTINUATION[n & 31])
        n >>= 5
    return "".join(reversed(digits))


_SMALL_COUNT = 1 << 15
_SMALL = [_number(i) for i in range(_SMALL_COUNT)]
_TF = _SMALL[:TF_CAP]  # tf - 1 for tf = 1..TF_CAP


SHIFT = 6  # a packed posting is id << SHIFT | tf (tf ≤ TF_CAP < 2 ** SHIFT)
Part = tuple[int, int, str, str | None]  # first id, last id, the sparse form after the first id's gap, the dense row (or None)

_TF_OF = ["", *_TF]  # tf -> its digit(s) in the sparse form
_ID_BITS = ~TF_CAP  # TF_CAP is 2 ** SHIFT - 1: packed & _ID_BITS is id << SHIFT


class _Steps(dict[int, str]):
    """(d << SHIFT | tf) -> what a posting adds after one d ids before it: in the sparse form
    (`sparse`) its gap and tf - 1; in the dense row, d - 1 zeros and its tf. Filled on first use;
    dense steps over long gaps are not kept (a row's gaps are short)."""

    def __init__(self, sparse: bool) -> None:
        super().__init__()
        self.sparse = sparse

    def __missing__(self, step: int) -> str:
        d, tf = step >> SHIFT, step & TF_CAP
        if self.sparse:
            text = self[step] = number(d - 1) + _TF_OF[tf]
            return text
        text = "0" * (d - 1) + ALPHABET[tf]
        if d < 256:
            self[step] = text
        return text


_SPARSE_STEP = _Steps(sparse=True)
_DENSE_STEP = _Steps(sparse=False)


def encode(ids: Sequence[int], tfs: Sequence[int]) -> str:
    """The postings of one gram: `ids` ascending, `tfs` already capped at TF_CAP (≥ 1)."""
    return join([part(ids, tfs)])


def part(ids: Sequence[int], tfs: Sequence[int]) -> Part:
    """Postings of one gram over some consecutive reports, to be joined by `join`."""
    return packed_part(array("q", [i << SHIFT | tf for i, tf in zip(ids, tfs)]))


def packed_part(packed: Sequence[int]) -> Part:
    """`part` of postings packed as id << SHIFT | tf, ascending. (Every step is a map over
    built-in functions: there is no Python-level loop over the postings.)"""
    first, last = packed[0] >> SHIFT, packed[-1] >> SHIFT
    tf = packed[0] & TF_CAP
    steps = list(map(sub, islice(packed, 1, None), map(and_, packed, repeat(_ID_BITS))))
    body = _TF_OF[tf] + "".join(map(_SPARSE_STEP.__getitem__, steps))
    row = None
    if last - first + 1 <= 2 * len(body):  # dense may be the shorter form once joined: its row is made here, not decoded there
        row = ALPHABET[tf] + "".join(map(_DENSE_STEP.__getitem__, steps))
    return first, last, body, row


def merged(parts: Sequence[Part]) -> Part:
    """One part holding the postings of `parts` (in id order, not overlapping): `join` of it is `join` of them."""
    if len(parts) == 1:
        return parts[0]
    bodies = [parts[0][2]]
    for (_, last, _, _), (first, _, body, _) in zip(parts, parts[1:]):
        bodies.append(number(first - last - 1))
        bodies.append(body)
    body = "".join(bodies)
    first, last = parts[0][0], parts[-1][1]
    row = None
    if last - first + 1 <= 2 * len(body) and all(p[3] is not None for p in parts):  # as `packed_part` keeps a row
        cells = [parts[0][3]]
        for (_, end, _, _), (begin, _, _, r) in zip(parts, parts[1:]):
            cells.append("0" * (begin - end - 1))
            cells.append(r)
        row = "".join(cells)  # type: ignore[arg-type]
    return first, last, body, row


def join(parts: Sequence[Part]) -> str:
    """`encode` of the postings of `parts` (in id order, not overlapping)."""
    start = number(parts[0][0])
    pieces = ["s", start, parts[0][2]]
    for (_, last, _, _), (first, _, body, _) in zip(parts, parts[1:]):
        pieces.append(number(first - last - 1))
        pieces.append(body)
    sparse = "".join(pieces)
    if 1 + len(start) + parts[-1][1] - parts[0][0] + 1 >= len(sparse):
        return sparse
    rows = ["d", start]
    previous = parts[0][0] - 1
    for first, last, body, row in parts:
        rows.append("0" * (first - previous - 1))
        rows.append(row if row is not None else _row(first, last, body))
        previous = last
    return "".join(rows)


def _row(first: int, last: int, body: str) -> str:
    cells = bytearray(b"0") * (last - first + 1)
    for i, tf in decode("s" + number(first) + body).items():
        cells[i - first] = ord(ALPHABET[tf])
    return cells.decode("ascii")


def decode(text: str) -> dict[int, int]:
    """Report id → tf of an encoded postings string."""
    out: dict[int, int] = {}
    if text[0] == "d":
        pos, first = _read(text, 1)
        for offset, c in enumerate(text[pos:]):
            if c != "0":
                out[first + offset] = _DECODE[c]
        return out
    pos, previous = 1, -1
    while pos < len(text):
        pos, gap = _read(text, pos)
        pos, tf = _read(text, pos)
        previous += gap + 1
        out[previous] = tf + 1
    return out


def _read(text: str, pos: int) -> tuple[int, int]:
    n = 0
    while True:
        v = _DECODE[text[pos]]
        pos += 1
        if v < 32:
            return pos, n * 32 + v
        n = n * 32 + v - 32
