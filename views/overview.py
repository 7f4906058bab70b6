"""Overview: the KPIs (docs/metrics.md) with honest year-over-year changes, targets, institutions."""

import pandas as pd
import streamlit as st

import metrics
from charts.compare import Cell, institution_bars, sort_rows
from i18n import fmt, t
from metrics.figure import figures
from report.figure_words import value_text
from ui import show_table, start_page, stop_if_empty
from ui.evidence import kpi_cards, period_label
from ui.format import DASH, format_value

# KPI cards grouped the way a rector reads them.
GROUPS = [
    ("partners", ["partners", "partner_countries", "irn_index"]),
    ("agreements", ["agreements_active", "agreements_expiring", "agreements_dormant"]),
    ("mobility", ["visits_incoming", "visits_outgoing", "remote_share", "lecture_sessions", "mobility_countries"]),
    ("grants", ["grants_active", "grant_funding_usd"]),
    ("students", ["international_students", "student_countries"]),
]
# Institutions compared on these first (any figure can be added).
COMPARED = ["partners", "agreements_active", "visits_incoming", "visits_outgoing", "grant_funding_usd",
            "international_students"]
# For these a rise is bad news: the delta is coloured the other way round.
INVERSE = frozenset({"agreements_expiring", "agreements_dormant"})

ctx = start_page("overview")
lang = ctx.lang
scoped = ctx.scoped()
stop_if_empty(ctx, [scoped["agreements"], scoped["visits"], scoped["grants"], scoped["students"]])

values, notes = ctx.kpis()
comparison = ctx.year_over_year()


def comparison_line() -> str:
    """One line: what the small change under each card compares, or why there is none."""
    if comparison.reason is None:  # v3: each card compares its own latest two dated years
        return t("page.overview.yoy_note", lang, period=period_label(comparison, lang))
    dating = ctx.dating_summary()
    undated = [t(f"common.table.{name}", lang) for name, (dated, rows) in dating.items() if rows and not dated]
    why = t(f"page.overview.no_compare.{comparison.reason}", lang, year=comparison.year or "",
            previous=(comparison.year or 1) - 1)
    if undated:
        why += " " + t("page.overview.no_compare.undated", lang, tables=", ".join(undated))
    return why


st.caption(":material/compare_arrows: " + comparison_line())

for group, names in GROUPS:
    st.subheader(t(f"page.overview.group.{group}", lang))
    kpi_cards(ctx, names, values, notes, comparison, INVERSE)
    if group == "partners":
        st.caption(t("page.overview.irn_note", lang))
    if group == "grants" and notes.get("grants_without_rate"):
        st.caption(fmt.plural("page.overview.grants_without_rate", notes["grants_without_rate"], lang))

# Target vs actual -----------------------------------------------------------------
st.subheader(t("page.overview.targets", lang))
targets = ctx.targets()
if targets.empty:
    st.caption(t("page.overview.no_targets", lang))
else:
    st.caption(t("page.overview.targets_note", lang))
    shown = pd.DataFrame(
        {
            t("common.col.institution", lang): [ctx.institution_label(i) for i in targets["institution_id"]],
            t("common.col.year", lang): targets["year"].astype(int),
            t("common.col.kpi", lang): [t(metrics.KPI_BY_NAME[m].label_key, lang) for m in targets["metric"]],
            t("page.overview.col.target", lang): [
                format_value(v, metrics.KPI_BY_NAME[m].unit, lang) for v, m in zip(targets["target"], targets["metric"], strict=True)
            ],
            t("page.overview.col.actual", lang): [
                format_value(v, metrics.KPI_BY_NAME[m].unit, lang) for v, m in zip(targets["actual"], targets["metric"], strict=True)
            ],
            t("page.overview.col.reached", lang): [
                None if s is None or pd.isna(s) else round(float(s) * 100, 1) for s in targets["share_reached"]
            ],
        }
    )
    reached = t("page.overview.col.reached", lang)
    show_table(
        ctx, shown, key="targets", file_stem="targets",
        column_config={reached: st.column_config.ProgressColumn(reached, format="%.1f%%", min_value=0, max_value=100)},
    )

# Institutions side by side: a row each, a column of bars per figure, sortable --------------
by_inst, inst_notes = ctx.kpis_compared()
if len(by_inst) > 1:
    st.subheader(t("page.overview.by_institution", lang))
    picked = set(ctx.scope.institutions)
    listed = sorted(by_inst, key=lambda i: (bool(picked) and i not in picked, ctx.institution_label(i)))

    def header(inst: str) -> str:
        label = ctx.institution_label(inst)
        return label if not picked or inst in picked else t("page.overview.for_comparison", lang, name=label)

    inst_figures = {inst: figures(by_inst[inst], inst_notes[inst]) for inst in listed}

    def cell(inst: str, name: str) -> Cell:
        fig = inst_figures[inst][name]
        shown = fig.shown
        number = None if shown is None or pd.isna(shown) else float(shown)
        return Cell(number, number is not None, value_text(fig, lang))

    kpi_label = {k.name: t(k.label_key, lang) for k in metrics.KPIS}
    cells = {(header(i), k.name): cell(i, k.name) for i in listed for k in metrics.KPIS}
    left, right = st.columns([3, 1])
    shown_figures = left.multiselect(
        t("page.overview.compare_figures", lang), list(kpi_label), default=COMPARED, key="compare-figures",
        format_func=kpi_label.get,
    ) or COMPARED
    by = right.selectbox(t("page.overview.sort_by", lang), [None, *shown_figures], key="compare-sort",
                         format_func=lambda k: t("page.overview.sort_name", lang) if k is None else kpi_label[k])
    rows = sort_rows([header(i) for i in listed], cells, by)
    st.plotly_chart(institution_bars(rows, shown_figures, cells, labels=kpi_label, presenting=ctx.presenting, lang=lang),
                    key="by-institution-chart", config={"displaylogo": False})
    if picked:
        st.caption(t("page.overview.by_institution_note", lang))
    # The same figures as a table: a row per institution (click a column to sort), for download.
    side = pd.DataFrame({t("common.col.institution", lang): rows,
                         **{kpi_label[k.name]: [cells[(r, k.name)].text for r in rows] for k in metrics.KPIS}})
    show_table(ctx, side, key="by-inst", file_stem="kpis-by-institution")
st.caption(t("page.overview.dash_note", lang, dash=DASH) + " " + t("page.overview.unknown_note", lang,
                                                                      unknown=t("figure.unknown", lang)))
