"""KPI cards that open to the rows behind them, and tables of those rows with their sources.

Every card has a "Show rows" control beside it; pressing it shows, under the row of
cards, exactly the rows the figure is computed from (``metrics.evidence_frame``): the
columns a person needs, the ``source`` quote and the row number in the user's file,
with a CSV download. Definitions of the figures: docs/metrics.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

import metrics
from i18n import fmt, t
from ui.context import PageContext
from ui.documents import EVIDENCE_TABLE, document_links, documents_of_frame, with_documents
from ui.format import format_delta, format_value
from ui.panels import table_with_download
from ui.tables import display_frame

K_OPEN = "evidence_open"  # session key: the KPI whose rows are shown
PERSONAL = ("person", "person_title")

# A row's source as its document's title and the quote (issue 28: never a bare file name).
_SOURCE = [("document", "common.col.document", "text"), ("quote", "common.col.quote", "text"),
           ("_row", "common.col.row", "int")]
COLUMNS: dict[str, list[tuple[str, str, str]]] = {
    "agreement": [
        ("agreement_id", "common.col.id", "text"),
        ("institution_id", "common.col.institution", "institution"),
        ("partner_id", "common.col.partner", "partner"),
        ("kind", "common.col.kind", "enum:agreement_kind"),
        ("status_at_as_of", "common.col.status", "enum:agreement_status"),
        ("status", "common.col.status_written", "enum:agreement_status"),
        ("signed_on", "common.col.signed_on", "date"),
        ("expires_on", "common.col.expires_on", "date"),
        *_SOURCE,
    ],
    "visit": [
        ("visit_id", "common.col.id", "text"),
        ("institution_id", "common.col.institution", "institution"),
        ("partner_id", "common.col.partner", "partner"),
        ("country", "common.col.country", "country"),
        ("direction", "common.col.direction", "enum:direction"),
        ("mode", "common.col.mode", "enum:mode"),
        ("activity", "common.col.activity", "enum:activity"),
        ("start_date", "common.col.start", "date"),
        ("sessions", "common.col.sessions", "int"),
        ("person", "common.col.person", "text"),
        *_SOURCE,
    ],
    "grant": [
        ("grant_id", "common.col.id", "text"),
        ("institution_id", "common.col.institution", "institution"),
        ("title", "common.col.title", "text"),
        ("partner_ids", "common.col.partners", "partner"),
        ("status", "common.col.status", "enum:grant_status"),
        ("start_date", "common.col.start", "date"),
        ("amount", "common.col.amount", "float"),
        ("currency", "common.col.currency", "text"),
        ("usd", "common.col.usd", "float"),
        *_SOURCE,
    ],
    "partner": [
        ("partner_id", "common.col.id", "text"),
        ("name", "common.col.partner", "text"),
        ("type", "common.col.partner_type", "enum:partner_type"),
        ("country", "common.col.country", "country"),
        ("city", "common.col.city", "text"),
        ("institutions", "common.col.institution", "institution"),
        *_SOURCE,
    ],
    "country": [
        ("country", "common.col.id", "text"),
        ("country_name", "common.col.country", "text"),
        ("rows", "common.col.rows", "int"),
        ("ids", "common.col.ids", "text"),
        ("documents", "common.col.document", "text"),
    ],
    "students": [
        ("row_id", "common.col.id", "text"),
        ("institution_id", "common.col.institution", "institution"),
        ("academic_year", "common.col.academic_year", "text"),
        ("country", "common.col.country", "country"),
        ("level", "common.col.level", "enum:level"),
        ("count", "common.col.students", "int"),
        *_SOURCE,
    ],
}


def evidence_display(ctx: PageContext, name: str, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rows behind KPI ``name`` as a person reads them (translated, names hidden when presenting)."""
    kpi = metrics.KPI_BY_NAME[name]
    if frame is None:
        frame = ctx.evidence_frame(name)
    if kpi.evidence_of == "country":
        frame = frame.assign(country_name=[ctx.country_name(c) for c in frame["country"]])
    frame = with_documents(ctx, EVIDENCE_TABLE.get(kpi.evidence_of, "countries"), frame)
    columns = [c for c in COLUMNS[kpi.evidence_of]
               if not (ctx.present and c[0] in (*PERSONAL, "quote"))]
    return display_frame(frame, columns, ctx.lang, lookups=ctx.lookups())


def show_rows_button(container, name: str, lang: str) -> None:
    """The "Show rows" control under a card (a toggle: pressed again, it hides them)."""
    def toggle() -> None:
        st.session_state[K_OPEN] = None if st.session_state.get(K_OPEN) == name else name

    opened = st.session_state.get(K_OPEN) == name
    container.button(
        t("evidence.hide_rows" if opened else "evidence.show_rows", lang), key=f"ev-{name}", on_click=toggle,
        type="tertiary", icon=":material/table_rows:",
    )


