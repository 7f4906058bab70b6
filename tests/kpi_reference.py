"""A second, deliberately naive implementation of every KPI, its evidence, the
year-over-year comparison and targets vs actual.

Written straight from the text of the project's metric definitions (docs/metrics.md,
v2) with plain Python loops over rows as dicts; it shares no code with ``metrics/``.
``tests/test_kpis_reference.py`` compares the two: two implementations given the same
dataset and scope must print the same numbers.

    >>> ref = reference_kpis(dataset.tables, RefScope(as_of=date(2025, 6, 30)))
    >>> ids = reference_evidence(dataset.tables, RefScope(as_of=date(2025, 6, 30)))
    >>> yoy = reference_yoy(dataset.tables, RefScope(as_of=date(2025, 6, 30)))

Readings taken where the definitions leave room (the same as the README's):
- countries and regions together are their union;
- years for agreements and grants compare the span by calendar year;
- a visit is dated by its start date, else its end date;
- the dormant window is [as_of - 3 years, as_of], both ends included (from 28 February
  when as_of is 29 February);
- ``partners`` counts partners of in-scope grants of any status;
- a funded grant with no amount adds nothing (``grants_amount_unknown`` counts it).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache
from importlib import resources

import pandas as pd

KPI_NAMES = (
    "partners",
    "partner_countries",
    "agreements_active",
    "agreements_expiring",
    "agreements_dormant",
    "visits_incoming",
    "visits_outgoing",
    "remote_share",
    "lecture_sessions",
    "mobility_countries",
    "grants_active",
    "grant_funding_usd",
    "international_students",
    "student_countries",
    "irn_index",
)
# KPIs whose value is the number of their evidence ids
COUNT_KPIS = (
    "partners",
    "partner_countries",
    "agreements_active",
    "agreements_expiring",
    "agreements_dormant",
    "visits_incoming",
    "visits_outgoing",
    "mobility_countries",
    "grants_active",
    "student_countries",
)
NOTE_NAMES = ("lecture_sessions_unknown", "grants_amount_unknown", "grants_without_rate")
FUNDED = ("awarded", "active", "completed")
RESEARCH_TYPES = ("university", "research_center")


@dataclass
class RefScope:
    """The filters; empty set = all, None year = open end. Regions are expanded here."""

    institutions: set = field(default_factory=set)
    year_from: int | None = None
    year_to: int | None = None
    countries: set = field(default_factory=set)
    regions: set = field(default_factory=set)
    faculties: set = field(default_factory=set)
    partner_types: set = field(default_factory=set)
    as_of: date = field(default_factory=date.today)


@cache
def un_region(name):
    """Countries of a UN M49 sub-region, read from country_converter's data file."""
    path = resources.files("country_converter") / "country_data.tsv"
    out = set()
    with resources.as_file(path) as tsv, open(tsv, encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["UNregion"].strip().lower() == name.strip().lower():
                out.add(row["ISO3"])
    return frozenset(out)


# ---------------------------------------------------------------------- rows


def _plain(value):
    if isinstance(value, list):
        return list(value)
    if value is None:
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def rows_of(frame):
    """A table as a list of dicts of plain Python values (None for unknown)."""
    out = []
    for record in frame.to_dict("records"):
        out.append({key: _plain(value) for key, value in record.items()})
    return out


TABLES = ("institutions", "partners", "agreements", "visits", "grants", "students")
TABLES += ("fx_rates", "targets")


def prepare(tables):
    """Every table as rows (an absent optional table: no rows), plus two lookups."""
    data = {name: [] for name in TABLES}
    for name, frame in tables.items():
        data[name] = rows_of(frame)
    data["partner_by_id"] = {p["partner_id"]: p for p in data["partners"]}
    data["institution_by_id"] = {i["institution_id"]: i for i in data["institutions"]}
    return data


def _home_country(data, institution_id):
    home = data["institution_by_id"].get(institution_id)
    return None if home is None else home["country"]


def _visit_day(visit):
    """The day a visit counts on: its start date, else its end date (None: undated)."""
    return visit["start_date"] if visit["start_date"] is not None else visit["end_date"]


# ---------------------------------------------------------------------- scope


def _country_set(scope):
    countries = set(scope.countries)
    for region in scope.regions:
        countries |= un_region(region)
    return countries


def _year_in(year, scope):
    if scope.year_from is not None and year < scope.year_from:
        return False
    if scope.year_to is not None and year > scope.year_to:
        return False
    return True


def _span_in(start, end, scope):
    # Compared by calendar year; an empty start or end is open on that side.
    if scope.year_to is not None and start is not None and start.year > scope.year_to:
        return False
    if scope.year_from is not None and end is not None and end.year < scope.year_from:
        return False
    return True


def _faculty_ok(row, scope):
    if not scope.faculties:
        return True
    for name in row.get("faculty") or []:
        if name in scope.faculties:
            return True
    return False


def _inst_ok(row, scope):
    return not scope.institutions or row["institution_id"] in scope.institutions


def _all_years(scope):
    return scope.year_from is None and scope.year_to is None


def in_scope_agreements(data, scope):
    countries = _country_set(scope)
    out = []
    for row in data["agreements"]:
        partner = data["partner_by_id"].get(row["partner_id"])
        if not _inst_ok(row, scope):
            continue
        if countries and (partner is None or partner["country"] not in countries):
            continue
        if not _faculty_ok(row, scope):
            continue
        if scope.partner_types and (partner is None or partner["type"] not in scope.partner_types):
            continue
        if not _span_in(row["signed_on"], row["expires_on"], scope):
            continue
        out.append(row)
    return out


def in_scope_visits(data, scope):
    countries = _country_set(scope)
    out = []
    for row in data["visits"]:
        if not _inst_ok(row, scope):
            continue
        if countries and row["country"] not in countries:
            continue
        if not _faculty_ok(row, scope):
            continue
        if scope.partner_types:
            partner = data["partner_by_id"].get(row["partner_id"])
            if partner is None or partner["type"] not in scope.partner_types:
                continue
        when = _visit_day(row)
        if when is None:
            if not _all_years(scope):
                continue
        elif not _year_in(when.year, scope):
            continue
        out.append(row)
    return out


def in_scope_grants(data, scope):
    countries = _country_set(scope)
    out = []
    for row in data["grants"]:
        if not _inst_ok(row, scope):
            continue
        partners = [
            data["partner_by_id"][p] for p in row["partner_ids"] if p in data["partner_by_id"]
        ]
        if countries:
            if not any(p["country"] in countries for p in partners):
                continue
        if not _faculty_ok(row, scope):
            continue
        if scope.partner_types:
            if not any(p["type"] in scope.partner_types for p in partners):
                continue
        if not _span_in(row["start_date"], row["end_date"], scope):
            continue
        out.append(row)
    return out


def in_scope_students(data, scope):
    countries = _country_set(scope)
    out = []
    for row in data["students"]:
        if not _inst_ok(row, scope):
            continue
        if countries and row["country"] not in countries:
            continue
        if not _faculty_ok(row, scope):
            continue
        if not _year_in(row["year_start"], scope):
            continue
        out.append(row)
    return out


# ---------------------------------------------------------------------- rules


def reference_status(row, as_of):
    """An agreement's status at as_of (v2).

    A written terminated / expired stands. Otherwise the dates decide: planned when
    signed after as_of; else expired when it expired before as_of; else planned when
    written planned with an unknown signed_on; else active (unknown signed_on = signed).
    """
    written = row.get("status")
    if written in ("terminated", "expired"):
        return written
    signed, expires = row.get("signed_on"), row.get("expires_on")
    if signed is not None and signed > as_of:
        return "planned"
    if expires is not None and expires < as_of:
        return "expired"
    if written == "planned" and signed is None:
        return "planned"
    return "active"


def three_years_before(day):
    try:
        return day.replace(year=day.year - 3)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 3, day=28)


