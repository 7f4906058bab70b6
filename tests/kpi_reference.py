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
import re
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
NOTE_NAMES = ("lecture_sessions_unknown", "grants_amount_unknown", "grants_without_rate",
              "agreements_expiry_unknown")
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


def _rows(data, table, scope, *, country, partner_type, when):
    """The rows of ``table`` in ``scope``: institution and faculty, then the table's own
    country, partner-type and date tests (``country(row, countries)``, ``partner_type(row)``,
    ``when(row)``; the first two asked only when the scope has such a filter)."""
    countries = _country_set(scope)
    return [row for row in data[table]
            if _inst_ok(row, scope) and _faculty_ok(row, scope)
            and (not countries or country(row, countries))
            and (not scope.partner_types or partner_type(row))
            and when(row)]


def _partner_of(data):
    return lambda row: data["partner_by_id"].get(row["partner_id"])


def in_scope_agreements(data, scope):
    partner = _partner_of(data)

    def country(row, countries):
        return partner(row) is not None and partner(row)["country"] in countries

    def partner_type(row):
        return partner(row) is not None and partner(row)["type"] in scope.partner_types

    return _rows(data, "agreements", scope, country=country, partner_type=partner_type,
                 when=lambda row: _span_in(row["signed_on"], row["expires_on"], scope))


def in_scope_visits(data, scope):
    partner = _partner_of(data)

    def partner_type(row):
        return partner(row) is not None and partner(row)["type"] in scope.partner_types

    def when(row):
        day = _visit_day(row)
        return _all_years(scope) if day is None else _year_in(day.year, scope)

    return _rows(data, "visits", scope, country=lambda row, countries: row["country"] in countries,
                 partner_type=partner_type, when=when)


def in_scope_grants(data, scope):
    def partners(row):
        return [data["partner_by_id"][p] for p in row["partner_ids"] if p in data["partner_by_id"]]

    return _rows(data, "grants", scope,
                 country=lambda row, countries: any(p["country"] in countries for p in partners(row)),
                 partner_type=lambda row: any(p["type"] in scope.partner_types for p in partners(row)),
                 when=lambda row: _span_in(row["start_date"], row["end_date"], scope))


def in_scope_students(data, scope):
    # Students have no partner: the partner-type filter does not narrow them.
    return _rows(data, "students", scope, country=lambda row, countries: row["country"] in countries,
                 partner_type=lambda row: True, when=lambda row: _year_in(row["year_start"], scope))


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


def _started_year(as_of):
    """The start year of the latest academic year begun by as_of (1 September default)."""
    import os

    month, day = 9, 1
    text = os.environ.get("COOP_ACADEMIC_YEAR_START", "")
    if re.fullmatch(r"\d{1,2}-\d{1,2}", text):
        month, day = (int(x) for x in text.split("-"))
    return as_of.year if (as_of.month, as_of.day) >= (month, day) else as_of.year - 1


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
    # v3: an empty expires_on is unknown unless the agreement is written open-ended
    out["agreements_expiry_unknown"] = sum(
        1 for row in active if row["expires_on"] is None and row.get("expires_on_precision") != "open_ended")
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
    out["grants_funded"] = len(funded)  # its inputs (to tell unknown from at least)
    ev["grant_funding_usd"] = sorted(funded)

    # v3: only academic years that have started by as_of (on 1 September of the start
    # year, unless COOP_ACADEMIC_YEAR_START says another day)
    started = _started_year(as_of)
    foreign_students = []
    for s in students:
        if s["country"] != _home_country(data, s["institution_id"]) and s["year_start"] <= started:
            foreign_students.append(s)
    last_rows = []
    if foreign_students:
        latest = max(s["year_start"] for s in foreign_students)
        last_rows = [s for s in foreign_students if s["year_start"] == latest]
    out["international_students"] = sum(s["count"] for s in last_rows)
    # sorted as text, like every other list of ids (students:16 before students:3)
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


# the tables whose dated rows a KPI's year-over-year change needs in both periods
KPI_TABLES = {
    "partners": ("agreements", "visits", "grants"),
    "partner_countries": ("agreements", "visits", "grants"),
    "irn_index": ("agreements", "visits", "grants"),
    "agreements_active": ("agreements",),
    "agreements_expiring": ("agreements",),
    "agreements_dormant": ("agreements",),
    "visits_incoming": ("visits",),
    "visits_outgoing": ("visits",),
    "remote_share": ("visits",),
    "lecture_sessions": ("visits",),
    "mobility_countries": ("visits",),
    "grants_active": ("grants",),
    "grant_funding_usd": ("grants",),
    "international_students": ("students",),
    "student_countries": ("students",),
}
# a sum shown as unknown (at least one input, every input unknown) has no change: the
# note that counts its unknown inputs
UNKNOWN_INPUTS = {
    "lecture_sessions": "lecture_sessions_unknown",
    "grant_funding_usd": "grants_amount_unknown",
}



