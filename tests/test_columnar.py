"""metrics.columnar (the row facts behind every KPI when the dataset cache is given) on the
tiny dataset of tests/tiny_dataset.py; every expected figure worked out by hand from
docs/metrics.md (the arithmetic in the comments)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from tiny_dataset import AS_OF, tiny_tables

from metrics import DatasetCache, Scope, columnar
from metrics.engine import compute_kpis_with_notes
from metrics.kpis import KpiContext
from metrics.registry import KPIS

IRN_2_2 = 2 / math.log(2)  # L = 2 countries over P = 2 partners: 2 / ln 2

# ------------------------------------------------------------------ expected figures

# Whole scope (every institution, every year).
WHOLE = {
    # links: agreements sam-p1 sam-p2 sam-p3 adm-p3 adm-p4 adm-p1 adm-p2, visits and
    # grants add sam-p4 -> partners p1 p2 p3 p4
    "partners": 4,
    # foreign links: sam-p1 KOR, sam-p3 KAZ, adm-p4 DEU, adm-p1 KOR, adm-p2 UZB, sam-p4 DEU
    # (sam-p2 UZB and adm-p3 KAZ are domestic) -> KOR KAZ DEU UZB
    "partner_countries": 4,
    "agreements_active": 4,  # a1 a2 a6 a7 (a3 expired by date, a4 planned, a5 terminated)
    "agreements_expiring": 1,  # a1 (2025-09-01 <= 2025-12-27)
    "agreements_dormant": 1,  # a2 (sam-p2: v3 before the window, g5 ended 2019)
    "visits_incoming": 6,  # v1 v2 v4 v5 v7 v8
    "visits_outgoing": 2,  # v3 v6
    "remote_share": 1 / 6,  # v2 of the 6 incoming
    "lecture_sessions": 15,  # 4 + 2 + 3 + 5 + 1 (v2 unknown)
    # foreign visits v1 v2 v7 KOR, v4 TUR, v6 DEU, v8 UZB (adm is KAZ); v3 v5 domestic
    "mobility_countries": 4,
    "grants_active": 3,  # g1 active, g3 g4 awarded
    "grant_funding_usd": 175000.0,  # g1 125000 + g2 50000 (g3 no rate, g4 no amount)
    # foreign rows s1 s2 s3 s6; latest year 2024: s2 30 + s3 12 = 42
    "international_students": 42,
    "student_countries": 2,  # IND TKM
    # foreign links of university / research centre: p1 (KOR), p3 (KAZ, via sam-p3): 2 / ln 2
    "irn_index": IRN_2_2,
}
WHOLE_NOTES = {
    "lecture_sessions_unknown": 1,  # v2
    "grants_without_rate": 1,  # g3 (UZS)
    "grants_amount_unknown": 1,  # g4
    "lecture_sessions_inputs": 6,  # the incoming visits
    "grants_funded": 4,  # g1 g2 g3 g4
    "agreements_expiry_unknown": 3,  # active: a2 a6 a7 (no expiry date)
    "remote_visits": 1,  # incoming remote: v2
}

SAM = {
    "partners": 4,  # sam-p1 sam-p2 sam-p3 sam-p4
    "partner_countries": 3,  # KOR KAZ DEU (p2 UZB is domestic to sam)
    "agreements_active": 2,  # a1 a2
    "agreements_expiring": 1,  # a1
    "agreements_dormant": 1,  # a2
    "visits_incoming": 3,  # v1 v2 v4
    "visits_outgoing": 1,  # v3
    "remote_share": 1 / 3,  # v2
    "lecture_sessions": 6,  # 4 + 2 (v2 unknown)
    "mobility_countries": 2,  # KOR TUR
    "grants_active": 2,  # g1 g4
    "grant_funding_usd": 125000.0,  # g1 (g4 unknown amount)
    "international_students": 42,  # latest 2024: 30 + 12
    "student_countries": 2,  # IND TKM
    "irn_index": IRN_2_2,  # p1 KOR, p3 KAZ
}
SAM_NOTES = {"lecture_sessions_unknown": 1, "grants_without_rate": 0, "grants_amount_unknown": 1,
             "lecture_sessions_inputs": 3, "grants_funded": 2,
    "agreements_expiry_unknown": 1,  # active: a2
    "remote_visits": 1,  # incoming remote: v2
}

ADM = {
    "partners": 4,  # adm-p3 adm-p4 adm-p1 adm-p2
    "partner_countries": 3,  # DEU KOR UZB (p3 KAZ is domestic to adm)
    "agreements_active": 2,  # a6 a7
    "agreements_expiring": 0,  # both open-ended
    "agreements_dormant": 0,  # adm-p1 busy by g2, adm-p2 by v8
    "visits_incoming": 3,  # v5 v7 v8
    "visits_outgoing": 1,  # v6
    "remote_share": 0.0,  # 0 of 3 (v6 is remote but outgoing)
    "lecture_sessions": 9,  # 3 + 5 + 1
    "mobility_countries": 3,  # DEU (v6), KOR (v7), UZB (v8); v5 KAZ domestic
    "grants_active": 1,  # g3
    "grant_funding_usd": 50000.0,  # g2 (g3 no rate)
    "international_students": 5,  # adm's own latest year 2023: s6 RUS 5 (s5 KAZ domestic)
    "student_countries": 1,  # RUS
    "irn_index": None,  # only p1 is a foreign university / research centre for adm: P = 1 < 2
}
ADM_NOTES = {"lecture_sessions_unknown": 0, "grants_without_rate": 1, "grants_amount_unknown": 0,
             "lecture_sessions_inputs": 3, "grants_funded": 2,
    "agreements_expiry_unknown": 2,  # active: a6 a7
    "remote_visits": 0,  # incoming remote: none
}

# Year 2025 only: agreements a1 a2 a4 a5 a6 a7 (a3 ended 2024-12-31), visits v1 v4 v5 v8,
# grants g1 g3 g4 (g2 ended 2023, g5 2019), no students (no academic year starts in 2025).
YEAR_2025 = {
    # links sam-p1 sam-p2 adm-p3 adm-p4 adm-p1 adm-p2 sam-p4 -> p1..p4
    "partners": 4,
    # foreign: KOR (sam-p1, adm-p1), DEU (adm-p4, sam-p4), UZB (adm-p2); KAZ only via adm-p3
    "partner_countries": 3,
    "agreements_active": 4,  # a1 a2 a6 a7
    "agreements_expiring": 1,  # a1
    "agreements_dormant": 1,  # a2
    "visits_incoming": 4,  # v1 v4 v5 v8
    "visits_outgoing": 0,
    "remote_share": 0.0,  # 0 of 4
    "lecture_sessions": 10,  # 4 + 2 + 3 + 1
    "mobility_countries": 3,  # KOR TUR UZB
    "grants_active": 3,  # g1 g3 g4
    "grant_funding_usd": 125000.0,  # g1 only
    "international_students": 0,
    "student_countries": 0,
    "irn_index": None,  # p1 only (sam-p3 went with a3): P = 1
}
YEAR_2025_NOTES = {"lecture_sessions_unknown": 0, "grants_without_rate": 1, "grants_amount_unknown": 1,
                   "lecture_sessions_inputs": 4, "grants_funded": 3,
    "agreements_expiry_unknown": 3,  # active: a2 a6 a7
    "remote_visits": 0,  # incoming remote: none
}

# Countries = {KOR}: agreements a1 a6, visits v1 v2 v7, grants g1 g2 (a partner in KOR), no students.
KOREA = {
    "partners": 1,  # p1 (p4 of g1 is in DEU: its link drops out)
    "partner_countries": 1,  # KOR
    "agreements_active": 2,  # a1 a6
    "agreements_expiring": 1,  # a1
    "agreements_dormant": 0,
    "visits_incoming": 3,  # v1 v2 v7
    "visits_outgoing": 0,
    "remote_share": 1 / 3,  # v2
    "lecture_sessions": 9,  # 4 + 5 (v2 unknown)
    "mobility_countries": 1,  # KOR
    "grants_active": 1,  # g1
    "grant_funding_usd": 175000.0,  # 125000 + 50000
    "international_students": 0,
    "student_countries": 0,
    "irn_index": None,  # P = 1
}
KOREA_NOTES = {"lecture_sessions_unknown": 1, "grants_without_rate": 0, "grants_amount_unknown": 0,
               "lecture_sessions_inputs": 3, "grants_funded": 2,
    "agreements_expiry_unknown": 1,  # active: a6
    "remote_visits": 1,  # incoming remote: v2
}

# Partner type hospital: agreements a2 a7, visits v3 v8, grant g5; students are not filtered.
HOSPITAL = {
    "partners": 1,  # p2
    "partner_countries": 1,  # UZB, foreign to adm (adm-p2)
    "agreements_active": 2,  # a2 a7
    "agreements_expiring": 0,
    "agreements_dormant": 1,  # a2 (busy pairs read the whole dataset: adm-p2 busy by v8)
    "visits_incoming": 1,  # v8
    "visits_outgoing": 1,  # v3
    "remote_share": 0.0,
    "lecture_sessions": 1,  # v8
    "mobility_countries": 1,  # UZB (v8; v3 is domestic)
    "grants_active": 0,  # g5 rejected
    "grant_funding_usd": 0.0,  # no funded grant: a true 0
    "international_students": 42,  # as the whole scope
    "student_countries": 2,
    "irn_index": None,  # a hospital is not counted: P = 0
}
HOSPITAL_NOTES = {"lecture_sessions_unknown": 0, "grants_without_rate": 0, "grants_amount_unknown": 0,
                  "lecture_sessions_inputs": 1, "grants_funded": 0,
    "agreements_expiry_unknown": 2,  # active: a2 a7
    "remote_visits": 0,  # incoming remote: none
}

CASES = {
    "whole": (Scope(as_of=AS_OF), WHOLE, WHOLE_NOTES),
    "sam": (Scope(as_of=AS_OF, institutions={"sam"}), SAM, SAM_NOTES),
    "adm": (Scope(as_of=AS_OF, institutions={"adm"}), ADM, ADM_NOTES),
    "2025": (Scope(as_of=AS_OF, year_from=2025, year_to=2025), YEAR_2025, YEAR_2025_NOTES),
    "korea": (Scope(as_of=AS_OF, countries={"KOR"}), KOREA, KOREA_NOTES),
    "hospital": (Scope(as_of=AS_OF, partner_types={"hospital"}), HOSPITAL, HOSPITAL_NOTES),
}


def _exact(values: dict) -> dict:
    """Floats compared with approx (1/6, 2/ln 2), the rest as they are."""
    return {k: pytest.approx(v) if isinstance(v, float) else v for k, v in values.items()}


# ------------------------------------------------------------------ the KPIs per scope


@pytest.mark.parametrize("case", list(CASES))
def test_columnar_kpis_and_notes(case):
    scope, expected, expected_notes = CASES[case]
    tables = tiny_tables()
    cache = DatasetCache(tables)
    values, notes = compute_kpis_with_notes(tables, scope, None, cache)
    assert scope.as_of in cache.facts  # the columnar path was taken
    assert values == _exact(expected)
    assert notes == expected_notes


@pytest.mark.parametrize("case", list(CASES))
def test_general_path_gives_the_same_figures(case):
    """Without the dataset's cache (the general path): the same hand-computed figures."""
    scope, expected, expected_notes = CASES[case]
    values, notes = compute_kpis_with_notes(tiny_tables(), scope)
    assert values == _exact(expected)
    assert notes == expected_notes


