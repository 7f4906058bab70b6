"""A second, deliberately naive implementation of every KPI of docs/metrics.md.

Written straight from the text of docs/metrics.md (and the README's "Readings taken where
docs/metrics.md leaves room"), with plain Python loops over rows as dicts; it shares no code
with ``metrics/``. ``tests/test_kpis_reference.py`` compares the two: docs/metrics.md says two
implementations given the same dataset and scope must print the same numbers.

    >>> ref = reference_kpis(dataset.tables, RefScope(as_of=date(2025, 6, 30)))
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
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
    # Compared by calendar year (README); an empty start or end is open on that side.
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
        when = row["start_date"] if row["start_date"] is not None else row["end_date"]
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


# ---------------------------------------------------------------------- helpers


def status_at(row, as_of):
    if row["status"] is not None:
        return row["status"]
    if row["signed_on"] is not None and row["signed_on"] > as_of:
        return "planned"
    if row["expires_on"] is not None and row["expires_on"] < as_of:
        return "expired"
    return "active"


def three_years_before(day):
    try:
        return day.replace(year=day.year - 3)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 3, day=28)


def is_dormant(agreement, data, as_of):
    start = three_years_before(as_of)
    inst, partner = agreement["institution_id"], agreement["partner_id"]
    for visit in data["visits"]:
        if visit["institution_id"] != inst or visit["partner_id"] != partner:
            continue
        when = visit["start_date"] if visit["start_date"] is not None else visit["end_date"]
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
    """(rate or None). USD needs no rate; nearest year, the earlier on a tie."""
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


def prepare(tables):
    data = {name: rows_of(frame) for name, frame in tables.items()}
    data["partner_by_id"] = {p["partner_id"]: p for p in data["partners"]}
    data["institution_by_id"] = {i["institution_id"]: i for i in data["institutions"]}
    return data


# ---------------------------------------------------------------------- KPIs


def reference_kpis(tables, scope, data=None):
    """Every KPI plus lecture_sessions_unknown and grants_without_rate.

    ``data`` may pass ``prepare(tables)`` made once for many scopes.
    """
    data = prepare(tables) if data is None else data
    as_of = scope.as_of
    countries = _country_set(scope)
    agreements = in_scope_agreements(data, scope)
    visits = in_scope_visits(data, scope)
    grants = in_scope_grants(data, scope)
    students = in_scope_students(data, scope)
    out = {}

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
    partner_ids = {pid for _, pid in kept}
    out["partners"] = len(partner_ids)
    out["partner_countries"] = len({data["partner_by_id"][p]["country"] for p in partner_ids})

    active = [row for row in agreements if status_at(row, as_of) == "active"]
    out["agreements_active"] = len(active)
    horizon = as_of + timedelta(days=180)
    out["agreements_expiring"] = sum(
        1
        for row in active
        if row["expires_on"] is not None and as_of < row["expires_on"] <= horizon
    )
    out["agreements_dormant"] = sum(1 for row in active if is_dormant(row, data, as_of))

    incoming = [v for v in visits if v["direction"] == "incoming"]
    out["visits_incoming"] = len(incoming)
    out["visits_outgoing"] = sum(1 for v in visits if v["direction"] == "outgoing")
    remote = sum(1 for v in incoming if v["mode"] == "remote")
    out["remote_share"] = remote / len(incoming) if incoming else None
    total = 0
    unknown = 0
    for v in incoming:
        if v["sessions"] is None:
            unknown += 1
        else:
            total += v["sessions"]
    out["lecture_sessions"] = total
    out["lecture_sessions_unknown"] = unknown
    out["mobility_countries"] = len({v["country"] for v in visits if v["country"] is not None})

    out["grants_active"] = sum(1 for g in grants if g["status"] in ("awarded", "active"))
    funding = 0.0
    without_rate = 0
    for g in grants:
        if g["status"] not in ("awarded", "active", "completed"):
            continue
        if g["amount"] is None:
            continue
        year = g["start_date"].year if g["start_date"] is not None else None
        rate = usd_rate(data, g["currency"], year)
        if rate is None:
            without_rate += 1
            continue
        funding += g["amount"] * rate
    out["grant_funding_usd"] = funding
    out["grants_without_rate"] = without_rate

    if students:
        latest = max(s["year_start"] for s in students)
        last_rows = [s for s in students if s["year_start"] == latest]
    else:
        last_rows = []
    out["international_students"] = sum(s["count"] for s in last_rows)
    out["student_countries"] = len({s["country"] for s in last_rows})

    foreign = set()
    for inst, pid in kept:
        partner = data["partner_by_id"][pid]
        home = data["institution_by_id"].get(inst)
        if partner["type"] not in ("university", "research_center"):
            continue
        if home is not None and partner["country"] != home["country"]:
            foreign.add(pid)
    n_partners = len(foreign)
    n_countries = len({data["partner_by_id"][p]["country"] for p in foreign})
    out["irn_index"] = n_countries / math.log(n_partners) if n_partners >= 2 else None
    return out
