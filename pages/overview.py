"""Overview: the KPIs of METRICS.md with year-over-year deltas, targets, institutions."""

import pandas as pd
import streamlit as st

import metrics
from i18n import t
from ui import data as cached
from ui import start_page, stop_if_empty, table_with_download
from ui.format import DASH, format_delta, format_value

# KPI cards grouped the way a rector reads them.
GROUPS = [
    ("partners", ["partners", "partner_countries", "irn_index"]),
    ("agreements", ["agreements_active", "agreements_expiring", "agreements_dormant"]),
    ("mobility", ["visits_incoming", "visits_outgoing", "remote_share", "lecture_sessions", "mobility_countries"]),
    ("grants", ["grants_active", "grant_funding_usd"]),
    ("students", ["international_students", "student_countries"]),
]
# For these a rise is bad news: the delta is coloured the other way round.
INVERSE = {"agreements_expiring", "agreements_dormant"}

ctx = start_page("overview")
lang = ctx.lang
scoped = ctx.scoped()
stop_if_empty(ctx, [scoped["agreements"], scoped["visits"], scoped["grants"], scoped["students"]])

values, notes = ctx.kpis()
year = ctx.comparison_year()
yoy = cached.year_over_year(ctx.path, ctx.stamp, ctx.scope, year) if year else None
deltas = dict(zip(yoy["metric"], yoy["delta"], strict=True)) if yoy is not None else {}
if year:
    st.caption(t("page.overview.yoy_note", lang, year=year, previous=year - 1))

for group, names in GROUPS:
    st.subheader(t(f"page.overview.group.{group}", lang))
    cols = st.columns(5)
    for col, name in zip(cols, names, strict=False):
        kpi = metrics.KPI_BY_NAME[name]
        help_text = t(kpi.definition_key, lang)
        if name == "lecture_sessions" and notes.get("lecture_sessions_unknown"):
            help_text += "\n\n" + t("page.overview.sessions_unknown", lang, n=notes["lecture_sessions_unknown"])
        if name == "grant_funding_usd" and notes.get("grants_amount_unknown"):
            help_text += "\n\n" + t("page.overview.grants_amount_unknown", lang, n=notes["grants_amount_unknown"])
        if name == "grant_funding_usd" and notes.get("grants_without_rate"):
            help_text += "\n\n" + t("page.overview.grants_without_rate", lang, n=notes["grants_without_rate"])
        # A change that rounds to nothing ("0.0", "$0") is shown grey, without an arrow.
        moved = any(c in "123456789" for c in (format_delta(deltas.get(name), kpi.unit, lang) or ""))
        col.metric(
            t(kpi.label_key, lang),
            format_value(values.get(name), kpi.unit, lang),
            delta=format_delta(deltas.get(name), kpi.unit, lang),
            delta_color="off" if not moved else ("inverse" if name in INVERSE else "normal"),
            delta_arrow="auto" if moved else "off",
            delta_description=t("page.overview.vs_year", lang, year=year, previous=year - 1) if year else None,
            help=help_text,
            border=True,
        )
    if group == "mobility" and notes.get("lecture_sessions_unknown"):
        st.caption(t("page.overview.sessions_unknown", lang, n=notes["lecture_sessions_unknown"]))
    if group == "grants" and notes.get("grants_amount_unknown"):
        st.caption(t("page.overview.grants_amount_unknown", lang, n=notes["grants_amount_unknown"]))
    if group == "partners":
        st.caption(t("page.overview.irn_note", lang))

# Target vs actual -----------------------------------------------------------------
st.subheader(t("page.overview.targets", lang))
targets = cached.targets_vs_actual(ctx.path, ctx.stamp, ctx.scope)
if targets.empty:
    st.caption(t("page.overview.no_targets", lang))
else:
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
    table_with_download(
        shown, "targets", lang, key="targets",
        column_config={reached: st.column_config.ProgressColumn(reached, format="%.1f%%", min_value=0, max_value=100)},
    )

# Institutions side by side ------------------------------------------------------------
by_inst = cached.kpis_by_institution(ctx.path, ctx.stamp, ctx.scope)
if len(by_inst) > 1:
    st.subheader(t("page.overview.by_institution", lang))
    side = pd.DataFrame(
        {
            t("common.col.kpi", lang): [t(k.label_key, lang) for k in metrics.KPIS],
            **{
                ctx.institution_label(inst): [format_value(kpis.get(k.name), k.unit, lang) for k in metrics.KPIS]
                for inst, kpis in by_inst.items()
            },
        }
    )
    table_with_download(side, "kpis-by-institution", lang, key="by-inst")
st.caption(t("page.overview.dash_note", lang, dash=DASH))
