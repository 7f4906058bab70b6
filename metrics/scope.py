"""The scope (the filters) and the one function that applies it to the clean tables.

Every rule here is a line of docs/metrics.md "Scope". Example::

    >>> scope = Scope(institutions={"samsmu"}, year_from=2024, year_to=2024)
    >>> scoped = apply_scope(dataset.tables, scope)   # same tables, fewer rows
"""

from __future__ import annotations

import dataclasses
import threading
import weakref
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from cachetools import LRUCache

from metrics.cache import DatasetCache
from metrics.index import DatasetIndex
from metrics.regions import expand_regions
from metrics.rules import dates_of, visit_event_date
from metrics.tables import EVENT_TABLES, LINK_TABLES

# EVENT_TABLES (metrics.tables): the tables the scope filters by institution; the others
# pass whole (fx_rates) or are derived (partners: the partners linked to in-scope rows,
# see scoped_partner_links).

# The reference dates (and years) the figures support: the rules move a date by years
# and days (year over year, 180 days ahead) and pandas dates stop at 1677 and 2262, so a
# date outside is refused where it is read (the URL's notice, the command's message).
AS_OF_MIN = date(1900, 1, 1)
AS_OF_MAX = date(2200, 12, 31)


def as_of_supported(day: date) -> bool:
    """Whether the figures can be computed as of ``day`` (1900-01-01 to 2200-12-31)."""
    return AS_OF_MIN <= day <= AS_OF_MAX


def _frozen(values: Iterable[str] | None) -> frozenset[str]:
    if values is None:
        return frozenset()
    if isinstance(values, str):
        return frozenset({values})
    return frozenset(values)


@dataclass(frozen=True)
class Scope:
    """The filters of a view; an empty set means "all", a None year an open end."""

    institutions: frozenset[str] = frozenset()
    year_from: int | None = None
    year_to: int | None = None
    countries: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()
    faculties: frozenset[str] = frozenset()
    partner_types: frozenset[str] = frozenset()
    as_of: date = field(default_factory=date.today)

    def __post_init__(self) -> None:
        # Accept lists and sets from callers; store frozensets so the scope hashes
        # (it is a cache key in the dashboard).
        for name in ("institutions", "countries", "regions", "faculties", "partner_types"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))
        if isinstance(self.as_of, pd.Timestamp):
            object.__setattr__(self, "as_of", self.as_of.date())

    @property
    def all_years(self) -> bool:
        return self.year_from is None and self.year_to is None

    @property
    def country_set(self) -> frozenset[str]:
        """Countries plus every region's countries (the union: each pick widens)."""
        return self.countries | expand_regions(self.regions)

    def replace(self, **changes: Any) -> Scope:
        return dataclasses.replace(self, **changes)


# ---------------------------------------------------------------------------
# Row masks (each returns a boolean Series aligned on the frame's index)


def _true(frame: pd.DataFrame) -> pd.Series:
    return pd.Series(True, index=frame.index)


def list_hits(lists: pd.Series, wanted: frozenset[str]) -> pd.Series:
    """True where a list cell shares an item with ``wanted`` (empty or NaN cell: False)."""
    if lists.empty:
        return pd.Series(False, index=lists.index)
    positional = lists.reset_index(drop=True)
    exploded = positional.explode()
    hits = exploded.isin(wanted).groupby(level=0).any()
    return pd.Series(
        hits.reindex(range(len(lists)), fill_value=False).to_numpy(), index=lists.index
    )


def list_attr_hits(lists: pd.Series, lookup: pd.Series, wanted: frozenset[str]) -> pd.Series:
    """True where any id in a list cell maps (via ``lookup``) to a value in ``wanted``."""
    if lists.empty:
        return pd.Series(False, index=lists.index)
    positional = lists.reset_index(drop=True)
    exploded = positional.explode()
    hits = exploded.map(lookup).isin(wanted).groupby(level=0).any()
    return pd.Series(
        hits.reindex(range(len(lists)), fill_value=False).to_numpy(), index=lists.index
    )


def span_overlaps(
    start: pd.Series, end: pd.Series, year_from: int | None, year_to: int | None
) -> pd.Series:
    """True where the span [start, end] (open when empty) overlaps the year range."""
    mask = pd.Series(True, index=start.index)
    if year_to is not None:
        mask &= ~(start.dt.year > year_to)  # NaN start: open, stays in
    if year_from is not None:
        mask &= ~(end.dt.year < year_from)
    return mask


def year_in_range(years: pd.Series, year_from: int | None, year_to: int | None) -> pd.Series:
    """True where the year is in the range; an unknown year is in only when all years."""
    if year_from is None and year_to is None:
        return pd.Series(True, index=years.index)
    mask = years.notna()
    if year_from is not None:
        mask &= years >= year_from
    if year_to is not None:
        mask &= years <= year_to
    return mask.fillna(False).astype(bool)


