"""Invisible characters that have no business in published text: control and bidi-override characters.

Control characters (C0 other than tab and line breaks, DEL, C1) are invalid in XML feeds and
mean nothing on a page; direction overrides and isolates (U+202A–U+202E, U+2066–U+2069) can
make text display differently from what it says ("Trojan source"). YAML text fields
that contain them are errors; a narrative gets a warning and loses them (a stray form
feed pasted from a word processor should not keep a report off the site).
"""

from __future__ import annotations

import re

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_ANY = re.compile(f"{CONTROL.pattern}|{BIDI.pattern}")


def first_invisible(text: str) -> int:
    """The index of the first control or bidi-override character, or -1."""
    m = _ANY.search(text)
    return m.start() if m else -1


def strip_invisible(text: str) -> str:
    """Controls become spaces (they often stood between words), direction overrides go."""
    if _ANY.search(text) is None:  # the usual case: one scan, not two substitutions (narratives are read per page)
        return text
    return BIDI.sub("", CONTROL.sub(" ", text))


def narrative_text(raw: bytes) -> str:
    """A narrative file's text as a build uses it (as `stages.load.parse_report` makes it, its warnings aside)."""
    return strip_invisible(raw.decode("utf-8-sig"))
