"""Comparisons of docs/metrics.md: year over year, by institution, target vs actual."""

from __future__ import annotations

from datetime import date

import pytest
from metrics_fixtures import tables

from metrics import Scope, by_institution, delta, targets_vs_actual, year_over_year

AS_OF = date(2025, 6, 30)
VISITS = [
    # sam: 2024 two incoming (one remote), 2023 one incoming; adm: 2024 one outgoing
    {
        "visit_id": "v1",
        "institution_id": "sam",
        "country": "KOR",
        "start_date": "2024-02-01",
        "mode": "remote",
        "sessions": 3,
    },
    {
        "visit_id": "v2",
        "institution_id": "sam",
        "country": "DEU",
        "start_date": "2024-05-01",
        "sessions": 5,
    },
    {
        "visit_id": "v3",
        "institution_id": "sam",
        "country": "KOR",
        "start_date": "2023-03-01",
        "sessions": 2,
    },
    {
        "visit_id": "v4",
        "institution_id": "adm",
        "country": "TUR",
        "start_date": "2024-09-01",
        "direction": "outgoing",
    },
]


@pytest.fixture
def data():
    return tables(
        visits=VISITS,
        targets=[
            {"institution_id": "sam", "year": 2024, "metric": "visits_incoming", "target": 4},
            {"institution_id": "sam", "year": 2024, "metric": "remote_share", "target": 0.25},
            {"institution_id": "adm", "year": 2024, "metric": "remote_share", "target": 0.5},
            {"institution_id": "adm", "year": 2023, "metric": "visits_outgoing", "target": 0},
        ],
    )


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [(5, 3, 2), (0.5, None, None), (None, 0.25, None), (None, None, None), (2, 2, 0)],
)
def test_delta(current, previous, expected):
    assert delta(current, previous) == expected


def test_year_over_year(data):
    result = year_over_year(data, Scope(as_of=AS_OF))
    # 2025 (the as-of year) has no dated row: Y = 2024, compared with 2023, whole years
    assert (result.year, result.previous, result.partial, result.reason) == (2024, 2023, False, None)
    table = result.frame.set_index("metric")
    # 2024: incoming v1 v2 -> 2, remote 1/2; 2023: v3 -> 1, remote 0/1 = 0.0
    assert table.loc["visits_incoming", ["current", "previous", "delta"]].tolist() == [2, 1, 1]
    # v3: shares of 2 and 1 visits read as counts ("1 of 2"): no percentage-point change
    assert table.loc["remote_share", ["current", "previous", "delta"]].tolist() == [0.5, 0.0, None]
    assert result.changes["remote_share"].reason == "small_base"
    assert table.loc["lecture_sessions", ["current", "previous", "delta"]].tolist() == [8, 2, 6]
    # 2023 has no outgoing and 2024 one (v4)
    assert table.loc["visits_outgoing", ["current", "previous", "delta"]].tolist() == [1, 0, 1]
    # irn undefined both years: no delta
    assert table.loc["irn_index", ["current", "previous", "delta"]].tolist() == [None, None, None]


def test_year_over_year_keeps_other_filters(data):
    # adm's only dated row is v4 (2024): 2023 has nothing to compare with
    result = year_over_year(data, Scope(as_of=AS_OF, institutions={"adm"}))
    assert (result.year, result.previous, result.reason, result.deltas) == (2024, None, "one_year_only", {})
    sam = year_over_year(data, Scope(as_of=AS_OF, institutions={"sam"}))
    assert sam.frame.set_index("metric").loc["visits_incoming", "current"] == 2


def test_year_over_year_without_dates():
    undated = tables(visits=[{"visit_id": "u1", "institution_id": "sam", "country": "KOR"}])
    result = year_over_year(undated, Scope(as_of=AS_OF))
    assert (result.year, result.previous, result.reason) == (None, None, "no_dated_rows")
    assert result.deltas == {}
    assert {c.reason for c in result.changes.values()} == {"no_dated_rows"}