def is_dormant(agreement, data, as_of):
    """No visit by the same institution and partner dated in the window and no grant of
    the institution naming the partner overlapping it; undated ones count as activity."""
    start = three_years_before(as_of)
    inst, partner = agreement["institution_id"], agreement["partner_id"]
    for visit in data["visits"]:
        if visit["institution_id"] != inst or visit["partner_id"] != partner:
            continue
        when = _visit_day(visit)
        if when is None or start <= when <= as_of:
            return False
    for grant in data["grants"]:
        if grant["institution_id"] != inst or partner not in grant["partner_ids"]:
            continue
        g_start, g_end = grant["start_date"], grant["end_date"]
        if (g_start is None or g_start <= as_of) and (g_end is None or g_end >= start):
            return False
    return True


def usd_rate(data, currency, year):
    """(rate or None). USD needs no rate; nearest year, the earlier on a tie; an undated
    grant takes the latest rate."""
    if currency == "USD":
        return 1.0
    rates = {r["year"]: r["usd_per_unit"] for r in data["fx_rates"] if r["currency"] == currency}
    if not rates:
        return None
    if year is None:
        return rates[max(rates)]
    best = None
    for y in sorted(rates):
        if best is None or abs(y - year) < abs(best - year):
            best = y
    return rates[best]


