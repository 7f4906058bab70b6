"""Each KPI of docs/metrics.md on tiny hand-made tables; the expected figure worked by hand."""

from __future__ import annotations

import math
from datetime import date

import pytest
from metrics_fixtures import tables

from metrics import KPI_NAMES, KPIS, KpiContext, Scope, agreement_status, compute_kpis
from metrics import kpis as k
from metrics.kpis import grants_without_rate, lecture_sessions_unknown

AS_OF = date(2025, 6, 30)


def ctx(scope: Scope | None = None, **rows) -> KpiContext:
    return KpiContext(tables(**rows), scope or Scope(as_of=AS_OF))


# ---------------------------------------------------------------- agreement status


@pytest.mark.parametrize(
    ("row", "status"),
    [
        ({"signed_on": "2025-07-01"}, "planned"),  # signed after as_of
        ({"signed_on": "2025-06-30"}, "active"),  # signed on as_of: not > as_of
        ({"expires_on": "2025-06-29"}, "expired"),
        ({"expires_on": "2025-06-30"}, "active"),  # expires on as_of: not < as_of
        ({}, "active"),  # unknown signed_on counts as signed, no expiry
        ({"signed_on": "2026-01-01", "expires_on": "2020-01-01"}, "planned"),  # planned first
        ({"status": "terminated", "signed_on": "2020-01-01"}, "terminated"),  # kept as written
        # v2: a written active or planned gives way to the dates
        ({"status": "active", "expires_on": "2020-01-01"}, "expired"),  # stale "active"
        ({"status": "active", "signed_on": "2025-07-01"}, "planned"),  # not signed yet
        ({"status": "planned", "signed_on": "2025-01-10"}, "active"),  # signed since
        ({"status": "planned"}, "planned"),  # no signing date: stays planned
        ({"status": "planned", "expires_on": "2025-01-01"}, "expired"),
        ({"status": "expired", "expires_on": "2030-01-01"}, "expired"),  # ended early: stands
    ],
)
def test_agreement_status(row, status):
    data = tables(agreements=[{"agreement_id": "a", "partner_id": "p", **row}])
    assert agreement_status(data["agreements"], AS_OF).tolist() == [status]


def test_agreements_active_and_expiring():
    # as_of + 180 days = 2025-12-27 (Jul 31, Aug 31, Sep 30, Oct 31, Nov 30 -> 153, +27)
    rows = [
        {"agreement_id": "e1", "expires_on": "2025-12-27"},  # last day of window: expiring
        {"agreement_id": "e2", "expires_on": "2025-12-28"},  # one day past: active only
        {"agreement_id": "e3", "expires_on": "2025-06-30"},  # = as_of: active, not in (as_of..]
        {"agreement_id": "e4", "expires_on": "2025-07-01"},  # expiring
        {"agreement_id": "e5", "expires_on": "2025-06-29"},  # expired
        {"agreement_id": "e6", "signed_on": "2025-08-01", "expires_on": "2025-09-01"},  # planned
        {"agreement_id": "e7"},  # open-ended active
    ]
    c = ctx(agreements=[{"partner_id": "p", **r} for r in rows])
    assert k.agreements_active(c) == 5  # e1 e2 e3 e4 e7
    assert k.agreements_expiring(c) == 2  # e1 e4


# ---------------------------------------------------------------- dormant

DORMANT_AGREEMENTS = [
    {
        "agreement_id": f"d{i}",
        "institution_id": inst,
        "partner_id": partner,
        "faculty": ["Medicine"],
    }
    for i, (inst, partner) in enumerate(
        [
            ("sam", "p1"),
            ("sam", "p2"),
            ("sam", "p3"),
            ("sam", "p4"),
            ("sam", "p5"),
            ("sam", "p6"),
            ("sam", "p7"),
            ("adm", "p1"),
        ],
        start=1,
    )
]
DORMANT_VISITS = [
    {
        "visit_id": "v1",
        "institution_id": "sam",
        "partner_id": "p1",
        "country": "KOR",
        "start_date": "2022-06-30",
    },  # first day of [2022-06-30, 2025-06-30]: activity
    {
        "visit_id": "v2",
        "institution_id": "sam",
        "partner_id": "p2",
        "country": "KOR",
        "start_date": "2022-06-29",
        "end_date": "2022-07-05",
    },  # starts the day before: none
    {"visit_id": "v3", "institution_id": "sam", "partner_id": "p3", "country": "KOR"},  # undated
    {
        "visit_id": "v4",
        "institution_id": "adm",
        "partner_id": "p4",
        "country": "KOR",
        "start_date": "2024-01-01",
    },  # other institution: not sam-p4's activity
]
DORMANT_GRANTS = [
    {
        "grant_id": "g5",
        "institution_id": "sam",
        "partner_ids": ["p9", "p5"],
        "start_date": "2018-01-01",
        "end_date": "2022-07-01",
    },  # overlaps the window
    {
        "grant_id": "g6",
        "institution_id": "sam",
        "partner_ids": ["p6"],
        "start_date": "2018-01-01",
        "end_date": "2022-06-29",
    },  # ends the day before
    {"grant_id": "g7", "institution_id": "sam", "partner_ids": ["p7"], "status": "rejected"},
]


