"""Use against quota: an agreement's planned mobilities beside the visits that used them.

Definitions: docs/metrics.md, "Use against quota". In short: for every term of
``agreement_terms`` (one mobility type and direction of one agreement) and every academic
year from its first year to its last (or, open, to the latest academic year that has
started by the reference date), *planned* is ``mobilities_per_year`` (empty: not yet
defined) and *actual* is the number of visits of that agreement's institution and
partner, in that direction, by that kind of participant and activity, whose start date
falls in that academic year. Remote visits do not use a mobility. A visit whose start
date does not tell its academic year (none, or a year alone) cannot be placed: it is
counted apart (``unplaced``), and the actual figure is then a lower bound.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from core.missing import is_missing

# What each mobility type counts: (participant, activities). A visit with no participant
# written is a staff visit (docs/data-contract.md, visits.participant).
MOBILITY_ACTIVITIES: dict[str, tuple[str, frozenset[str]]] = {
    "staff_teaching": ("staff", frozenset({"lectures", "practical_classes", "masterclass"})),
    "staff_training": ("staff", frozenset({"training", "research"})),
    "student_studies": ("student", frozenset({"study"})),
    "student_traineeship": ("student", frozenset({"traineeship"})),
}
USE_STATES = ("under_used", "used", "over_used", "not_defined")
# The first day of an academic year (month, day): 1 September.
ACADEMIC_YEAR_START = (9, 1)


def academic_year_label(start: int) -> str:
    return f"{start}/{start + 1}"


def academic_year_of(day: date, start: tuple[int, int] = ACADEMIC_YEAR_START) -> int:
    """The first calendar year of the academic year ``day`` falls in."""
    return day.year if (day.month, day.day) >= start else day.year - 1


def latest_started_year(as_of: date, start: tuple[int, int] = ACADEMIC_YEAR_START) -> int:
    """The latest academic year that has started by ``as_of`` (its first calendar year)."""
    return academic_year_of(as_of, start)


@dataclass(frozen=True)
class Use:
    """Planned against actual for one term in one academic year."""

    agreement_id: str
    institution_id: str
    partner_id: str
    mobility_type: str
    direction: str
    year_start: int
    planned: int | None
    visit_ids: tuple[str, ...] = field(default=())
    unplaced: int = 0  # matching visits whose academic year the start date does not tell

    @property
    def academic_year(self) -> str:
        return academic_year_label(self.year_start)

    @property
    def actual(self) -> int:
        return len(self.visit_ids)

    @property
    def state(self) -> str:
        if self.planned is None:
            return "not_defined"
        if self.actual < self.planned:
            return "under_used"
        return "used" if self.actual == self.planned else "over_used"


def _text(value: object) -> str:
    return "" if is_missing(value) else str(value)


def _placed_year(row: Mapping, start: tuple[int, int]) -> int | None:
    """The academic year of a visit, or None when its start date does not tell it."""
    day = row.get("start_date")
    if day is None or pd.isna(day):
        return None
    precision = _text(row.get("start_date_precision")) or "day"
    if precision == "year":
        return None  # a year alone straddles two academic years
    stamp = pd.Timestamp(day)
    if precision == "month" and stamp.month == start[0]:
        # the whole month is in the new academic year only when it starts on its first day
        return stamp.year if start[1] == 1 else None
    return academic_year_of(stamp.date(), start)


def _visit_key(visit: Mapping) -> tuple[str, str, str, str, str] | None:
    """What a term asks of a visit: (institution, partner, direction, participant,
    activity); None for a remote visit (it uses no mobility)."""
    if _text(visit.get("mode")) == "remote":
        return None
    return (_text(visit.get("institution_id")), _text(visit.get("partner_id")),
            _text(visit.get("direction")), _text(visit.get("participant")) or "staff",
            _text(visit.get("activity")))


def mobility_visits(visits: pd.DataFrame | None, start: tuple[int, int] = ACADEMIC_YEAR_START
                    ) -> dict[tuple, list[tuple[str, int | None]]]:
    """Every visit that can use a mobility, as (visit id, academic year or None), under its
    `_visit_key`: read once, so each term (and each ranking ratio, ``metrics.rankings``)
    looks up its visits instead of reading them all."""
    grouped: dict[tuple, list[tuple[str, int | None]]] = {}
    for visit in ([] if visits is None else visits.to_dict("records")):
        key = _visit_key(visit)
        if key is not None:
            grouped.setdefault(key, []).append((_text(visit.get("visit_id")), _placed_year(visit, start)))
    return grouped


def use_against_quota(tables: Mapping[str, pd.DataFrame], as_of: date,
                      institutions: frozenset[str] | set[str] = frozenset(),
                      start: tuple[int, int] = ACADEMIC_YEAR_START) -> list[Use]:
    """Every term's use, per academic year up to the latest started one, in the order
    agreement, term row, year. ``institutions`` narrows to those institutions' agreements."""
    terms = tables.get("agreement_terms")
    agreements = tables.get("agreements")
    if terms is None or agreements is None or terms.empty:
        return []
    visits = mobility_visits(tables.get("visits"), start)
    by_id = {_text(a["agreement_id"]): a for a in agreements.to_dict("records")}
    latest = latest_started_year(as_of, start)
    out: list[Use] = []
    for term in terms.to_dict("records"):
        agreement = by_id.get(_text(term.get("agreement_id")))
        if agreement is None:
            continue
        if institutions and _text(agreement.get("institution_id")) not in institutions:
            continue
        first = term.get("first_year_start")
        if first is None or pd.isna(first):
            continue
        last = term.get("last_year_start")
        last_year = latest if last is None or pd.isna(last) else min(int(last), latest)
        mobility_type, direction = _text(term["mobility_type"]), _text(term["direction"])
        planned_raw = term.get("mobilities_per_year")
        planned = None if planned_raw is None or pd.isna(planned_raw) else int(planned_raw)
        participant, activities = MOBILITY_ACTIVITIES.get(mobility_type, ("", frozenset()))
        pair = (_text(agreement.get("institution_id")), _text(agreement.get("partner_id")))
        placed = [found for activity in sorted(activities)
                  for found in visits.get((*pair, direction, participant, activity), [])]
        unplaced = sum(1 for _, year in placed if year is None)
        for year in range(int(first), last_year + 1):
            ids = tuple(sorted(visit_id for visit_id, y in placed if y == year))
            out.append(Use(_text(agreement["agreement_id"]), pair[0], pair[1], mobility_type,
                           direction, year, planned, ids, unplaced))
    return out


def use_json(uses: list[Use]) -> list[dict]:
    """The JSON report's ``agreements_use``: one object per term and academic year."""
    return [{"agreement_id": u.agreement_id, "academic_year": u.academic_year,
             "mobility_type": u.mobility_type, "direction": u.direction,
             "planned": u.planned, "actual": u.actual, "state": u.state,
             "unplaced_visits": u.unplaced, "evidence": list(u.visit_ids)} for u in uses]


def use_frame(uses: list[Use]) -> pd.DataFrame:
    """The uses as a table (one row per term and academic year), for pages and the pack."""
    columns = ["agreement_id", "institution_id", "partner_id", "academic_year", "year_start",
               "mobility_type", "direction", "planned", "actual", "state", "unplaced", "visit_ids"]
    rows = [[u.agreement_id, u.institution_id, u.partner_id, u.academic_year, u.year_start,
             u.mobility_type, u.direction, u.planned, u.actual, u.state, u.unplaced,
             list(u.visit_ids)] for u in uses]
    frame = pd.DataFrame(rows, columns=columns)
    frame["planned"] = frame["planned"].astype("Int64")
    return frame
