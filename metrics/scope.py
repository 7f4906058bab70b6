"""The scope (the filters) and the one function that applies it to the clean tables.

Every rule here is a line of docs/metrics.md "Scope". Example::

    >>> scope = Scope(institutions={"samsmu"}, year_from=2024, year_to=2024)
    >>> scoped = apply_scope(dataset.tables, scope)   # same tables, fewer rows
"""

from __future__ import annotations

import dataclasses
import threading
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from metrics.regions import expand_regions
from metrics.rules import visit_event_date

# Tables the scope filters by institution; the others pass whole (fx_rates) or are
# derived (partners: the partners linked to in-scope rows, see scoped_partner_links).
EVENT_TABLES = ("agreements", "visits", "grants", "students")

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


def _dates(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    return pd.to_datetime(frame[column])


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
        _dates(agreements, "signed_on"),
        _dates(agreements, "expires_on"),
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
        _dates(grants, "start_date"), _dates(grants, "end_date"), scope.year_from, scope.year_to
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
    """The columns the institution and year filters read, as numpy arrays, built once per
    dataset (``scope_index``): a scope's masks are then a few array comparisons instead
    of pandas operations on every table (date parsing, ``isin``, the partner links'
    concat and de-duplication), the same rows kept.

    ``apply`` answers only scopes with no country, region, faculty or partner-type filter
    and only for the frames it was built from; anything else goes the general way.
    """

    NAMES = (*EVENT_TABLES, "institutions", "targets", "partners")

    def __init__(self, tables: Mapping[str, pd.DataFrame]) -> None:
        # Any: a table may be missing (None); every use below checks it or runs after a check
        self.frames: dict[str, Any] = {name: tables.get(name) for name in self.NAMES}
        self._recent: dict = {}  # scope -> (the event frames apply returned, links in scope)
        self._piece_dtypes: dict = {}
        self._lock = threading.Lock()
        self.institution = {}  # table -> (codes, uniques) of institution_id
        for name in (*EVENT_TABLES, "institutions", "targets"):
            frame = self.frames[name]
            if frame is not None and "institution_id" in frame.columns:
                codes, uniques = pd.factorize(frame["institution_id"])
                self.institution[name] = (_small_ints(codes), list(uniques))
        self.years: dict[str, tuple[np.ndarray, ...]] = {}
        frame = self.frames["agreements"]
        if frame is not None:
            self.years["agreements"] = (_year_array(_dates(frame, "signed_on")),
                                        _year_array(_dates(frame, "expires_on")))
        frame = self.frames["visits"]
        if frame is not None:
            self.years["visits"] = (_year_array(visit_event_date(frame)),)
        frame = self.frames["grants"]
        if frame is not None:
            self.years["grants"] = (_year_array(_dates(frame, "start_date")), _year_array(_dates(frame, "end_date")))
        frame = self.frames["students"]
        if frame is not None:
            self.years["students"] = (pd.to_numeric(frame["year_start"], errors="coerce").to_numpy(dtype="float32"),)
        frame = self.frames["targets"]
        if frame is not None:
            self.years["targets"] = (pd.to_numeric(frame["year"], errors="coerce").to_numpy(dtype="float32"),)
        self._links()

    def _links(self) -> None:
        """Every (institution, partner) link of the dataset in ``scoped_partner_links``'
        order (agreements, visits, grants' partners), known partners only, with the table
        and row it comes from."""
        self.link_source: Any = None  # numpy arrays once the links are built
        self.link_row: Any = None
        self.link_partner: Any = None
        partners = self.frames["partners"]
        if partners is None or any(self.frames[name] is None for name in ("agreements", "visits", "grants")):
            return
        pieces = []
        for code, name in enumerate(("agreements", "visits", "grants")):
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
        # (the in-scope pairs are built from them: less memory at a million visits);
        # ``link_columns``: no rows, the columns' dtypes.
        self.link_columns = links[["institution_id", "partner_id"]].iloc[:0]
        self.link_source = links["_source"].to_numpy(dtype="int8")
        self.link_row = _small_ints(links["_row"].to_numpy())
        partner_codes, self.link_partner_uniques = pd.factorize(links["partner_id"])
        institution_codes, self.link_institution_uniques = pd.factorize(links["institution_id"])
        # One number per (institution, partner) pair, from the two columns' codes (no
        # Python string per link; docs/performance.md).
        self.link_pair = institution_codes.astype("int64") * max(len(self.link_partner_uniques), 1) + partner_codes
        self.link_partner = _small_ints(partner_codes)
        self.link_institution = _small_ints(institution_codes)
        del links
        # Each partner row's code among the linked partners (-1: never linked).
        self.partner_code = pd.Index(self.link_partner_uniques).get_indexer(partners["partner_id"])

    def matches(self, tables: Mapping[str, pd.DataFrame]) -> bool:
        return all(tables.get(name) is self.frames[name] for name in self.NAMES)

    def _institution_mask(self, name: str, scope: Scope) -> np.ndarray:
        codes, uniques = self.institution[name]
        if not scope.institutions:
            return np.ones(len(codes), dtype=bool)
        wanted = [i for i, value in enumerate(uniques) if value in scope.institutions]
        return np.isin(codes, wanted)

    def mask(self, name: str, scope: Scope) -> np.ndarray:
        """The rows of table ``name`` in ``scope`` (institutions and years only)."""
        mask = self._institution_mask(name, scope)
        low, high = scope.year_from, scope.year_to
        if name in ("agreements", "grants"):
            start, end = self.years[name]
            with np.errstate(invalid="ignore"):
                if high is not None:
                    mask &= ~(start > high)  # NaN start: open, stays in
                if low is not None:
                    mask &= ~(end < low)
        elif name in ("visits", "students", "targets") and not (low is None and high is None):
            (years,) = self.years[name]
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
        if scope.faculties or scope.partner_types or scope.country_set or not self.matches(tables) \
                or self.link_source is None or set(self.institution) != {*EVENT_TABLES, "institutions", "targets"} \
                or set(self.years) != {*EVENT_TABLES, "targets"}:
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
        linked = np.unique(self.link_partner[in_scope])
        partners = self.frames["partners"]
        scoped["partners"] = partners[np.isin(self.partner_code, linked)]
        with self._lock:
            # Weak references: the scoped frames are kept (or not) by their caches alone.
            self._recent[scope] = ({name: weakref.ref(scoped[name]) for name in EVENT_TABLES}, in_scope)
            while len(self._recent) > 16:
                self._recent.pop(next(iter(self._recent)))
        return scoped

    def _links_in(self, masks: Mapping[str, np.ndarray]) -> np.ndarray:
        in_scope = np.zeros(len(self.link_source), dtype=np.bool_)
        for code, name in enumerate(("agreements", "visits", "grants")):
            rows = self.link_source == code
            in_scope[rows] = masks[name][self.link_row[rows]]
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
        frames = {name: refs[name]() for name in ("agreements", "visits", "grants")}
        if any(frame is None or scoped.get(name) is not frame for name, frame in frames.items()):
            return None  # other frames
        present = tuple(name for name, frame in frames.items() if not frame.empty)
        if not present:
            return None
        positions = np.flatnonzero(in_scope)
        _, first = np.unique(self.link_pair[positions], return_index=True)
        rows = positions[np.sort(first)]
        links = pd.DataFrame({
            column: pd.Series(uniques.take(codes[rows])).astype(self.link_columns[column].dtype)
            for column, uniques, codes in (
                ("institution_id", self.link_institution_uniques, self.link_institution),
                ("partner_id", self.link_partner_uniques, self.link_partner))})
        dtypes = self._dtypes(present)
        return links if dtypes is None or (links.dtypes == dtypes).all() else links.astype(dtypes)

    def _dtypes(self, present: tuple[str, ...]) -> pd.Series | None:
        """The columns' dtypes ``scoped_partner_links`` gives when only ``present`` pieces
        have rows (the concat skips empty ones), from a row of each."""
        if present not in self._piece_dtypes:
            heads = []
            for name in present:
                frame = self.frames[name]
                if frame.empty:
                    self._piece_dtypes[present] = None
                    return None
                if name == "grants":
                    head = frame[["institution_id", "partner_ids"]].head(1).explode("partner_ids")
                    heads.append(head.rename(columns={"partner_ids": "partner_id"}))
                else:
                    heads.append(frame[["institution_id", "partner_id"]].head(1))
            self._piece_dtypes[present] = pd.concat(heads, ignore_index=True).dtypes
        return self._piece_dtypes[present]


def _year_array(dates: pd.Series) -> np.ndarray:
    """Calendar years as float32 (exact for years; NaN: no date)."""
    return dates.dt.year.to_numpy(dtype="float32", na_value=np.nan)


def _small_ints(values: np.ndarray) -> np.ndarray:
    """Non-negative codes or row numbers (and -1) in the narrowest integer type."""
    top = int(values.max()) if len(values) else 0
    for dtype in ("int8", "int16", "int32"):
        if top < np.iinfo(dtype).max:
            return values.astype(dtype, copy=False)
    return values


def scope_index(tables: Mapping[str, pd.DataFrame], shared: dict | None) -> ScopeIndex | None:
    """The ``ScopeIndex`` kept in ``shared`` under "scope_index" when it was built from
    ``tables``' frames; else None (no index there, or other frames such as tables cut at
    a day). Never built here: building costs about two ``apply_scope`` runs, worth it
    only for the many scopes of one dataset version (``ui.loading`` builds it once)."""
    index = None if shared is None else shared.get("scope_index")
    return index if index is not None and index.matches(tables) else None


def apply_scope(tables: Mapping[str, pd.DataFrame], scope: Scope,
                shared: dict | None = None) -> dict[str, pd.DataFrame]:
    """The clean tables filtered to the scope: same tables, same columns, fewer rows.

    ``partners`` becomes the partners linked to in-scope agreements, visits or grants
    that pass the country and partner-type filters (the set the ``partners`` KPI
    counts); ``institutions`` and ``targets`` follow the institution filter (targets
    also the years); ``fx_rates`` passes whole. ``shared``: frames kept per dataset
    version; its "scope_index" (a ``ScopeIndex`` of these tables) answers most scopes
    faster, the same rows.
    """
    index = scope_index(tables, shared)
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