@pytest.mark.parametrize(
    ("scope", "dormant"),
    [
        # d2 (visit a day early), d4 (visit by adm), d6 (grant ended a day early), d8 (adm-p1)
        (Scope(as_of=AS_OF), 4),
        (Scope(as_of=AS_OF, institutions={"sam"}), 3),
        # the visits and grants are out of this scope (no faculty), yet still activity
        (Scope(as_of=AS_OF, institutions={"sam"}, faculties={"Medicine"}), 3),
        # as_of 2029-01-01: window [2026-01-01, 2029-01-01]; only undated d3 and d7 stay busy
        (Scope(as_of=date(2029, 1, 1)), 6),
    ],
)
def test_agreements_dormant(scope, dormant):
    c = KpiContext(
        tables(agreements=DORMANT_AGREEMENTS, visits=DORMANT_VISITS, grants=DORMANT_GRANTS), scope
    )
    assert k.agreements_dormant(c) == dormant


def test_dormant_uses_whole_dataset_even_with_year_scope():
    # the agreement is open-ended (in scope for 2020); its visit is of 2024 (out of scope),
    # yet it is activity in [2022-06-30, 2025-06-30] so the agreement is not dormant
    c = ctx(
        Scope(as_of=AS_OF, year_from=2020, year_to=2020),
        agreements=[{"agreement_id": "a", "partner_id": "p"}],
        visits=[{"visit_id": "v", "partner_id": "p", "country": "KOR", "start_date": "2024-03-01"}],
    )
    assert (k.agreements_active(c), k.agreements_dormant(c)) == (1, 0)


# ---------------------------------------------------------------- visits

VISITS = [
    {"visit_id": "v1", "country": "KOR", "mode": "remote", "sessions": 4},
    {"visit_id": "v2", "country": "KOR", "sessions": None},  # unknown: counts 0
    {"visit_id": "v3", "country": "DEU", "sessions": 6},
    {"visit_id": "v4", "country": "TUR", "direction": "outgoing", "sessions": 10},  # outgoing
    {"visit_id": "v5", "country": "KAZ", "direction": "outgoing", "mode": "remote"},
]


def test_visit_kpis():
    c = ctx(visits=VISITS)
    assert k.visits_incoming(c) == 3
    assert k.visits_outgoing(c) == 2
    assert k.remote_share(c) == 1 / 3  # v1 of v1..v3
    assert k.lecture_sessions(c) == 10  # 4 + 0 + 6; v4 is outgoing
    assert lecture_sessions_unknown(c) == 1  # v2
    assert k.mobility_countries(c) == 4  # KOR DEU TUR KAZ


def test_remote_share_undefined_without_incoming():
    c = ctx(visits=[{"visit_id": "v", "country": "KOR", "direction": "outgoing"}])
    assert k.remote_share(c) is None
    assert (k.lecture_sessions(c), lecture_sessions_unknown(c)) == (0, 0)


# ---------------------------------------------------------------- grants and fx

FX = [
    {"currency": "EUR", "year": 2020, "usd_per_unit": 1.10},
    {"currency": "EUR", "year": 2022, "usd_per_unit": 1.05},
    {"currency": "EUR", "year": 2024, "usd_per_unit": 1.08},
    {"currency": "KZT", "year": 2023, "usd_per_unit": 0.002},
]


@pytest.mark.parametrize(
    ("grant", "usd", "missing"),
    [
        ({"amount": 1000, "currency": "EUR", "start_date": "2022-03-01"}, 1050.0, 0),
        # 2021: 2020 and 2022 equally near -> the earlier, 1.10
        ({"amount": 1000, "currency": "EUR", "start_date": "2021-05-01"}, 1100.0, 0),
        # 2023: 2022 and 2024 tie -> 2022, 1.05
        ({"amount": 1000, "currency": "EUR", "start_date": "2023-01-01"}, 1050.0, 0),
        # 2030: nearest is 2024, 1.08
        ({"amount": 1000, "currency": "EUR", "start_date": "2030-01-01"}, 1080.0, 0),
        # undated: the latest rate (2024)
        ({"amount": 1000, "currency": "EUR"}, 1080.0, 0),
        # USD needs no rate
        ({"amount": 500, "currency": "USD", "start_date": "2021-01-01"}, 500.0, 0),
        # no GBP rate at all: left out, one warning
        ({"amount": 100, "currency": "GBP", "start_date": "2022-01-01"}, 0.0, 1),
        ({"amount": 1_000_000, "currency": "KZT", "start_date": "2019-01-01"}, 2000.0, 0),
        # applied and rejected grants are not funding
        ({"amount": 1000, "currency": "EUR", "status": "applied"}, 0.0, 0),
        ({"amount": 1000, "currency": "EUR", "status": "rejected"}, 0.0, 0),
        (
            {"amount": 1000, "currency": "EUR", "status": "completed", "start_date": "2020-01-01"},
            1100.0,
            0,
        ),
        # no amount: nothing to add, nothing to warn about
        ({"currency": "EUR", "start_date": "2020-01-01"}, 0.0, 0),
    ],
)
def test_grant_funding_usd(grant, usd, missing):
    c = ctx(grants=[{"grant_id": "g", **grant}], fx_rates=FX)
    assert k.grant_funding_usd(c) == pytest.approx(usd)
    assert grants_without_rate(c) == missing


