"""The archive's manifest: the SHA-256 of every file, in the format of `sha256sum` (checkable with
`sha256sum -c MANIFEST.sha256`), and the check behind `nianbao verify`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

MANIFEST = "MANIFEST.sha256"
LINE = re.compile(r"([0-9a-f]{64}) [ *](.+)")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_manifest(files: Mapping[str, bytes]) -> bytes:
    lines = [f"{sha256(files[name])}  {name}\n" for name in sorted(files) if name != MANIFEST]
    return "".join(lines).encode("utf-8")


class ManifestError(Exception):
    """The manifest is missing or cannot be read."""


def read_manifest(data: bytes) -> dict[str, str]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ManifestError(f"{MANIFEST} 不是 UTF-8 文本") from exc
    out: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        m = LINE.fullmatch(line)
        if not m:
            raise ManifestError(f"{MANIFEST} 第 {n} 行格式不对：{line[:80]}")
        out[m.group(2)] = m.group(1)
    return out


@dataclass
class Verdict:
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    altered: list[str] = field(default_factory=list)
    checked: int = 0

    @property
    def intact(self) -> bool:
        return not (self.missing or self.extra or self.altered)


def compare(expected: Mapping[str, str], actual: Mapping[str, str]) -> Verdict:
    """Compare the manifest (name -> hash) with what is there (name -> hash; the manifest itself left out)."""
    v = Verdict(checked=len(expected))
    v.missing = sorted(set(expected) - set(actual))
    v.extra = sorted(set(actual) - set(expected))
    v.altered = sorted(name for name in set(expected) & set(actual) if expected[name] != actual[name])
    return v
