"""What the sidebar's filters offer for a dataset: pure functions of its tables.

    >>> opts = filter_options(dataset.tables, loaders.schema.PARTNER_TYPES)
    >>> opts.countries, opts.span                     # ['DEU', 'KOR'], (2021, 2025)

Partner types are the contract's words (``loaders.schema.PARTNER_TYPES``, passed in by
the caller), whatever the data holds; regions are those with at least one of the data's countries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from metrics.regions import REGIONS, region_countries
from metrics.tables import EVENT_TABLES

# table -> the date columns whose years the year slider spans
SPAN_COLUMNS = {
    "agreements": ("signed_on", "expires_on"),
    "visits": ("start_date", "end_date"),
    "grants": ("start_date", "end_date"),
}
COUNTRY_TABLES = ("partners", "visits", "students")
FACULTY_TABLES = EVENT_TABLES


def years_span(tables: Mapping[str, pd.DataFrame]) -> tuple[int, int] | None:
    """(first, last) calendar year of any date in the data, or None when nothing is dated.

    Agreements by signing and expiry, visits and grants by start and end, students by
    the start year of their academic year.
    """
    years: list[int] = []
    for name, columns in SPAN_COLUMNS.items():
        frame = tables.get(name)
        if frame is None or frame.empty:
            continue
        for column in columns:
            if column in frame.columns:
                known = pd.to_datetime(frame[column], errors="coerce").dt.year.dropna()
                years += [int(known.min()), int(known.max())] if len(known) else []
    students = tables.get("students")
    if students is not None and not students.empty and "year_start" in students.columns:
        known = pd.to_numeric(students["year_start"], errors="coerce").dropna()
        years += [int(known.min()), int(known.max())] if len(known) else []
    if not years:
        return None
    return min(years), max(years)


def countries(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    """The country codes of partners, visits and students, sorted."""
    codes: set[str] = set()
    for name in COUNTRY_TABLES:
        frame = tables.get(name)
        if frame is not None and "country" in frame.columns:
            # unique() first: a million visits hold a few dozen countries
            codes |= {str(c) for c in frame["country"].dropna().unique() if str(c)}
    return sorted(codes)


def faculties(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    """The faculties named by agreements, visits, grants and students, sorted without case."""
    names: set[str] = set()
    for name in FACULTY_TABLES:
        frame = tables.get(name)
        if frame is not None and "faculty" in frame.columns:
            names |= {str(f) for f in frame["faculty"].explode().dropna().unique() if str(f)}
    return sorted(names, key=str.casefold)


def regions(country_codes: Iterable[str]) -> list[str]:
    """The regions (``metrics.REGIONS`` order) holding at least one of ``country_codes``."""
    present = set(country_codes)
    out = []
    for region in REGIONS:
        try:
            members = region_countries(region)
        except KeyError:
            continue
        if members & present:
            out.append(region)
    return out


def institution_names(institutions: pd.DataFrame) -> dict[str, str]:
    """institution_id -> its short name (its name when the short one is empty), in table order."""
    ids = institutions["institution_id"].astype(str).tolist()
    short = institutions["short_name"].fillna(institutions["name"]).astype(str).tolist()
    return dict(zip(ids, short, strict=True))


@dataclass(frozen=True)
class FilterOptions:
    """Every filter's choices for one dataset (``filter_options``)."""

    institutions: list[str] = field(default_factory=list)  # ids, table order
    institution_names: dict[str, str] = field(default_factory=dict)  # id -> short name
    regions: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    faculties: list[str] = field(default_factory=list)
    partner_types: list[str] = field(default_factory=list)
    span: tuple[int, int] | None = None

    @property
    def institution_aliases(self) -> dict[str, str]:
        """Short name -> id: a shared link may name an institution either way."""
        return {name: iid for iid, name in self.institution_names.items()}


def filter_options(tables: Mapping[str, pd.DataFrame], partner_types: Iterable[str] = ()) -> FilterOptions:
    """The choices of every filter for a dataset's tables; ``partner_types`` are the
    contract's words (``loaders.schema.PARTNER_TYPES``: metrics sits below the loaders)."""
    names = institution_names(tables["institutions"])
    codes = countries(tables)
    return FilterOptions(
        institutions=list(names),
        institution_names=names,
        regions=regions(codes),
        countries=codes,
        faculties=faculties(tables),
        partner_types=list(partner_types),
        span=years_span(tables),
    )
