"""The Agreements, Grants, International students and Research pages' named chart builders
(issue 27 item 4: pages only lay out), one exact-trace test each: hand-made rows, the
figure read as plotly JSON, the bars counted by hand. Labels come from the i18n files."""

from __future__ import annotations

import json

import pandas as pd
from i18n_files import text

from charts import agreements, frames, grants, papers, students

NBSP = "\u00a0"


def spec(fig) -> dict:
    return json.loads(fig.to_json())


def bars(fig) -> dict[str, dict]:
    """trace name -> {category: value} (a horizontal bar's category is its y)."""
    out = {}
    for trace in spec(fig)["data"]:
        cats, vals = (trace["y"], trace["x"]) if trace.get("orientation") == "h" else (trace["x"], trace["y"])
        out[trace["name"]] = dict(zip(cats, vals, strict=True))
    return out


def category_axis(fig, horizontal: bool) -> list:
    layout = spec(fig)["layout"]
    return layout["yaxis" if horizontal else "xaxis"]["categoryarray"]


# Agreements ------------------------------------------------------------------------------

def agreement_rows() -> pd.DataFrame:
    return pd.DataFrame({
        "kind": ["mou", "mou", "double_degree", "mou", "joint_program"],
        "signed_on": pd.to_datetime(["2023-02-01", "2024-05-01", "2024-06-01", None, "2023-09-09"]),
        "derived_status": ["active", "expired", "active", "active", "planned"],
    })


def test_agreements_signed_per_year_stacks_the_kinds_and_leaves_out_the_undated():
    fig = agreements.signed_per_year(agreement_rows(), lang="ru")
    assert bars(fig) == {
        text("enum.agreement_kind.mou", "ru"): {"2023": 1, "2024": 1},
        text("enum.agreement_kind.double_degree", "ru"): {"2024": 1},
        text("enum.agreement_kind.joint_program", "ru"): {"2023": 1},
    }
    assert category_axis(fig, horizontal=False) == ["2023", "2024"]
    assert spec(fig)["layout"]["barmode"] == "stack"
    assert agreements.signed_per_year(agreement_rows().assign(signed_on=pd.NaT)) is None


def test_agreements_by_kind_and_status_draws_the_most_common_kind_on_top():
    fig = agreements.by_kind_and_status(agreement_rows(), lang="en")
    mou, double, joint = (text(f"enum.agreement_kind.{k}", "en") for k in ("mou", "double_degree", "joint_program"))
    assert bars(fig) == {
        text("enum.agreement_status.active", "en"): {mou: 2, double: 1},
        text("enum.agreement_status.planned", "en"): {joint: 1},
        text("enum.agreement_status.expired", "en"): {mou: 1},
    }
    # mou (3) first, then double degree and joint programme (1 each, in the frame's order);
    # a horizontal axis lists them bottom-up
    assert category_axis(fig, horizontal=True) == [joint, double, mou]


# Grants ------------------------------------------------------------------------------------

def grant_rows() -> pd.DataFrame:
    return pd.DataFrame({
        "grant_id": ["g1", "g2", "g3", "g4"],
        "status": ["active", "awarded", "active", "rejected"],
        "funder": ["KOICA", None, "KOICA", "DAAD"],
        "theme": ["Oncology; Surgery", None, "Surgery", "Oncology"],
        "faculty": [["Medicine"], [], ["Medicine", "Dentistry"], ["Medicine"]],
        "partner_ids": [["p-kr", "p-kr2"], ["p-de"], [], ["p-de"]],
        "usd": [1000.0, 250.0, 3000.0, 99.0],
    })


def test_grants_by_status_in_the_contracts_order():
    fig = grants.by_status(grant_rows(), lang="uz")
    active, awarded, rejected = (text(f"enum.grant_status.{s}", "uz") for s in ("active", "awarded", "rejected"))
    assert bars(fig) == {awarded: {awarded: 1}, active: {active: 2}, rejected: {rejected: 1}}
    assert category_axis(fig, horizontal=False) == [awarded, active, rejected]


def test_grants_usd_by_funder_with_dollars_as_each_language_writes_them():
    funded = grant_rows().iloc[:3]  # rejected is not funded
    en = grants.usd_by_funder(funded, lang="en")
    assert bars(en) == {text("common.axis.usd", "en"): {"KOICA": 4000.0, text("common.not_stated", "en"): 250.0}}
    axis = spec(en)["layout"]["xaxis"]
    assert (axis["tickprefix"], axis["ticksuffix"]) == ("$", "")
    ru = spec(grants.usd_by_funder(funded, lang="ru"))["layout"]["xaxis"]
    assert (ru["tickprefix"], ru["ticksuffix"]) == ("", f"{NBSP}$")


