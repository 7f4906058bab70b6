"""What the pack leaves out for want of data, and says so (issue 29, item 5).

A section none of whose charts has a value and whose table has no row gets no slide and
no page; a chart without a value inside a section that has others is dropped; a trend
needs two years with a value (one bar is not a trend). The summary names what is left
out in one line. The renderers (report.pptx, report.pdf) lay out ``kept`` sections only.
Example::

    kept(pack.trends)      # the section without its empty or one-bar charts, or None
    absent_line(pack)      # 'Not in this pack (no data in the selection): Grants and …'
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from i18n import t
from report.parts import Chart, Section, Table

if TYPE_CHECKING:
    from report.model import Pack

TREND_KEYS = ("trends",)  # sections whose charts are trends over years


def _bars(chart: Chart) -> int:
    """Categories with a value in any series."""
    return sum(1 for i, _ in enumerate(chart.categories)
               if any(i < len(s.values) and s.values[i] for s in chart.series))


def _shown(chart: Chart, trend: bool) -> bool:
    return not chart.empty and (not trend or _bars(chart) >= 2)


def _rows(table: Table | None) -> bool:
    return table is not None and bool(table.rows)


def kept(section: Section | None) -> Section | None:
    """The section with only its charts that have something to show; None when nothing
    is left (no chart, no table row)."""
    if section is None:
        return None
    trend = section.key in TREND_KEYS
    charts = [c for c in section.charts if _shown(c, trend)]
    if not charts and not _rows(section.table):
        return None
    if len(charts) == len(section.charts):
        return section
    return replace(section, charts=charts)


def absent_sections(pack: Pack) -> list[str]:
    """The titles of the sections the pack leaves out, in the pack's order."""
    titles = []
    if pack.trends is not None and kept(pack.trends) is None:
        titles.append(pack.trends.title)
    if not pack.map_counts:
        titles.append(pack.map.title)
    for section in pack.sections:
        if kept(section) is None:
            titles.append(section.title)
        elif section.key == "grants" and section.table is not None and not section.table.rows:
            titles.append(t("pack.grants.list", pack.lang))
        if section.key == "partners" and kept(pack.agreements) is None:
            titles.append(pack.agreements.title)
    titles += [s.title for s in pack.research if kept(s) is None]
    return titles


def absent_line(pack: Pack) -> str:
    """One sentence naming the sections left out ("" when none is)."""
    titles = absent_sections(pack)
    if not titles:
        return ""
    # joined by commas: section titles hold "and" themselves (Babel's lists add one more,
    # and its unit lists in ru and uz use bare spaces)
    return t("pack.absent", pack.lang, sections=", ".join(titles))


__all__ = ["absent_line", "absent_sections", "kept"]