@pytest.mark.parametrize("case", list(CASES))
def test_columnar_equals_general_path(case):
    scope = CASES[case][0]
    data = tiny_tables()
    assert compute_kpis_with_notes(data, scope, None, DatasetCache(data)) == compute_kpis_with_notes(data, scope)


def test_figures_of_per_institution():
    data = tiny_tables()
    ctx = KpiContext(data, Scope(as_of=AS_OF), None, DatasetCache(data))
    values, notes = columnar.figures_of(ctx, ["sam", "adm", "nowhere"])
    assert values[0] == _exact(SAM)
    assert values[1] == _exact(ADM)
    # an institution without rows: counts 0, sums a true 0, share and index undefined
    assert values[2] == {kpi.name: 0 for kpi in KPIS} | {
        "remote_share": None, "irn_index": None, "grant_funding_usd": 0.0}
    assert notes == [SAM_NOTES, ADM_NOTES, dict.fromkeys(SAM_NOTES, 0)]
    # the whole scope is one group: international students 42, not 42 + 5 (the latest year
    # of all the rows, 2024, not each institution's own)
    whole, _ = columnar.figures_of(ctx)
    assert whole[0]["international_students"] == 42


def test_figures_of_needs_a_callers_shared_dict():
    assert columnar.figures_of(KpiContext(tiny_tables(), Scope(as_of=AS_OF))) is None


