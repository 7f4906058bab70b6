"""Conversion of grant amounts to USD (docs/metrics.md, grant_funding_usd).

The rate of a grant is the one of (currency, year of start_date); when that year has
no rate, the nearest year's (the earlier one on a tie); an undated grant takes the
latest rate; USD needs no rate. A currency with no rate at all gives NaN.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def with_usd(grants: pd.DataFrame, fx_rates: pd.DataFrame | None,
             rates: pd.Series | None = None) -> pd.DataFrame:
    """``grants`` with ``usd_rate`` (of its currency and start year; NaN without an amount)
    and ``usd`` (amount x rate; NaN: unknown), the grant_funding_usd conversion.

    ``rates``: the grants' ``usd_rates`` when the caller has them already (e.g. cached).
    """
    amount = pd.to_numeric(grants["amount"], errors="coerce")
    if rates is None:
        rates = usd_rates(grants["currency"], pd.to_datetime(grants["start_date"]).dt.year, fx_rates)
    rate = rates.where(amount.notna())
    return grants.assign(usd_rate=rate, usd=amount * rate)


def usd_rates(currencies: pd.Series, years: pd.Series, fx_rates: pd.DataFrame | None) -> pd.Series:
    """usd_per_unit for each (currency, year) pair, aligned on ``currencies``' index.

    >>> usd_rates(pd.Series(["EUR"]), pd.Series([2021.0]), fx_table)  # nearest year's rate
    """
    rates = pd.Series(np.nan, index=currencies.index, dtype="float64")
    currency = currencies.astype("object").where(currencies.notna(), None)
    currency = currency.map(lambda c: c.upper() if isinstance(c, str) else c)
    rates[currency == "USD"] = 1.0
    if fx_rates is None or fx_rates.empty:
        return rates
    table = fx_rates[["currency", "year", "usd_per_unit"]].dropna().copy()
    table["currency"] = table["currency"].astype(str).str.upper()
    table["year"] = table["year"].astype("int64")
    table["usd_per_unit"] = table["usd_per_unit"].astype("float64")
    table = table[table["currency"] != "USD"]
    # One rate per (currency, year); a duplicate keeps the first row as written.
    table = table.drop_duplicates(["currency", "year"])

    wanted = pd.DataFrame(
        {
            "currency": currency.to_numpy(),
            "year": pd.to_numeric(years, errors="coerce").to_numpy(),
            "pos": np.arange(len(currency)),
        }
    )
    wanted = wanted[wanted["currency"].isin(set(table["currency"]))]
    if wanted.empty:
        return rates

    # Undated: the latest year of that currency.
    latest = table.groupby("currency")["year"].max()
    latest_year = wanted["currency"].map(latest).astype("float64")
    wanted["year"] = wanted["year"].astype("float64").fillna(latest_year)

    # Every candidate year of the currency, nearest first, the earlier on a tie.
    # (Grants x rates of one currency: small, since rate tables hold a row per year.)
    pairs = wanted.merge(table, on="currency", suffixes=("", "_rate"))
    pairs["distance"] = (pairs["year"] - pairs["year_rate"]).abs()
    pairs = pairs.sort_values(["pos", "distance", "year_rate"], kind="stable")
    best = pairs.drop_duplicates("pos")
    values = rates.to_numpy(copy=True)
    values[best["pos"].to_numpy()] = best["usd_per_unit"].to_numpy()
    return pd.Series(values, index=currencies.index, dtype="float64")
