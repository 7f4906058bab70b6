"""Rankings: the ratios rankings and the national rating ask for, with their inputs, trend,
targets and what it takes to reach them (docs/metrics.md, "Ranking indicators")."""

import pandas as pd
import streamlit as st

from i18n import fmt, t
from metrics.rankings import INDICATORS, YEARLY
from report.rankings import (
    formula_text,
    rankings_for,
    reach_text,
    target_text,
    targets_of,
    value_text,
)
from ui import show_table, start_page
from ui.tables import columns

ctx = start_page("rankings")
lang = ctx.lang
result = rankings_for(ctx.tables, ctx.scope, ctx.research())
st.caption(t("page.rankings.year", lang, year=result.academic_year, date=fmt.date_text(ctx.scope.as_of, lang)))
st.info(t("ranking.honest", lang), icon=":material/info:")


def why(indicator) -> str:
    if indicator.state == "unknown":
        if indicator.reason == "no_total":
            names = ", ".join(ctx.institution_label(i) for i in indicator.missing)
            return t("ranking.why.no_total", lang, institutions=names)
        return t(f"ranking.why.{indicator.reason or 'no_research'}", lang)
    return t("ranking.why.undefined", lang) if indicator.state == "undefined" else ""


facts = ctx.tables.get("institution_facts")
year_start = int(result.academic_year[:4])
if facts is None or facts.empty or not (facts["year_start"] == year_start).any():
    st.warning(t("page.rankings.no_facts", lang), icon=":material/edit_note:")

institutions = list(result.by_institution)
targets = targets_of(ctx.tables, institutions, year_start)
rows = []
for name in INDICATORS:
    indicator = result.figures[name]
    rows.append({
        t("ranking.col.indicator", lang): t(f"ranking.{name}.label", lang),
        t("ranking.col.value", lang): value_text(indicator, lang),
        t("ranking.col.formula", lang): formula_text(indicator, lang),
        t("ranking.col.state", lang): why(indicator),
    })
def whole(frame: pd.DataFrame) -> None:
    """Every row in view, no scrolling inside the grid (a dozen indicators)."""
    st.dataframe(frame, hide_index=True, use_container_width=True, height=35 * (len(frame) + 1) + 3)


whole(pd.DataFrame(rows))
with st.expander(t("page.rankings.definitions", lang)):
    for name in INDICATORS:
        st.markdown(f"**{t(f'ranking.{name}.label', lang)}**: {t(f'ranking.{name}.definition', lang)}")

if len(institutions) > 1:
    st.subheader(t("page.rankings.per_institution", lang))
    per = [{t("ranking.col.indicator", lang): t(f"ranking.{name}.label", lang),
            **{ctx.institution_label(i): value_text(result.by_institution[i][name], lang) for i in institutions}}
           for name in INDICATORS]
    whole(pd.DataFrame(per))

if targets:
    st.subheader(t("page.rankings.targets", lang))
    target_rows = []
    for (inst, name), target in sorted(targets.items()):
        indicator = result.by_institution[inst][name]
        target_rows.append({
            t("common.col.institution", lang): ctx.institution_label(inst),
            t("ranking.col.indicator", lang): t(f"ranking.{name}.label", lang),
            t("ranking.col.value", lang): value_text(indicator, lang),
            t("ranking.col.target", lang): target_text(indicator, target, lang),
            t("ranking.col.reach", lang): reach_text(indicator, target, lang),
        })
    whole(pd.DataFrame(target_rows))

st.subheader(t("page.rankings.trend", lang))
trend = [{t("ranking.col.indicator", lang): t(f"ranking.{name}.label", lang),
          **{year: value_text(figs[name], lang) for year, figs in result.trend.items()}} for name in YEARLY]
whole(pd.DataFrame(trend))

st.subheader(t("page.rankings.facts", lang))
if facts is None or facts.empty:
    st.caption(t("page.rankings.no_fact_rows", lang))
else:
    shown = facts[facts["institution_id"].astype(str).isin(institutions)].sort_values(
        ["year_start", "institution_id", "metric"], ascending=[False, True, True])
    show_table(ctx, shown, columns("institution_facts", "institution_id", "academic_year", "metric", "value", "source"),
               key="institution-facts", file_stem="institution-facts")
