"""Which file holds a gram's postings: its own file (big grams) or one of B hash buckets.

The hash is 32-bit FNV-1a over the gram's UTF-8 bytes; `engine.js` computes the same.
"""

from __future__ import annotations

from collections.abc import Sequence

FIELD = "#"  # key prefix of a gram's postings in the title and town name (same file as the gram)


def fnv1a(text: str) -> int:
    h = 0x811C9DC5
    for b in text.encode("utf-8"):
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def fnv1a_all(texts: Sequence[str]) -> list[int]:
    """`fnv1a` of each text, computed for all at once (numpy): one step per byte position."""
    import numpy as np  # (imported by the builds that make a whole index, not by the search's other readers)

    if not texts:
        return []
    data = [t.encode("utf-8") for t in texts]
    lengths = np.fromiter(map(len, data), dtype=np.int64, count=len(data))
    width = int(lengths.max())
    padded = np.frombuffer(b"".join(d.ljust(width, b"\0") for d in data), dtype=np.uint8).reshape(len(data), width)
    h = np.full(len(data), 0x811C9DC5, dtype=np.uint64)
    for j in range(width):
        step = ((h ^ padded[:, j]) * np.uint64(0x01000193)) & np.uint64(0xFFFFFFFF)
        h = np.where(lengths > j, step, h)
    return h.tolist()


def bucket_of(gram: str, buckets: int) -> int:
    return fnv1a(gram) % buckets


def bucket_file(n: int) -> str:
    return f"b/{n}.js"


def big_file(n: int) -> str:
    return f"g/{n}.js"


def doc_file(doc_id: int) -> str:
    return f"d/{doc_id // 1000}/{doc_id}.js"
