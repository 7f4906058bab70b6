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
from metrics.figure import Figure, figures
from metrics.tables import EVIDENCE_TABLE
from report.figure_words import domestic_words, figure_words, value_text
from ui.context import PageContext
from ui.documents import document_links, documents_of_frame, with_documents
from ui.panels import show_table
from ui.tables import columns, display_frame, visible

K_OPEN = "evidence_open"  # session key: the KPI whose rows are shown

# A row's source as its document's title and the quote (issue 28: never a bare file name).
_SOURCE = ("document", "quote", "_row")
# The columns of the rows behind each kind of figure (KpiDef.evidence_of); the id first.
COLUMNS: dict[str, list[tuple[str, str, str]]] = {
    "agreement": columns("agreements", "agreement_id", "institution_id", "partner_id", "kind", "status_at_as_of",
                         "status", "signed_on", "expires_on", *_SOURCE),
    "visit": columns("visits", "visit_id", "institution_id", "partner_id", "country", "direction", "mode", "activity",
                     "start_date", "sessions", "person", *_SOURCE),
    "grant": columns("grants", "grant_id", "institution_id", "title", "partner_ids", "status", "start_date", "amount",
                     "currency", "usd", *_SOURCE),
    "partner": columns("partners", "partner_id", "name", "type", "country", "city", "institutions", *_SOURCE),
    "country": columns(None, ("country", "common.col.id", "text"), "country_name", "rows", "ids", "documents"),
    "students": columns("students", "row_id", "institution_id", "academic_year", "country", "level", "count",
                        *_SOURCE),
}


def evidence_display(ctx: PageContext, name: str, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rows behind KPI ``name`` as a person reads them (translated, names hidden when presenting)."""
    kpi = metrics.KPI_BY_NAME[name]
    if frame is None:
        frame = ctx.evidence_frame(name)
    if kpi.evidence_of == "country":
        frame = frame.assign(country_name=[ctx.country_name(c) for c in frame["country"]])
    frame = with_documents(ctx, EVIDENCE_TABLE.get(kpi.evidence_of, "countries"), frame)
    columns = visible(COLUMNS[kpi.evidence_of], ctx.presenting)
    # The document right after the id: a panel reads what proves the row before its details.
    document = [c for c in columns if c[0] in ("document", "documents")]
    columns = [columns[0], *document, *[c for c in columns[1:] if c not in document]]
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


def rows_panel(ctx: PageContext, names: Sequence[str], figs: Mapping[str, Figure]) -> None:
    """Under a row of cards: the rows behind the card opened among ``names``; the heading
    reads the figure as its card does ("unknown", "≥ N", "cannot tell")."""
    name = st.session_state.get(K_OPEN)
    if name not in names:
        return
    kpi = metrics.KPI_BY_NAME[name]
    lang = ctx.lang
    table = evidence_display(ctx, name)
    with st.container(border=True, key=f"evidence-{name}"):
        st.markdown("**" + t("evidence.title", lang, kpi=t(kpi.label_key, lang),
                              value=value_text(figs[name], lang)) + "**")
        st.caption(fmt.plural(f"evidence.what.{kpi.aggregate}", len(table), lang)
                   + " " + t(kpi.definition_key, lang))
        show_table(ctx, table, key=f"evidence-{name}", file_stem=f"rows-{name}")
        document_links(ctx, documents_of_frame(ctx, EVIDENCE_TABLE.get(kpi.evidence_of, "countries"),
                                               ctx.evidence_frame(name)), key=f"evidence-{name}")
        if name == "agreements_expiring" and figs[name].unknown:
            # what "cannot tell" / "≥" rests on: the active agreements whose expiry is unknown
            active = ctx.evidence_frame("agreements_active")
            unknown = active[metrics.rules.expiry_unknown(active)]
            st.markdown("**" + t("evidence.expiry_unknown", lang, n=fmt.integer(len(unknown), lang)) + "**")
            show_table(ctx, evidence_display(ctx, "agreements_active", unknown), key="evidence-expiry-unknown",
                       file_stem="rows-expiry-unknown")



def kpi_card(container, ctx: PageContext, fig: Figure, inverse: bool = False, rows: bool = True) -> None:
    """One KPI card: the figure as its state reads (never an unknown shown as 0), its own
    change with both years' values, its definition, "Show rows". The headline never
    truncates (the ``coop-figure`` style wraps it)."""
    lang = ctx.lang
    words = figure_words(fig, lang)
    moved = words.delta is not None and any(c in "123456789" for c in words.delta)
    container.metric(
        t(fig.label_key, lang),
        words.value,
        delta=words.delta,
        delta_color="off" if not moved else ("inverse" if inverse else "normal"),
        delta_arrow="auto" if moved else "off",
        help=t(fig.definition_key, lang),
        border=True,
    )
    # why there is no change: only under a plain figure (an unknown one says why already)
    lines = [words.note, words.change, words.no_change if fig.state == "known" else None]
    if fig.name == "partner_countries":  # v3: domestic partners said apart, never counted
        partners = ctx.evidence_frame("partners")
        lines.insert(0, domestic_words(partners, ctx.evidence_frame("partner_countries")["country"], lang).strip()
                     .removeprefix("(").removesuffix(")") or None)
    for line in lines:
        if line:  # "+ 2 without a count" is text, not a markdown list item
            container.caption("\\" + line if line[:1] in "+-*" else line)
    if rows:  # in presentation mode too: the rows are masked (ctx.evidence_frame)
        show_rows_button(container, fig.name, lang)


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
    # a comparison no figure has is said once above the cards, not under each
    compared = comparison is not None and comparison.reason is None
    figs = figures(values, notes, comparison.changes if compared else None)
    cols = st.columns(columns)
    for col, name in zip(cols, names, strict=False):
        kpi_card(col, ctx, figs[name], inverse=name in inverse)
    rows_panel(ctx, names, figs)


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
