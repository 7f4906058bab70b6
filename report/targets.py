"""Targets and trends for the pack (issue 29, item 2): each target of the development plan
beside its actual figure, and the headline figures by year per institution.

Every actual is the KPI engine's (``metrics.compare.targets_vs_actual``,
``metrics.compare.figures_by_year``) and is written as its figure's state reads
(``report.figure_words.value_text``): an unknown actual is "unknown", never 0 or "0 %".

    >>> part = targets_part(tables, scope, "en", short)
    >>> part.section.table.rows[0]
    ['SamSMU', '2024', 'Incoming visits', '4', '2', '50.0%', 'not met']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd

from i18n import fmt, t
from metrics import KPI_BY_NAME, KPIS, Scope
from metrics.cache import DatasetCache
from metrics.compare import YearFigures, figures_by_year, targets_vs_actual
from metrics.figure import Figure
from report.figure_words import value_text
from report.parts import Chart, Section, Series, Table
from report.summary import TargetFigure

# The headline figures shown year by year: those dated by their own events (an agreement
# active "in a year" or an index of partners is not a yearly figure).
BY_YEAR = ("partners", "visits_incoming", "visits_outgoing", "mobility_countries",
           "grant_funding_usd", "international_students")
# A target's result: reached, not reached (its year is over), its year is not over yet,
# or the actual is not known well enough to tell.
RESULTS = ("met", "not_met", "open", "cannot_tell")


@dataclass(frozen=True)
class TargetsPart:
    """The pack's targets section (None: no target in scope), its rows as numbers for the
    annex (``frame``: ``targets_vs_actual`` with ``result``), and the by-year part."""

    section: Section | None
    frame: pd.DataFrame
    by_year: Section | None
    years: YearFigures | None


def result_of(row: Mapping[str, object], as_of: date) -> str:
    """``met``, ``not_met``, ``open`` or ``cannot_tell`` for one row of
    ``targets_vs_actual``: the summary's verdict (``report.summary.TargetFigure``, targets
    read as "at least"), with "not met" in a year not over at the as-of date as ``open``."""
    verdict = TargetFigure(str(row["institution_id"]), int(row["year"]),  # type: ignore[call-overload]
                           str(row["metric"]), float(row["target"]),  # type: ignore[arg-type]
                           _actual_figure(row)).verdict
    if verdict == "not_met" and date(int(row["year"]), 12, 31) > as_of:  # type: ignore[call-overload]
        return "open"
    return verdict


def _actual_figure(row: Mapping[str, object]) -> Figure:
    return Figure(str(row["metric"]), row["actual"], str(row["state"]),  # type: ignore[arg-type]
                  int(row["unknown"] or 0))  # type: ignore[call-overload]


def _reached(row: Mapping[str, object], lang: str) -> str:
    """The share of the target reached, as the actual's state reads ("≥ 80.0%" when the
    actual is a lower bound; "unknown" / "cannot tell" when it is not known)."""
    state = str(row["state"])
    if state == "unknown":
        return t("figure.unknown", lang)
    if state == "cannot_tell":
        return t("figure.cannot_tell", lang)
    share = row["share_reached"]
    if share is None or pd.isna(share):
        return fmt.DASH
    text = fmt.percent(share, lang)
    return "≥ " + text if state == "at_least" else text


def targets_section(frame: pd.DataFrame, as_of: date, lang: str, short: Mapping[str, str]
                    ) -> Section | None:
    """Target against actual per institution, year and figure, with the result in words,
    and a chart of the results per year; None when the scope has no target."""
    if frame.empty:
        return None
    order = {k.name: n for n, k in enumerate(KPIS)}
    frame = frame.assign(_name=[short.get(str(i), str(i)) for i in frame["institution_id"]],
                         _order=[order.get(str(m), 99) for m in frame["metric"]])
    frame = frame.sort_values(["_name", "year", "_order"], kind="stable")
    rows = []
    # a year not begun by the as-of date has no actual to set beside its target: its
    # targets are counted above and listed in the annex, not on the slides
    later = int((frame["year"].astype(int) > as_of.year).sum())
    for row in frame.to_dict("records"):
        if int(row["year"]) > as_of.year:
            continue
        unit = KPI_BY_NAME[str(row["metric"])].unit
        rows.append([row["_name"], str(int(row["year"])), t(KPI_BY_NAME[str(row["metric"])].label_key, lang),
                     fmt.value(row["target"], unit, lang), value_text(_actual_figure(row), lang),
                     _reached(row, lang), t(f"pack.targets.result.{row['result']}", lang)])
    years = sorted(int(y) for y in frame["year"].unique())
    counts = frame.groupby(["year", "result"]).size()
    series = [Series(t(f"pack.targets.result.{r}", lang),
                     [int(counts.get((y, r), 0)) for y in years], f"target.{r}")
              for r in RESULTS if (frame["result"] == r).any()]
    total = {r: int((frame["result"] == r).sum()) for r in RESULTS}
    lead = fmt.plural("pack.targets.lead", len(frame), lang, met=fmt.integer(total["met"], lang),
                      not_met=fmt.integer(total["not_met"], lang), open=fmt.integer(total["open"], lang),
                      cannot_tell=fmt.integer(total["cannot_tell"], lang))
    headers = [t("export.col.institution", lang), t("export.col.year", lang), t("export.col.kpi", lang),
               t("page.overview.col.target", lang), t("page.overview.col.actual", lang),
               t("page.overview.col.reached", lang), t("pack.targets.col.result", lang)]
    return Section(
        "targets", t("pack.targets.title", lang), lead,
        [Chart("stacked_column", t("pack.targets.chart", lang), [str(y) for y in years], series)],
        Table(headers, rows, (False, False, False, True, True, True, False), (12, 8, 30, 12, 13, 12, 13),
              fmt.plural("pack.targets.later", later, lang, year=as_of.year) if later else ""),
        t("pack.targets.notes", lang), table_title=t("pack.targets.table_title", lang))


def year_header(year: int, years: YearFigures, lang: str) -> str:
    """``2025`` or, for the as-of year counted only up to the as-of date, "2025 (to Jun 30)"."""
    if years.partial is not None and year == years.partial.year:
        return t("pack.by_year.partial", lang, year=year, date=fmt.day_month(years.partial, lang))
    return str(year)


def by_year_section(years: YearFigures, lang: str, short: Mapping[str, str]) -> Section | None:
    """The headline figures by year, per institution (a cell per year as its figure's
    state reads); None with fewer than two dated years."""
    if len(years.years) < 2 or not years.institutions:
        return None
    many = len(years.institutions) > 1
    headers = ([t("export.col.institution", lang)] if many else []) + [t("export.col.kpi", lang)] + [
        year_header(y, years, lang) for y in years.years]
    rows = []
    for institution in years.institutions:
        for name in BY_YEAR:
            cells = [value_text(years.figures[(institution, y)][name], lang)  # type: ignore[arg-type]
                     for y in years.years]
            rows.append(([short.get(institution, institution)] if many else [])
                        + [t(KPI_BY_NAME[name].label_key, lang)] + cells)
    n = len(years.years)
    label = (14, 30) if many else (40,)
    room = 100 - sum(label)
    return Section(
        "by_year", t("pack.by_year.title", lang),
        t("pack.by_year.lead", lang, first=years.years[0], last=years.years[-1]),
        table=Table(headers, rows, (False,) * len(label) + (True,) * n, label + (room / n,) * n),
        notes="\n".join(t(f"kpi.{k}.definition", lang) for k in BY_YEAR),
        table_title=t("pack.by_year.title", lang))


def targets_part(tables: Mapping[str, pd.DataFrame], scope: Scope, lang: str, short: Mapping[str, str],
                 cache: DatasetCache | None = None) -> TargetsPart:
    """Both sections and their numbers, from the one KPI engine."""
    cache = DatasetCache(tables) if cache is None else cache
    frame = targets_vs_actual(tables, scope, cache)
    frame = frame.assign(result=[result_of(r, scope.as_of) for r in frame.to_dict("records")]) \
        if not frame.empty else frame.assign(result=pd.Series(dtype=object))
    years = figures_by_year(tables, scope, BY_YEAR, cache)
    return TargetsPart(targets_section(frame, scope.as_of, lang, short), frame,
                       by_year_section(years, lang, short), years if len(years.years) >= 2 else None)


__all__ = ["BY_YEAR", "RESULTS", "TargetsPart", "by_year_section", "result_of", "targets_part",
           "targets_section"]
