"""International students: where they come from, the trend by academic year, level, faculty."""

import streamlit as st

import charts
from charts import frames
from charts.theme import INSTITUTION_COLORS
from i18n import fmt, t
from loaders.schema import STUDENT_LEVELS
from metrics import rules
from metrics.kpis import sum_students
from ui import start_page, stop_if_empty, table_with_download
from ui.evidence import kpi_cards
from ui.tables import display_frame

TOP = 15

ctx = start_page("students")
lang = ctx.lang
students = ctx.scoped()["students"]
stop_if_empty(ctx, [students], "page.students.empty")

# The rows of the KPI itself: foreign students of the latest academic year among them.
latest = ctx.evidence_frame("international_students")
latest_year = rules.latest_year_label(latest) or ""
values, notes = ctx.kpis()
kpi_cards(ctx, ["international_students", "student_countries"], values, notes, columns=3)
st.caption(t("page.students.latest_note", lang, year=latest_year, n=values["international_students"]))
domestic = rules.domestic_students(students, ctx.tables["institutions"])
if not domestic.empty:
    st.caption(fmt.plural("page.students.domestic_note", len(domestic), lang, n=sum_students(domestic),
                           rows=fmt.integer(len(domestic), lang)))

# Where from ----------------------------------------------------------------------------
by_country = frames.count_by(latest, ["country"], weight="count")
left, right = st.columns([3, 2])
with left:
    st.subheader(t("page.students.map", lang, year=latest_year))
    counts = dict(zip(by_country["country"], by_country["count"], strict=True))
    st.pydeck_chart(
        charts.country_map(counts, noun_key="page.students.map_tip", lang=lang,
                           country_names={c: ctx.country_name(c) for c in counts},
                           extra_points=[[float(r.lon), float(r.lat)] for r in ctx.scoped()["institutions"]
                                         .dropna(subset=["lat", "lon"]).itertuples()]),
        height=460, key="students-map",
    )
with right:
    st.subheader(t("page.students.by_country", lang, year=latest_year))
    named = by_country.assign(country=by_country["country"].map(ctx.country_name))
    named = frames.top_n(named, "country", TOP, t("common.other", lang))
    st.plotly_chart(charts.bar_chart(
        named, "country", "count", horizontal=True, value_title=t("common.axis.students", lang), presenting=ctx.presenting, lang=lang,
    ), key="students-by-country")

# Trend -----------------------------------------------------------------------------------
st.subheader(t("page.students.trend", lang))
trend = frames.count_by(rules.foreign_rows(students, ctx.tables["institutions"]), ["academic_year", "institution_id"],
                        weight="count")
institution_ids = list(ctx.institution_names)
st.plotly_chart(charts.line_chart(
    trend, "academic_year", "count", group="institution_id",
    group_labels=ctx.institution_names,
    group_colors={iid: INSTITUTION_COLORS[i % len(INSTITUTION_COLORS)] for i, iid in enumerate(institution_ids)},
    category_title=t("common.axis.academic_year", lang), value_title=t("common.axis.students", lang),
    presenting=ctx.presenting, lang=lang,
), key="students-trend")

# Level and faculty ---------------------------------------------------------------------------
left, right = st.columns(2)
with left:
    st.subheader(t("page.students.by_level", lang, year=latest_year))
    by_level = frames.count_by(
        latest.assign(level=latest["level"].fillna("unknown")), ["level"], weight="count"
    )
    labels = {lv: t(f"enum.level.{lv}", lang) for lv in STUDENT_LEVELS} | {"unknown": t("common.not_stated", lang)}
    st.plotly_chart(charts.bar_chart(
        by_level, "level", "count", horizontal=True, category_labels=labels,
        value_title=t("common.axis.students", lang), presenting=ctx.presenting, lang=lang,
    ), key="students-by-level")
with right:
    st.subheader(t("page.students.by_faculty", lang, year=latest_year))
    by_faculty = frames.count_by(
        frames.explode_list(latest, "faculty", t("common.not_stated", lang)), ["faculty"], weight="count"
    )
    st.plotly_chart(charts.bar_chart(
        by_faculty, "faculty", "count", horizontal=True, value_title=t("common.axis.students", lang),
        presenting=ctx.presenting, lang=lang,
    ), key="students-by-faculty")

st.subheader(t("page.students.table", lang))
table = display_frame(students.sort_values(["year_start", "institution_id"], ascending=[False, True]), [
    ("institution_id", "common.col.institution", "institution"),
    ("academic_year", "common.col.academic_year", "text"),
    ("country", "common.col.country", "country"),
    ("level", "common.col.level", "enum:level"),
    ("faculty", "common.col.faculty", "list"),
    ("program", "common.col.program", "text"),
    ("count", "common.col.students", "int"),
], lang, lookups=ctx.lookups())
table_with_download(table, "students", lang, key="students")