# ------------------------------------------------------------------ the row facts


def test_kpi_facts_rows():
    facts = columnar.KpiFacts(tiny_tables(), AS_OF)
    assert facts.n == {"agreements": 7, "visits": 8, "grants": 5, "students": 6}
    assert facts.institution_ids == ["sam", "adm"]  # first seen in agreements
    assert facts.institution["agreements"].tolist() == [0, 0, 0, 1, 1, 1, 1]
    assert facts.institution["students"].tolist() == [0, 0, 0, 0, 1, 1]
    assert facts.agreement_active.tolist() == [True, True, False, False, False, True, True]  # a1 a2 a6 a7
    assert facts.agreement_expiring.tolist() == [True, False, False, False, False, False, False]  # a1
    assert facts.visit_incoming.tolist() == [True, True, False, True, True, False, True, True]
    assert facts.visit_outgoing.tolist() == [False, False, True, False, False, True, False, False]
    assert facts.visit_remote.tolist() == [False, True, False, False, False, True, False, False]  # v2 v6
    assert facts.visit_sessions.tolist() == [4.0, 0.0, 0.0, 2.0, 3.0, 0.0, 5.0, 1.0]
    assert facts.visit_sessions_unknown.tolist() == [False, True, True, False, False, True, False, False]
    # v3 (UZB for sam) and v5 (KAZ for adm) are domestic
    assert facts.visit_foreign.tolist() == [True, True, False, True, False, True, True, True]
    assert facts.grant_active.tolist() == [True, False, True, True, False]  # g1 g3 g4
    assert facts.grant_funded.tolist() == [True, True, True, True, False]  # g1..g4
    # g1 100000 * 1.25; g2 50000 USD; g3 no UZS rate; g4 no amount; g5 999 USD (not funded)
    assert facts.grant_usd.tolist() == [125000.0, 50000.0, 0.0, 0.0, 999.0]
    assert facts.grant_without_rate.tolist() == [False, False, True, False, False]
    assert facts.grant_amount_unknown.tolist() == [False, False, False, True, False]
    # s4 (UZB at sam) and s5 (KAZ at adm) are domestic
    assert facts.student_foreign.tolist() == [True, True, True, False, False, True]
    assert facts.student_count.tolist() == [40.0, 30.0, 12.0, 100.0, 7.0, 5.0]
    # 7 agreement links + 6 visit links (v4 and v7 have no partner) + 6 grant links (g1 has 2)
    assert len(facts.link_source) == 7 + 6 + 6