def _dated_years(data, scope):
    """{table: calendar years in which the scope, its years filter aside, has dated rows}."""
    wide = replace(scope, year_from=None, year_to=None)
    years = {"agreements": set(), "visits": set(), "grants": set(), "students": set()}
    for v in in_scope_visits(data, wide):
        if _visit_day(v) is not None:
            years["visits"].add(_visit_day(v).year)
    for a in in_scope_agreements(data, wide):
        if a["signed_on"] is not None:
            years["agreements"].add(a["signed_on"].year)
    for g in in_scope_grants(data, wide):
        if g["start_date"] is not None:
            years["grants"].add(g["start_date"].year)
    for s in in_scope_students(data, wide):
        years["students"].add(s["year_start"])
    return years


def _same_day(day, year):
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


def _until(data, last_day):
    """The data as it stood on last_day: rows dated after it dropped (visits by their
    day, agreements by signed_on, grants by start_date; students and undated rows kept)."""

    def keep(day):
        return day is None or day <= last_day

    cut = dict(data)
    cut["visits"] = [v for v in data["visits"] if keep(_visit_day(v))]
    cut["agreements"] = [a for a in data["agreements"] if keep(a["signed_on"])]
    cut["grants"] = [g for g in data["grants"] if keep(g["start_date"])]
    return cut


def _has_unknown_inputs(values, name):
    """Whether a figure has an input whose value is unknown (then no change is shown):
    a sum with a row lacking its number or rate, Expiring with an unknown expiry."""
    if name == "lecture_sessions":
        return values["lecture_sessions_unknown"] > 0
    if name == "grant_funding_usd":
        return values["grants_amount_unknown"] + values["grants_without_rate"] > 0
    if name == "agreements_expiring":
        return values["agreements_expiry_unknown"] > 0
    return False


def reference_state(values, name):
    """A figure's state (docs/metrics.md "One figure, one state") from reference_kpis:
    unknown (a sum with inputs, none known), cannot_tell (every active agreement's expiry
    unknown), at_least (some inputs unknown), undefined (None), else known."""
    if name == "lecture_sessions":
        inputs, unknown = values["visits_incoming"], values["lecture_sessions_unknown"]
    elif name == "grant_funding_usd":
        inputs = values["grants_funded"]
        unknown = values["grants_amount_unknown"] + values["grants_without_rate"]
    elif name == "agreements_expiring":
        active, unknown = values["agreements_active"], values["agreements_expiry_unknown"]
        if unknown and unknown >= active:
            return "cannot_tell"
        return "at_least" if unknown else "known"
    else:
        return "undefined" if values[name] is None else "known"
    if inputs and unknown >= inputs:
        return "unknown"
    return "at_least" if unknown else "known"


def reference_yoy(tables, scope, data=None):
    """Year over year, per figure (docs/metrics.md v3): for each KPI its own Y and Y-1
    from its own tables' dated rows, whether partial, why there is none, both values and
    the change (None when either value is undefined or has unknown inputs, or its tables
    are not dated in both periods). Returns {kpi: dict(year, previous, partial, reason,
    current, before, delta)}."""
    data = prepare(tables) if data is None else data
    dated = _dated_years(data, scope)
    as_of = scope.as_of
    in_progress = (as_of.month, as_of.day) != (12, 31)
    # tables with rows dated in the as-of year up to as_of (a year whose rows so far are
    # none is not compared: the figure takes the year before as its latest)
    so_far = {t for t, ys in _dated_years(_until(data, as_of), scope).items() if as_of.year in ys}
    computed = {}
    out = {}
    for name in KPI_NAMES:
        tables_of = set(KPI_TABLES[name])
        students = tables_of == {"students"}
        years = set().union(*(dated[t] for t in tables_of))
        if not students and not (tables_of & so_far):
            years.discard(as_of.year)
        last = _started_year(as_of) if students else as_of.year
        if scope.year_to is not None:
            last = min(last, scope.year_to)
        candidates = [y for y in years if y <= last and (scope.year_from is None or y >= scope.year_from)]
        row = dict(year=None, previous=None, partial=False, reason=None, current=None, before=None, delta=None)
        out[name] = row
        if not candidates:
            row["reason"] = "no_dated_rows"
            continue
        year = max(candidates)
        row["year"] = year
        if year - 1 not in years:
            row["reason"] = "one_year_only"
            continue
        row["previous"] = year - 1
        partial = not students and year == as_of.year and in_progress
        row["partial"] = partial
        if (year, partial) not in computed:
            now_data = _until(data, as_of) if partial else data
            before_data = _until(data, _same_day(as_of, year - 1)) if partial else data
            now, _ = _compute(now_data, replace(scope, year_from=year, year_to=year))
            before, _ = _compute(before_data, replace(scope, year_from=year - 1, year_to=year - 1))
            now_dated = {t for t, ys in _dated_years(now_data, scope).items() if year in ys}
            before_dated = {t for t, ys in _dated_years(before_data, scope).items() if year - 1 in ys}
            computed[(year, partial)] = (now, before, now_dated & before_dated)
        now, before, both = computed[(year, partial)]
        row["current"], row["before"] = now[name], before[name]
        if not tables_of & both:
            row["reason"] = "one_year_only"
            continue
        if now[name] is None or before[name] is None:
            row["reason"] = "undefined"
            continue
        if name == "remote_share" and min(now["visits_incoming"], before["visits_incoming"]) < 5:
            row["reason"] = "small_base"  # a share of under 5 visits reads as counts: no change
            continue
        if _has_unknown_inputs(now, name) or _has_unknown_inputs(before, name):
            row["reason"] = "not_known"
            continue
        row["delta"] = now[name] - before[name]
    return out


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