# ---------------------------------------------------------------------- KPIs


def _compute(data, scope):
    """(values, evidence) for one scope: every KPI and note, and the ids behind each KPI."""
    as_of = scope.as_of
    countries = _country_set(scope)
    agreements = in_scope_agreements(data, scope)
    visits = in_scope_visits(data, scope)
    grants = in_scope_grants(data, scope)
    students = in_scope_students(data, scope)
    out = {}
    ev = {}

    # partners: (institution, partner) links of in-scope rows, the partner passing the
    # country and partner-type filters itself.
    links = []
    for row in agreements:
        links.append((row["institution_id"], row["partner_id"]))
    for row in visits:
        if row["partner_id"] is not None:
            links.append((row["institution_id"], row["partner_id"]))
    for row in grants:
        for pid in row["partner_ids"]:
            links.append((row["institution_id"], pid))
    kept = []
    for inst, pid in links:
        partner = data["partner_by_id"].get(pid)
        if partner is None:
            continue
        if countries and partner["country"] not in countries:
            continue
        if scope.partner_types and partner["type"] not in scope.partner_types:
            continue
        kept.append((inst, pid))
    partner_ids = set()
    for _, pid in kept:
        partner_ids.add(pid)
    ev["partners"] = sorted(partner_ids)
    # foreign partner: its country differs from that of at least one institution it is
    # linked to in view
    foreign_partners = set()
    for inst, pid in kept:
        if data["partner_by_id"][pid]["country"] != _home_country(data, inst):
            foreign_partners.add(pid)
    partner_countries = set()
    for pid in foreign_partners:
        partner_countries.add(data["partner_by_id"][pid]["country"])
    ev["partner_countries"] = sorted(partner_countries)

    active = []
    for row in agreements:
        if reference_status(row, as_of) == "active":
            active.append(row)
    ev["agreements_active"] = sorted(row["agreement_id"] for row in active)
    horizon = as_of + timedelta(days=180)
    expiring = []
    for row in active:
        if row["expires_on"] is not None and as_of < row["expires_on"] <= horizon:
            expiring.append(row["agreement_id"])
    ev["agreements_expiring"] = sorted(expiring)
    dormant = []
    for row in active:
        if is_dormant(row, data, as_of):
            dormant.append(row["agreement_id"])
    ev["agreements_dormant"] = sorted(dormant)

    incoming = [v for v in visits if v["direction"] == "incoming"]
    outgoing = [v for v in visits if v["direction"] == "outgoing"]
    ev["visits_incoming"] = sorted(v["visit_id"] for v in incoming)
    ev["visits_outgoing"] = sorted(v["visit_id"] for v in outgoing)
    remote = 0
    for v in incoming:
        if v["mode"] == "remote":
            remote += 1
    out["remote_share"] = remote / len(incoming) if incoming else None
    ev["remote_share"] = sorted(v["visit_id"] for v in incoming)
    total = 0
    unknown = 0
    for v in incoming:
        if v["sessions"] is None:
            unknown += 1
        else:
            total += v["sessions"]
    out["lecture_sessions"] = total
    out["lecture_sessions_unknown"] = unknown
    ev["lecture_sessions"] = sorted(v["visit_id"] for v in incoming)
    mobility = set()
    for v in visits:
        if v["country"] is not None and v["country"] != _home_country(data, v["institution_id"]):
            mobility.add(v["country"])
    ev["mobility_countries"] = sorted(mobility)

    ev["grants_active"] = sorted(
        g["grant_id"] for g in grants if g["status"] in ("awarded", "active")
    )
    funding = 0.0
    without_rate = 0
    amount_unknown = 0
    funded = []
    for g in grants:
        if g["status"] not in FUNDED:
            continue
        funded.append(g["grant_id"])
        if g["amount"] is None:
            amount_unknown += 1
            continue
        year = g["start_date"].year if g["start_date"] is not None else None
        rate = usd_rate(data, g["currency"], year)
        if rate is None:
            without_rate += 1
            continue
        funding += g["amount"] * rate
    out["grant_funding_usd"] = funding
    out["grants_without_rate"] = without_rate
    out["grants_amount_unknown"] = amount_unknown
    ev["grant_funding_usd"] = sorted(funded)

    foreign_students = []
    for s in students:
        if s["country"] != _home_country(data, s["institution_id"]):
            foreign_students.append(s)
    last_rows = []
    if foreign_students:
        latest = max(s["year_start"] for s in foreign_students)
        last_rows = [s for s in foreign_students if s["year_start"] == latest]
    out["international_students"] = sum(s["count"] for s in last_rows)
    ev["international_students"] = sorted(f"students:{s['_row']}" for s in last_rows)
    ev["student_countries"] = sorted({s["country"] for s in last_rows})

    # IRN: P = in-view university / research-centre partners whose country differs from
    # their institution's, L = their countries
    research = set()
    for inst, pid in kept:
        partner = data["partner_by_id"][pid]
        if partner["type"] not in RESEARCH_TYPES:
            continue
        if partner["country"] != _home_country(data, inst):
            research.add(pid)
    n_partners = len(research)
    n_countries = len({data["partner_by_id"][p]["country"] for p in research})
    out["irn_index"] = n_countries / math.log(n_partners) if n_partners >= 2 else None
    ev["irn_index"] = sorted(research)

    for name in COUNT_KPIS:
        out[name] = len(ev[name])
    return out, ev


