"""metrics.compare.kpis_up_to (the KPIs counting only events up to a cutoff day) on the
tiny dataset of tests/tiny_dataset.py, by the row facts (a shared dict) and the general
way (cut_at + compute_kpis_with_notes); every expected figure worked out by hand."""

from __future__ import annotations

import math
from datetime import date

import pytest
from tiny_dataset import AS_OF, tiny_tables

from metrics import DatasetCache, Scope, year_over_year
from metrics.compare import kpis_up_to

# Year 2025 up to 2025-03-31 (as of 2025-06-30). cut_at drops v4 (2025-09-15), v8
# (2025-05-05), a4 (signed 2025-08-01) and g3 (started 2025-04-01). The busy pairs are
# those of the cut tables: without v8, adm-p2 has no activity left.
# In the 2025 scope: agreements a1 a2 a5 a6 a7, visits v1 v5, grants g1 g4, no students.
CUT_2025 = {
    "partners": 4,  # p1 (a1 a6 v1 g1), p2 (a2 a7), p4 (a5 g1 g4), p3 (v5)
    "partner_countries": 3,  # KOR (sam-p1), DEU (adm-p4, sam-p4), UZB (adm-p2); adm-p3 domestic
    "agreements_active": 4,  # a1 a2 a6 a7 (a5 terminated)
    "agreements_expiring": 1,  # a1
    "agreements_dormant": 2,  # a2 (sam-p2) and a7 (adm-p2: v8 is after the cutoff)
    "visits_incoming": 2,  # v1 v5
    "visits_outgoing": 0,
    "remote_share": 0.0,  # 0 of 2
    "lecture_sessions": 7,  # 4 + 3
    "mobility_countries": 1,  # KOR (v5 KAZ is domestic to adm)
    "grants_active": 2,  # g1 g4
    "grant_funding_usd": 125000.0,  # g1: 100000 EUR * 1.25 (g4 no amount)
    "international_students": 0,  # no academic year starts in 2025
    "student_countries": 0,
    "irn_index": None,  # p1 only: P = 1
}
CUT_2025_NOTES = {"lecture_sessions_unknown": 0, "grants_without_rate": 0, "grants_amount_unknown": 1,
                  "lecture_sessions_inputs": 2, "grants_funded": 2,
    "agreements_expiry_unknown": 3,  # active with no expiry date: a2 a6 a7
    "remote_visits": 0,  # incoming remote: none
}

# Year 2024 up to 2024-06-30 (the same period a year before; statuses still as of
# 2025-06-30). cut_at drops v1 v2 v4 v5 v8, a4, g3 g4. Busy pairs of the cut tables:
# adm-p4 (v6 2024-06-01), sam-p1 sam-p4 (g1), adm-p1 (g2).
# In the 2024 scope: agreements a1 a2 a3 a5 a6 a7, visits v6, grants g1, students s2 s3 s4.
CUT_2024 = {
    "partners": 4,  # p1 p2 p3 (a3) p4
    "partner_countries": 4,  # KOR (sam-p1), KAZ (sam-p3), DEU (adm-p4), UZB (adm-p2)
    "agreements_active": 4,  # a1 a2 a6 a7 (a3 expired at 2025-06-30, a5 terminated)
    "agreements_expiring": 1,  # a1
    "agreements_dormant": 2,  # a2 (sam-p2), a7 (adm-p2)
    "visits_incoming": 0,
    "visits_outgoing": 1,  # v6
    "remote_share": None,  # no incoming visit: undefined, not 0
    "lecture_sessions": 0,  # a sum over no input: a true 0
    "mobility_countries": 1,  # DEU
    "grants_active": 1,  # g1
    "grant_funding_usd": 125000.0,  # g1
    "international_students": 42,  # students are not cut: 2024/2025 s2 30 + s3 12 (s4 domestic)
    "student_countries": 2,  # IND TKM
    "irn_index": 2 / math.log(2),  # p1 (KOR), p3 (KAZ): L = 2, P = 2
}
CUT_2024_NOTES = {"lecture_sessions_unknown": 0, "grants_without_rate": 0, "grants_amount_unknown": 0,
                  "lecture_sessions_inputs": 0, "grants_funded": 1,
    "agreements_expiry_unknown": 3,  # active with no expiry date: a2 a6 a7
    "remote_visits": 0,  # incoming remote: none
}

CASES = {
    "2025 up to 31 Mar": (2025, date(2025, 3, 31), CUT_2025, CUT_2025_NOTES),
    "2024 up to 30 Jun": (2024, date(2024, 6, 30), CUT_2024, CUT_2024_NOTES),
}


def _exact(values: dict) -> dict:
    return {k: pytest.approx(v) if isinstance(v, float) else v for k, v in values.items()}


