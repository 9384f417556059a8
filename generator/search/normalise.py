"""Character rules of search: normalised characters, word characters, grams of one to four characters.

`themes/default/static/search/engine.js` (and the older `generator/archive/assets/engine.js`)
implement the same rules in the browser; they must agree character for character, or a query
would look for grams the index never wrote. Rules:

- a character is normalised alone: NFKC, then lower case, kept only when the result is one
  character of the same UTF-16 width (so offsets in the text do not move);
- a "word character" is an ASCII letter or digit, a Latin letter U+00C0–U+024F (but not × ÷), or
  any character from U+2E80 up except CJK punctuation U+3000–U+303F, the CJK compatibility forms
  U+FE30–U+FE4F and the half/full-width forms U+FF00–U+FF65 (NFKC maps most of those to ASCII);
- a "run" is a maximal sequence of word characters; the index's grams of a text are the
  substrings of one to four characters of its runs (`index_grams`); a query's terms are the runs
  of the normalised query (`search_terms`): every term must occur as a substring of a run.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import compress, repeat
from operator import add, contains

SEPARATORS = set(" \t\r\n\f\v\u00a0\u3000,;:?!\"'()<>[]{}，。、；：？！“”‘’（）《》【】「」『』〈〉…—")


@lru_cache(maxsize=65536)
def norm_char(c: str) -> str:
    r = unicodedata.normalize("NFKC", c).lower()
    if len(r) == 1 and (ord(r) > 0xFFFF) == (ord(c) > 0xFFFF):
        return r
    return c


def normalise(text: str) -> str:
    return "".join(norm_char(c) for c in text)


def is_word(c: str) -> bool:
    o = ord(c)
    if o < 0x80:
        return c.isascii() and c.isalnum()
    if 0xC0 <= o <= 0x24F:
        return o not in (0xD7, 0xF7)
    if o < 0x2E80:
        return False
    return not (0x3000 <= o <= 0x303F or 0xFE30 <= o <= 0xFE4F or 0xFF00 <= o <= 0xFF65)


def grams(text: str) -> Iterator[str]:
    """Every single word character and every pair of adjacent word characters of a normalised text."""
    previous = ""
    for c in text:
        if is_word(c):
            yield c
            if previous:
                yield previous + c
            previous = c
        else:
            previous = ""


def query_terms(query: str) -> list[str]:
    """A query split into distinct terms at spaces and punctuation (every term must occur in a result)."""
    terms: list[str] = []
    current: list[str] = []
    for c in normalise(query):
        if c in SEPARATORS:
            if current:
                terms.append("".join(current))
            current = []
        else:
            current.append(c)
    if current:
        terms.append("".join(current))
    return list(dict.fromkeys(terms))


def term_grams(term: str) -> list[str]:
    """The grams a term needs: its bigrams, or its single character when it has no bigram."""
    pairs = [g for g in grams(term) if len(g) == 2]
    if pairs:
        return list(dict.fromkeys(pairs))
    return list(dict.fromkeys(grams(term)))


def shard_of(gram: str, shards: int) -> int:
    """Which index file holds a gram (same arithmetic in engine.js; stays below 2**53)."""
    a = ord(gram[0])
    b = ord(gram[1]) if len(gram) > 1 else 0
    return (a * 65599 + b * 31 + 7) % shards



MAX_GRAM = 4
RUN_BREAK = "\x00"  # what every non-word character becomes in `run_text`


class _RunTable(dict[int, str]):
    """`str.translate` table: a character's normalised form, or RUN_BREAK for a non-word character
    (filled on first use of each character)."""

    def __missing__(self, code: int) -> str:
        c = norm_char(chr(code))
        r = c if is_word(c) else RUN_BREAK
        self[code] = r
        return r


_RUNS = _RunTable()


def run_text(text: str) -> str:
    """`text` normalised, each non-word character replaced by RUN_BREAK (same length in code points)."""
    return text.translate(_RUNS)


def index_grams(text: str) -> Counter[str]:
    """How often each gram (a substring of one to four characters of a run) occurs in `text`.

    (Counted by `Counter` over maps of built-in functions, no Python-level loop per gram: the
    grams of n + 1 characters are those of n joined with the next character. When every word
    character of the text is alphanumeric, as almost always, `str.isalnum` tells the grams within
    a run from those across a break; otherwise those are deleted afterwards.)"""
    t = run_text(text)
    counts: Counter[str] = Counter(t)
    counts.pop(RUN_BREAK, None)
    alnum = t.replace(RUN_BREAK, "").isalnum()
    grams: Iterable[str] = t
    for n in range(2, MAX_GRAM + 1):
        grams = list(map(add, grams, t[n - 1 :]))
        counts.update(filter(str.isalnum, grams) if alnum else grams)
    if not alnum:
        keys = list(counts)
        deque(map(dict.__delitem__, repeat(counts), compress(keys, map(contains, keys, repeat(RUN_BREAK)))), 0)
    return counts


def search_terms(query: str) -> list[str]:
    """The distinct runs of word characters of the normalised query, in order (all must occur)."""
    return list(dict.fromkeys(g for g in run_text(query).split(RUN_BREAK) if g))


def term_keys(term: str) -> list[str]:
    """The grams whose postings a term needs: itself when it has at most four characters, else
    every overlapping four-character gram of it (candidates; the text is checked afterwards)."""
    if len(term) <= MAX_GRAM:
        return [term]
    return list(dict.fromkeys(term[i : i + MAX_GRAM] for i in range(len(term) - MAX_GRAM + 1)))
