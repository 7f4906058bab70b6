"""The one index of a dataset: what the scope filters and the row facts both read, as
numpy arrays, built once per dataset version (``metrics.cache.DatasetCache.index``).

- ``institution``: each table's ``institution_id`` as codes of its distinct values;
- ``years``: the calendar years the year filter compares (agreements and grants by
  their span, visits by their event date, students and targets by their year);
- the partner links: every (institution, partner) link of an agreement, visit or grant
  (a grant's every partner), known partners only, in ``scoped_partner_links``' order,
  with the table and row it comes from, institutions and partners as codes.

``metrics.scope.ScopeIndex`` turns a scope into masks and frames with it;
``metrics.columnar.KpiFacts`` counts the links and groups rows by institution with it.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from metrics.rules import dates_of, visit_event_date
from metrics.tables import EVENT_TABLES, LINK_TABLES

LINK_SOURCES = LINK_TABLES  # a link's ``link_source`` is a position here


class DatasetIndex:
    """See the module docstring. Built from frames that are never modified; ``matches``
    says whether other tables are these frames."""

    NAMES = (*EVENT_TABLES, "institutions", "targets", "partners")

    def __init__(self, tables: Mapping[str, pd.DataFrame]) -> None:
        # Any: a table may be missing (None); every use checks it or runs after a check
        self.frames: dict[str, Any] = {name: tables.get(name) for name in self.NAMES}
        self._lock = threading.Lock()
        self._years: dict[str, tuple[np.ndarray, ...]] | None = None
        self.institution: dict[str, tuple[np.ndarray, list]] = {}  # table -> (codes, uniques)
        for name in (*EVENT_TABLES, "institutions", "targets"):
            frame = self.frames[name]
            if frame is not None and "institution_id" in frame.columns:
                codes, uniques = pd.factorize(frame["institution_id"])
                self.institution[name] = (small_ints(codes), list(uniques))
        self._links()

    def matches(self, tables: Mapping[str, pd.DataFrame]) -> bool:
        """Whether ``tables`` hold the very frames this index was built from."""
        return all(tables.get(name) is self.frames[name] for name in self.NAMES)

    @property
    def years(self) -> dict[str, tuple[np.ndarray, ...]]:
        """Per table the year arrays the year filter compares (built on first use: the row
        facts alone never need them)."""
        with self._lock:
            if self._years is None:
                self._years = self._year_arrays()
            return self._years

    def _year_arrays(self) -> dict[str, tuple[np.ndarray, ...]]:
        years: dict[str, tuple[np.ndarray, ...]] = {}
        frame = self.frames["agreements"]
        if frame is not None:
            years["agreements"] = (_year_array(dates_of(frame, "signed_on")),
                                   _year_array(dates_of(frame, "expires_on")))
        frame = self.frames["visits"]
        if frame is not None:
            years["visits"] = (_year_array(visit_event_date(frame)),)
        frame = self.frames["grants"]
        if frame is not None:
            years["grants"] = (_year_array(dates_of(frame, "start_date")), _year_array(dates_of(frame, "end_date")))
        for name, column in (("students", "year_start"), ("targets", "year")):
            frame = self.frames[name]
            if frame is not None:
                years[name] = (pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype="float32"),)
        return years

    def _links(self) -> None:
        """The partner links (see the module docstring); ``link_source`` stays None when a
        table they come from is missing."""
        self.link_source: Any = None  # numpy arrays once the links are built
        self.link_row: Any = None
        self.link_partner: Any = None
        self.link_institution: Any = None
        partners = self.frames["partners"]
        if partners is None or any(self.frames[name] is None for name in LINK_SOURCES):
            return
        pieces = []
        for code, name in enumerate(LINK_SOURCES):
            frame = self.frames[name]
            if name == "grants":
                part = frame[["institution_id", "partner_ids"]].assign(_row=np.arange(len(frame)))
                part = part.explode("partner_ids").rename(columns={"partner_ids": "partner_id"})
            else:
                part = frame[["institution_id", "partner_id"]].assign(_row=np.arange(len(frame)))
            pieces.append(part.assign(_source=code))
        links = pd.concat(pieces, ignore_index=True)
        links = links[links["institution_id"].notna().to_numpy() & links["partner_id"].notna().to_numpy()]
        known = set(partners["partner_id"].dropna())
        links = links[links["partner_id"].isin(known).to_numpy()]
        # The links as codes of their distinct institutions and partners, not as text
        # (less memory at a million visits); ``link_columns``: no rows, the columns' dtypes.
        self.link_columns = links[["institution_id", "partner_id"]].iloc[:0]
        self.link_source = links["_source"].to_numpy(dtype="int8")
        self.link_row = small_ints(links["_row"].to_numpy())
        partner_codes, self.link_partner_uniques = pd.factorize(links["partner_id"])
        institution_codes, self.link_institution_uniques = pd.factorize(links["institution_id"])
        # One number per (institution, partner) pair, from the two columns' codes (no
        # Python string per link; docs/performance.md).
        self.link_pair = institution_codes.astype("int64") * max(len(self.link_partner_uniques), 1) + partner_codes
        self.link_partner = small_ints(partner_codes)
        self.link_institution = small_ints(institution_codes)
        del links
        # Each partner row's code among the linked partners (-1: never linked).
        self.partner_code = pd.Index(self.link_partner_uniques).get_indexer(partners["partner_id"])
        # The links of each source table (positions among the links).
        self.link_rows_of = {name: np.flatnonzero(self.link_source == code) for code, name in enumerate(LINK_SOURCES)}


def _year_array(dates: pd.Series) -> np.ndarray:
    """Calendar years as float32 (exact for years; NaN: no date)."""
    return dates.dt.year.to_numpy(dtype="float32", na_value=np.nan)


def small_ints(values: np.ndarray) -> np.ndarray:
    """Non-negative codes or row numbers (and -1) in the narrowest integer type."""
    top = int(values.max()) if len(values) else 0
    for dtype in ("int8", "int16", "int32"):
        if top < np.iinfo(dtype).max:
            return values.astype(dtype, copy=False)
    return values
