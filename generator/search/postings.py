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

from collections.abc import Sequence

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"
TF_CAP = 63
_TERMINAL = ALPHABET[:32]
_CONTINUATION = ALPHABET[32:]
_DECODE = {c: i for i, c in enumerate(ALPHABET)}


def number(n: int) -> str:
    """`n` (≥ 0) in the postings' base 32."""
    digits = [_TERMINAL[n & 31]]
    n >>= 5
    while n:
        digits.append(_CONTINUATION[n & 31])
        n >>= 5
    return "".join(reversed(digits))


_SMALL = [number(i) for i in range(4096)]
_TF = _SMALL[:TF_CAP]  # tf - 1 for tf = 1..TF_CAP


def encode(ids: Sequence[int], tfs: Sequence[int]) -> str:
    """The postings of one gram: `ids` ascending, `tfs` already capped at TF_CAP (≥ 1)."""
    parts = ["s"]
    previous = -1
    small = _SMALL
    for i, tf in zip(ids, tfs):
        gap = i - previous - 1
        parts.append(small[gap] if gap < 4096 else number(gap))
        parts.append(_TF[tf - 1])
        previous = i
    sparse = "".join(parts)
    first, last = ids[0], ids[-1]
    dense_length = 1 + len(number(first)) + last - first + 1
    if dense_length >= len(sparse):
        return sparse
    row = bytearray(b"0" * (last - first + 1))
    for i, tf in zip(ids, tfs):
        row[i - first] = ord(ALPHABET[tf])
    return "d" + number(first) + row.decode("ascii")


Part = tuple[int, int, str]  # first id, last id, the sparse form after the first id's gap


def part(ids: Sequence[int], tfs: Sequence[int]) -> Part:
    """Postings of one gram over some consecutive reports, to be joined by `join`."""
    parts = [_TF[tfs[0] - 1]]
    previous = ids[0]
    small = _SMALL
    for n in range(1, len(ids)):
        i = ids[n]
        gap = i - previous - 1
        parts.append(small[gap] if gap < 4096 else number(gap))
        parts.append(_TF[tfs[n] - 1])
        previous = i
    return ids[0], previous, "".join(parts)


def join(parts: Sequence[Part]) -> str:
    """`encode` of the postings of `parts` (in id order, not overlapping)."""
    pieces = ["s", number(parts[0][0]), parts[0][2]]
    for (_, last, _), (first, _, body) in zip(parts, parts[1:]):
        pieces.append(number(first - last - 1))
        pieces.append(body)
    sparse = "".join(pieces)
    first, last = parts[0][0], parts[-1][1]
    if 1 + len(number(first)) + last - first + 1 >= len(sparse):
        return sparse
    held = decode(sparse)
    row = bytearray(b"0" * (last - first + 1))
    for i, tf in held.items():
        row[i - first] = ord(ALPHABET[tf])
    return "d" + number(first) + row.decode("ascii")


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
