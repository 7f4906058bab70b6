"""A shared link whose filters this dataset cannot show gets a quiet sidebar notice."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_fixtures import run_dashboard
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "dashboard"


@pytest.fixture(autouse=True)
def dataset_env(tmp_path, monkeypatch):
    monkeypatch.setenv("COOP_DATA", str(DATA))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "no-store"))


def run(**query: str) -> AppTest:
    """The overview from a link with ``query`` (as_of 2025-06-30 unless given)."""
    return run_dashboard(**query)


def notices(at: AppTest) -> list[str]:
    return [c.value for c in at.sidebar.caption if "link_off" in c.value]


def test_unknown_country_faculty_and_institution_are_listed():
    at = run(country="BRA", faculty="Astrology", inst="nowhere")
    [text] = notices(at)
    assert "From the link, not in this dataset:" in text
    assert "country BRA" in text and "faculty Astrology" in text and "institution nowhere" in text
    assert at.sidebar.multiselect(key="f_country").value == []


def test_years_outside_the_data_are_reported():
    at = run(**{"from": "1990", "to": "1991"})
    [text] = notices(at)
    assert "Years 1990–1991 are outside the data (" in text


def test_unreadable_reference_date_is_reported():
    at = run(as_of="garbage")
    [text] = notices(at)
    assert "not understood: reference date garbage" in text


def test_notice_is_translated_and_survives_page_switch():
    at = run(country="BRA", lang="ru")
    at.switch_page("views/partners.py").run(timeout=30)
    [text] = notices(at)
    assert "нет в этих данных" in text and "BRA" in text


def test_clean_link_has_no_notice():
    at = run(country="KOR", **{"from": "2024", "to": "2025"})
    assert notices(at) == []


def test_presentation_mode_hides_the_notice():
    at = run(country="BRA", present="1")
    assert notices(at) == []


# Issue 26 item 13: a date the figures cannot be computed at crashed six pages
# (ValueError: year -2) and the Agreements page (OutOfBoundsDatetime), traceback shown.
@pytest.mark.parametrize("page", ["overview", "partners", "mobility", "grants", "agreements",
                                  "students", "research", "quality", "export"])
def test_a_date_before_the_figures_gets_the_notice_on_every_page(page):
    at = run_dashboard(None if page == "overview" else page, as_of="0001-01-01")
    [text] = notices(at)
    assert "the reference date 0001-01-01 is outside the dates the figures support " \
           "(1 January 1900 to 31 December 2200); today is used." in text


@pytest.mark.parametrize("as_of", ["0002-12-31", "1000-01-01", "9999-12-31"])
def test_dates_pandas_cannot_hold_get_the_notice(as_of):
    at = run_dashboard("agreements", as_of=as_of)
    [text] = notices(at)
    assert f"the reference date {as_of} is outside the dates" in text


def test_the_out_of_range_notice_in_russian():
    at = run_dashboard("mobility", as_of="9999-12-31", lang="ru")
    [text] = notices(at)
    assert "дата отсчёта 9999-12-31 вне дат, для которых считаются показатели" in text


def test_a_year_range_that_ends_before_it_starts_gets_the_notice():
    """Issue 24 defect 12: ?from=2030&to=2020 was dropped without a word."""
    at = run(**{"from": "2030", "to": "2020"})
    [text] = notices(at)
    assert "From the link, not understood: years 2030–2020." in text
