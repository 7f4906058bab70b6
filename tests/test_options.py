"""The sidebar's filter choices (metrics.options) on hand-made tables; expected lists by hand."""

from __future__ import annotations

from metrics_fixtures import tables

from loaders.schema import PARTNER_TYPES
from metrics.options import (
    countries,
    faculties,
    filter_options,
    institution_names,
    regions,
    years_span,
)

DATA = tables(
    institutions=[
        {"institution_id": "sam", "name": "Samarkand State Medical University", "short_name": "SamSMU"},
        {"institution_id": "adm", "name": "Andijan State Medical Institute", "short_name": None},
    ],
    partners=[
        {"partner_id": "de1", "country": "DEU"},
        {"partner_id": "kr1", "country": "KOR"},
    ],
    agreements=[
        {"agreement_id": "a1", "partner_id": "de1", "faculty": ["Surgery"],
         "signed_on": "2021-03-01", "expires_on": "2026-02-28"},
        {"agreement_id": "a2", "partner_id": "kr1", "faculty": [], "signed_on": None},
    ],
    visits=[
        {"visit_id": "v1", "country": "KOR", "faculty": ["dentistry", "Surgery"], "start_date": "2019-05-01"},
        {"visit_id": "v2", "country": None, "faculty": []},
        {"visit_id": "v3", "country": "", "faculty": ["Pediatrics"]},
    ],
    students=[
        {"academic_year": "2017/2018", "year_start": 2017, "country": "TUR", "faculty": [], "count": 3},
        {"academic_year": None, "year_start": None, "country": "TUR", "count": 1},
    ],
)


def test_years_span_covers_every_dated_table():
    # agreements 2021..2026 (signed, expires), visits 2019, students 2017; nothing else dated
    assert years_span(DATA) == (2017, 2026)


def test_years_span_of_undated_data_is_none():
    undated = tables(visits=[{"visit_id": "v1"}], agreements=[{"agreement_id": "a1", "partner_id": "p"}])
    assert years_span(undated) is None


def test_countries_of_partners_visits_and_students_without_blanks():
    assert countries(DATA) == ["DEU", "KOR", "TUR"]


def test_faculties_sorted_without_case():
    assert faculties(DATA) == ["dentistry", "Pediatrics", "Surgery"]


def test_regions_hold_a_country_of_the_data_in_alphabetical_order():
    assert regions(["UZB", "DEU"]) == ["Asia", "Central Asia", "Europe", "Western Europe"]
    assert regions([]) == []


def test_institution_names_fall_back_to_the_full_name():
    assert institution_names(DATA["institutions"]) == {
        "sam": "SamSMU", "adm": "Andijan State Medical Institute"}


def test_filter_options_of_a_dataset():
    options = filter_options(DATA, PARTNER_TYPES)
    assert options.institutions == ["sam", "adm"]
    assert options.institution_aliases == {"SamSMU": "sam", "Andijan State Medical Institute": "adm"}
    assert options.countries == ["DEU", "KOR", "TUR"]
    # DEU: Europe, Western Europe; KOR: Asia, Eastern Asia; TUR: Asia, Western Asia
    assert options.regions == ["Asia", "Eastern Asia", "Europe", "Western Asia", "Western Europe"]
    assert options.partner_types == ["university", "research_center", "hospital", "foundation",
                                     "company", "government", "association", "other"]
    assert options.span == (2017, 2026)
