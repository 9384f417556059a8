"""Character segmentation for the offline search: normalised characters, bigrams and single characters.

`assets/engine.js` implements the same rules in the browser; the two must agree character for
character, or a query would look for grams the index never wrote. Rules:

- a character is normalised alone: NFKC, then lower case, kept only when the result is one
  character of the same UTF-16 width (so offsets in the text do not move);
- a "word character" is an ASCII letter or digit, a Latin letter U+00C0–U+024F (but not × ÷), or
  any character from U+2E80 up except CJK punctuation U+3000–U+303F, the CJK compatibility forms
  U+FE30–U+FE4F and the half/full-width forms U+FF00–U+FF65 (NFKC maps most of those to ASCII);
- the grams of a text are every pair of adjacent word characters and every single word character.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from functools import lru_cache

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

