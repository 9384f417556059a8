"""What a report page shows, assembled from the model: narrative sections with their tables."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.formats import Format
from generator.narrative.markdown import render_narrative
from generator.model import Report
from generator.narrative.outline import section_of
from generator.source.controls import narrative_text
from generator.render.tables import ReportTable

APPENDIX_HEADING = "附表"


@dataclass(frozen=True)
class SectionView:
    anchor: str
    heading: str
    html: str
    tables: tuple[ReportTable, ...]
    level: int = 2
    from_outline: bool = False  # True when the narrative lacked this section and the outline supplied it


@dataclass(frozen=True)
class ReportView:
    intro: str
    sections: tuple[SectionView, ...]
    toc: tuple[tuple[int, str, str], ...]


def text_of_narrative(report: Report) -> str:
    """The report's Markdown: in memory, or read now for a report taken from the build cache."""
    if not report.narrative_file:
        return report.narrative
    return narrative_text(Path(report.narrative_file).read_bytes())


def report_view(report: Report, fmt: Format) -> ReportView:
    narrative = render_narrative(text_of_narrative(report))
    placed: set[str] = set()
    sections: list[SectionView] = []
    for section in narrative.sections:
        outline_section = section_of(section.heading, fmt.outline.sections)
        tables: list[ReportTable] = []
        if outline_section is not None:
            for table in fmt.tables:
                if table.section == outline_section.id and table.id not in placed:
                    tables.append(ReportTable(table, report.statistics))
                    placed.add(table.id)
        sections.append(SectionView(section.anchor, section.heading, section.html, tuple(tables), section.level))
    toc = list(narrative.toc)
    leftovers: dict[str, list[ReportTable]] = {}
    for table in fmt.tables:
        if table.id not in placed:
            leftovers.setdefault(table.section or "appendix", []).append(ReportTable(table, report.statistics))
    for n, (section_id, tables) in enumerate(leftovers.items(), start=1):
        heading = next((s.heading for s in fmt.outline.sections if s.id == section_id), APPENDIX_HEADING)
        anchor = f"t{n}"
        sections.append(SectionView(anchor, heading, "", tuple(tables), 2, True))
        toc.append((2, anchor, heading))
    return ReportView(narrative.intro, tuple(sections), tuple(toc))
