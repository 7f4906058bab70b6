"""The Mobility page's breakdowns, each a named builder (visits in, Figure out); the page
only lays them out. ``visits`` carry ``year`` (charts.frames.year_of) and ``mode``
(metrics.rules.visit_mode) beside the loaded columns."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts import frames
from charts.bars import Axis, Groups, Values, bar_chart
from charts.theme import DIRECTION_COLORS, MODE_COLORS
from i18n import t
from loaders import schema
from metrics import rules

DIRECTIONS = list(schema.DIRECTIONS)
MODES = list(schema.MODES)
TOP_COUNTRIES = 15


def partner_labels(visits: pd.DataFrame, partner_names: Mapping[str, str],
                   country_name: Callable[[str | None], str], lang: str = "en") -> np.ndarray:
    """The timeline's row per visit: the partner's name (else its id), else "<country>
    (no partner)"; one label per distinct partner and country, then taken per visit."""
    pid_codes, pid_uniques = pd.factorize(visits["partner_id"])
    country_codes, country_uniques = pd.factorize(visits["country"])
    by_partner = np.array([partner_names.get(p, p) for p in pid_uniques] + [""], dtype=object)
    by_country = np.array(
        [t("page.mobility.no_partner", lang, country=country_name(c)) for c in country_uniques]
        + [t("page.mobility.no_partner", lang, country=country_name(None))], dtype=object,
    )
    return np.where(pid_codes >= 0, by_partner[pid_codes], by_country[country_codes])


def _directions(lang: str) -> dict[str, str]:
    return {d: t(f"enum.direction.{d}", lang) for d in DIRECTIONS}


def _by_direction(lang: str) -> Groups:
    """Incoming and outgoing, each its colour."""
    return Groups("direction", _directions(lang), DIRECTION_COLORS, DIRECTIONS)


def visits_per_year(visits: pd.DataFrame, *, lang: str = "en", presenting: bool = False) -> go.Figure | None:
    """Incoming and outgoing visits per calendar year, side by side (None: no dated visit)."""
    counts = frames.count_by(visits, ["year", "direction"])
    if counts.empty:
        return None
    counts = frames.years_as_text(counts)
    return bar_chart(
        counts, "year", "count", stacked=False,
        axis=Axis(t("common.axis.year", lang), order=sorted(counts["year"].unique())),
        values=Values(t("common.axis.visits", lang)), groups=_by_direction(lang), presenting=presenting,
    )


def visits_by_mode(visits: pd.DataFrame, *, lang: str = "en", presenting: bool = False) -> go.Figure:
    """Visits per direction, in person and remote stacked."""
    counts = frames.count_by(visits, ["direction", "mode"])
    return bar_chart(
        counts, "direction", "count",
        axis=Axis(t("common.axis.direction", lang), _directions(lang),
                  [d for d in DIRECTIONS if d in set(counts["direction"])]),
        values=Values(t("common.axis.visits", lang)),
        groups=Groups("mode", {m: t(f"enum.mode.{m}", lang) for m in MODES}, MODE_COLORS, MODES), presenting=presenting,
    )


def domestic_visits(visits: pd.DataFrame, institutions: pd.DataFrame) -> dict[str, int]:
    """Visits to or from the institution's own country, per country (ISO alpha-3)."""
    if visits.empty:
        return {}
    domestic = visits[(visits["country"] == rules.home_country(visits, institutions)).fillna(False).to_numpy(dtype=bool)]
    return {str(k): int(v) for k, v in domestic["country"].value_counts().items()}


def visits_by_country(visits: pd.DataFrame, institutions: pd.DataFrame, country_name: Callable[[str], str], *,
                      lang: str = "en", presenting: bool = False, top: int = TOP_COUNTRIES) -> go.Figure:
    """Visits per foreign country (the institution's own country is left out, as in the
    "Mobility countries" figure; ``domestic_visits`` counts those), incoming and outgoing
    stacked, the largest first; beyond ``top`` countries the rest fold into "Other"."""
    foreign = rules.foreign_rows(visits, institutions)
    counts = frames.count_by(foreign, ["country", "direction"])
    counts = counts.assign(country=counts["country"].map(country_name))
    counts = frames.top_n(counts, "country", top, t("common.other", lang))
    return bar_chart(
        counts, "country", "count", horizontal=True, axis=Axis(order=frames.largest_first(counts, "country")),
        values=Values(t("common.axis.visits", lang)), groups=_by_direction(lang), presenting=presenting,
    )


def visits_by_faculty(exploded: pd.DataFrame, *, lang: str = "en", presenting: bool = False) -> go.Figure:
    """Visits per faculty (a visit of two faculties counts in both): ``exploded`` has one
    row per visit and faculty (``faculty``, ``direction``)."""
    counts = frames.count_by(exploded, ["faculty", "direction"])
    return bar_chart(
        counts, "faculty", "count", horizontal=True, axis=Axis(order=frames.largest_first(counts, "faculty")),
        values=Values(t("common.axis.visits", lang)), groups=_by_direction(lang), presenting=presenting,
    )


def sessions_per_year(visits: pd.DataFrame, *, lang: str = "en", presenting: bool = False) -> go.Figure | None:
    """Sessions held by incoming visitors per year and activity (None: no session counted)."""
    incoming = rules.incoming_visits(visits)
    counts = frames.count_by(incoming.assign(activity_label=incoming["activity"]), ["year", "activity_label"],
                             weight="sessions")
    counts = counts[counts["count"] > 0]
    if counts.empty:
        return None
    counts = frames.years_as_text(counts)
    return bar_chart(
        counts, "year", "count", axis=Axis(t("common.axis.year", lang), order=sorted(counts["year"].unique())),
        values=Values(t("common.axis.sessions", lang)),
        groups=Groups("activity_label", {a: t(f"enum.activity.{a}", lang) for a in counts["activity_label"].unique()}),
        presenting=presenting,
    )
