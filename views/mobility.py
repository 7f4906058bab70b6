"""Mobility: a timeline of visits and the breakdowns by year, mode, country and faculty."""

import numpy as np
import pandas as pd
import streamlit as st

import charts
from charts import frames
from charts.theme import DIRECTION_COLORS, MODE_COLORS
from i18n import fmt, t
from loaders import schema
from metrics import rules
from ui import start_page, stop_if_empty, table_with_download
from ui.evidence import COLUMNS, PERSONAL, kpi_cards, picked_categories
from ui.panels import display_table_with_download
from ui.tables import display_frame

DIRECTIONS = list(schema.DIRECTIONS)
MODES = list(schema.MODES)
TOP_COUNTRIES = 15

ctx = start_page("mobility")
lang = ctx.lang
visits = ctx.scoped()["visits"]
stop_if_empty(ctx, [visits])

direction_labels = {d: t(f"enum.direction.{d}", lang) for d in DIRECTIONS}
mode_labels = {m: t(f"enum.mode.{m}", lang) for m in MODES}
partner_names = ctx.partner_names()


def partner_labels(visits: pd.DataFrame) -> np.ndarray:
    """The partner's name (else its id), else "<country> (no partner)" ("" country when
    unknown): one label per distinct partner and country, then taken per visit."""
    pid_codes, pid_uniques = pd.factorize(visits["partner_id"])
    country_codes, country_uniques = pd.factorize(visits["country"])
    by_partner = np.array([partner_names.get(p, p) for p in pid_uniques] + [""], dtype=object)
    by_country = np.array(
        [t("page.mobility.no_partner", lang, country=ctx.country_name(c)) for c in country_uniques]
        + [t("page.mobility.no_partner", lang, country=ctx.country_name(None))], dtype=object,
    )
    return np.where(pid_codes >= 0, by_partner[pid_codes], by_country[country_codes])


values, notes = ctx.kpis()
kpi_cards(ctx, ["visits_incoming", "visits_outgoing", "remote_share", "lecture_sessions", "mobility_countries"],
          values, notes)

visits = visits.assign(
    year=frames.year_of(visits, "start_date", "end_date"),
    mode=rules.visit_mode(visits),
    partner_label=partner_labels(visits),
)

# Timeline -------------------------------------------------------------------------------
st.subheader(t("page.mobility.timeline", lang))
by_person = False
if not ctx.present:
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
        charts.visit_timeline(visits, label_column, lang=lang, present=ctx.present, info=timeline_info),
        key="visit-timeline", config={"displaylogo": False},
    )
    st.caption(t("page.mobility.timeline_note", lang))
    if timeline_info.get("months"):
        # Many visits: bars stand for groups of visits (charts.timeline.MAX_GROUPED_BARS).
        st.caption(t("page.mobility.timeline_grouped", lang, visits=fmt.integer(timeline_info["visits"], lang),
                     bars=fmt.integer(timeline_info["bars"], lang), months=timeline_info["months"]))
else:
    st.info(t("page.mobility.no_dated", lang))
if len(undated):
    st.markdown(fmt.plural("page.mobility.undated", len(undated), lang))
    columns = [
        ("partner_label", "common.col.partner", "text"),
        ("institution_id", "common.col.institution", "institution"),
        ("direction", "common.col.direction", "enum:direction"),
        ("mode", "common.col.mode", "enum:mode"),
        ("activity", "common.col.activity", "enum:activity"),
        ("country", "common.col.country", "country"),
    ]
    if not ctx.present:
        columns.insert(1, ("person", "common.col.person", "text"))
    table_with_download(display_frame(undated, columns, lang, lookups=ctx.lookups()), "undated-visits", lang, key="undated")

# Per year ---------------------------------------------------------------------------------
left, right = st.columns(2)
with left:
    st.subheader(t("page.mobility.per_year", lang))
    per_year = frames.count_by(visits, ["year", "direction"]).sort_values("year")
    if per_year.empty:
        st.caption(t("page.mobility.no_dated", lang))
    else:
        per_year["year"] = per_year["year"].astype(int).astype(str)
        st.plotly_chart(charts.bar_chart(
            per_year, "year", "count", group="direction", stacked=False,
            category_order=sorted(per_year["year"].unique()), group_order=DIRECTIONS,
            category_title=t("common.axis.year", lang), value_title=t("common.axis.visits", lang),
            group_labels=direction_labels, group_colors=DIRECTION_COLORS, present=ctx.present,
        ), key="visits-per-year")