def test_grants_usd_by_theme_counts_a_grant_in_each_of_its_themes():
    fig = grants.usd_by_theme(grant_rows().iloc[:3], lang="en")
    assert bars(fig) == {text("common.axis.usd", "en"): {
        "Surgery": 4000.0, "Oncology": 1000.0, text("common.not_stated", "en"): 250.0}}


def test_grants_usd_by_faculty():
    fig = grants.usd_by_faculty(grant_rows().iloc[:3], lang="en")
    assert bars(fig) == {text("common.axis.usd", "en"): {
        "Medicine": 4000.0, "Dentistry": 3000.0, text("common.not_stated", "en"): 250.0}}


def test_grants_usd_by_partner_country_counts_a_grant_once_per_country():
    countries = {"p-kr": "KOR", "p-kr2": "KOR", "p-de": "DEU"}
    names = {"KOR": "South Korea", "DEU": "Germany"}.get
    fig = grants.usd_by_partner_country(grant_rows().iloc[:3], countries, names, lang="en")
    # g1 has two Korean partners: its 1000 once; g3 has no partner: no country
    assert bars(fig) == {text("common.axis.usd", "en"): {"South Korea": 1000.0, "Germany": 250.0}}


def test_grants_usd_chart_is_none_without_an_amount():
    assert grants.usd_by_funder(grant_rows().assign(usd=0.0), lang="en") is None


# International students ----------------------------------------------------------------------

def student_rows() -> pd.DataFrame:
    return pd.DataFrame({
        "institution_id": ["s", "s", "a", "a", "s"],
        "academic_year": ["2023/2024", "2024/2025", "2024/2025", "2024/2025", "2024/2025"],
        "country": ["IND", "IND", "TKM", "UZB", "PAK"],
        "level": ["undergraduate", None, "master", "undergraduate", "undergraduate"],
        "faculty": [["Medicine"], ["Medicine", "Pharmacy"], [], ["Medicine"], ["Pharmacy"]],
        "count": [40, 55, 7, 100, 3],
    })


HOMES = pd.DataFrame({"institution_id": ["s", "a"], "country": ["UZB", "UZB"]})
NAMES = {"IND": "India", "TKM": "Turkmenistan", "PAK": "Pakistan", "UZB": "Uzbekistan"}.get


def test_students_by_country_folds_the_rest_into_other():
    fig = students.by_country(student_rows(), NAMES, lang="en", top=2)
    assert bars(fig) == {text("common.axis.students", "en"): {
        "Uzbekistan": 100, "India": 95, text("common.other", "en"): 10}}


def test_students_by_level_says_not_stated():
    fig = students.by_level(student_rows(), lang="ru")
    assert bars(fig) == {text("common.axis.students", "ru"): {
        text("enum.level.undergraduate", "ru"): 143, text("common.not_stated", "ru"): 55,
        text("enum.level.master", "ru"): 7}}


def test_students_by_faculty_counts_a_row_in_each_faculty():
    fig = students.by_faculty(student_rows(), lang="en")
    assert bars(fig) == {text("common.axis.students", "en"): {
        "Medicine": 195, "Pharmacy": 58, text("common.not_stated", "en"): 7}}


def test_students_trend_counts_foreign_students_per_institution_and_year():
    fig = students.trend(student_rows(), HOMES, {"s": "SamSMU", "a": "ADMI"}, lang="en")
    lines = {t["name"]: dict(zip(t["x"], t["y"], strict=True)) for t in spec(fig)["data"]}
    # ADMI's 100 Uzbek students are domestic: not counted
    assert lines == {"SamSMU": {"2023/2024": 40, "2024/2025": 58}, "ADMI": {"2023/2024": None, "2024/2025": 7}}


# Research ------------------------------------------------------------------------------------

def test_papers_per_year_stacks_international_and_domestic():
    years = pd.DataFrame({"year": [2022, 2024], "papers": [5, 3], "international": [2, 3]})
    fig = papers.papers_per_year(years, lang="en")
    assert bars(fig) == {
        text("page.research.kind.international", "en"): {"2022": 2, "2024": 3},
        text("page.research.kind.domestic", "en"): {"2022": 3, "2024": 0},
    }
    assert category_axis(fig, horizontal=False) == ["2022", "2024"]


# The shared reshapes -------------------------------------------------------------------------

def test_largest_first_and_years_as_text():
    counts = pd.DataFrame({"kind": ["b", "a", "b", "c"], "count": [1, 3, 1, 2]})
    assert frames.largest_first(counts, "kind") == ["a", "b", "c"]  # b and c tie at 2: b comes first
    assert frames.largest_first(pd.DataFrame({"kind": ["x", "y", "x"], "count": [1, 3, 1]}), "kind") == ["y", "x"]
    shown = frames.years_as_text(pd.DataFrame({"year": [2024.0, 2023.0], "count": [1, 2]}))
    assert shown.to_dict("list") == {"year": ["2023", "2024"], "count": [2, 1]}
