"""The official report formats, described as data (`*.yaml` beside this file)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from generator.diagnostics import Diagnostics
from generator.formats.parse import load_catalogue
from generator.formats.spec import Catalogue, CellSpec, Format, HeaderNode, Identity, Indicator, Table

FORMATS_DIR = Path(__file__).resolve().parent

__all__ = ["Catalogue", "CellSpec", "Format", "HeaderNode", "Identity", "Indicator", "Table", "catalogue", "FORMATS_DIR"]


class FormatError(Exception):
    """A format description is broken: the generator cannot check any report against it."""

    def __init__(self, diags: Diagnostics) -> None:
        super().__init__("\n".join(p.format() for p in diags.sorted()))
        self.diags = diags


@lru_cache(maxsize=4)
def catalogue(folder: Path = FORMATS_DIR) -> Catalogue:
    """Load (once per process) every format in `folder`; raise FormatError if any is broken."""
    diags = Diagnostics()
    result = load_catalogue(folder, diags)
    if diags.has_errors:
        raise FormatError(diags)
    return result