# ----------------------------------------------------------------- ranking indicators
# From docs/metrics.md, "Ranking indicators", read again without looking at the code: for
# the latest academic year started by as_of, per institution or for a group of them (sums
# over the group), None when a total the ratio divides by is missing for that year.

def _fact(data, institution, year, metric):
    for row in data.get("institution_facts", []):
        if row["institution_id"] == institution and row["academic_year"] == f"{year}/{year + 1}" \
                and row["metric"] == metric:
            return row["value"]
    return None


def _academic_year_of(day):
    return day.year if (day.month, day.day) >= (9, 1) else day.year - 1


def _mobility_visits(data, institution, year, who, direction):
    teaching = {"lectures", "practical_classes", "masterclass"}
    count = 0
    for v in data["visits"]:
        day = v.get("start_date")
        if v["institution_id"] != institution or day is None or v.get("start_date_precision") == "year":
            continue
        if _academic_year_of(day) != year or v["direction"] != direction or v.get("mode") == "remote":
            continue
        if (v.get("participant") or "staff") != who:
            continue
        if who == "staff" and v["activity"] not in teaching:
            continue
        count += 1
    return count


def reference_rankings(tables, as_of, institutions):
    """{indicator: value or None} of the yearly ranking indicators for the group."""
    data = prepare(tables)
    data["institution_facts"] = rows_of(tables["institution_facts"]) if "institution_facts" in tables else []
    year = _started_year(as_of)

    def ratio(numerators, denominators, scale=1.0):
        if any(n is None for n in numerators) or any(d is None for d in denominators):
            return None
        total = sum(denominators)
        return None if not total else sum(numerators) / total * scale

    foreign = {}
    student_numerators = []
    for inst in institutions:
        home = _home_country(data, inst)
        mine = 0
        for s in data["students"]:
            if s["institution_id"] == inst and s["academic_year"] == f"{year}/{year + 1}" \
                    and s["country"] is not None and s["country"] != home:
                mine += s["count"]
                foreign[s["country"]] = foreign.get(s["country"], 0) + s["count"]
        student_numerators.append(mine)
    students_total = [_fact(data, i, year, "students_total") for i in institutions]
    staff_total = [_fact(data, i, year, "staff_academic_total") for i in institutions]
    out = {
        "international_student_share": ratio(student_numerators, students_total),
        "international_staff_share": ratio([_fact(data, i, year, "staff_academic_international") for i in institutions],
                                           staff_total),
        "international_doctorates_share": ratio(
            [_fact(data, i, year, "doctorates_awarded_international") for i in institutions],
            [_fact(data, i, year, "doctorates_awarded") for i in institutions]),
        "student_countries_foreign": float(len(foreign)),
        "largest_country_share": max(foreign.values()) / sum(foreign.values()) if foreign else None,
    }
    for who, totals in (("student", students_total), ("staff", staff_total)):
        for direction in ("incoming", "outgoing"):
            out[f"{who}_mobility_{direction}_per_100"] = ratio(
                [_mobility_visits(data, i, year, who, direction) for i in institutions], totals, 100.0)
    return out