def test_kpi_facts_usable_and_matches():
    data = tiny_tables()
    facts = columnar.KpiFacts(data, AS_OF)
    assert columnar.KpiFacts.usable(data)
    assert facts.matches(dict(data))  # the same frames in another dict
    assert not facts.matches({**data, "visits": data["visits"].copy()})  # a new frame
    doubled = {**data, "visits": data["visits"].set_axis([0, 0, 1, 2, 3, 4, 5, 6])}
    assert not columnar.KpiFacts.usable(doubled)  # a repeated row label
    assert not columnar.KpiFacts.usable({k: v for k, v in data.items() if k != "fx_rates"})


def test_facts_built_once_per_dataset_cache():
    data = tiny_tables()
    cache = DatasetCache(data)
    compute_kpis_with_notes(data, Scope(as_of=AS_OF), None, cache)
    first = cache.facts[AS_OF]
    compute_kpis_with_notes(data, Scope(as_of=AS_OF, institutions={"adm"}), None, cache)
    assert cache.facts[AS_OF] is first and cache.builds["facts"] == 1


# ------------------------------------------------------------------ positions and dating


def _sorted(positions: dict) -> dict:
    return {name: sorted(int(p) for p in found) for name, found in positions.items()}


def test_scope_positions_from_the_index_and_from_scoped_frames():
    data = tiny_tables()
    cache = DatasetCache(data)
    facts = columnar.KpiFacts(data, AS_OF)
    ctx = KpiContext(data, Scope(as_of=AS_OF, institutions={"sam"}), None, cache)
    # sam: agreements a1-a3, visits v1-v4, grants g1 g4 g5, students s1-s4
    assert _sorted(columnar.scope_positions(facts, ctx)) == {
        "agreements": [0, 1, 2], "visits": [0, 1, 2, 3], "grants": [0, 3, 4], "students": [0, 1, 2, 3]}
    ctx = KpiContext(data, Scope(as_of=AS_OF, countries={"KOR"}), None, cache)
    # KOR: agreements a1 a6, visits v1 v2 v7, grants g1 g2, no students
    assert _sorted(columnar.scope_positions(facts, ctx)) == {
        "agreements": [0, 5], "visits": [0, 1, 6], "grants": [0, 1], "students": []}


