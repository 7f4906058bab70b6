"""The loader's geolocation step: each institution's and partner's place on the map.

Validation (``loaders.validate``) reads and checks the cells; this step then places every
readable row: its own ``lat``/``lon`` (``exact``), else its city in the country through the
offline gazetteer (``places.locate``: ``city``), else the country's centre (``country``).
Each distinct (city, country) is located once. What it returns says, per row, where and
how precisely, and which rows the loader should warn about (a city not found, a region or
the country given as the city, a guessed town).

    >>> import pandas as pd, numpy as np
    >>> placed = place(pd.Series([np.nan]), pd.Series([np.nan]), pd.Series(["MUNCHEN"]),
    ...                pd.Series(["DEU"]), skip=np.array([False]))
    >>> placed.precision[0], round(float(placed.lat[0]), 2)
    ('city', 48.14)
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from places.locate import NOTES, Location, locate

__all__ = ["NOTES", "Placement", "place"]


class Placement(NamedTuple):
    """Per row: where (``lat``, ``lon``), how precisely (``precision``: exact, city,
    country or None), why not at city precision (``note``, one of ``NOTES``); the rows
    whose typed city was not used (``unknown_city``, with the reason in ``reason``) and
    those placed at a guessed town (``approximate``, the gazetteer's name in ``matched``)."""

    lat: np.ndarray
    lon: np.ndarray
    precision: np.ndarray
    note: np.ndarray
    unknown_city: np.ndarray
    reason: np.ndarray
    approximate: np.ndarray
    matched: np.ndarray


def place(lat: pd.Series, lon: pd.Series, city: pd.Series, country: pd.Series,
          skip: np.ndarray, given_precision: np.ndarray | None = None,
          given_note: np.ndarray | None = None) -> Placement:
    """Place every row not in ``skip`` (rows in error are never located).

    ``given_precision``/``given_note``: what a cleaned file (``python -m loaders clean``)
    says about rows with their own coordinates, kept when it is one of the known words.
    """
    n = len(lat)
    has_lat, has_lon = lat.notna().to_numpy(), lon.notna().to_numpy()
    exact = has_lat & has_lon
    precision = np.full(n, None, dtype=object)
    precision[exact] = "exact"
    note = np.full(n, None, dtype=object)
    if given_precision is not None:
        use = exact & np.isin(given_precision, ["exact", "city", "country"])
        precision[use] = given_precision[use]
        if given_note is not None:
            keep_note = use & np.isin(given_note, NOTES)
            note[keep_note] = given_note[keep_note]
    lat_out, lon_out = lat.to_numpy(dtype=float, copy=True), lon.to_numpy(dtype=float, copy=True)
    todo = ~exact & country.notna().to_numpy() & ~skip
    unknown_city = np.zeros(n, dtype=bool)
    reason = np.full(n, "", dtype=object)
    approximate = np.zeros(n, dtype=bool)
    matched = np.full(n, "", dtype=object)
    cache: dict[tuple, Location | None] = {}
    for pos in np.flatnonzero(todo):
        c = city.iloc[pos]
        key = (None if pd.isna(c) else c, country.iloc[pos])
        if key not in cache:
            cache[key] = locate(key[0], key[1])
        loc = cache[key]
        if loc is None:
            continue
        lat_out[pos], lon_out[pos], precision[pos] = loc.lat, loc.lon, loc.precision
        note[pos] = loc.note
        if key[0] is not None and loc.precision != "city":
            unknown_city[pos] = True
            reason[pos] = loc.note or ""
        elif loc.note == "approximate":  # a guessed town: placed, but ask for a check
            approximate[pos] = True
            matched[pos] = loc.matched or ""
    return Placement(lat_out, lon_out, precision, note, unknown_city, reason, approximate,
                     matched)
