"""The International students page's bars, each a named builder (student rows in, Figure
out); the page only lays them out. Each sums ``count`` (rows are head counts)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd
import plotly.graph_objects as go

from charts import frames
from charts.bars import Axis, Groups, Values, bar_chart, line_chart
from charts.theme import INSTITUTION_COLORS
from i18n import t
from loaders.schema import STUDENT_LEVELS
from metrics import rules

TOP = 15


def _bars(counts: pd.DataFrame, category: str, lang: str, presenting: bool,
          labels: dict[str, str] | None = None) -> go.Figure:
    return bar_chart(counts, category, "count", horizontal=True, axis=Axis(labels=labels or {}),
                     values=Values(t("common.axis.students", lang)), presenting=presenting, lang=lang)


def by_country(students: pd.DataFrame, country_name: Callable[[str], str], *, lang: str = "en",
               presenting: bool = False, top: int = TOP) -> go.Figure:
    """Students per country by name, the most first; beyond ``top`` the rest fold into "Other"."""
    counts = frames.count_by(students, ["country"], weight="count")
    named = counts.assign(country=counts["country"].map(country_name))
    return _bars(frames.top_n(named, "country", top, t("common.other", lang)), "country", lang, presenting)


def trend(students: pd.DataFrame, institutions: pd.DataFrame, institution_names: Mapping[str, str], *,
          lang: str = "en", presenting: bool = False) -> go.Figure:
    """Foreign students per academic year, a line per institution (each its colour, in
    the order of ``institution_names``); students from the institution's own country are
    not counted (``metrics.rules.foreign_rows``)."""
    counts = frames.count_by(rules.foreign_rows(students, institutions), ["academic_year", "institution_id"],
                             weight="count")
    colors = {iid: INSTITUTION_COLORS[i % len(INSTITUTION_COLORS)] for i, iid in enumerate(institution_names)}
    return line_chart(
        counts, "academic_year", "count", axis=Axis(t("common.axis.academic_year", lang)),
        values=Values(t("common.axis.students", lang)), groups=Groups("institution_id", institution_names, colors),
        presenting=presenting, lang=lang,
    )


def by_level(students: pd.DataFrame, *, lang: str = "en", presenting: bool = False) -> go.Figure:
    """Students per level of study (a row without one under "not stated")."""
    counts = frames.count_by(students.assign(level=students["level"].fillna("unknown")), ["level"], weight="count")
    labels = {lv: t(f"enum.level.{lv}", lang) for lv in STUDENT_LEVELS} | {"unknown": t("common.not_stated", lang)}
    return _bars(counts, "level", lang, presenting, labels)


def by_faculty(students: pd.DataFrame, *, lang: str = "en", presenting: bool = False) -> go.Figure:
    """Students per faculty (a row of two faculties counts in both; none: "not stated")."""
    exploded = frames.explode_list(students, "faculty", t("common.not_stated", lang))
    return _bars(frames.count_by(exploded, ["faculty"], weight="count"), "faculty", lang, presenting)