def test_scope_positions_reject_rows_not_of_the_tables():
    data = tiny_tables()
    facts = columnar.KpiFacts(data, AS_OF)
    foreign = {**data, "visits": data["visits"].set_axis(np.arange(10, 18))}  # labels 10..17: not rows
    ctx = KpiContext(data, Scope(as_of=AS_OF, countries={"KOR"}), foreign, DatasetCache(data))
    assert columnar.scope_positions(facts, ctx) is None


def test_dated_counts():
    data = tiny_tables()
    cache = DatasetCache(data)
    counts = columnar.dated_counts(KpiContext(data, Scope(as_of=AS_OF), None, cache))
    assert counts == {
        # v1 2025, v2 2024, v3 2022, v4 2025, v5 2025, v6 2024, v8 2025; v7 undated
        "visits": ({2022, 2024, 2025}, 7, 8),
        # signed: a1 2021, a2 2020, a3 2019, a4 2025, a5 2023, a6 2022, a7 2020
        "agreements": ({2019, 2020, 2021, 2022, 2023, 2025}, 7, 7),
        # started: g1 2024, g2 2021, g3 2025, g4 2025, g5 2018
        "grants": ({2018, 2021, 2024, 2025}, 5, 5),
        "students": ({2023, 2024}, 6, 6),
    }
    sam = columnar.dated_counts(KpiContext(data, Scope(as_of=AS_OF, institutions={"sam"}), None, cache))
    assert sam == {
        "visits": ({2022, 2024, 2025}, 4, 4),  # v1 v2 v3 v4
        "agreements": ({2019, 2020, 2021}, 3, 3),  # a1 a2 a3
        "grants": ({2018, 2024, 2025}, 3, 3),  # g1 g4 g5
        "students": ({2023, 2024}, 4, 4),  # s1-s4
    }


