"""Reading a written index from Python, as `engine.js` does in the browser: for tests and the bench.

`search` returns the candidate reports of a query (before the check of long terms against the
text), with the files and bytes it had to read; `holds` is that check.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from generator.search.buckets import FIELD, big_file, bucket_file, bucket_of, doc_file
from generator.search.normalise import RUN_BREAK, run_text, search_terms, term_keys
from generator.search.postings import decode


def payload(path: Path) -> object:
    raw = path.read_bytes()
    return json.loads(raw[raw.index(b",") + 1 : raw.rindex(b")")])


@dataclass
class Loaded:
    files: list[str] = field(default_factory=list)
    bytes: int = 0


class Index:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.meta: dict = payload(folder / "meta.js")  # type: ignore[assignment]
        self.big = {g: n for n, g in enumerate(self.meta["big"])}

    def file_of(self, gram: str) -> str:
        n = self.big.get(gram)
        return big_file(n) if n is not None else bucket_file(bucket_of(gram, self.meta["buckets"]))

    def search(self, query: str) -> tuple[list[int], Loaded]:
        """Candidate ids (ascending) holding every term of `query`, and what was read for them."""
        loaded = Loaded(files=["meta.js"], bytes=(self.folder / "meta.js").stat().st_size)
        terms = search_terms(query)
        if not terms:
            return [], loaded
        cache: dict[str, dict[str, str]] = {}
        result: set[int] | None = None
        for term in terms:
            ids: set[int] | None = None
            for key in term_keys(term):
                name = self.file_of(key)
                if name not in cache:
                    cache[name] = payload(self.folder / name)  # type: ignore[assignment]
                    loaded.files.append(name)
                    loaded.bytes += (self.folder / name).stat().st_size
                text = cache[name].get(key)
                found = set(decode(text)) if text else set()
                ids = found if ids is None else ids & found
            result = ids if result is None else result & (ids or set())
        return sorted(result or ()), loaded

    def doc(self, doc_id: int) -> dict:
        return payload(self.folder / doc_file(doc_id))  # type: ignore[return-value]


def holds(doc: dict, terms: list[str]) -> bool:
    text = run_text("\n".join([doc["title"], doc["town"], *doc["region"], doc["text"]]))
    return all(t in text for t in terms)


__all__ = ["FIELD", "Index", "Loaded", "RUN_BREAK", "holds", "payload"]
