"""The reuse decision: from the last build's records and this build's plan, what to make, keep and remove.

A page is kept when its fingerprint (everything it shows, `page_fingerprints`) is the one the last
build recorded and the current site's file is still the one that build wrote (same size,
modification time and inode). Everything else is made. Pages of the last build that this one does
not plan are removed. When nothing is to be made or removed and the site's other files are as
written (`Work.nothing_to_do`), the build writes nothing at all. That is learnt from the records
and one `stat` per page, file and folder of the site, without listing it (`stamps.folder_stamps`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from hashlib import blake2b
from pathlib import Path
from typing import Any, Iterable, Mapping, Protocol, Sequence

from generator.incremental.cache import CacheData, PageRecord
from generator.incremental.clone import folders_above
from generator.incremental.fingerprint import digest, model_fingerprint, theme_fingerprint
from generator.incremental.splice import PieceIndex
from generator.incremental.stamps import Stamp, files_unchanged, folders_unchanged, stamp_of
from generator.model import Site


class Planned(Protocol):
    """What the decision reads of a planned page (`stages.plan.Page`)."""

    @property
    def url(self) -> str: ...
    @property
    def template(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def context(self) -> dict[str, Any]: ...
    @property
    def deps(self) -> tuple[str, ...] | None: ...


@dataclass
class Work:
    """What this build must do to the current site."""

    make: list[tuple[Any, str]] = field(default_factory=list)  # (page, fingerprint) to render, in planned order
    kept: dict[str, PageRecord] = field(default_factory=dict)  # url -> the current site's file, taken over as it is
    removed: list[str] = field(default_factory=list)  # pages of the current site that this build does not plan
    # spliced files to make whose current file is still the one recorded: where its pieces lie
    previous: dict[str, PieceIndex] = field(default_factory=dict)
    # no file was added to, removed from or renamed in any folder of the site since the last build
    # recorded them: the records then say what the site holds
    folders_intact: bool = False
    others_intact: bool = False  # ... and its other files (assets, index, marker) are as the last build wrote them

    def previous_files(self, old: CacheData) -> dict[str, int] | None:
        """What the current site holds (name -> inode), by the last build's records, if they can be trusted."""
        if not self.folders_intact:
            return None
        files = {url: record.inode for url, record in old.pages.items()}
        files.update((rel, stamp[2]) for rel, stamp in old.others.items())
        return files

    @property
    def nothing_to_do(self) -> bool:
        return self.others_intact and not self.make and not self.removed


def page_fingerprints(pages: Sequence[Planned], site: Site, dirs: list[Path], report_fps: Mapping[str, str], shared_by_all: str = "") -> list[str]:
    """A fingerprint per page: everything it shows (its `deps`, its scalar context values) and what all pages share."""
    common = digest(model_fingerprint(), theme_fingerprint(dirs), repr(site.config), shared_by_all)
    entities: dict[str, str] = dict(report_fps)
    entities.update((t.path, digest(repr(t))) for t in site.towns)
    entities.update((r.path, digest(repr(r))) for r in site.regions)
    everything = digest(common, *(f"{k}={v}" for k, v in sorted(entities.items())))
    result = []
    get = entities.get
    for page in pages:
        if page.deps is None:
            shown = everything
        else:
            # "?key": the page shows only that the report exists (its year, say), not what it holds
            shown = "\n".join(k if k.startswith("?") else f"{k}={get(k, '-')}" for k in page.deps)
        scalars = repr(sorted((k, v) for k, v in page.context.items() if isinstance(v, (str, int, float, bool))))
        # one hash over NUL-separated parts (none of them can hold a NUL: names, keys, hex, a repr)
        text = f"{common}\0{page.url}\0{page.template}\0{page.kind}\0{shown}\0{scalars}"
        result.append(blake2b(text.encode("utf-8"), digest_size=16).hexdigest())
    return result


def decide(pages: Sequence[Planned], fingerprints: Sequence[str], old: CacheData | None, out: Path, others_made_from: str,
           spliced: frozenset[str] = frozenset()) -> Work:
    """What to make, keep and remove, against the last build's records `old` (None: no usable cache).

    `spliced` names the pages written piece by piece (`splice`): when one is to be made and its
    current file is still the recorded one, `Work.previous` says where its pieces lie.
    """
    work = Work()
    if old is None:
        work.make = list(zip(pages, fingerprints))
        return work
    base = os.fspath(out)
    old_pages, old_splices = old.pages, old.splices
    make, kept = work.make, work.kept  # (local names: this runs once per page of the site)
    for page, fp in zip(pages, fingerprints):
        url = page.url
        record = old_pages.get(url)
        if record is None:
            make.append((page, fp))
            continue
        same_file = stamp_of(f"{base}/{url}") == record.stamp
        if same_file and record.fingerprint == fp:
            kept[url] = record
            continue
        make.append((page, fp))
        if same_file and url in spliced and url in old_splices:
            work.previous[url] = old_splices[url]
    planned = {page.url for page in pages}
    work.removed = sorted(url for url in old_pages if url not in planned)
    work.folders_intact = folders_unchanged(out, old.folders)
    work.others_intact = work.folders_intact and bool(old.others) and old.others_made_from == others_made_from \
        and files_unchanged(out, old.others)
    return work


def site_folders(files: Iterable[str]) -> set[str]:
    """The folders of a site holding these files, the site itself ("") included."""
    return folders_above(files) | {""}


def files_under(root: Path) -> set[str]:
    """Every file under `root` (anything but a real folder: a link counts as a file), as
    site-relative names. (Plain strings and scandir.)"""
    found: set[str] = set()
    stack = [(os.fspath(root), "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append((entry.path, f"{prefix}{entry.name}/"))
                    else:
                        found.add(prefix + entry.name)
        except OSError:
            continue  # as os.walk does: what cannot be listed is not there
    return found


def identities(root: Path, pages: set[str]) -> dict[str, Stamp]:
    """Size, modification time and inode of every file under `root` that is not a page.

    The build writes such files (assets, badge, search index, marker) at the top or in top-level
    folders that hold no page, so only those are walked.
    """
    with_pages = {rel.split("/", 1)[0] for rel in pages if "/" in rel}
    names: set[str] = set()
    with os.scandir(root) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in with_pages:
                    names.update(f"{entry.name}/{rel}" for rel in files_under(Path(entry.path)))
            else:
                names.add(entry.name)
    found: dict[str, Stamp] = {}
    base = os.fspath(root)
    for rel in sorted(names - pages):
        stamp = stamp_of(f"{base}/{rel}")
        if stamp is not None:
            found[rel] = stamp
    return found
