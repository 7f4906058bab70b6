"""The scope (the filters) and the one function that applies it to the clean tables.

Every rule here is a line of docs/metrics.md "Scope". Example::

    >>> scope = Scope(institutions={"samsmu"}, year_from=2024, year_to=2024)
    >>> scoped = apply_scope(dataset.tables, scope)   # same tables, fewer rows
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from metrics.regions import expand_regions
from metrics.rules import visit_event_date

# Tables the scope filters by institution; the others pass whole (fx_rates) or are
# derived (partners: the partners linked to in-scope rows, see scoped_partner_links).
EVENT_TABLES = ("agreements", "visits", "grants", "students")


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


def apply_scope(tables: Mapping[str, pd.DataFrame], scope: Scope) -> dict[str, pd.DataFrame]:
    """The clean tables filtered to the scope: same tables, same columns, fewer rows.

    ``partners`` becomes the partners linked to in-scope agreements, visits or grants
    that pass the country and partner-type filters (the set the ``partners`` KPI
    counts); ``institutions`` and ``targets`` follow the institution filter (targets
    also the years); ``fx_rates`` passes whole.
    """
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


def narrow_scope(
    tables: Mapping[str, pd.DataFrame], parent: Mapping[str, pd.DataFrame], scope: Scope
) -> dict[str, pd.DataFrame]:
    """``apply_scope(tables, scope)``, computed from ``parent`` frames of a wider scope.

    ``parent`` must be ``apply_scope(tables, wider)`` where ``scope`` keeps every row
    filter of ``wider`` and may add to it (fewer institutions, a shorter year range):
    each mask only removes rows, so filtering the parent's rows gives the same frames,
    faster. The partners are looked up in the whole table, as ``apply_scope`` does.
    """
    return apply_scope({**parent, "partners": tables["partners"]}, scope)
