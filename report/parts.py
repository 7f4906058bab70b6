"""The pieces of the evidence pack every renderer lays out: series, charts, tables and
sections, and the two label functions they are written with (report.model builds them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.missing import is_missing
from i18n import t


@dataclass(frozen=True)
class Series:
    name: str
    values: list[int] | list[float]
    colour: str  # a meaning ("direction.incoming"), the same colour everywhere in the pack


@dataclass(frozen=True)
class Chart:
    """kind: "column", "bar" (horizontal), "stacked_bar", "stacked_column" or "pie"."""

    kind: str
    title: str
    categories: list[str]
    series: list[Series]
    percent: bool = False  # pie: shares

    @property
    def empty(self) -> bool:
        return not self.categories or not any(v for s in self.series for v in s.values)


@dataclass(frozen=True)
class Table:
    headers: list[str]
    # Text cells; the data annex also holds dates and numbers (typed cells in Excel).
    rows: list[list[Any]]
    numeric: tuple[bool, ...] = ()  # right-aligned columns
    widths: tuple[float, ...] = ()  # relative column widths
    note: str = ""
    # A table over several slides or pages says what a continued page continues:
    # ``carry`` leading columns group the rows ("" = as the row above) and are written again,
    # with ``continued`` after them, atop a continued slide; the PDF writes ``caption`` and
    # ``continued`` above a continued page.
    carry: int = 0
    caption: str = ""
    continued: str = ""


@dataclass(frozen=True)
class Section:
    """One topic: a title, one lead line, its charts and its table (kept together), and
    the definitions a presenter reads (speaker notes)."""

    key: str
    title: str
    lead: str
    charts: list[Chart] = field(default_factory=list)
    table: Table | None = None
    notes: str = ""
    # The slides' title for the table (its own slides in the PowerPoint, under the charts'
    # slides); "" when the table is shown in the PDF only.
    table_title: str = ""


def enum_label(column: str, value: object, lang: str) -> str:
    """The shown word for a listed value: ("mode", "in_person") -> "In person"."""
    if is_missing(value):
        return t("export.unknown", lang)
    key = f"enum.{column}.{value}"
    text = t(key, lang)
    return str(value).replace("_", " ").capitalize() if text == key else text


__all__ = ["Chart", "Section", "Series", "Table", "enum_label"]
