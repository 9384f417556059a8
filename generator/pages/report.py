"""The report page: the published text with its official tables, plus what the portal adds around it."""

from __future__ import annotations

from typing import Any

from generator.pages.portal import Portal
from generator.render.series import STATUS_NOTES, reading
from generator.render.views import report_view


def context(portal: Portal, page: Any) -> dict[str, Any]:
    site, catalogue = portal.site, portal.catalogue
    report = page.context["report"]
    fmt = catalogue.formats[report.format]
    figures = []
    for ind in catalogue.indicators.values():
        r = reading(report, ind.id)
        if r.value is not None:
            figures.append((ind, r, STATUS_NOTES[r.status]))
    return {
        "format": fmt,
        "view": report_view(report, fmt),
        "notes": report.public_notes if site.config.show_consistency_notes else (),
        "figures": figures,
        "stated": [(s, catalogue.indicators[s.indicator].label if s.indicator in catalogue.indicators else "") for s in report.stated],
    }
