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


def _first_of(institutions: pd.DataFrame, columns: Iterable[str]) -> pd.Series:
    """Per row, the first of ``columns`` (those the table has) that is not empty."""
    found = pd.Series([None] * len(institutions), index=institutions.index, dtype=object)
    for column in reversed([c for c in columns if c in institutions.columns]):
        values = institutions[column].astype(object)
        values = values.where(values.notna() & (values.astype(str).str.strip() != ""), None)
        found = values.where(values.notna(), found)
    return found.astype(str)


def institution_names(institutions: pd.DataFrame, lang: str | None = None) -> dict[str, str]:
    """institution_id -> its short name (its name when the short one is empty), in table order;
    with ``lang``, the names of that language where the table has them (the optional
    ``short_name_ru``/``name_ru`` columns, docs/dataset.md), else these."""
    ids = institutions["institution_id"].astype(str).tolist()
    columns = ([f"short_name_{lang}", f"name_{lang}"] if lang else []) + ["short_name", "name"]
    return dict(zip(ids, _first_of(institutions, columns).tolist(), strict=True))


def institution_full_names(institutions: pd.DataFrame, lang: str | None = None) -> dict[str, str]:
    """institution_id -> its full name, in ``lang`` where the table has it (``name_ru``)."""
    ids = institutions["institution_id"].astype(str).tolist()
    columns = ([f"name_{lang}"] if lang else []) + ["name", "short_name"]
    return dict(zip(ids, _first_of(institutions, columns).tolist(), strict=True))


def name_languages(institutions: pd.DataFrame) -> list[str]:
    """The languages the institutions' names are given in besides the main one (``name_ru``...)."""
    found = {c.rsplit("_", 1)[1] for c in institutions.columns
             if c.startswith(("name_", "short_name_")) and len(c.rsplit("_", 1)[1]) == 2}
    return sorted(found)


@dataclass(frozen=True)
class FilterOptions:
    """Every filter's choices for one dataset (``filter_options``)."""

    institutions: list[str] = field(default_factory=list)  # ids, table order
    institution_names: dict[str, str] = field(default_factory=dict)  # id -> short name
    # language -> {id -> short name in it}, for the languages the table names them in
    localised_names: dict[str, dict[str, str]] = field(default_factory=dict)
    localised_full: dict[str, dict[str, str]] = field(default_factory=dict)  # the same, full names
    regions: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    faculties: list[str] = field(default_factory=list)
    partner_types: list[str] = field(default_factory=list)
    span: tuple[int, int] | None = None

    @property
    def institution_aliases(self) -> dict[str, str]:
        """Short name -> id: a shared link may name an institution either way (in any of
        its languages: ``?institution=АГМИ`` too)."""
        out = {name: iid for names in self.localised_names.values() for iid, name in names.items()}
        out.update({name: iid for iid, name in self.institution_names.items()})
        return out

    def names_in(self, lang: str) -> dict[str, str]:
        """id -> short name in ``lang`` (the main one where the table has none)."""
        return self.localised_names.get(lang, self.institution_names)

    def full_names_in(self, lang: str) -> dict[str, str]:
        """id -> full name in ``lang`` (the main one where the table has none)."""
        return self.localised_full.get(lang) or self.localised_full.get("", {})


def filter_options(tables: Mapping[str, pd.DataFrame], partner_types: Iterable[str] = ()) -> FilterOptions:
    """The choices of every filter for a dataset's tables; ``partner_types`` are the
    contract's words (``loaders.schema.PARTNER_TYPES``: metrics sits below the loaders)."""
    homes = tables["institutions"]
    names = institution_names(homes)
    codes = countries(tables)
    langs = name_languages(homes)
    return FilterOptions(
        institutions=list(names),
        institution_names=names,
        localised_names={lang: institution_names(homes, lang) for lang in langs},
        localised_full={"": institution_full_names(homes),
                        **{lang: institution_full_names(homes, lang) for lang in langs}},
        regions=regions(codes),
        countries=codes,
        faculties=faculties(tables),
        partner_types=list(partner_types),
        span=years_span(tables),
    )