def _partner_lookup(partners: pd.DataFrame, column: str) -> pd.Series:
    if partners.empty or column not in partners.columns:
        return pd.Series(dtype=object)
    unique = partners.drop_duplicates("partner_id")
    return pd.Series(unique[column].to_numpy(), index=unique["partner_id"].to_numpy())


def _institution_mask(frame: pd.DataFrame, scope: Scope) -> pd.Series:
    if not scope.institutions:
        return _true(frame)
    return _isin(frame["institution_id"], scope.institutions)


def _faculty_mask(frame: pd.DataFrame, scope: Scope) -> pd.Series:
    if not scope.faculties:
        return _true(frame)
    if "faculty" not in frame.columns:
        return pd.Series(False, index=frame.index)
    return list_hits(frame["faculty"], scope.faculties)


def _isin(values: pd.Series, wanted: frozenset[str]) -> pd.Series:
    return values.isin(wanted).fillna(False).astype(bool)


def _partner_attr_isin(
    frame: pd.DataFrame, partners: pd.DataFrame, column: str, wanted: frozenset[str]
) -> pd.Series:
    """Rows whose partner's ``column`` is one of ``wanted`` (no partner: False)."""
    return _isin(frame["partner_id"].map(_partner_lookup(partners, column)), wanted)


def agreements_mask(agreements: pd.DataFrame, partners: pd.DataFrame, scope: Scope) -> pd.Series:
    mask = _institution_mask(agreements, scope) & _faculty_mask(agreements, scope)
    mask &= span_overlaps(
        dates_of(agreements, "signed_on"),
        dates_of(agreements, "expires_on"),
        scope.year_from,
        scope.year_to,
    )
    countries = scope.country_set
    if countries:
        mask &= _partner_attr_isin(agreements, partners, "country", countries)
    if scope.partner_types:
        mask &= _partner_attr_isin(agreements, partners, "type", scope.partner_types)
    return mask


def visits_mask(visits: pd.DataFrame, partners: pd.DataFrame, scope: Scope) -> pd.Series:
    mask = _institution_mask(visits, scope) & _faculty_mask(visits, scope)
    if not scope.all_years:
        mask &= year_in_range(visit_event_date(visits).dt.year, scope.year_from, scope.year_to)
    countries = scope.country_set
    if countries:
        mask &= _isin(visits["country"], countries)
    if scope.partner_types:
        # A visit with no partner has no type: out while the filter is set.
        mask &= _partner_attr_isin(visits, partners, "type", scope.partner_types)
    return mask


def grants_mask(grants: pd.DataFrame, partners: pd.DataFrame, scope: Scope) -> pd.Series:
    mask = _institution_mask(grants, scope) & _faculty_mask(grants, scope)
    mask &= span_overlaps(
        dates_of(grants, "start_date"), dates_of(grants, "end_date"), scope.year_from, scope.year_to
    )
    countries = scope.country_set
    if countries:
        mask &= list_attr_hits(
            grants["partner_ids"], _partner_lookup(partners, "country"), countries
        )
    if scope.partner_types:
        mask &= list_attr_hits(
            grants["partner_ids"], _partner_lookup(partners, "type"), scope.partner_types
        )
    return mask


def students_mask(students: pd.DataFrame, scope: Scope) -> pd.Series:
    mask = _institution_mask(students, scope) & _faculty_mask(students, scope)
    if not scope.all_years:
        years = pd.to_numeric(students["year_start"], errors="coerce")
        mask &= year_in_range(years, scope.year_from, scope.year_to)
    countries = scope.country_set
    if countries:
        mask &= _isin(students["country"], countries)
    return mask


def scoped_partner_links(
    scoped: Mapping[str, pd.DataFrame], partners: pd.DataFrame, scope: Scope
) -> pd.DataFrame:
    """(institution_id, partner_id) pairs of in-scope agreements, visits and grants.

    Only partners that themselves pass the country and partner-type filters are kept
    (a grant with a Korean and a German partner, filtered to Korea, links only the
    Korean one).
    """
    pieces = []
    agreements = scoped.get("agreements")
    if agreements is not None and not agreements.empty:
        pieces.append(agreements[["institution_id", "partner_id"]])
    visits = scoped.get("visits")
    if visits is not None and not visits.empty:
        pieces.append(visits[["institution_id", "partner_id"]])
    grants = scoped.get("grants")
    if grants is not None and not grants.empty:
        exploded = grants[["institution_id", "partner_ids"]].explode("partner_ids")
        pieces.append(exploded.rename(columns={"partner_ids": "partner_id"}))
    if not pieces:
        return pd.DataFrame(
            {"institution_id": pd.Series(dtype=object), "partner_id": pd.Series(dtype=object)}
        )
    links = pd.concat(pieces, ignore_index=True).dropna().drop_duplicates()
    known = partners.drop_duplicates("partner_id").set_index("partner_id")
    links = links[links["partner_id"].isin(known.index)]
    countries = scope.country_set
    if countries:
        links = links[_isin(links["partner_id"].map(known["country"]), countries)]
    if scope.partner_types:
        links = links[_isin(links["partner_id"].map(known["type"]), scope.partner_types)]
    return links.reset_index(drop=True)