@pytest.mark.parametrize(
    ("year", "cutoff", "tables_dated"),
    [
        # 2025: v1 v4 v5 v8, a4 (signed 2025-08-01), g3 g4; no academic year starts in 2025
        (2025, None, {"visits", "agreements", "grants"}),
        # up to 2025-03-31: v1 v5 and g4 stay; a4 (August) is cut, no other agreement signed in 2025
        (2025, "2025-03-31", {"visits", "grants"}),
        # up to 2024-06-30: v6 (2024-06-01), g1 (2024-03-01), students 2024/2025; nothing signed in 2024
        (2024, "2024-06-30", {"visits", "grants", "students"}),
        # 2023: a5 signed 2023-02-01, students 2023/2024; no visit, no grant started in 2023
        (2023, None, {"agreements", "students"}),
    ],
)
def test_dated_in(year, cutoff, tables_dated):
    from datetime import date

    cut = date.fromisoformat(cutoff) if cutoff else None
    data = tiny_tables()
    ctx = KpiContext(data, Scope(as_of=AS_OF, year_from=year, year_to=year), None, DatasetCache(data))
    assert columnar.dated_in(ctx, year, cut) == tables_dated


# ------------------------------------------------------------------ evidence rows and status


def test_evidence_rows_from_the_facts_are_the_rules_rows():
    # By hand (tiny_dataset): active a1, a2, a6, a7; expiring a1 (2025-09-01 in the window);
    # dormant a2 (sam-p2: v3 is before the window, g5 ended 2019); incoming v1, v2, v4, v5,
    # v7, v8; outgoing v3, v6; active grants (awarded or active) g1, g3, g4; funded
    # (awarded, active or completed) g1, g2, g3, g4.
    from metrics.evidence import evidence_frame

    data = tiny_tables()
    cache = DatasetCache(data)
    scope = Scope(as_of=AS_OF)
    expected = {"agreements_active": ["a1", "a2", "a6", "a7"], "agreements_expiring": ["a1"],
                "agreements_dormant": ["a2"], "visits_incoming": ["v1", "v2", "v4", "v5", "v7", "v8"],
                "visits_outgoing": ["v3", "v6"], "grants_active": ["g1", "g3", "g4"],
                }
    for name, ids in expected.items():
        ctx = KpiContext(data, scope, None, cache)
        rows = columnar.rows_of(ctx, name)
        assert rows is not None, name  # the facts answered
        id_column = {"agreements": "agreement_id", "visits": "visit_id", "grants": "grant_id"}[
            "agreements" if name.startswith("agreements") else "visits" if name.startswith("visits") else "grants"]
        assert sorted(rows[id_column]) == ids, name
        # the same frame as the rule (rows, order, columns) and the same evidence table
        general = evidence_frame(data, scope, name)
        fast = evidence_frame(data, scope, name, None, cache)
        assert fast.equals(general), name
    # sam only: active a1, a2
    ctx = KpiContext(data, Scope(as_of=AS_OF, institutions={"sam"}), None, cache)
    assert sorted(columnar.rows_of(ctx, "agreements_active")["agreement_id"]) == ["a1", "a2"]
    # a KPI decided across rows (the partner links) is not the facts' to answer, nor the
    # funded grants (their rows carry the rule's usd_rate and usd columns)
    assert columnar.rows_of(KpiContext(data, scope, None, cache), "partners") is None
    assert columnar.rows_of(KpiContext(data, scope, None, cache), "grant_funding_usd") is None


def test_agreement_status_from_the_facts():
    # By hand: a1 active, a2 active, a3 expired (dates beat the written "active"),
    # a4 planned (signed after as_of), a5 terminated (written), a6 active, a7 active.
    data = tiny_tables()
    cache = DatasetCache(data)
    ctx = KpiContext(data, Scope(as_of=AS_OF), None, cache)
    agreements = data["agreements"]
    status = columnar.agreement_status_of(ctx, agreements.iloc[[2, 3, 4, 0]])
    assert status.tolist() == ["expired", "planned", "terminated", "active"]
    assert status.index.tolist() == agreements.index[[2, 3, 4, 0]].tolist()
    # rows that claim another agreement's place are not answered (the rule decides)
    moved = agreements.iloc[[0, 1]].copy()
    moved.index = agreements.index[[1, 0]]
    assert columnar.agreement_status_of(ctx, moved) is None
