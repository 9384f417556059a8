"""Year pages: every town's report of one year side by side on the key indicators; and the list of years."""

from __future__ import annotations

from typing import Any

from generator.pages.portal import Portal
from generator.render.series import key_indicators, reading, totals


def context(portal: Portal, page: Any) -> dict[str, Any]:
    catalogue = portal.catalogue
    reports = sorted(page.context["reports"], key=lambda r: r.town.path)
    indicators = key_indicators(catalogue)
    rows = [(r, [reading(r, i.id) for i in indicators]) for r in reports]
    return {
        "indicators": indicators,
        "rows": rows,
        "totals": [totals(reports, i.id) for i in indicators],
        "formats": {r.format: catalogue.formats[r.format].name for r in reports},
    }


def years_context(portal: Portal, page: Any) -> dict[str, Any]:
    return {}
