"""A shared link fitted to the dataset (ui.state.reconcile): what it keeps, what it cannot show."""

from __future__ import annotations

from datetime import date

from metrics.options import FilterOptions
from ui.state import (
    LinkProblems,
    ViewState,
    clip_years,
    link_problems,
    match,
    parse_query,
    reconcile,
    scope_years,
    unmatched,
    years_for_span,
)

OPTIONS = FilterOptions(
    institutions=["samsmu", "admi"],
    institution_names={"samsmu": "SamSMU", "admi": "ADMI"},
    regions=["Asia", "Europe"],
    countries=["DEU", "KOR"],
    faculties=["Dentistry", "Surgery"],
    partner_types=["university", "hospital"],
    span=(2021, 2025),
)


def test_match_ignores_case_takes_aliases_and_drops_repeats():
    assert match(("SAMSMU", "samsmu", "nope"), ["samsmu", "admi"]) == ["samsmu"]
    assert match(("ADMI",), ["samsmu", "a1"], aliases={"admi": "a1"}) == ["a1"]
    assert unmatched(("Surgery", "Cardiology"), ["Surgery"]) == ["Cardiology"]


def test_a_country_by_name_in_any_language():
    seeded = reconcile(ViewState(countries=("Германия", "Janubiy Koreya", "kor", "XYZ", "TUR")), OPTIONS,
                       today=date(2025, 6, 30))
    assert seeded.countries == ["DEU", "KOR"]
    # XYZ is no country; TUR is one, but not in this dataset
    assert seeded.problems.unknown == (("filters.country", "XYZ"), ("filters.country", "TUR"))


def test_reconcile_keeps_what_the_dataset_holds():
    seed = parse_query({"inst": ["SamSMU", "tashpmi"], "from": ["2019"], "to": ["2023"],
                        "region": ["asia"], "faculty": ["surgery"], "ptype": ["Hospital", "company"],
                        "as_of": ["2024-12-31"]})
    seeded = reconcile(seed, OPTIONS, today=date(2025, 6, 30))
    assert seeded.institutions == ["samsmu"]
    assert seeded.regions == ["Asia"]
    assert seeded.faculties == ["Surgery"]
    assert seeded.partner_types == ["hospital"]
    assert seeded.years == (2021, 2023)  # 2019 is before the data: the slider starts at 2021
    assert seeded.asked_years == (2019, 2023)
    assert seeded.as_of == date(2024, 12, 31)
    assert seeded.problems.unknown == (("filters.institution", "tashpmi"), ("filters.partner_type", "company"))
    assert seeded.problems.years is None  # 2019-2023 overlaps the data


def test_years_wholly_outside_the_data_are_reported():
    problems = link_problems(ViewState(year_from=2030, year_to=2031), OPTIONS)
    assert problems.years == (2030, 2031)
    assert problems.span == (2021, 2025)
    assert link_problems(ViewState(year_to=2019), OPTIONS).years == (2019, 2019)
    assert reconcile(ViewState(year_from=2030, year_to=2031), OPTIONS).years == (2025, 2025)


def test_a_clean_link_has_no_problems_and_today_as_reference():
    seeded = reconcile(ViewState(), OPTIONS, today=date(2025, 6, 30))
    assert not seeded.problems
    assert seeded.years == (2021, 2025)
    assert seeded.as_of == date(2025, 6, 30)
    assert bool(LinkProblems(unreadable={"as_of": "garbage"}))


def test_unreadable_parameters_are_carried_to_the_notice():
    seeded = reconcile(ViewState(), OPTIONS, {"from": "20x3"})
    assert seeded.problems.unreadable == {"from": "20x3"}


def test_no_span_no_slider():
    seeded = reconcile(ViewState(year_from=2022), FilterOptions(span=None))
    assert seeded.years is None
    assert seeded.problems.years is None


def test_year_ranges_on_a_new_span():
    assert clip_years(2019, 2023, (2021, 2025)) == (2021, 2023)
    assert clip_years(2030, 2031, (2021, 2025)) == (2025, 2025)
    # the whole old span grows with the data; a narrowed one stays, clipped
    assert years_for_span((2021, 2024), (2021, 2024), (2020, 2025)) == (2020, 2025)
    assert years_for_span((2022, 2023), (2021, 2024), (2023, 2025)) == (2023, 2023)
    assert years_for_span(None, None, (2021, 2025)) == (2021, 2025)


def test_the_full_slider_means_all_years_unless_the_link_asked_beyond():
    assert scope_years((2022, 2024), (2021, 2025), (None, None)) == (2022, 2024)
    assert scope_years((2021, 2025), (2021, 2025), (None, None)) == (None, None)
    assert scope_years((2021, 2025), (2021, 2025), (2019, 2030)) == (2019, 2030)
    assert scope_years((2021, 2025), (2021, 2025), (2023, None)) == (None, None)
