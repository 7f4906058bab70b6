"""Mobility: a timeline of visits and the breakdowns by year, mode, country and faculty."""

import streamlit as st

import charts
from charts import frames
from charts import mobility as mobility_charts
from i18n import fmt, t
from metrics import rules
from ui import show_table, start_page, stop_if_empty
from ui.evidence import COLUMNS, kpi_cards, picked_categories
from ui.tables import columns

ctx = start_page("mobility")
lang = ctx.lang
visits = ctx.scoped()["visits"]
stop_if_empty(ctx, [visits])

values, notes = ctx.kpis()
kpi_cards(ctx, ["visits_incoming", "visits_outgoing", "remote_share", "lecture_sessions", "mobility_countries"],
          values, notes)

visits = visits.assign(
    year=frames.year_of(visits, "start_date", "end_date"),
    mode=rules.visit_mode(visits),
    partner_label=mobility_charts.partner_labels(visits, ctx.partner_names(), ctx.country_name, lang),
)

# Timeline -------------------------------------------------------------------------------
st.subheader(t("page.mobility.timeline", lang))
by_person = False
if not ctx.presenting:
    rows_by = st.segmented_control(
        t("page.mobility.rows_by", lang), ["partner", "person"], default="partner", key="timeline-rows",
        format_func=lambda v: t(f"page.mobility.rows_{v}", lang),
    )
    by_person = rows_by == "person"
if by_person:
    visits = visits.assign(person_label=visits["person"].fillna(t("page.mobility.unknown_person", lang)))
label_column = "person_label" if by_person else "partner_label"
undated = charts.undated_visits(visits)
if len(undated) < len(visits):
    timeline_info: dict = {}
    st.plotly_chart(
        charts.visit_timeline(visits, label_column, lang=lang, presenting=ctx.presenting, info=timeline_info),
        key="visit-timeline", config={"displaylogo": False},
    )
    st.caption(t("page.mobility.timeline_note", lang))
    if timeline_info.get("months"):
        # Many visits: each row counts visits per period (charts.timeline.MAX_BARS, MAX_ROW_VISITS).
        st.caption(t("page.mobility.timeline_grouped", lang, visits=fmt.integer(timeline_info["visits"], lang),
                     bars=fmt.integer(timeline_info["bars"], lang), months=timeline_info["months"]))
else:
    st.info(t("page.mobility.no_dated", lang))
if len(undated):
    st.markdown(fmt.plural("page.mobility.undated", len(undated), lang))
    show_table(ctx, undated, columns("visits", "partner_label", "person", "institution_id", "direction", "mode",
                                     "activity", "country"), key="undated", file_stem="undated-visits")

# Per year and mode -------------------------------------------------------------------------
left, right = st.columns(2)
with left:
    st.subheader(t("page.mobility.per_year", lang))
    per_year = mobility_charts.visits_per_year(visits, lang=lang, presenting=ctx.presenting)
    if per_year is None:
        st.caption(t("page.mobility.no_dated", lang))
    else:
        st.plotly_chart(per_year, key="visits-per-year")
with right:
    st.subheader(t("page.mobility.by_mode", lang))
    st.plotly_chart(mobility_charts.visits_by_mode(visits, lang=lang, presenting=ctx.presenting), key="visits-by-mode")

# By country and faculty ----------------------------------------------------------------------
left, right = st.columns(2)
with left:
    st.subheader(t("page.mobility.by_country", lang))
    homes = ctx.tables["institutions"]
    country_event = st.plotly_chart(
        mobility_charts.visits_by_country(visits, homes, ctx.country_name, lang=lang, presenting=ctx.presenting),
        key="visits-by-country", on_select="rerun", selection_mode=("points", "box"))
    domestic = mobility_charts.domestic_visits(visits, homes)
    if domestic:
        # Foreign countries only, as the "Mobility countries" figure; the home country apart.
        st.caption(fmt.plural("page.mobility.by_country_domestic", sum(domestic.values()), lang,
                              countries=", ".join(ctx.country_name(c) for c in domestic)))
with right:
    st.subheader(t("page.mobility.by_faculty", lang))
    exploded = ctx.explode_list("visits", visits, ["faculty", "direction"], "faculty", t("common.not_stated", lang))
    st.plotly_chart(mobility_charts.visits_by_faculty(exploded, lang=lang, presenting=ctx.presenting), key="visits-by-faculty")
    st.caption(t("page.mobility.faculty_note", lang))

# The visits of the bars clicked (else all), with their sources --------------------------------
names_to_codes = {ctx.country_name(c): c for c in visits["country"].dropna().unique()}
picked = [names_to_codes[n] for n in picked_categories(country_event, horizontal=True) if n in names_to_codes]
st.subheader(t("page.mobility.table_picked", lang, countries=", ".join(ctx.country_name(c) for c in picked))
             if picked else t("page.mobility.table", lang))
if not picked and not ctx.presenting:
    st.caption(t("page.mobility.table_hint", lang))
shown = visits[visits["country"].isin(picked).to_numpy()] if picked else visits
# The same columns as the rows behind the visit figures (ui.evidence), with their documents;
# names and quotes hidden when presenting.
show_table(ctx, shown, COLUMNS["visit"], sources="visits", key="visits", file_stem="visits")

# Lecture sessions --------------------------------------------------------------------------------
st.subheader(t("page.mobility.sessions", lang))
sessions = mobility_charts.sessions_per_year(visits, lang=lang, presenting=ctx.presenting)
if sessions is None:
    st.caption(t("page.mobility.no_sessions", lang))
else:
    st.plotly_chart(sessions, key="sessions-per-year")