def test_year_over_year_partial_year_same_period():
    # as of 30 June 2025: Jan-30 Jun 2025 (p1) against Jan-30 Jun 2024 (q1 only; q2 is in July)
    visits = [
        {"visit_id": "p1", "institution_id": "sam", "country": "KOR", "start_date": "2025-03-01"},
        {"visit_id": "p2", "institution_id": "sam", "country": "KOR", "start_date": "2025-08-01"},  # after as_of
        {"visit_id": "q1", "institution_id": "sam", "country": "KOR", "start_date": "2024-06-30"},
        {"visit_id": "q2", "institution_id": "sam", "country": "KOR", "start_date": "2024-07-01"},
        {"visit_id": "q3", "institution_id": "sam", "country": "KOR", "start_date": "2024-12-31"},
    ]
    result = year_over_year(tables(visits=visits), Scope(as_of=AS_OF))
    assert (result.year, result.previous, result.partial, result.period_end) == (2025, 2024, True, AS_OF)
    row = result.frame.set_index("metric").loc["visits_incoming"]
    assert [row["current"], row["previous"], row["delta"]] == [1, 1, 0]
    # 31 December: the year is whole, no cut
    whole = year_over_year(tables(visits=visits), Scope(as_of=date(2025, 12, 31)))
    assert whole.partial is False
    assert whole.frame.set_index("metric").loc["visits_incoming", "current"] == 2


def test_year_over_year_respects_years_filter(data):
    # years 2023..2023: Y = 2023, and 2022 has no dated row
    result = year_over_year(data, Scope(as_of=AS_OF, year_from=2023, year_to=2023))
    assert (result.year, result.reason) == (2023, "one_year_only")


def test_by_institution(data):
    result = by_institution(data, Scope(as_of=AS_OF))
    assert list(result) == ["adm", "sam"]
    # sam: v1 v2 v3 incoming, 1 of 3 remote; adm: v4 outgoing only
    assert (result["sam"]["visits_incoming"], result["sam"]["remote_share"]) == (3, 1 / 3)
    assert (result["adm"]["visits_outgoing"], result["adm"]["remote_share"]) == (1, None)
    assert list(by_institution(data, Scope(as_of=AS_OF, institutions={"sam"}))) == ["sam"]


def test_targets_vs_actual(data):
    table = targets_vs_actual(data, Scope(as_of=AS_OF))
    rows = [tuple(r)[:6] for r in table.itertuples(index=False)]
    # the actual's figure state (an unknown actual is None, never 0) and its unknown inputs
    assert table[["state", "unknown"]].values.tolist() == [["known", 0], ["known", 0], ["undefined", 0],
                                                           ["known", 0]]
    assert rows == [
        # sam 2024: 2 incoming of a target of 4 -> 0.5
        ("sam", 2024, "visits_incoming", 4.0, 2, 0.5),
        # sam 2024 remote share 1/2 against 0.25 -> 2.0
        ("sam", 2024, "remote_share", 0.25, 0.5, 2.0),
        # adm 2024: no incoming, share undefined -> no share reached
        ("adm", 2024, "remote_share", 0.5, None, None),
        # a target of 0: share reached undefined
        ("adm", 2023, "visits_outgoing", 0.0, 0, None),
    ]


def test_targets_vs_actual_follows_scope(data):
    table = targets_vs_actual(data, Scope(as_of=AS_OF, institutions={"adm"}, year_from=2024))
    assert table[["institution_id", "year", "metric"]].values.tolist() == [
        ["adm", 2024, "remote_share"]
    ]
    assert targets_vs_actual(tables(), Scope(as_of=AS_OF)).empty


def test_targets_are_institution_wide(data):
    # A country filter (KOR) would leave sam 2024 one incoming visit (v1); the target's
    # actual ignores it: 2 incoming visits of a target of 4.
    table = targets_vs_actual(data, Scope(as_of=AS_OF, countries={"KOR"}, faculties={"Dentistry"}))
    sam = table[(table["institution_id"] == "sam") & (table["metric"] == "visits_incoming")]
    assert sam[["actual", "share_reached"]].values.tolist() == [[2, 0.5]]
