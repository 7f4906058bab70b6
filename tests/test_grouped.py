"""metrics.grouped.figures_per_institution (every KPI and note of each institution alone)
on the tiny dataset of tests/tiny_dataset.py, by the row facts (a shared dict) and by the
split rows (no shared dict); every expected figure worked out by hand."""

from __future__ import annotations

import pytest
from test_columnar import ADM, ADM_NOTES, SAM, SAM_NOTES  # the whole scope, per institution
from tiny_dataset import AS_OF, tiny_tables

from metrics import DatasetCache, Scope
from metrics.grouped import figures_per_institution, kpis_per_institution, notes_per_institution
from metrics.kpis import KpiContext

# docs/metrics.md, "The KPIs", in its order
KPI_ORDER = ["partners", "partner_countries", "agreements_active", "agreements_expiring", "agreements_dormant",
             "visits_incoming", "visits_outgoing", "remote_share", "lecture_sessions", "mobility_countries",
             "grants_active", "grant_funding_usd", "international_students", "student_countries", "irn_index"]
NOTE_ORDER = ["lecture_sessions_unknown", "grants_without_rate", "grants_amount_unknown",
              "agreements_expiry_unknown", "remote_visits", "lecture_sessions_inputs", "grants_funded"]

# Year 2025, sam: agreements a1 a2 (a3 ended 2024), visits v1 v4, grants g1 g4, no students.
SAM_2025 = {
    "partners": 3, "partner_countries": 2,  # p1 p2 p4; KOR DEU (p2 domestic)
    "agreements_active": 2, "agreements_expiring": 1, "agreements_dormant": 1,  # a1 a2; a1; a2
    "visits_incoming": 2, "visits_outgoing": 0, "remote_share": 0.0,  # v1 v4
    "lecture_sessions": 6,  # 4 + 2
    "mobility_countries": 2,  # KOR TUR
    "grants_active": 2, "grant_funding_usd": 125000.0,  # g1 g4; g1 100000 * 1.25
    "international_students": 0, "student_countries": 0,
    "irn_index": None,  # p1 only
}
SAM_2025_NOTES = {"lecture_sessions_unknown": 0, "grants_without_rate": 0, "grants_amount_unknown": 1,
                  "lecture_sessions_inputs": 2, "grants_funded": 2,
    "agreements_expiry_unknown": 1,  # active with no expiry date: a2
    "remote_visits": 0,  # incoming remote: none
}
# Year 2025, adm: agreements a4 a5 a6 a7, visits v5 v8, grant g3, no students.
ADM_2025 = {
    "partners": 4, "partner_countries": 3,  # p3 p4 p1 p2; DEU KOR UZB (p3 domestic)
    "agreements_active": 2, "agreements_expiring": 0, "agreements_dormant": 0,  # a6 a7, busy
    "visits_incoming": 2, "visits_outgoing": 0, "remote_share": 0.0,  # v5 v8
    "lecture_sessions": 4,  # 3 + 1
    "mobility_countries": 1,  # UZB (v8); v5 KAZ domestic
    "grants_active": 1,  # g3
    "grant_funding_usd": 0.0,  # g3 has no UZS rate: every input unknown (see the notes)
    "international_students": 0, "student_countries": 0,
    "irn_index": None,  # p1 only (p3 is domestic to adm)
}
ADM_2025_NOTES = {"lecture_sessions_unknown": 0, "grants_without_rate": 1, "grants_amount_unknown": 0,
                  "lecture_sessions_inputs": 2, "grants_funded": 1,
    "agreements_expiry_unknown": 2,  # active with no expiry date: a6 a7
    "remote_visits": 0,  # incoming remote: none
}

# Countries = {KOR}, sam: agreement a1, visits v1 v2, grant g1 (p4 of g1 is in DEU: dropped).
SAM_KOR = {
    "partners": 1, "partner_countries": 1,  # p1; KOR
    "agreements_active": 1, "agreements_expiring": 1, "agreements_dormant": 0,  # a1
    "visits_incoming": 2, "visits_outgoing": 0, "remote_share": 0.5,  # v2 of v1 v2: 1 / 2
    "lecture_sessions": 4,  # v1 (v2 unknown)
    "mobility_countries": 1,
    "grants_active": 1, "grant_funding_usd": 125000.0,  # g1
    "international_students": 0, "student_countries": 0, "irn_index": None,
}
SAM_KOR_NOTES = {"lecture_sessions_unknown": 1, "grants_without_rate": 0, "grants_amount_unknown": 0,
                 "lecture_sessions_inputs": 2, "grants_funded": 1,
    "agreements_expiry_unknown": 0,  # active with no expiry date: none (a1 expires 2025-09-01)
    "remote_visits": 1,  # incoming remote: v2
}
# Countries = {KOR}, adm: agreement a6, visit v7, grant g2.
ADM_KOR = {
    "partners": 1, "partner_countries": 1,  # p1; KOR
    "agreements_active": 1, "agreements_expiring": 0, "agreements_dormant": 0,  # a6, busy by g2
    "visits_incoming": 1, "visits_outgoing": 0, "remote_share": 0.0,  # v7
    "lecture_sessions": 5,  # v7
    "mobility_countries": 1,
    "grants_active": 0,  # g2 is completed
    "grant_funding_usd": 50000.0,  # g2, funded
    "international_students": 0, "student_countries": 0, "irn_index": None,
}
ADM_KOR_NOTES = {"lecture_sessions_unknown": 0, "grants_without_rate": 0, "grants_amount_unknown": 0,
                 "lecture_sessions_inputs": 1, "grants_funded": 1,
    "agreements_expiry_unknown": 1,  # active with no expiry date: a6
    "remote_visits": 0,  # incoming remote: none
}

