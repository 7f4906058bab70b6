"""charts.mobility: the Mobility page's named chart builders, one exact-trace test each
(hand-made visits; expected bars counted by hand)."""

from __future__ import annotations

import pandas as pd

from charts import mobility

HOMES = pd.DataFrame({"institution_id": ["s", "a"], "country": ["UZB", "UZB"]})
NAMES = {"KOR": "South Korea", "DEU": "Germany", "UZB": "Uzbekistan"}.get


def visits() -> pd.DataFrame:
    rows = [  # institution, country, direction, mode, year, activity, sessions
        ("s", "KOR", "incoming", "in_person", 2023, "lectures", 4),
        ("s", "KOR", "outgoing", "remote", 2024, "training", None),
        ("a", "KOR", "incoming", "remote", 2024, "lectures", 2),
        ("a", "DEU", "incoming", "in_person", 2024, "masterclass", 3),
        ("s", "UZB", "incoming", "in_person", 2024, "lectures", 5),  # domestic
        ("a", "UZB", "outgoing", "in_person", None, "conference", None),  # domestic, undated
    ]
    frame = pd.DataFrame(rows, columns=["institution_id", "country", "direction", "mode", "year", "activity", "sessions"])
    return frame.assign(year=frame["year"].astype("Int64"))


def traces(fig) -> dict[str, dict]:
    return {t.name: dict(zip(t.y if t.orientation == "h" else t.x, t.x if t.orientation == "h" else t.y, strict=True))
            for t in fig.data}


def test_visits_per_year():
    fig = mobility.visits_per_year(visits())
    assert fig.layout.barmode == "group"
    assert traces(fig) == {"Incoming": {"2023": 1, "2024": 3}, "Outgoing": {"2024": 1}}


def test_visits_by_mode():
    assert traces(mobility.visits_by_mode(visits())) == {
        "In person": {"Incoming": 3, "Outgoing": 1}, "Remote": {"Incoming": 1, "Outgoing": 1}}


def test_visits_by_country_counts_foreign_countries_only():
    """issue 24 defect 4: the home country (Uzbekistan) is no bar; its visits are counted apart."""
    fig = mobility.visits_by_country(visits(), HOMES, NAMES)
    assert traces(fig) == {"Incoming": {"South Korea": 2, "Germany": 1}, "Outgoing": {"South Korea": 1}}
    assert list(fig.layout.yaxis.categoryarray) == ["Germany", "South Korea"]  # largest on top
    assert mobility.domestic_visits(visits(), HOMES) == {"UZB": 2}


def test_visits_by_faculty():
    exploded = pd.DataFrame({"faculty": ["Surgery", "Surgery", "Dentistry"],
                             "direction": ["incoming", "outgoing", "incoming"]})
    fig = mobility.visits_by_faculty(exploded)
    assert traces(fig) == {"Incoming": {"Surgery": 1, "Dentistry": 1}, "Outgoing": {"Surgery": 1}}


def test_sessions_per_year():
    """Incoming visits' sessions per year and activity; visits without a count add none."""
    fig = mobility.sessions_per_year(visits())
    assert traces(fig) == {"Lectures": {"2023": 4, "2024": 7}, "Master class": {"2024": 3}}
    assert mobility.sessions_per_year(visits().assign(sessions=None)) is None


def test_partner_labels():
    """The partner's name, else its id, else "<country> (no partner)"."""
    rows = pd.DataFrame({"partner_id": ["p1", "p9", None, None],
                         "country": ["KOR", "DEU", "DEU", None]})
    labels = mobility.partner_labels(rows, {"p1": "Seoul National University"},
                                     lambda c: {"DEU": "Germany"}.get(c, "unknown country"))
    assert list(labels) == ["Seoul National University", "p9", "Germany (no partner)",
                            "unknown country (no partner)"]
