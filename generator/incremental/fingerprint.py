"""Content fingerprints: what a cached result was made from, as a short hex digest.

A build reuses a cached report or page only when the fingerprint of everything it was made from
is unchanged: the content files' bytes, the format descriptions, the theme, the site
configuration and the generator's own code.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import generator
from generator.formats import FORMATS_DIR

GENERATOR_DIR = Path(generator.__file__).resolve().parent


def digest(*parts: bytes | str | None) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        if part is None:
            h.update(b"\x00N")
            continue
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def files_fingerprint(folder: Path, pattern: str = "*") -> str:
    """Names and bytes of every file under `folder` matching `pattern`, in sorted order."""
    parts: list[bytes | str] = []
    if folder.is_dir():
        for path in sorted(folder.rglob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return digest(*parts)


@lru_cache(maxsize=1)
def model_fingerprint() -> str:
    """What turns content into the model: the generator's code and version, and the format files."""
    return digest(generator.__version__, files_fingerprint(GENERATOR_DIR, "*.py"), files_fingerprint(FORMATS_DIR, "*.yaml"))


def theme_fingerprint(dirs: list[Path]) -> str:
    return digest(*(files_fingerprint(d) for d in dirs))
