"""The data page: the downloads of the whole dataset and a dictionary of every column."""

from __future__ import annotations

from typing import Any

from generator.data_export import RESOURCES
from generator.formats import Catalogue
from generator.model import Site


def context(site: Site, catalogue: Catalogue, page: Any) -> dict[str, Any]:
    return {"resources": RESOURCES, "indicator_list": list(catalogue.indicators.values()), "report_count": len(site.reports)}
