"""International students: where they come from, the trend by academic year, level, faculty."""

import streamlit as st

import charts
from charts import frames
from charts import students as student_charts
from i18n import fmt, t
from metrics import rules
from metrics.kpis import sum_students
from ui import show_table, start_page, stop_if_empty
from ui.evidence import kpi_cards
from ui.tables import columns

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
    st.plotly_chart(student_charts.by_country(latest, ctx.country_name, lang=lang, presenting=ctx.presenting),
                    key="students-by-country")

# Trend -----------------------------------------------------------------------------------
st.subheader(t("page.students.trend", lang))
st.plotly_chart(student_charts.trend(students, ctx.tables["institutions"], ctx.institution_names, lang=lang,
                                     presenting=ctx.presenting), key="students-trend")

# Level and faculty ---------------------------------------------------------------------------
left, right = st.columns(2)
with left:
    st.subheader(t("page.students.by_level", lang, year=latest_year))
    st.plotly_chart(student_charts.by_level(latest, lang=lang, presenting=ctx.presenting), key="students-by-level")
with right:
    st.subheader(t("page.students.by_faculty", lang, year=latest_year))
    st.plotly_chart(student_charts.by_faculty(latest, lang=lang, presenting=ctx.presenting), key="students-by-faculty")

st.subheader(t("page.students.table", lang))
show_table(ctx, students.sort_values(["year_start", "institution_id"], ascending=[False, True]),
           columns("students", "institution_id", "academic_year", "country", "level", "faculty", "program", "count"),
           key="students", file_stem="students")
