"""Which file holds a gram's postings: its own file (big grams) or one of B hash buckets.

The hash is 32-bit FNV-1a over the gram's UTF-8 bytes; `engine.js` computes the same.
"""

from __future__ import annotations

FIELD = "#"  # key prefix of a gram's postings in the title and town name (same file as the gram)


def fnv1a(text: str) -> int:
    h = 0x811C9DC5
    for b in text.encode("utf-8"):
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def bucket_of(gram: str, buckets: int) -> int:
    return fnv1a(gram) % buckets


def bucket_file(n: int) -> str:
    return f"b/{n}.js"


def big_file(n: int) -> str:
    return f"g/{n}.js"


def doc_file(doc_id: int) -> str:
    return f"d/{doc_id // 1000}/{doc_id}.js"
