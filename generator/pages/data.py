"""The data page: the downloads of the whole dataset and a dictionary of every column."""

from __future__ import annotations

from typing import Any

from generator.render.data_export import RESOURCES
from generator.pages.portal import Portal


def context(portal: Portal, page: Any) -> dict[str, Any]:
    return {"resources": RESOURCES, "indicator_list": list(portal.catalogue.indicators.values()), "report_count": len(portal.site.reports)}
