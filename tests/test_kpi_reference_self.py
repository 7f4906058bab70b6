"""The naive reference of tests/kpi_reference.py checked on its own, on a tiny hand-made
dataset whose every expected value is worked out by hand in the comments (never with the
reference or with metrics/). If the reference is wrong, the differential test against
metrics/ proves nothing: this file is what keeps it honest.

The dataset (as_of 2025-06-30 unless said otherwise); sam is in UZB, ast in KAZ.
"""

from __future__ import annotations

import math
from datetime import date

import pytest
from kpi_reference import (
    COUNT_KPIS,
    KPI_NAMES,
    RefScope,
    reference_evidence,
    reference_kpis,
    reference_status,
    reference_targets,
    reference_yoy,
)

from loaders import load_dataset

TINY = {
    "institutions": """institution_id,name,short_name,city,country
sam,Samarkand State Medical University,SamSMU,Samarkand,UZB
ast,Astana Medical University,AMU,Astana,KAZ
""",
    # uz1 is domestic for sam; kz1 domestic for ast but foreign for sam
    "partners": """partner_id,name,type,country,city
kr1,Seoul National University,university,KOR,Seoul
uz1,Tashkent Medical Academy,university,UZB,Tashkent
kz1,Kazakh Research Centre,research_center,KAZ,Almaty
de1,Charite Hospital,hospital,DEU,Berlin
""",
    # t1 active, expiring; t2 written active but expired 2024-12-31 -> expired; t3 written
    # planned, signed 2023 -> active; t4 planned, no dates -> planned; t5 planned, no
    # signed_on, expired 2023 -> expired (the dates come first); t6 written active, signed
    # 2026 -> planned; t7 no status -> active, signed after the 2024 cut day
    "agreements": """agreement_id,institution_id,partner_id,kind,signed_on,expires_on,status
t1,sam,kr1,mou,2020-01-01,2025-09-01,
t2,sam,uz1,mou,2021,2024-12-31,active
t3,ast,kz1,mou,2023-03-01,,planned
t4,sam,de1,mou,,,planned
t5,sam,kz1,mou,,2023,planned
t6,ast,kr1,mou,2026-01-01,,active
t7,ast,de1,mou,2024-08-01,,
""",
    # w2 domestic (sam-uz1), w3 domestic (sam, UZB) after the 2025 cut day, w4 domestic
    # (ast-kz1) after the 2024 cut day, w6 undated
    "visits": """visit_id,institution_id,partner_id,country,direction,mode,activity,start_date,sessions
w1,sam,kr1,,incoming,in_person,lectures,2025-03-10,4
w2,sam,uz1,,incoming,remote,lectures,2024-05-01,
w3,sam,,UZB,outgoing,in_person,training,2025-08-01,
w4,ast,kz1,,outgoing,in_person,training,2024-09-15,
w5,ast,kr1,,incoming,remote,lectures,2024-02-01,2
w6,sam,de1,,incoming,in_person,lectures,,1
""",
    "grants": """grant_id,institution_id,partner_ids,title,status,start_date,end_date,amount,currency
h1,sam,kr1; de1,Joint,active,2024-01-01,2026-12-31,1000,EUR
h2,ast,kz1,Training,completed,2023,,500,USD
h3,sam,uz1,Pending,applied,2025-02-01,,99,USD
h4,sam,de1,No amount,awarded,,,,
""",
    # rows 2..6 (the header is row 1): 3 and 5 are domestic
    "students": """institution_id,academic_year,country,level,count
sam,2024/2025,KOR,master,10
sam,2025/2026,UZB,exchange,50
ast,2024/2025,UZB,residency,6
ast,2023/2024,KAZ,phd,8
sam,2023/2024,IND,undergraduate,3
""",
    "fx_rates": """currency,year,usd_per_unit
EUR,2024,1.1
""",
    "targets": """institution_id,year,metric,target
sam,2024,visits_incoming,5
sam,2024,partners,10
ast,2025,agreements_active,0
""",
}
AS_OF = date(2025, 6, 30)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny")
    for name, text in TINY.items():
        (root / f"{name}.csv").write_text(text, encoding="utf-8")
    ds = load_dataset(root)
    assert ds.fatal is None and not [p for p in ds.problems if p.severity == "error"]
    return ds.tables