def test_grant_funding_sums_and_grants_active():
    grants = [
        {"grant_id": "g1", "amount": 1000, "currency": "EUR", "start_date": "2022-01-01"},  # 1050
        {"grant_id": "g2", "amount": 500, "currency": "USD", "status": "awarded"},  # 500
        {"grant_id": "g3", "amount": 100, "currency": "GBP", "status": "completed"},  # no rate
        {"grant_id": "g4", "amount": 1000, "currency": "EUR", "status": "applied"},
    ]
    c = ctx(grants=grants, fx_rates=FX)
    assert k.grant_funding_usd(c) == pytest.approx(1550.0)
    assert grants_without_rate(c) == 1
    assert k.grants_active(c) == 2  # g1 active, g2 awarded


def test_grant_funding_without_fx_table():
    c = ctx(
        grants=[
            {"grant_id": "g", "amount": 10, "currency": "EUR"},
            {"grant_id": "h", "amount": 7, "currency": "USD"},
        ]
    )
    assert (k.grant_funding_usd(c), grants_without_rate(c)) == (7.0, 1)


# ---------------------------------------------------------------- students

STUDENTS = [
    {
        "institution_id": "sam",
        "academic_year": "2023/2024",
        "year_start": 2023,
        "country": "IND",
        "count": 40,
    },
    {
        "institution_id": "sam",
        "academic_year": "2024/2025",
        "year_start": 2024,
        "country": "IND",
        "count": 50,
    },
    {
        "institution_id": "sam",
        "academic_year": "2024/2025",
        "year_start": 2024,
        "country": "PAK",
        "count": 20,
    },
    {
        "institution_id": "adm",
        "academic_year": "2022/2023",
        "year_start": 2022,
        "country": "EGY",
        "count": 10,
    },
]


@pytest.mark.parametrize(
    ("scope", "students", "countries"),
    [
        (Scope(), 70, 2),  # latest 2024/2025: 50 + 20, IND PAK
        (Scope(year_to=2023), 40, 1),  # latest up to 2023 is 2023/2024
        (Scope(institutions={"adm"}), 10, 1),  # adm's own latest year
        (Scope(year_from=2025), 0, 0),  # no rows
        (Scope(countries={"IND"}), 50, 1),
    ],
)
def test_students(scope, students, countries):
    c = KpiContext(tables(students=STUDENTS), scope)
    assert (k.international_students(c), k.student_countries(c)) == (students, countries)


# ---------------------------------------------------------------- partners and IRN

IRN_PARTNERS = [
    {"partner_id": "u1", "type": "university", "country": "KOR"},
    {"partner_id": "u2", "type": "university", "country": "KOR"},
    {"partner_id": "r3", "type": "research_center", "country": "DEU"},
    {"partner_id": "h4", "type": "hospital", "country": "USA"},
    {"partner_id": "d5", "type": "university", "country": "UZB"},  # same country as sam
]


@pytest.mark.parametrize(
    ("linked", "partners", "countries", "irn"),
    [
        (["u1"], 1, 1, None),  # P = 1 < 2
        ([], 0, 0, None),
        # d5 is in the home country: a partner, not a partner country (KOR, USA)
        (["u1", "h4", "d5"], 3, 2, None),  # only u1 is foreign uni/rc: P = 1
        (["u1", "u2"], 2, 1, 1 / math.log(2)),  # L = 1, P = 2: 1/0.6931 = 1.4427
        (["u1", "u2", "r3"], 3, 2, 2 / math.log(3)),  # L = 2, P = 3: 2/1.0986 = 1.8205
        (["u1", "u2", "r3", "h4", "d5"], 5, 3, 2 / math.log(3)),  # KOR, DEU, USA
    ],
)
def test_partners_and_irn(linked, partners, countries, irn):
    agreements = [{"agreement_id": f"a{i}", "partner_id": p} for i, p in enumerate(linked)]
    c = ctx(partners=IRN_PARTNERS, agreements=agreements)
    assert k.partners(c) == partners
    assert k.partner_countries(c) == countries
    if irn is None:
        assert k.irn_index(c) is None
    else:
        assert k.irn_index(c) == pytest.approx(irn)


