"""Which search shard a report belongs to.

A report goes to the shard of its town (all years of a town share one index), chosen by a jump
consistent hash of the town path: the assignment depends only on the town path and the number of
shards, never on which other towns exist, and growing from n to n+1 shards moves only about 1/(n+1)
of the towns. The number of shards follows the number of report pages (`PAGES_PER_SHARD`, measured
in docs/search.md) unless the publisher fixes it.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

# Pagefind extended holds ≈0.45 MB per Chinese report page while indexing (docs/search.md): 1,000
# pages keep one indexer near 0.5 GB, so two running side by side stay within the default budget.
PAGES_PER_SHARD = 1000
FOLDER = "pagefind"


@dataclass(frozen=True)
class Shard:
    number: int
    urls: tuple[str, ...]  # report page paths under the site root, sorted

    @property
    def name(self) -> str:
        return f"s{self.number}"

    @property
    def folder(self) -> str:
        """Output folder of this shard's index, relative to the site root."""
        return f"{FOLDER}/{self.name}"


@dataclass(frozen=True)
class SearchLayout:
    """The shards of one build: only non-empty ones, in shard-number order (the first is the primary)."""

    count: int  # number of hash buckets (some may be empty)
    shards: tuple[Shard, ...]

    @property
    def pages(self) -> int:
        return sum(len(s.urls) for s in self.shards)

    @cached_property
    def _by_url(self) -> dict[str, str]:
        return {url: shard.name for shard in self.shards for url in shard.urls}

    def shard_of(self, url: str) -> str:
        """The name of the shard indexing a page ("" for a page that is not indexed)."""
        return self._by_url.get(url, "")


def jump_hash(key: int, buckets: int) -> int:
    """Lamping and Veach's jump consistent hash: a bucket in [0, buckets) for a 64-bit key."""
    b, j = -1, 0
    while j < buckets:
        b = j
        key = (key * 2862933555777941757 + 1) & 0xFFFFFFFFFFFFFFFF
        j = int((b + 1) * (float(1 << 31) / float((key >> 33) + 1)))
    return b


def town_key(town_path: str) -> int:
    return int.from_bytes(hashlib.sha256(town_path.encode("utf-8")).digest()[:8], "big")


def shard_count(pages: int, pages_per_shard: int = PAGES_PER_SHARD) -> int:
    return max(1, math.ceil(pages / max(1, pages_per_shard)))


def layout(pages: Iterable[tuple[str, str]], count: int = 0, pages_per_shard: int = PAGES_PER_SHARD) -> SearchLayout:
    """Split (town path, page url) pairs into shards; `count` 0 means: from the page count."""
    items = sorted(set(pages))
    n = count if count > 0 else shard_count(len(items), pages_per_shard)
    buckets: dict[int, list[str]] = {}
    for town_path, url in items:
        buckets.setdefault(jump_hash(town_key(town_path), n), []).append(url)
    shards = tuple(Shard(i, tuple(sorted(urls))) for i, urls in sorted(buckets.items()))
    return SearchLayout(n, shards)