def test_status_v2_rules():
    day = AS_OF

    def row(status, signed=None, expires=None):
        return {"status": status, "signed_on": signed, "expires_on": expires}

    assert reference_status(row("terminated", date(2020, 1, 1)), day) == "terminated"
    assert reference_status(row("expired", None, date(2030, 1, 1)), day) == "expired"
    # a stale written active on an agreement that expired
    assert reference_status(row("active", date(2020, 1, 1), date(2025, 6, 29)), day) == "expired"
    # expiring on as_of itself is not before as_of: still active
    assert reference_status(row("active", date(2020, 1, 1), date(2025, 6, 30)), day) == "active"
    # written active, signed later -> planned
    assert reference_status(row("active", date(2025, 7, 1)), day) == "planned"
    # written planned already signed -> active; signed on as_of itself counts as signed
    assert reference_status(row("planned", date(2025, 1, 1)), day) == "active"
    assert reference_status(row("planned", date(2025, 6, 30)), day) == "active"
    # written planned with no signed_on stays planned, unless it expired
    assert reference_status(row("planned"), day) == "planned"
    assert reference_status(row("planned", None, date(2023, 1, 1)), day) == "expired"
    # empty status: the dates alone; unknown signed_on counts as signed
    assert reference_status(row(None), day) == "active"
    assert reference_status(row(None, date(2026, 1, 1)), day) == "planned"


def test_kpis_unfiltered(tiny):
    got = reference_kpis(tiny, RefScope(as_of=AS_OF))
    want = {
        # links: kr1 de1 kz1 uz1; foreign kr1, de1, kz1 (via t5 sam-kz1), not uz1
        "partners": 4,
        "partner_countries": 3,  # DEU KAZ KOR
        "agreements_active": 3,  # t1 t3 t7
        "agreements_expiring": 1,  # t1 (2025-09-01 <= 2025-12-27)
        # window [2022-06-30, 2025-06-30]: t1 has w1, t3 has w4; t7 ast-de1 has nothing
        "agreements_dormant": 1,
        "visits_incoming": 4,  # w1 w2 w5 w6
        "visits_outgoing": 2,  # w3 w4
        "remote_share": 0.5,  # w2 w5 of 4
        "lecture_sessions": 7,  # 4 + 2 + 1, w2 unknown
        "mobility_countries": 2,  # KOR (w1, w5), DEU (w6); UZB w2 w3 and KAZ w4 domestic
        "grants_active": 2,  # h1 active, h4 awarded
        "grant_funding_usd": 1600.0,  # h1 1000 EUR x 1.1 + h2 500 USD; h4 no amount
        "international_students": 16,  # foreign rows' latest year 2024: 10 KOR + 6 UZB
        "student_countries": 2,
        "irn_index": 2 / math.log(2),  # P = kr1, kz1 (uz1 domestic, de1 a hospital)
        "lecture_sessions_unknown": 1,
        "grants_amount_unknown": 1,
        "grants_without_rate": 0,
        # v3: active t3 and t7 have no expiry date (unknown, not open-ended)
        "agreements_expiry_unknown": 2,
        "grants_funded": 3,  # h1 h2 h4 (h3 only applied)
    }
    assert got == pytest.approx(want)


def test_evidence_unfiltered(tiny):
    got = reference_evidence(tiny, RefScope(as_of=AS_OF))
    incoming = ["w1", "w2", "w5", "w6"]
    assert got == {
        "partners": ["de1", "kr1", "kz1", "uz1"],
        "partner_countries": ["DEU", "KAZ", "KOR"],
        "agreements_active": ["t1", "t3", "t7"],
        "agreements_expiring": ["t1"],
        "agreements_dormant": ["t7"],
        "visits_incoming": incoming,
        "visits_outgoing": ["w3", "w4"],
        "remote_share": incoming,
        "lecture_sessions": incoming,
        "mobility_countries": ["DEU", "KOR"],
        "grants_active": ["h1", "h4"],
        "grant_funding_usd": ["h1", "h2", "h4"],  # h3 is only applied
        "international_students": ["students:2", "students:4"],
        "student_countries": ["KOR", "UZB"],
        "irn_index": ["kr1", "kz1"],
    }
    assert set(got) == set(KPI_NAMES)


