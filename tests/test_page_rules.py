"""Rules the pages used to compute themselves, now in metrics; expected values worked out by hand."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
from metrics_fixtures import tables

from metrics import rules
from metrics.fx import with_usd


def test_days_left_to_expiry():
    agreements = tables(agreements=[
        {"agreement_id": "a1", "partner_id": "p", "expires_on": "2025-07-10"},  # 10 days on
        {"agreement_id": "a2", "partner_id": "p", "expires_on": "2025-06-20"},  # 10 days ago
        {"agreement_id": "a3", "partner_id": "p", "expires_on": None},  # open-ended
    ])["agreements"]
    left = rules.days_left(agreements, date(2025, 6, 30))
    assert str(left.dtype) == "Int64"
    assert left.tolist()[:2] == [10, -10]
    assert left.isna().tolist() == [False, False, True]


def test_a_visit_without_a_mode_is_in_person():
    visits = tables(visits=[
        {"visit_id": "v1", "mode": "remote"},
        {"visit_id": "v2", "mode": None},
        {"visit_id": "v3", "mode": "in_person"},
    ])["visits"]
    assert rules.visit_mode(visits).tolist() == ["remote", "in_person", "in_person"]
    assert rules.visit_mode(pd.DataFrame({"visit_id": ["v1"]})).tolist() == ["in_person"]


def test_undated_rows_have_none_of_their_dates():
    data = tables(
        visits=[
            {"visit_id": "v1", "start_date": "2024-01-05"},
            {"visit_id": "v2", "end_date": "2024-02-01"},  # dated by its end
            {"visit_id": "v3"},
        ],
        grants=[
            {"grant_id": "g1", "end_date": "2024-12-31"},  # a grant with an end only is dated here
            {"grant_id": "g2"},
        ],
        agreements=[
            {"agreement_id": "a1", "partner_id": "p", "expires_on": "2026-01-01"},  # no signing date
            {"agreement_id": "a2", "partner_id": "p", "signed_on": "2020-01-01"},
        ],
    )
    assert rules.undated_rows("visits", data["visits"])["visit_id"].tolist() == ["v3"]
    assert rules.undated_rows("grants", data["grants"])["grant_id"].tolist() == ["g2"]
    assert rules.undated_rows("agreements", data["agreements"])["agreement_id"].tolist() == ["a1"]
    assert rules.undated_rows("visits", data["students"].iloc[0:0]).empty


def test_grants_in_usd():
    data = tables(
        grants=[
            {"grant_id": "g1", "amount": 1000.0, "currency": "EUR", "start_date": "2021-04-01"},
            {"grant_id": "g2", "amount": 500.0, "currency": "usd", "start_date": None},
            {"grant_id": "g3", "amount": None, "currency": "EUR", "start_date": "2021-04-01"},
            {"grant_id": "g4", "amount": 100.0, "currency": "KZT", "start_date": "2021-04-01"},
            {"grant_id": "g5", "amount": 200.0, "currency": "EUR", "start_date": "2023-01-01"},
        ],
        fx_rates=[
            {"currency": "EUR", "year": 2021, "usd_per_unit": 1.2},
            {"currency": "EUR", "year": 2022, "usd_per_unit": 1.05},
        ],
    )
    out = with_usd(data["grants"], data["fx_rates"])
    usd = out["usd"].tolist()
    assert usd[0] == 1200.0  # 1000 x 1.2 (2021)
    assert usd[1] == 500.0  # USD needs no rate, any spelling
    assert math.isnan(usd[2]) and math.isnan(out["usd_rate"].iloc[2])  # no amount: unknown
    assert math.isnan(usd[3])  # no KZT rate at all
    assert usd[4] == 210.0  # 2023 has no rate: the nearest year's (2022), 200 x 1.05


def test_grants_in_usd_with_rates_given():
    grants = tables(grants=[
        {"grant_id": "g1", "amount": 10.0, "currency": "EUR"},
        {"grant_id": "g2", "amount": None, "currency": "EUR"},
    ])["grants"]
    out = with_usd(grants, None, rates=pd.Series([2.5, 2.5], index=grants.index))
    assert out["usd"].iloc[0] == 25.0
    assert math.isnan(out["usd"].iloc[1]) and math.isnan(out["usd_rate"].iloc[1])