def reference_kpis(tables, scope, data=None):
    """Every KPI plus the notes lecture_sessions_unknown, grants_amount_unknown and
    grants_without_rate. ``data`` may pass ``prepare(tables)`` made once for many scopes."""
    data = prepare(tables) if data is None else data
    return _compute(data, scope)[0]


def reference_evidence(tables, scope, data=None):
    """{kpi: sorted ids}: agreement_id, visit_id, grant_id, partner_id, ISO alpha-3 codes
    for the country KPIs, ``students:<_row>`` for student rows."""
    data = prepare(tables) if data is None else data
    return _compute(data, scope)[1]


# ---------------------------------------------------------------------- comparisons


def _dated_years(data, scope):
    """Calendar years in which the scope, its years filter aside, has dated rows."""
    wide = replace(scope, year_from=None, year_to=None)
    years = set()
    for v in in_scope_visits(data, wide):
        if _visit_day(v) is not None:
            years.add(_visit_day(v).year)
    for a in in_scope_agreements(data, wide):
        if a["signed_on"] is not None:
            years.add(a["signed_on"].year)
    for g in in_scope_grants(data, wide):
        if g["start_date"] is not None:
            years.add(g["start_date"].year)
    for s in in_scope_students(data, wide):
        years.add(s["year_start"])
    return years


def _same_day(day, year):
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


def _cut_after(data, day):
    """The rows dated after ``day`` dropped (visits by their day, agreements by
    signed_on, grants by start_date); students kept."""
    def keep(when):
        return when is None or when <= day

    cut = dict(data)
    cut["visits"] = [v for v in data["visits"] if keep(_visit_day(v))]
    cut["agreements"] = [a for a in data["agreements"] if keep(a["signed_on"])]
    cut["grants"] = [g for g in data["grants"] if keep(g["start_date"])]
    return cut