def test_foreign_is_judged_per_institution(tiny):
    ast = reference_kpis(tiny, RefScope(institutions={"ast"}, as_of=AS_OF))
    ast_ev = reference_evidence(tiny, RefScope(institutions={"ast"}, as_of=AS_OF))
    # ast (KAZ) links kz1 (t3 w4 h2), kr1 (t6 w5), de1 (t7); kz1 is domestic for it
    assert ast_ev["partners"] == ["de1", "kr1", "kz1"]
    assert ast_ev["partner_countries"] == ["DEU", "KOR"]
    assert ast_ev["mobility_countries"] == ["KOR"]  # w5; w4 KAZ domestic
    assert ast_ev["international_students"] == ["students:4"]  # UZB is foreign for ast
    assert ast["international_students"] == 6
    assert ast_ev["irn_index"] == ["kr1"] and ast["irn_index"] is None  # P = 1
    sam_ev = reference_evidence(tiny, RefScope(institutions={"sam"}, as_of=AS_OF))
    # sam (UZB): kz1 (t5) is foreign for it, uz1 is not
    assert sam_ev["partner_countries"] == ["DEU", "KAZ", "KOR"]
    # sam's foreign rows: 2 (2024 KOR) and 6 (2023 IND); row 3 (2025 UZB) is domestic
    assert sam_ev["international_students"] == ["students:2"]


def test_counts_equal_their_evidence(tiny):
    for scope in (
        RefScope(as_of=AS_OF),
        RefScope(as_of=date(2024, 1, 1), year_from=2024),
        RefScope(as_of=AS_OF, countries={"KOR", "UZB"}, partner_types={"university"}),
    ):
        values = reference_kpis(tiny, scope)
        ids = reference_evidence(tiny, scope)
        for name in COUNT_KPIS:
            assert values[name] == len(ids[name]), name


def test_yoy_partial_year(tiny):
    """v3, per figure. Dated years: visits 2024 2025, signed 2020 2021 2023 2024 2026,
    grants 2023 2024 2025, students 2023 2024 2025. Dated in 2025 up to 30 June: visits (w1)
    and grants (h3), no agreement."""
    got = reference_yoy(tiny, RefScope(as_of=AS_OF))
    # visits, grants and partner figures: Y = 2025, the as-of year, not over: both years cut
    # at 30 June (2025: w1 only; 2024: w2 w5, t7 and w4 are after 30 June)
    for name in ("partners", "visits_incoming", "grants_active", "irn_index"):
        assert (got[name]["year"], got[name]["previous"], got[name]["partial"]) == (2025, 2024, True), name
    # agreements: nothing signed in 2025 up to as_of, so their own Y is 2024 against 2023,
    # whole years. 2024 (spans overlapping it): t1 t2 t3 t4 t7, active at as_of t1 t3 t7,
    # t7 (ast-de1) dormant; 2023: t1 t2 t3 t4 t5, active t1 t3, none dormant.
    agreements = got["agreements_active"]
    assert (agreements["year"], agreements["previous"], agreements["partial"]) == (2024, 2023, False)
    assert (agreements["current"], agreements["before"]) == (3, 2)
    assert (got["agreements_dormant"]["current"], got["agreements_dormant"]["before"]) == (1, 0)
    # students: the latest academic year started by 30 June 2025 is 2024/2025 (2025/2026
    # starts on 1 September): 2024 foreign rows 2 (KOR 10) and 4 (UZB 6, foreign for ast)
    # against 2023: row 6 (IND 3; row 5 KAZ is domestic for ast)
    students = got["international_students"]
    assert (students["year"], students["previous"], students["partial"]) == (2024, 2023, False)
    assert (students["current"], students["before"]) == (16, 3)
    assert (got["student_countries"]["current"], got["student_countries"]["before"]) == (2, 1)
    # 2025 to 30 June: w1 (4 sessions, KOR); 2024 to 30 June: w2 (remote, no count), w5 (remote, 2)
    visits = {n: (got[n]["current"], got[n]["before"]) for n in
              ("visits_incoming", "visits_outgoing", "remote_share", "lecture_sessions", "mobility_countries")}
    assert visits == {"visits_incoming": (1, 2), "visits_outgoing": (0, 0), "remote_share": (0.0, 1.0),
                      "lecture_sessions": (4, 2), "mobility_countries": (1, 1)}
    assert (got["partners"]["current"], got["partners"]["before"]) == (4, 4)
    assert (got["grants_active"]["current"], got["grants_active"]["before"]) == (2, 2)
    # changes: expiring has unknown expiries (t3 t7), the remote share divides 1 and 2 visits
    # (under 5: counts, no change), sessions of 2024 and funding (h4 undated, no amount)
    # have unknown inputs, the IRN of 2025 is undefined (P = 1)
    assert {name: row["delta"] for name, row in got.items()} == pytest.approx({
        "partners": 0,
        "partner_countries": 0,
        "agreements_active": 1,
        "agreements_expiring": None,
        "agreements_dormant": 1,
        "visits_incoming": -1,
        "visits_outgoing": 0,
        "remote_share": None,
        "lecture_sessions": None,
        "mobility_countries": 0,
        "grants_active": 0,
        "grant_funding_usd": None,
        "international_students": 13,
        "student_countries": 1,
        "irn_index": None,
    })
    assert got["remote_share"]["reason"] == "small_base"
    assert got["lecture_sessions"]["reason"] == "not_known"


