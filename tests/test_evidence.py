"""v2 rules on hand-made tables: foreign vs domestic, evidence ids, unknown inputs.

Every expected value is worked out by hand in the comment beside it.
"""

from __future__ import annotations

from datetime import date

from metrics_fixtures import tables

from metrics import (
    KPIS,
    Scope,
    by_institution,
    compute_kpis,
    compute_kpis_with_notes,
    evidence,
    evidence_frame,
)

AS_OF = date(2025, 6, 30)

DATA = dict(
    institutions=[
        {"institution_id": "sam", "country": "UZB"},
        {"institution_id": "kaz", "country": "KAZ"},
    ],
    partners=[
        {"partner_id": "tash", "type": "university", "country": "UZB", "source": "doc A"},  # domestic for sam
        {"partner_id": "seoul", "type": "university", "country": "KOR", "source": "doc B"},
        {"partner_id": "almaty", "type": "hospital", "country": "KAZ", "source": "doc C"},
    ],
    agreements=[
        {"agreement_id": "a1", "partner_id": "tash"},
        {"agreement_id": "a2", "partner_id": "seoul", "status": "active", "expires_on": "2024-12-31"},  # expired
        {"agreement_id": "a3", "institution_id": "kaz", "partner_id": "almaty"},  # domestic for kaz
        {"agreement_id": "a4", "partner_id": "almaty", "expires_on": "2025-09-01"},  # expiring in 63 days
    ],
    visits=[
        {"visit_id": "v1", "partner_id": "tash", "country": "UZB", "sessions": None},  # domestic
        {"visit_id": "v2", "partner_id": "seoul", "country": "KOR", "sessions": 4},
        {"visit_id": "v3", "institution_id": "kaz", "country": "KAZ", "direction": "outgoing"},  # domestic
        {"visit_id": "v4", "country": "TUR", "mode": "remote"},
    ],
    students=[
        {"institution_id": "sam", "academic_year": "2024/2025", "year_start": 2024, "country": "UZB",
         "count": 500},  # domestic: not international
        {"institution_id": "sam", "academic_year": "2024/2025", "year_start": 2024, "country": "IND",
         "count": 40},
        {"institution_id": "sam", "academic_year": "2023/2024", "year_start": 2023, "country": "PAK",
         "count": 9},
        {"institution_id": "kaz", "academic_year": "2023/2024", "year_start": 2023, "country": "KOR",
         "count": 7},
    ],
)


def test_foreign_and_domestic_counts():
    kpis = compute_kpis(tables(**DATA), Scope(as_of=AS_OF))
    # partners: tash, seoul, almaty (domestic partners still count)
    assert kpis["partners"] == 3
    # partner countries, foreign only: KOR (seoul for sam), KAZ (almaty is foreign to sam via a4)
    assert kpis["partner_countries"] == 2
    # mobility countries: KOR (v2), TUR (v4); v1 UZB for sam and v3 KAZ for kaz are domestic
    assert kpis["mobility_countries"] == 2
    # international students: latest year among foreign rows is 2024/2025 -> IND 40 (UZB 500 is domestic)
    assert (kpis["international_students"], kpis["student_countries"]) == (40, 1)
    # active: a1, a3, a4 (a2 written active but expired on 31 Dec 2024)
    assert kpis["agreements_active"] == 3
    assert kpis["agreements_expiring"] == 1


def test_evidence_ids_are_what_is_counted():
    data = tables(**DATA)
    scope = Scope(as_of=AS_OF)
    ev = evidence(data, scope)
    assert ev["partners"] == ["almaty", "seoul", "tash"]
    assert ev["partner_countries"] == ["KAZ", "KOR"]
    assert ev["agreements_active"] == ["a1", "a3", "a4"]
    assert ev["agreements_expiring"] == ["a4"]
    assert ev["visits_incoming"] == ["v1", "v2", "v4"]
    assert ev["visits_outgoing"] == ["v3"]
    assert ev["remote_share"] == ["v1", "v2", "v4"]  # the visits divided
    assert ev["lecture_sessions"] == ["v1", "v2", "v4"]  # the visits summed
    assert ev["mobility_countries"] == ["KOR", "TUR"]
    assert ev["international_students"] == ["students:3"]
    assert ev["student_countries"] == ["IND"]
    assert ev["irn_index"] == ["seoul"]  # almaty is a hospital, tash domestic
    kpis = compute_kpis(data, scope)
    for kpi in KPIS:
        if kpi.aggregate == "count":
            assert len(ev[kpi.name]) == kpis[kpi.name], kpi.name


def test_evidence_frame_carries_sources_and_rows():
    frame = evidence_frame(tables(**DATA), Scope(as_of=AS_OF), "partner_countries")
    assert frame["country"].tolist() == ["KAZ", "KOR"]
    assert frame["sources"].tolist() == ["doc C", "doc B"]
    assert frame["ids"].tolist() == ["almaty", "seoul"]
    agreements = evidence_frame(tables(**DATA), Scope(as_of=AS_OF), "agreements_active")
    assert agreements["agreement_id"].tolist() == ["a1", "a3", "a4"]
    assert agreements["status_at_as_of"].tolist() == ["active"] * 3


def test_by_institution_uses_each_institutions_own_rows():
    result = by_institution(tables(**DATA), Scope(as_of=AS_OF))
    # sam: partner countries KOR, KAZ; kaz: almaty is domestic -> 0
    assert (result["sam"]["partner_countries"], result["kaz"]["partner_countries"]) == (2, 0)
    # kaz's students: its own latest foreign year 2023/2024 -> KOR 7
    assert (result["kaz"]["international_students"], result["sam"]["international_students"]) == (7, 40)


def test_unknown_inputs_are_counted():
    data = tables(**DATA, grants=[
        {"grant_id": "g1", "status": "active", "amount": None},
        {"grant_id": "g2", "status": "completed", "amount": 1000, "currency": "USD"},
        {"grant_id": "g3", "status": "applied", "amount": 5000, "currency": "USD"},  # not funded
    ])
    values, notes = compute_kpis_with_notes(data, Scope(as_of=AS_OF))
    # sessions: v2's 4; v1 and v4 unknown
    assert (values["lecture_sessions"], notes["lecture_sessions_unknown"]) == (4, 2)
    # funding: g2 1000 USD; g1 without an amount
    assert (values["grant_funding_usd"], notes["grants_amount_unknown"]) == (1000.0, 1)
    assert evidence(data, Scope(as_of=AS_OF))["grant_funding_usd"] == ["g1", "g2"]