class ScopeIndex:
    """A scope's rows from the dataset's index (``metrics.index.DatasetIndex``: the
    institution and year columns and the partner links as numpy arrays, built once per
    dataset): a scope's masks are then a few array comparisons instead of pandas
    operations on every table (date parsing, ``isin``, the partner links' concat and
    de-duplication), the same rows kept.

    ``apply`` answers only scopes with no country, region, faculty or partner-type filter
    and only for the frames it was built from; anything else goes the general way.
    ``recent``: where ``apply`` keeps, per scope, what ``partner_links`` reads back (the
    dataset cache's bounded map, ``DatasetCache.scope_links``).
    """

    def __init__(self, tables: Mapping[str, pd.DataFrame], index: DatasetIndex | None = None,
                 recent: MutableMapping[Scope, tuple] | None = None) -> None:
        self.index = DatasetIndex(tables) if index is None else index
        self.frames = self.index.frames
        self._recent: MutableMapping[Scope, tuple] = LRUCache(maxsize=16) if recent is None else recent
        self._lock = threading.Lock()  # cachetools maps are not thread-safe on their own
        self._piece_dtypes: dict[tuple[str, ...], pd.Series | None] = {}

    def matches(self, tables: Mapping[str, pd.DataFrame]) -> bool:
        return self.index.matches(tables)

    def _institution_mask(self, name: str, scope: Scope) -> np.ndarray:
        codes, uniques = self.index.institution[name]
        if not scope.institutions:
            return np.ones(len(codes), dtype=bool)
        wanted = [i for i, value in enumerate(uniques) if value in scope.institutions]
        return np.isin(codes, wanted)

    def mask(self, name: str, scope: Scope) -> np.ndarray:
        """The rows of table ``name`` in ``scope`` (institutions and years only)."""
        mask = self._institution_mask(name, scope)
        low, high = scope.year_from, scope.year_to
        if name in ("agreements", "grants"):
            start, end = self.index.years[name]
            with np.errstate(invalid="ignore"):
                if high is not None:
                    mask &= ~(start > high)  # NaN start: open, stays in
                if low is not None:
                    mask &= ~(end < low)
        elif name in ("visits", "students", "targets") and not (low is None and high is None):
            (years,) = self.index.years[name]
            keep = ~np.isnan(years)
            with np.errstate(invalid="ignore"):
                if low is not None:
                    keep &= years >= low
                if high is not None:
                    keep &= years <= high
            mask &= keep
        return mask

    def apply(self, tables: Mapping[str, pd.DataFrame], scope: Scope) -> dict[str, pd.DataFrame] | None:
        """``apply_scope(tables, scope)``, or None when this index cannot answer it."""
        index = self.index
        if scope.faculties or scope.partner_types or scope.country_set or not self.matches(tables) \
                or index.link_source is None or set(index.institution) != {*EVENT_TABLES, "institutions", "targets"} \
                or set(index.years) != {*EVENT_TABLES, "targets"}:
            return None
        scoped: dict[str, pd.DataFrame] = dict(tables)
        masks = {}
        for name in EVENT_TABLES:
            frame = self.frames[name]
            masks[name] = mask = self.mask(name, scope)
            scoped[name] = frame if mask.all() else frame[mask]
        scoped["institutions"] = self.frames["institutions"][self._institution_mask("institutions", scope)]
        scoped["targets"] = self.frames["targets"][self.mask("targets", scope)]
        in_scope = self._links_in(masks)
        linked = np.unique(index.link_partner[in_scope])
        partners = self.frames["partners"]
        scoped["partners"] = partners[np.isin(index.partner_code, linked)]
        with self._lock:
            # Weak references: the scoped frames are kept (or not) by their caches alone.
            self._recent[scope] = ({name: weakref.ref(scoped[name]) for name in EVENT_TABLES}, in_scope)
        return scoped

    def _links_in(self, masks: Mapping[str, np.ndarray]) -> np.ndarray:
        index = self.index
        in_scope = np.zeros(len(index.link_source), dtype=np.bool_)
        for name, rows in index.link_rows_of.items():
            in_scope[rows] = masks[name][index.link_row[rows]]
        return in_scope

    def partner_links(self, scoped: Mapping[str, pd.DataFrame], scope: Scope) -> pd.DataFrame | None:
        """``scoped_partner_links(scoped, partners, scope)`` when ``scoped`` is what
        ``apply`` returned for ``scope`` (recently), else None: the in-scope rows of the
        dataset's links, first occurrences of each pair kept, in the same order."""
        with self._lock:
            recent = self._recent.get(scope)
        if recent is None:
            return None
        refs, in_scope = recent
        frames = {name: refs[name]() for name in LINK_TABLES}
        if any(frame is None or scoped.get(name) is not frame for name, frame in frames.items()):
            return None  # other frames
        with_rows = tuple(name for name, frame in frames.items() if not frame.empty)
        if not with_rows:
            return None
        index = self.index
        positions = np.flatnonzero(in_scope)
        _, first = np.unique(index.link_pair[positions], return_index=True)
        rows = positions[np.sort(first)]
        links = pd.DataFrame({
            column: pd.Series(uniques.take(codes[rows])).astype(index.link_columns[column].dtype)
            for column, uniques, codes in (
                ("institution_id", index.link_institution_uniques, index.link_institution),
                ("partner_id", index.link_partner_uniques, index.link_partner))})
        dtypes = self._dtypes(with_rows)
        return links if dtypes is None or (links.dtypes == dtypes).all() else links.astype(dtypes)

    def _dtypes(self, with_rows: tuple[str, ...]) -> pd.Series | None:
        """The columns' dtypes ``scoped_partner_links`` gives when only the ``with_rows``
        pieces have rows (the concat skips empty ones), from a row of each (kept: seven
        combinations at most)."""
        if with_rows not in self._piece_dtypes:
            heads: list[pd.DataFrame] = []
            for name in with_rows:
                frame = self.frames[name]
                if frame.empty:
                    heads = []
                    break
                if name == "grants":
                    head = frame[["institution_id", "partner_ids"]].head(1).explode("partner_ids")
                    heads.append(head.rename(columns={"partner_ids": "partner_id"}))
                else:
                    heads.append(frame[["institution_id", "partner_id"]].head(1))
            self._piece_dtypes[with_rows] = pd.concat(heads, ignore_index=True).dtypes if heads else None
        return self._piece_dtypes[with_rows]