def rows_panel(ctx: PageContext, names: Sequence[str], values: Mapping[str, object]) -> None:
    """Under a row of cards: the rows behind the card opened among ``names``."""
    name = st.session_state.get(K_OPEN)
    if name not in names:
        return
    kpi = metrics.KPI_BY_NAME[name]
    lang = ctx.lang
    table = evidence_display(ctx, name)
    with st.container(border=True, key=f"evidence-{name}"):
        st.markdown("**" + t("evidence.title", lang, kpi=t(kpi.label_key, lang),
                              value=format_value(values.get(name), kpi.unit, lang)) + "**")
        st.caption(t(f"evidence.what.{kpi.aggregate}", lang, n=fmt.integer(len(table), lang))
                   + " " + t(kpi.definition_key, lang))
        table_with_download(table, f"rows-{name}", lang, key=f"evidence-{name}")
        document_links(ctx, documents_of_frame(ctx, EVIDENCE_TABLE.get(kpi.evidence_of, "countries"),
                                               ctx.evidence_frame(name)), key=f"evidence-{name}")


def figure_text(name: str, value: object, notes: Mapping[str, int], lang: str) -> tuple[str, str | None]:
    """The card's number, and a line under it when inputs are unknown ("unknown", "≥ N")."""
    kpi = metrics.KPI_BY_NAME[name]
    state, unknown = metrics.figure_state(name, notes)
    if state == "unknown":
        return t("figure.unknown", lang), t(f"figure.unknown_why.{name}", lang, n=fmt.integer(unknown, lang))
    text = format_value(value, kpi.unit, lang)
    if state == "at_least":
        return "≥ " + text, t(f"figure.unknown_some.{name}", lang, n=fmt.integer(unknown, lang))
    return text, None


def kpi_card(
    container, ctx: PageContext, name: str, values: Mapping[str, object], notes: Mapping[str, int],
    comparison: metrics.YearComparison | None = None, inverse: bool = False, rows: bool = True,
) -> None:
    """One KPI card: the figure (never an unknown shown as 0), its change under the
    year-over-year rule labelled with the two periods, its definition, "Show rows"."""
    kpi = metrics.KPI_BY_NAME[name]
    lang = ctx.lang
    text, under = figure_text(name, values.get(name), notes, lang)
    change = comparison.deltas.get(name) if comparison is not None else None
    if under is not None:
        change = None  # a change of a figure with unknown inputs says nothing
    delta_text = format_delta(change, kpi.unit, lang) if change is not None else None
    moved = any(c in "123456789" for c in (delta_text or ""))
    container.metric(
        t(kpi.label_key, lang),
        text,
        delta=delta_text,
        delta_color="off" if not moved else ("inverse" if inverse else "normal"),
        delta_arrow="auto" if moved else "off",
        delta_description=period_label(comparison, lang) if delta_text is not None else None,
        help=t(kpi.definition_key, lang),
        border=True,
    )
    if under is not None:
        container.caption(under)
    if rows and not ctx.present:
        show_rows_button(container, name, lang)


def period_label(comparison: metrics.YearComparison | None, lang: str) -> str | None:
    """"2024 vs 2023", or "1 Jan–30 Jun 2025 vs same period 2024" for a year in progress."""
    if comparison is None or comparison.reason is not None:
        return None
    if comparison.partial and comparison.period_end is not None:
        return t("page.overview.vs_period", lang, end=fmt.date_text(comparison.period_end, lang),
                 year=comparison.year, previous=comparison.previous)
    return t("page.overview.vs_year", lang, year=comparison.year, previous=comparison.previous)


def kpi_cards(
    ctx: PageContext, names: Sequence[str], values: Mapping[str, object], notes: Mapping[str, int],
    comparison: metrics.YearComparison | None = None, inverse: frozenset[str] = frozenset(), columns: int = 5,
) -> None:
    """A row of cards, then the rows behind the one opened."""
    cols = st.columns(columns)
    for col, name in zip(cols, names, strict=False):
        kpi_card(col, ctx, name, values, notes, comparison, inverse=name in inverse)
    rows_panel(ctx, names, values)


def picked_categories(event, horizontal: bool = False) -> list[str]:
    """The categories of the bars a person clicked (or boxed) on a plotly chart drawn with
    ``on_select="rerun"``; empty when nothing is picked."""
    selection = getattr(event, "selection", None) if event is not None else None
    if not selection:
        return []
    points = selection.get("points", []) if isinstance(selection, dict) else getattr(selection, "points", [])
    axis = "y" if horizontal else "x"
    out: list[str] = []
    for point in points or []:
        value = point.get(axis) if isinstance(point, dict) else None
        if value is not None and str(value) not in out:
            out.append(str(value))
    return out