@pytest.mark.parametrize("cached", [False, True], ids=["general", "columnar"])
@pytest.mark.parametrize("case", list(CASES))
def test_kpis_up_to(case, cached):
    year, cutoff, expected, expected_notes = CASES[case]
    scope = Scope(as_of=AS_OF, year_from=year, year_to=year)
    tables = tiny_tables()
    cache = DatasetCache(tables) if cached else None
    values, notes = kpis_up_to(tables, scope, cutoff, cache)
    assert values == _exact(expected)
    assert notes == expected_notes
    if cache is not None:
        assert AS_OF in cache.facts  # the row facts were used


def test_kpis_up_to_columnar_equals_general():
    data = tiny_tables()
    for year, cutoff, _, _ in CASES.values():
        scope = Scope(as_of=AS_OF, year_from=year, year_to=year)
        assert kpis_up_to(data, scope, cutoff, DatasetCache(data)) == kpis_up_to(data, scope, cutoff)


def test_kpis_up_to_reuses_the_facts_over_several_cutoffs():
    data = tiny_tables()
    cache = DatasetCache(data)
    scope = Scope(as_of=AS_OF, year_from=2025, year_to=2025)
    assert kpis_up_to(data, scope, date(2025, 3, 31), cache)[0]["agreements_dormant"] == 2  # a2 a7
    # up to 2025-06-30 v8 (2025-05-05) is back: adm-p2 busy again, only a2 dormant
    assert kpis_up_to(data, scope, date(2025, 6, 30), cache)[0]["agreements_dormant"] == 1
    assert kpis_up_to(data, scope, date(2025, 3, 31), cache)[0]["agreements_dormant"] == 2
    assert list(cache.facts) == [AS_OF] and cache.builds["facts"] == 1
    assert sorted(cutoff for _, cutoff in cache.cuts) == [date(2025, 3, 31), date(2025, 6, 30)]


def test_year_over_year_partial_year_on_the_tiny_dataset():
    # v3: each figure its own Y. Figures of visits and grants: Y = 2025 (the as-of year,
    # not over): 1 Jan-30 Jun 2025 vs 1 Jan-30 Jun 2024.
    # 2025 up to 30 Jun: agreements a1 a2 a5 a6 a7, visits v1 v5 v8, grants g1 g3 g4:
    #   partners 4, partner_countries 3 (KOR DEU UZB), incoming 3, outgoing 0, sessions
    #   4 + 3 + 1 = 8, mobility 2 (KOR UZB), grants_active 3, usd 125000 (g3 no rate, g4 none).
    # 2024 up to 30 Jun: CUT_2024 above.
    # Agreements: signed in 2025 only a4 (2025-08-01, after as_of), so their own Y is the
    # latest year before: 2023 (a5) against 2022 (a6), whole years. Spans overlapping 2023:
    # a1 a2 a3 a5 a6 a7, 2022: a1 a2 a3 a6 a7; active at as_of in both a1 a2 a6 a7 (4),
    # dormant a2 in both; expiring a1 in both but a2 a6 a7 have no expiry date: not known.
    # Students: the latest started academic year 2024/2025 (42, IND TKM) against 2023/2024
    # (s1 IND 40 + s6 RUS 5 = 45, IND RUS).
    data = tiny_tables()
    comparison = year_over_year(data, Scope(as_of=AS_OF), DatasetCache(data))
    assert (comparison.year, comparison.previous, comparison.partial) == (2025, 2024, True)
    assert comparison.period_end == AS_OF
    assert comparison.dated_both == frozenset({"visits", "grants"})
    changes = comparison.changes
    assert (changes["agreements_active"].year, changes["agreements_active"].previous) == (2023, 2022)
    assert not changes["agreements_active"].partial
    assert (changes["international_students"].current, changes["international_students"].before) == (42, 45)
    assert comparison.deltas == {
        "partners": 0,  # 4 - 4
        "partner_countries": -1,  # 3 - 4
        "agreements_active": 0,  # 4 - 4 (2023 against 2022)
        "agreements_dormant": 0,  # 1 - 1
        "visits_incoming": 3,  # 3 - 0
        "visits_outgoing": -1,  # 0 - 1
        "lecture_sessions": 8,  # 8 - 0
        "mobility_countries": 1,  # 2 - 1
        "grants_active": 2,  # 3 - 1
        "international_students": -3,  # 42 - 45
        "student_countries": 0,  # 2 - 2
    }
    # not compared: expiring (unknown expiries), remote share (2024 undefined), funding
    # (2025 has unknown inputs), IRN (2025 undefined)
    assert {name: c.reason for name, c in changes.items() if not c.compared} == {
        "agreements_expiring": "not_known", "remote_share": "undefined",
        "grant_funding_usd": "not_known", "irn_index": "undefined"}