def scope_index(tables: Mapping[str, pd.DataFrame], cache: DatasetCache | None) -> ScopeIndex | None:
    """The dataset cache's ``ScopeIndex`` (over its one index, built on first use) when the
    cache was built from ``tables``' frames; else None (no cache, or other frames such
    as tables cut at a day)."""
    if cache is None or not cache.matches(tables):
        return None
    return cache.single("scope_index", lambda: ScopeIndex(cache.tables, cache.index, cache.scope_links))


def apply_scope(tables: Mapping[str, pd.DataFrame], scope: Scope,
                cache: DatasetCache | None = None) -> dict[str, pd.DataFrame]:
    """The clean tables filtered to the scope: same tables, same columns, fewer rows.

    ``partners`` becomes the partners linked to in-scope agreements, visits or grants
    that pass the country and partner-type filters (the set the ``partners`` KPI
    counts); ``institutions`` and ``targets`` follow the institution filter (targets
    also the years); ``fx_rates`` passes whole. ``cache``: the dataset's cache (its
    ``ScopeIndex`` answers most scopes faster, the same rows).
    """
    index = scope_index(tables, cache)
    if index is not None:
        fast = index.apply(tables, scope)
        if fast is not None:
            return fast
    partners = tables.get("partners", pd.DataFrame(columns=["partner_id", "country", "type"]))
    scoped: dict[str, pd.DataFrame] = dict(tables)
    masks = {
        "agreements": lambda df: agreements_mask(df, partners, scope),
        "visits": lambda df: visits_mask(df, partners, scope),
        "grants": lambda df: grants_mask(df, partners, scope),
        "students": lambda df: students_mask(df, scope),
    }
    for name, mask_of in masks.items():
        frame = tables.get(name)
        if frame is not None:
            mask = mask_of(frame).to_numpy()
            # Nothing filtered out: the same frame, not a copy (memory at a million rows).
            scoped[name] = frame if mask.all() else frame[mask]
    institutions = tables.get("institutions")
    if institutions is not None:
        scoped["institutions"] = institutions[_institution_mask(institutions, scope).to_numpy()]
    targets = tables.get("targets")
    if targets is not None:
        years = pd.to_numeric(targets["year"], errors="coerce")
        keep = _institution_mask(targets, scope) & year_in_range(
            years, scope.year_from, scope.year_to
        )
        scoped["targets"] = targets[keep.to_numpy()]
    links = scoped_partner_links(scoped, partners, scope)
    scoped["partners"] = partners[partners["partner_id"].isin(set(links["partner_id"]))]
    return scoped