def reference_yoy(tables, scope, data=None):
    """Year over year: Y, Y-1, whether the period is partial, why there is none, and the
    KPIs of each year (KPI_NAMES and the notes)."""
    data = prepare(tables) if data is None else data
    years = _dated_years(data, scope)
    candidates = []
    for y in years:
        if y > scope.as_of.year:
            continue
        if scope.year_to is not None and y > scope.year_to:
            continue
        if scope.year_from is not None and y < scope.year_from:
            continue
        candidates.append(y)
    out = dict(year=None, previous=None, partial=False, reason=None, current={}, prev={})
    if not candidates:
        out["reason"] = "no_dated_rows"
        return out
    year = max(candidates)
    out["year"] = year
    if year - 1 not in years:
        out["reason"] = "one_year_only"
        return out
    out["previous"] = year - 1
    as_of = scope.as_of
    current_data = prev_data = data
    if year == as_of.year and (as_of.month, as_of.day) != (12, 31):
        out["partial"] = True
        # Each period is 1 January to its own cut-off day: an agreement signed late in
        # Y-1 is still there during Y's period, so each year gets its own cut.
        current_data = _cut_after(data, as_of)
        prev_data = _cut_after(data, _same_day(as_of, year - 1))
    out["current"] = _compute(current_data, replace(scope, year_from=year, year_to=year))[0]
    out["prev"] = _compute(prev_data, replace(scope, year_from=year - 1, year_to=year - 1))[0]
    # A figure is compared only when its own tables have dated rows in both periods.
    out["dated_both"] = _dated_tables(current_data, scope, year) & _dated_tables(prev_data, scope, year - 1)
    return out


def _dated_tables(data, scope, year):
    """The tables with a row of the one-year scope ``year`` dated in that year."""
    one = replace(scope, year_from=year, year_to=year)
    found = set()
    if any(_visit_day(v) is not None and _visit_day(v).year == year for v in in_scope_visits(data, one)):
        found.add("visits")
    if any(a["signed_on"] is not None and a["signed_on"].year == year for a in in_scope_agreements(data, one)):
        found.add("agreements")
    if any(g["start_date"] is not None and g["start_date"].year == year for g in in_scope_grants(data, one)):
        found.add("grants")
    if any(s["year_start"] == year for s in in_scope_students(data, one)):
        found.add("students")
    return found


# Which tables' dates make each figure comparable year over year (docs/metrics.md).
COMPARED_BY = {
    "partners": {"agreements", "visits", "grants"}, "partner_countries": {"agreements", "visits", "grants"},
    "irn_index": {"agreements", "visits", "grants"},
    "agreements_active": {"agreements"}, "agreements_expiring": {"agreements"}, "agreements_dormant": {"agreements"},
    "visits_incoming": {"visits"}, "visits_outgoing": {"visits"}, "remote_share": {"visits"},
    "lecture_sessions": {"visits"}, "mobility_countries": {"visits"},
    "grants_active": {"grants"}, "grant_funding_usd": {"grants"},
    "international_students": {"students"}, "student_countries": {"students"},
}


def reference_targets(tables, scope, data=None):
    """One dict per targets row of an in-scope institution and year: the target, the
    actual figure for that institution and year alone (country, region, faculty and
    partner-type filters ignored, same as_of) and the share reached (None for a 0 target)."""
    data = prepare(tables) if data is None else data
    out = []
    for row in data["targets"]:
        if not _inst_ok(row, scope) or not _year_in(row["year"], scope):
            continue
        alone = RefScope(
            institutions={row["institution_id"]},
            year_from=row["year"],
            year_to=row["year"],
            as_of=scope.as_of,
        )
        actual = _compute(data, alone)[0][row["metric"]]
        share = None
        if actual is not None and row["target"]:
            share = actual / row["target"]
        out.append(
            dict(
                institution_id=row["institution_id"],
                year=row["year"],
                metric=row["metric"],
                target=row["target"],
                actual=actual,
                share=share,
            )
        )
    return out