with right:
    st.subheader(t("page.mobility.by_mode", lang))
    by_mode = frames.count_by(visits, ["direction", "mode"])
    st.plotly_chart(charts.bar_chart(
        by_mode, "direction", "count", group="mode", category_order=[d for d in DIRECTIONS if d in set(by_mode["direction"])],
        group_order=MODES, category_labels=direction_labels, group_labels=mode_labels, group_colors=MODE_COLORS,
        category_title=t("common.axis.direction", lang), value_title=t("common.axis.visits", lang), present=ctx.present,
    ), key="visits-by-mode")

# By country and faculty ----------------------------------------------------------------------
left, right = st.columns(2)
with left:
    st.subheader(t("page.mobility.by_country", lang))
    # foreign only, as the "Mobility countries" card counts (docs/metrics.md v3); domestic
    # visits are said apart under the chart
    foreign_visits = rules.foreign_rows(visits, ctx.tables["institutions"])
    domestic_visits = visits[~visits.index.isin(foreign_visits.index) & visits["country"].notna().to_numpy()]
    by_country = frames.count_by(foreign_visits, ["country", "direction"])
    by_country["country"] = by_country["country"].map(ctx.country_name)
    by_country = frames.top_n(by_country, "country", TOP_COUNTRIES, t("common.other", lang))
    order = by_country.groupby("country", sort=False)["count"].sum().sort_values(ascending=False, kind="stable").index.tolist()
    country_event = st.plotly_chart(charts.bar_chart(
        by_country, "country", "count", group="direction", horizontal=True, category_order=order,
        group_order=DIRECTIONS, group_labels=direction_labels, group_colors=DIRECTION_COLORS,
        value_title=t("common.axis.visits", lang), present=ctx.present,
    ), key="visits-by-country", on_select="rerun", selection_mode=("points", "box"))
    if len(domestic_visits):
        st.caption(t("page.mobility.domestic_apart", lang, n=fmt.integer(len(domestic_visits), lang),
                     countries=", ".join(sorted({ctx.country_name(c) for c in domestic_visits["country"]}))))
with right:
    st.subheader(t("page.mobility.by_faculty", lang))
    by_faculty = frames.count_by(
        ctx.explode_list("visits", visits, ["faculty", "direction"], "faculty", t("common.not_stated", lang)),
        ["faculty", "direction"],
    )
    order = by_faculty.groupby("faculty", sort=False)["count"].sum().sort_values(ascending=False, kind="stable").index.tolist()
    st.plotly_chart(charts.bar_chart(
        by_faculty, "faculty", "count", group="direction", horizontal=True, category_order=order,
        group_order=DIRECTIONS, group_labels=direction_labels, group_colors=DIRECTION_COLORS,
        value_title=t("common.axis.visits", lang), present=ctx.present,
    ), key="visits-by-faculty")
    st.caption(t("page.mobility.faculty_note", lang))

# The visits of the bars clicked (else all), with their sources --------------------------------
names_to_codes = {ctx.country_name(c): c for c in visits["country"].dropna().unique()}
picked = [names_to_codes[n] for n in picked_categories(country_event, horizontal=True) if n in names_to_codes]
st.subheader(t("page.mobility.table_picked", lang, countries=", ".join(ctx.country_name(c) for c in picked))
             if picked else t("page.mobility.table", lang))
if not picked and not ctx.present:
    st.caption(t("page.mobility.table_hint", lang))
shown = visits[visits["country"].isin(picked).to_numpy()] if picked else visits
# The same columns as the rows behind the visit figures (ui.evidence), names hidden when presenting.
visit_columns = [c for c in COLUMNS["visit"] if not (ctx.present and c[0] in PERSONAL)]
display_table_with_download(shown, visit_columns, lang, lookups=ctx.lookups(), file_stem="visits", key="visits")

# Lecture sessions --------------------------------------------------------------------------------
st.subheader(t("page.mobility.sessions", lang))
incoming = rules.incoming_visits(visits)
sessions = frames.count_by(incoming.assign(activity_label=incoming["activity"]), ["year", "activity_label"], weight="sessions")
sessions = sessions[sessions["count"] > 0].sort_values("year")
if sessions.empty:
    st.caption(t("page.mobility.no_sessions", lang))
else:
    sessions["year"] = sessions["year"].astype(int).astype(str)
    st.plotly_chart(charts.bar_chart(
        sessions, "year", "count", group="activity_label", category_order=sorted(sessions["year"].unique()),
        group_labels={a: t(f"enum.activity.{a}", lang) for a in sessions["activity_label"].unique()},
        category_title=t("common.axis.year", lang), value_title=t("common.axis.sessions", lang), present=ctx.present,
    ), key="sessions-per-year")
