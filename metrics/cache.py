"""The one cache of a dataset version: everything computed from the dataset alone (never
from a scope's filters), built once and reused by every scope, page and session.

A ``DatasetCache`` belongs to one set of tables (the frames of a loaded dataset, never
modified) and answers only for them: ``matches`` compares the frames themselves, so a
new version (new frames) never reads another's figures; it gets its own cache. The app
keeps one per dataset version (``ui.loading``, beside the dataset in ``st.cache_resource``);
the evidence pack and the JSON report make one per run. The metrics functions take it as
``cache`` (None: no reuse, each call computes what it needs).

What it holds:

- ``index``: the dataset's one index (``metrics.index.DatasetIndex``), read by both the
  scope (its "scope_index", a ``metrics.scope.ScopeIndex`` over it) and the row facts;
- ``facts``: the KPI row facts per as_of (``metrics.columnar.KpiFacts``);
- ``busy_pairs``: the (institution, partner) pairs with recent activity, per as_of;
- ``cuts``: per (as_of, cutoff) the rows up to a day and their busy pairs;
- ``dormant``: per (as_of, busy set) the dormant agreements' mask;
- ``scope_links``: per recent scope the links ``ScopeIndex.apply`` chose;
- ``dated_years``: per table the year its rows are dated in (comparisons);
- ``partners_by_id``, ``usd_rates``, ``home_country``: one frame each.

Every map is a bounded LRU (``cachetools``) and every read or write holds a lock
(Streamlit runs sessions in threads): the cache's own, the ``ScopeIndex``'s for
``scope_links``. ``get`` builds a missing entry once; other threads asking for the same
entry wait for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Mapping, MutableMapping
from datetime import date
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from cachetools import LRUCache

from metrics.index import DatasetIndex

T = TypeVar("T")

# Sizes of the maps: as_of days in use at once (today, a picked day, the comparisons'),
# cutoffs of the year-over-year comparisons, recent scopes (those the sessions click).
AS_OF_DAYS = 4
CUTOFFS = 8
SCOPES = 16


class DatasetCache:
    """See the module docstring."""

    def __init__(self, tables: Mapping[str, pd.DataFrame], as_of_days: int = AS_OF_DAYS,
                 cutoffs: int = CUTOFFS, scopes: int = SCOPES) -> None:
        self.tables: dict[str, pd.DataFrame] = dict(tables)
        self._lock = threading.RLock()
        self._building: dict[tuple[int, Hashable], threading.Lock] = {}
        # The row facts (metrics.columnar.KpiFacts) and the scopes' links (metrics.scope)
        # are typed Any here: this module sits below both (no import cycle).
        self.facts: LRUCache[date, Any] = LRUCache(maxsize=as_of_days)
        self.busy_pairs: LRUCache[date, frozenset[tuple[str, str]]] = LRUCache(maxsize=as_of_days * 2)
        self.cuts: LRUCache[tuple[date, date], tuple[dict[str, np.ndarray], frozenset[tuple[str, str]]]] = \
            LRUCache(maxsize=cutoffs)
        self.dormant: LRUCache[tuple[date, frozenset[tuple[str, str]]], np.ndarray] = LRUCache(maxsize=cutoffs)
        self.scope_links: LRUCache[Any, tuple] = LRUCache(maxsize=scopes)
        self.dated_years: dict[str, np.ndarray] = {}  # one entry per event table at most
        self._single: dict[str, Any] = {}  # index, scope_index, partners_by_id, usd_rates, home_country
        self.builds: dict[str, int] = {}  # what was built how often (tests read it)

    def matches(self, tables: Mapping[str, pd.DataFrame]) -> bool:
        """Whether ``tables`` hold this cache's very frames (every table it was made of)."""
        return all(tables.get(name) is frame for name, frame in self.tables.items())

    def get(self, store: MutableMapping[Any, T], key: Hashable, build: Callable[[], T]) -> T:
        """``store[key]``, built with ``build()`` when missing: once, however many threads
        ask at the same time (the others wait for that build)."""
        with self._lock:
            if key in store:
                return store[key]
            building = self._building.setdefault((id(store), key), threading.Lock())
        with building:
            with self._lock:
                if key in store:
                    return store[key]
            try:
                value = build()
            except BaseException:
                with self._lock:
                    self._building.pop((id(store), key), None)
                raise
            with self._lock:
                store[key] = value
                self._building.pop((id(store), key), None)
                name = next((n for n, s in vars(self).items() if s is store), "?")
                label = str(key) if name == "_single" else name
                self.builds[label] = self.builds.get(label, 0) + 1
        return value

    @property
    def index(self) -> DatasetIndex:
        """The dataset's one index (``metrics.index``), built on first use."""
        return self.get(self._single, "index", lambda: DatasetIndex(self.tables))

    def single(self, name: str, build: Callable[[], T]) -> T:
        """One value of the dataset (``partners_by_id``, ``usd_rates``, ``home_country``)."""
        return self.get(self._single, name, build)
