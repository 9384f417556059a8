"""The build's search stage: the model's reports -> `search-data/` in the staging folder.

A clean build writes the whole index (`writer.write_index`). When the output folder holds a site
of an earlier build, its `search-data/` is handed to `writer.update_index`, which re-indexes only
the reports that changed and links the files that stay the same; either way the files are the
same bytes (docs/search.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from generator.incremental.fingerprint import digest
from generator.formats import Catalogue
from generator.model import Site
from generator.search.documents import SearchDoc, site_docs, stamp, texts_reader
from generator.search.writer import IndexSummary, update_index, write_index

FOLDER = "search-data"  # at the top of the site; holds no page


def search_signature(site: Site, report_fps: dict[str, str]) -> str:
    """What the index is made from: every report's fingerprint (its files, its town and regions), in order."""
    return digest("search", *(f"{r.key}={report_fps.get(r.key, '-')}" for r in site.reports))


def write_search(site: Site, catalogue: Catalogue, out: Path, *, previous: Path | None, jobs: int,
                 report_fps: Mapping[str, str] | None = None) -> IndexSummary:
    """Write the index of `site` into `out` (a folder that does not exist yet).

    `previous` is the current site (None for a clean build): its index is reused where the
    reports did not change. `report_fps` are the reports' fingerprints (`search_signature`): a
    report whose fingerprint is the one the previous index records is not read again.
    """
    fps = report_fps or {}
    old = previous / FOLDER if previous is not None else None
    docs = site_docs(site, catalogue, texts=False)
    if old is not None and old.is_dir():
        return update_index(out, docs, old, jobs=jobs, stamps=_stamps(docs, fps), complete=texts_reader(site))
    return write_index(docs, out, jobs=jobs, stamps=_stamps(docs, fps), complete=texts_reader(site))


def _stamps(docs: list[SearchDoc], report_fps: Mapping[str, str]) -> dict[str, str]:
    return {d.key: stamp(d, report_fps.get(d.key)) for d in docs}