CASES = {
    "all": (Scope(as_of=AS_OF), SAM, SAM_NOTES, ADM, ADM_NOTES),
    "2025": (Scope(as_of=AS_OF, year_from=2025, year_to=2025), SAM_2025, SAM_2025_NOTES, ADM_2025, ADM_2025_NOTES),
    "korea": (Scope(as_of=AS_OF, countries={"KOR"}), SAM_KOR, SAM_KOR_NOTES, ADM_KOR, ADM_KOR_NOTES),
}


def _exact(values: dict) -> dict:
    return {k: pytest.approx(v) if isinstance(v, float) else v for k, v in values.items()}


def _context(scope: Scope, cached: bool) -> KpiContext:
    tables = tiny_tables()
    return KpiContext(tables, scope, None, DatasetCache(tables) if cached else None)


@pytest.mark.parametrize("cached", [False, True], ids=["split-rows", "columnar"])
@pytest.mark.parametrize("case", list(CASES))
def test_figures_per_institution(case, cached):
    scope, sam, sam_notes, adm, adm_notes = CASES[case]
    values, notes = figures_per_institution(_context(scope, cached), ["sam", "adm"])
    assert list(values) == ["sam", "adm"]
    assert values["sam"] == _exact(sam)
    assert values["adm"] == _exact(adm)
    assert notes == {"sam": sam_notes, "adm": adm_notes}
    assert list(values["sam"]) == KPI_ORDER
    assert list(notes["adm"]) == NOTE_ORDER


@pytest.mark.parametrize("cached", [False, True], ids=["split-rows", "columnar"])
def test_an_institution_without_rows(cached):
    values, notes = figures_per_institution(_context(Scope(as_of=AS_OF), cached), ["zzz"])
    # counts 0, sums a true 0 (no input), share and index undefined
    assert values["zzz"] == {
        "partners": 0, "partner_countries": 0, "agreements_active": 0, "agreements_expiring": 0,
        "agreements_dormant": 0, "visits_incoming": 0, "visits_outgoing": 0, "remote_share": None,
        "lecture_sessions": 0, "mobility_countries": 0, "grants_active": 0, "grant_funding_usd": 0.0,
        "international_students": 0, "student_countries": 0, "irn_index": None}
    assert notes["zzz"] == dict.fromkeys(NOTE_ORDER, 0)


def test_per_institution_students_use_each_institutions_latest_year():
    # whole scope: latest foreign year 2024 -> 42 (sam only); per institution adm's own
    # latest year, 2023, gives its 5 RUS students
    values, _ = figures_per_institution(_context(Scope(as_of=AS_OF), True), ["sam", "adm"])
    assert (values["sam"]["international_students"], values["adm"]["international_students"]) == (42, 5)


@pytest.mark.parametrize("case", list(CASES))
def test_columnar_equals_split_rows_and_the_separate_functions(case):
    scope = CASES[case][0]
    data = tiny_tables()
    fast = figures_per_institution(KpiContext(data, scope, None, DatasetCache(data)), ["sam", "adm"])
    slow = figures_per_institution(KpiContext(data, scope), ["sam", "adm"])
    assert fast == slow
    ctx = KpiContext(data, scope)
    assert (kpis_per_institution(ctx, ["sam", "adm"]), notes_per_institution(ctx, ["sam", "adm"])) == slow


def test_adm_2025_funding_is_unknown_not_zero():
    # adm's only funded grant of 2025 (g3, UZS) has no rate: 1 input, 1 unknown -> "unknown"
    from metrics.registry import figure_state

    _, notes = figures_per_institution(_context(CASES["2025"][0], True), ["adm"])
    assert figure_state("grant_funding_usd", notes["adm"]) == ("unknown", 1)
    # sam's 2025: g1 known, g4 without amount -> "at least 125000", 1 unknown
    _, notes = figures_per_institution(_context(CASES["2025"][0], True), ["sam"])
    assert figure_state("grant_funding_usd", notes["sam"]) == ("at_least", 1)