def test_irn_partner_country_compared_with_its_own_institution():
    # x is Kazakh; home "kaz" institution is in KAZ, sam in UZB. Linked to kaz only,
    # x is not foreign; linked to sam, it is.
    rows = dict(
        institutions=[
            {"institution_id": "sam", "country": "UZB"},
            {"institution_id": "kaz", "country": "KAZ"},
        ],
        partners=[{"partner_id": "x", "country": "KAZ"}, {"partner_id": "y", "country": "KOR"}],
    )
    only_kaz = ctx(
        agreements=[
            {"agreement_id": "a", "institution_id": "kaz", "partner_id": "x"},
            {"agreement_id": "b", "institution_id": "sam", "partner_id": "y"},
        ],
        **rows,
    )
    assert k.irn_index(only_kaz) is None  # P = 1 (y)
    with_sam = ctx(
        agreements=[
            {"agreement_id": "a", "institution_id": "sam", "partner_id": "x"},
            {"agreement_id": "b", "institution_id": "sam", "partner_id": "y"},
        ],
        **rows,
    )
    assert k.irn_index(with_sam) == pytest.approx(2 / math.log(2))  # L = 2, P = 2


def test_partners_from_grant_with_two_countries_under_country_filter():
    # g links kr and de; filtered to KOR only kr counts (docs/metrics.md's example)
    partners = [{"partner_id": "kr", "country": "KOR"}, {"partner_id": "de", "country": "DEU"}]
    grants = [{"grant_id": "g", "partner_ids": ["kr", "de"]}]
    c = ctx(Scope(as_of=AS_OF, countries={"KOR"}), partners=partners, grants=grants)
    assert (k.partners(c), k.partner_countries(c), k.grants_active(c)) == (1, 1, 1)
    everything = ctx(partners=partners, grants=grants)
    assert (k.partners(everything), k.partner_countries(everything)) == (2, 2)


def test_partner_type_filter_on_partners():
    partners = [
        {"partner_id": "u", "type": "university", "country": "KOR"},
        {"partner_id": "h", "type": "hospital", "country": "KOR"},
    ]
    grants = [{"grant_id": "g", "partner_ids": ["u", "h"]}]
    visits = [{"visit_id": "v", "country": "KAZ"}]  # no partner: out under a type filter
    c = ctx(
        Scope(as_of=AS_OF, partner_types={"hospital"}),
        partners=partners,
        grants=grants,
        visits=visits,
    )
    assert (k.partners(c), k.visits_incoming(c), k.mobility_countries(c)) == (1, 0, 0)


# ---------------------------------------------------------------- registry


def test_registry_names_and_units():
    assert KPI_NAMES == (
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
    units = {kpi.name: kpi.unit for kpi in KPIS}
    assert units["remote_share"] == "share"
    assert units["irn_index"] == "index"
    assert units["grant_funding_usd"] == "usd"
    assert {units[n] for n in KPI_NAMES} == {"count", "share", "index", "usd"}


def test_registry_i18n_keys_exist():
    from i18n_files import catalog  # the JSON files themselves, not i18n's loader

    for lang in ("en", "ru", "uz"):
        for kpi in KPIS:
            assert catalog(lang).get(kpi.label_key), (lang, kpi.label_key)
            assert catalog(lang).get(kpi.definition_key), (lang, kpi.definition_key)


def test_compute_kpis_empty_dataset():
    values = compute_kpis(tables(), Scope(as_of=AS_OF))
    assert values == {
        "partners": 0,
        "partner_countries": 0,
        "agreements_active": 0,
        "agreements_expiring": 0,
        "agreements_dormant": 0,
        "visits_incoming": 0,
        "visits_outgoing": 0,
        "remote_share": None,
        "lecture_sessions": 0,
        "mobility_countries": 0,
        "grants_active": 0,
        "grant_funding_usd": 0.0,
        "international_students": 0,
        "student_countries": 0,
        "irn_index": None,
    }



def test_grants_amount_unknown_is_counted_beside_the_usd_sum():
    grants = [
        {"grant_id": "g1", "status": "active"},  # funded, amount unknown
        {"grant_id": "g2", "status": "completed"},  # funded, amount unknown
        {"grant_id": "g3", "status": "applied"},  # not funded: not counted
        {"grant_id": "g4", "amount": 100, "currency": "USD", "status": "awarded"},  # 100 USD
    ]
    c = ctx(grants=grants)
    assert k.grants_amount_unknown(c) == 2  # g1, g2
    assert k.grant_funding_usd(c) == 100.0  # unknown amounts are not zero, just left out
