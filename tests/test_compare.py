"""Comparisons of METRICS.md: year over year, by institution, target vs actual."""

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
    table = year_over_year(data, Scope(as_of=AS_OF), 2024).set_index("metric")
    # 2024: incoming v1 v2 -> 2, remote 1/2; 2023: v3 -> 1, remote 0/1 = 0.0
    assert table.loc["visits_incoming", ["current", "previous", "delta"]].tolist() == [2, 1, 1]
    assert table.loc["remote_share", ["current", "previous", "delta"]].tolist() == [0.5, 0.0, 0.5]
    assert table.loc["lecture_sessions", ["current", "previous", "delta"]].tolist() == [8, 2, 6]
    # 2023 has no outgoing and 2024 one (v4)
    assert table.loc["visits_outgoing", ["current", "previous", "delta"]].tolist() == [1, 0, 1]
    # irn undefined both years: no delta
    assert table.loc["irn_index", ["current", "previous", "delta"]].tolist() == [None, None, None]


def test_year_over_year_keeps_other_filters(data):
    table = year_over_year(data, Scope(as_of=AS_OF, institutions={"adm"}), 2024)
    table = table.set_index("metric")
    # adm has no incoming visit: remote share undefined in both years, so no delta
    assert table.loc["remote_share", ["current", "previous", "delta"]].tolist() == [None] * 3
    assert table.loc["visits_outgoing", "current"] == 1


def test_by_institution(data):
    result = by_institution(data, Scope(as_of=AS_OF))
    assert list(result) == ["adm", "sam"]
    # sam: v1 v2 v3 incoming, 1 of 3 remote; adm: v4 outgoing only
    assert (result["sam"]["visits_incoming"], result["sam"]["remote_share"]) == (3, 1 / 3)
    assert (result["adm"]["visits_outgoing"], result["adm"]["remote_share"]) == (1, None)
    assert list(by_institution(data, Scope(as_of=AS_OF, institutions={"sam"}))) == ["sam"]


def test_targets_vs_actual(data):
    table = targets_vs_actual(data, Scope(as_of=AS_OF))
    rows = [tuple(r) for r in table.itertuples(index=False)]
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
