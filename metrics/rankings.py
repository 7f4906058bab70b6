"""Ranking and accreditation indicators: the raw ratios a ranking starts from.

Definitions, the methodology each follows and where this project's reading differs:
docs/metrics.md, "Ranking indicators". Each indicator is one ``Indicator``: its value and
state, the numbers in its formula, the academic year, and the rows and facts behind it.

Unknown stays unknown: an indicator whose denominator (a total in ``institution_facts``)
is missing for that academic year is "unknown"; another year's total is never used. For
a scope of several institutions, numerators and denominators are summed, and the
indicator is unknown unless every institution in scope has its total for that year.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from core.missing import is_missing
from metrics import rules
from metrics.quota import (
    MOBILITY_ACTIVITIES,
    academic_year_label,
    latest_started_year,
    mobility_visits,
)

FACT_METRICS = ("students_total", "staff_academic_total", "staff_academic_international",
                "doctorates_awarded", "doctorates_awarded_international")
# name -> (unit, numerator, denominator fact); units: share (0..1), per100, index, count
INDICATORS: dict[str, str] = {
    "international_student_share": "share",
    "international_staff_share": "share",
    "international_coauthorship_share": "share",
    "qs_irn_joint_papers": "index",
    "partner_network_index": "index",
    "student_mobility_incoming_per_100": "per100",
    "student_mobility_outgoing_per_100": "per100",
    "staff_mobility_incoming_per_100": "per100",
    "staff_mobility_outgoing_per_100": "per100",
    "international_doctorates_share": "share",
    "student_countries_foreign": "count",
    "largest_country_share": "share",
}
# The indicators computed per academic year from the institution's own records.
YEARLY = ("international_student_share", "international_staff_share",
          "student_mobility_incoming_per_100", "student_mobility_outgoing_per_100",
          "staff_mobility_incoming_per_100", "staff_mobility_outgoing_per_100",
          "international_doctorates_share", "student_countries_foreign", "largest_country_share")
# What each unit of a numerator is, for "what it takes" (i18n ``ranking.unit.<word>``).
NUMERATOR_WORD = {
    "international_student_share": "student", "international_staff_share": "staff",
    "student_mobility_incoming_per_100": "student_visit", "student_mobility_outgoing_per_100": "student_visit",
    "staff_mobility_incoming_per_100": "staff_visit", "staff_mobility_outgoing_per_100": "staff_visit",
    "international_doctorates_share": "doctorate", "international_coauthorship_share": "paper",
}


@dataclass(frozen=True)
class Indicator:
    """One indicator for one scope (or institution) and academic year."""

    name: str
    value: float | None
    state: str  # known, unknown (an input is missing), undefined (nothing to divide by)
    numerator: float | None = None
    denominator: float | None = None
    academic_year: str | None = None
    reason: str | None = None  # why unknown: no_total, no_research, no_students
    missing: tuple[str, ...] = ()  # the institutions whose total is missing
    evidence: Mapping[str, list[str]] = field(default_factory=dict)

    @property
    def unit(self) -> str:
        return INDICATORS[self.name]

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value if self.state == "known" else None, "state": self.state,
                               "numerator": self.numerator, "denominator": self.denominator,
                               "academic_year": self.academic_year}
        if self.reason:
            out["reason"] = self.reason
        if self.missing:
            out["missing"] = list(self.missing)
        return out


@dataclass(frozen=True)
class ResearchInputs:
    """What the publication exports give (computed by ``research``, passed in)."""

    papers: int = 0
    international: int = 0
    paper_ids: tuple[str, ...] = ()
    international_ids: tuple[str, ...] = ()
    qs_irn: float | None = None
    window: tuple[int, int] | None = None
    has_exports: bool = False


def _text(value: object) -> str:
    return "" if is_missing(value) else str(value)


def _facts(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    facts = tables.get("institution_facts")
    if facts is None:
        return pd.DataFrame(columns=["institution_id", "academic_year", "metric", "value", "year_start"])
    return facts


def fact(tables: Mapping[str, pd.DataFrame], institution: str, year: int, metric: str) -> tuple[float | None, list[str]]:
    """The fact's value for that institution and academic year (None: not given), with its
    row reference (``institution_facts:<row>``)."""
    facts = _facts(tables)
    hit = facts[(facts["institution_id"].astype(str) == institution) & (facts["year_start"] == year)
                & (facts["metric"].astype(str) == metric)]
    if hit.empty:
        return None, []
    rows = [f"institution_facts:{int(r)}" for r in hit["_row"]] if "_row" in hit.columns else []
    return float(hit["value"].iloc[0]), rows


def _ratio(name: str, parts: Sequence[tuple[str, float | None, float | None, list[str]]], year: int,
           scale: float = 1.0, evidence: Mapping[str, list[str]] | None = None) -> Indicator:
    """Sum the (institution, numerator, denominator, fact rows) parts into one indicator:
    unknown when any institution lacks a figure for that year (never another year's)."""
    label = academic_year_label(year)
    ev = {**(evidence or {}), "facts": sorted({r for *_, rows in parts for r in rows})}
    nums = [n for _, n, _, _ in parts if n is not None]
    dens = [d for _, _, d, _ in parts if d is not None]
    numerator = float(sum(nums)) if parts and len(nums) == len(parts) else None
    denominator = float(sum(dens)) if parts and len(dens) == len(parts) else None
    if numerator is None or denominator is None:
        missing = tuple(i for i, n, d, _ in parts if n is None or d is None)
        return Indicator(name, None, "unknown", numerator, denominator, label, "no_total", missing, ev)
    if not denominator:
        return Indicator(name, None, "undefined", numerator, denominator, label, None, (), ev)
    return Indicator(name, numerator / denominator * scale, "known", numerator, denominator, label, None, (), ev)


def _foreign_students(tables: Mapping[str, pd.DataFrame], institution: str, year: int) -> pd.DataFrame:
    students = tables.get("students")
    if students is None or students.empty:
        return pd.DataFrame(columns=["country", "count"])
    mine = students[(students["institution_id"].astype(str) == institution) & (students["year_start"] == year)]
    return rules.foreign_rows(mine, tables["institutions"])


def _student_ids(frame: pd.DataFrame) -> list[str]:
    return [f"students:{int(r)}" for r in frame["_row"]] if "_row" in frame.columns else []


# A visit as the mobility ratios ask of it: (institution, academic year, participant,
# direction, activity).
VisitKey = tuple[str, int, str, str, str]


def visits_by_year(tables: Mapping[str, pd.DataFrame]) -> dict[VisitKey, list[str]]:
    """The ids of the visits that count for the mobility ratios (not remote, their academic
    year known: ``metrics.quota.mobility_visits``, the quota's own reading of a visit)
    under their `VisitKey`: the visits read once for every year and ratio."""
    found: dict[VisitKey, list[str]] = {}
    for (inst, _partner, way, who, activity), placed in mobility_visits(tables.get("visits")).items():
        for visit_id, year in placed:
            if year is not None:
                found.setdefault((inst, year, who, way, activity), []).append(visit_id)
    return found


def _visits_in_year(visits: Mapping[VisitKey, list[str]], institution: str, year: int, participant: str,
                    direction: str, activities: frozenset[str] | None) -> list[str]:
    return sorted(visit_id for (inst, y, who, way, activity), ids in visits.items()
                  if (inst, y, who, way) == (institution, year, participant, direction)
                  and (activities is None or activity in activities)
                  for visit_id in ids)


def institutions_of(tables: Mapping[str, pd.DataFrame], wanted: Iterable[str] = ()) -> list[str]:
    every = sorted(tables["institutions"]["institution_id"].astype(str).unique())
    chosen = set(wanted)
    return [i for i in every if not chosen or i in chosen]


def yearly(tables: Mapping[str, pd.DataFrame], institutions: list[str], year: int,
           visits: Mapping[VisitKey, list[str]] | None = None) -> dict[str, Indicator]:
    """The indicators computed from the institutions' own records, for one academic year
    (``visits``: `visits_by_year` of the tables, when the caller has it already)."""
    if visits is None:
        visits = visits_by_year(tables)
    out: dict[str, Indicator] = {}
    # International students / students_total
    parts: list[tuple[str, float | None, float | None, list[str]]] = []
    ids: list[str] = []
    counts: dict[str, int] = {}
    for inst in institutions:
        foreign = _foreign_students(tables, inst, year)
        total, rows = fact(tables, inst, year, "students_total")
        parts.append((inst, float(foreign["count"].sum()), total, rows))
        ids += _student_ids(foreign)
        for country, n in foreign.groupby("country")["count"].sum().items():
            counts[country] = counts.get(country, 0) + int(n)
    out["international_student_share"] = _ratio("international_student_share", parts, year,
                                                 evidence={"students": ids})
    label = academic_year_label(year)
    foreign_total = sum(counts.values())
    out["student_countries_foreign"] = Indicator(
        "student_countries_foreign", float(len(counts)), "known", float(len(counts)), None, label,
        evidence={"students": ids})
    if foreign_total:
        country, top = max(sorted(counts.items()), key=lambda kv: kv[1])
        out["largest_country_share"] = Indicator(
            "largest_country_share", top / foreign_total, "known", float(top), float(foreign_total), label,
            evidence={"students": ids, "country": [country]})
    else:
        out["largest_country_share"] = Indicator("largest_country_share", None, "undefined", 0.0, 0.0, label,
                                                 evidence={"students": ids})
    # Staff and doctorates: two facts each
    for name, numerator, denominator in (
            ("international_staff_share", "staff_academic_international", "staff_academic_total"),
            ("international_doctorates_share", "doctorates_awarded_international", "doctorates_awarded")):
        parts = []
        for inst in institutions:
            num, num_rows = fact(tables, inst, year, numerator)
            den, den_rows = fact(tables, inst, year, denominator)
            parts.append((inst, num, den, num_rows + den_rows))
        out[name] = _ratio(name, parts, year)
    # Mobility per 100 students / academic staff
    teaching = MOBILITY_ACTIVITIES["staff_teaching"][1]
    for who, total_metric, activities in (("student", "students_total", None), ("staff", "staff_academic_total", teaching)):
        for direction in ("incoming", "outgoing"):
            name = f"{who}_mobility_{direction}_per_100"
            parts, visit_ids = [], []
            for inst in institutions:
                found = _visits_in_year(visits, inst, year, who, direction, activities)
                total, rows = fact(tables, inst, year, total_metric)
                parts.append((inst, float(len(found)), total, rows))
                visit_ids += found
            out[name] = _ratio(name, parts, year, scale=100.0, evidence={"visits": sorted(visit_ids)})
    return out


def research_indicators(research: ResearchInputs | None, partner_index: float | None) -> dict[str, Indicator]:
    """Co-authorship share and QS IRN from the exports; the partner-based index apart."""
    out: dict[str, Indicator] = {}
    if research is None or not research.has_exports:
        for name in ("international_coauthorship_share", "qs_irn_joint_papers"):
            out[name] = Indicator(name, None, "unknown", reason="no_research")
    else:
        ev = {"papers": list(research.international_ids)}
        if research.papers:
            out["international_coauthorship_share"] = Indicator(
                "international_coauthorship_share", research.international / research.papers, "known",
                float(research.international), float(research.papers), None, evidence=ev)
        else:
            out["international_coauthorship_share"] = Indicator(
                "international_coauthorship_share", None, "undefined", 0.0, 0.0, evidence=ev)
        irn = research.qs_irn
        out["qs_irn_joint_papers"] = Indicator("qs_irn_joint_papers", irn, "known" if irn is not None else "undefined")
    out["partner_network_index"] = Indicator(
        "partner_network_index", partner_index,
        "known" if partner_index is not None and math.isfinite(partner_index) else "undefined")
    return out


def years_with_data(tables: Mapping[str, pd.DataFrame], institutions: list[str], as_of: date) -> list[int]:
    """Academic years with a fact or a students row of these institutions, started by as_of,
    latest first (the latest started one always included)."""
    latest = latest_started_year(as_of)
    years = {latest}
    for name in ("institution_facts", "students"):
        frame = tables.get(name)
        if frame is not None and not frame.empty and "year_start" in frame.columns:
            mine = frame[frame["institution_id"].astype(str).isin(institutions)]
            years |= {int(y) for y in mine["year_start"].dropna() if int(y) <= latest}
    return sorted(years, reverse=True)


@dataclass(frozen=True)
class Rankings:
    academic_year: str
    figures: dict[str, Indicator]
    by_institution: dict[str, dict[str, Indicator]]
    trend: dict[str, dict[str, Indicator]]


def rankings(tables: Mapping[str, pd.DataFrame], as_of: date, institutions: Iterable[str] = (),
             research: ResearchInputs | None = None, partner_index: float | None = None,
             research_by_institution: Mapping[str, ResearchInputs] | None = None,
             partner_index_by_institution: Mapping[str, float | None] | None = None) -> Rankings:
    """Every indicator for the scope (the latest started academic year), per institution,
    and per academic year with data (trend)."""
    chosen = institutions_of(tables, institutions)
    latest = latest_started_year(as_of)
    visits = visits_by_year(tables)
    figures = {**yearly(tables, chosen, latest, visits), **research_indicators(research, partner_index)}
    per = {}
    for inst in chosen:
        per[inst] = {**yearly(tables, [inst], latest, visits),
                     **research_indicators((research_by_institution or {}).get(inst),
                                           (partner_index_by_institution or {}).get(inst))}
    trend = {academic_year_label(y): yearly(tables, chosen, y, visits)
             for y in years_with_data(tables, chosen, as_of)}
    return Rankings(academic_year_label(latest), {n: figures[n] for n in INDICATORS}, per, trend)


def to_reach(indicator: Indicator, target: float) -> float | None:
    """How many more numerator units reach ``target`` at today's denominator (0 when met;
    None when the indicator is not known or has no denominator). Shares take a fraction,
    per-100 figures a number per 100."""
    if indicator.state != "known" or not indicator.denominator or indicator.numerator is None:
        return None
    scale = 100.0 if indicator.unit == "per100" else 1.0
    needed = math.ceil(target / scale * indicator.denominator - 1e-9)
    return float(max(0, needed - indicator.numerator))


def rankings_json(result: Rankings) -> dict[str, Any]:
    """The JSON report's ``rankings`` block (shares as fractions, unknown as null + reason)."""
    def block(figures: Mapping[str, Indicator]) -> dict[str, Any]:
        return {name: ind.as_json() for name, ind in figures.items()}

    return {
        "academic_year": result.academic_year,
        "figures": {name: ind.value if ind.state == "known" else None for name, ind in result.figures.items()},
        "details": block(result.figures),
        "by_institution": {inst: {name: ind.value if ind.state == "known" else None for name, ind in figs.items()}
                           for inst, figs in result.by_institution.items()},
        "by_institution_details": {inst: block(figs) for inst, figs in result.by_institution.items()},
        "trend": {year: {name: ind.value if ind.state == "known" else None for name, ind in figs.items()}
                  for year, figs in result.trend.items()},
    }