def test_yoy_no_change_of_an_unknown_sum(tiny):
    # sam: 2024 to 30 June has one incoming visit, w2, without a count: sessions unknown
    got = reference_yoy(tiny, RefScope(as_of=AS_OF, institutions={"sam"}))
    sessions = got["lecture_sessions"]
    assert (sessions["year"], sessions["previous"]) == (2025, 2024)
    assert (sessions["current"], sessions["before"], sessions["delta"]) == (4, 0, None)  # w1; w2
    assert got["visits_incoming"]["delta"] == 0  # w1 against w2


def test_yoy_full_years_and_reasons(tiny):
    # 31 December: 2025 is whole, nothing cut; w3 (2025-08-01) now counts
    full = reference_yoy(tiny, RefScope(as_of=date(2025, 12, 31)))["visits_outgoing"]
    assert (full["year"], full["previous"], full["partial"]) == (2025, 2024, False)
    assert (full["current"], full["before"]) == (1, 1)  # w3 (UZB, domestic: a visit still), w4
    # years up to 2024: the partner figures compare 2024 with 2023 (t3, h2), whole years;
    # visits have no 2023: their own figures are not compared
    upto = reference_yoy(tiny, RefScope(as_of=AS_OF, year_to=2024))
    assert (upto["partners"]["year"], upto["partners"]["previous"], upto["partners"]["partial"]) == (
        2024, 2023, False)
    assert (upto["visits_outgoing"]["year"], upto["visits_outgoing"]["reason"]) == (2024, "one_year_only")
    # DEU: w6 undated, t4 undated, t7 2024, h1 2024, h4 undated -> only 2024
    one = reference_yoy(tiny, RefScope(as_of=AS_OF, countries={"DEU"}))["partners"]
    assert (one["year"], one["previous"], one["reason"]) == (2024, None, "one_year_only")
    none = reference_yoy(tiny, RefScope(as_of=AS_OF, countries={"JPN"}))
    assert {(row["year"], row["reason"]) for row in none.values()} == {(None, "no_dated_rows")}


def test_targets_institution_wide(tiny):
    rows = reference_targets(tiny, RefScope(as_of=AS_OF))
    got = {(r["institution_id"], r["year"], r["metric"]): (r["actual"], r["share"]) for r in rows}
    assert got == {
        ("sam", 2024, "visits_incoming"): (1, pytest.approx(0.2)),  # w2
        # sam in 2024: t1 kr1, t2 uz1, t4 de1 (t5 ended 2023), h1 kr1 de1, h4 de1
        ("sam", 2024, "partners"): (3, pytest.approx(0.3)),
        # ast in 2025: t3, t7 (t6 signed 2026); a 0 target has no share
        ("ast", 2025, "agreements_active"): (2, None),
    }
    # the country and partner-type filters do not narrow the actual
    filtered = reference_targets(
        tiny, RefScope(as_of=AS_OF, countries={"KOR"}, partner_types={"hospital"})
    )
    assert filtered == rows
    # institutions and years select which targets are shown
    sam = reference_targets(tiny, RefScope(as_of=AS_OF, institutions={"sam"}))
    assert sorted((r["institution_id"], r["year"], r["metric"]) for r in sam) == [
        ("sam", 2024, "partners"), ("sam", 2024, "visits_incoming")]
    late = reference_targets(tiny, RefScope(as_of=AS_OF, year_from=2025))
    assert [(r["institution_id"], r["year"]) for r in late] == [("ast", 2025)]
