"""The summary a panel reads first (issue 29, item 1): sentences whose every number is read
off the figure objects, grammatical in each language, honest when a figure is not known,
and the targets met counted. Expected texts are written by hand; the Russian ones are put
together from i18n/ru.json with ``text()`` (the plural category chosen by hand)."""

from __future__ import annotations

from datetime import date

import pytest
from metrics_fixtures import tables

from metrics import Scope
from metrics.figure import Figure
from report.summary import (
    TargetFigure,
    summary_sentences,
    target_figures,
    targets_met,
    targets_sentence,
)
from tests.i18n_files import text

NBSP = "\u00a0"
AS_OF = date(2025, 6, 30)


def _figures(**changed: Figure) -> dict[str, Figure]:
    figs = {
        "partners": Figure("partners", 28),
        "partner_countries": Figure("partner_countries", 11),
        "agreements_active": Figure("agreements_active", 21),
        "agreements_dormant": Figure("agreements_dormant", 15),
        # 4 of the 21 have no expiry date; none of the others is due
        "agreements_expiring": Figure("agreements_expiring", 0, "at_least", 4),
        "visits_incoming": Figure("visits_incoming", 10),
        "visits_outgoing": Figure("visits_outgoing", 13),
        "remote_share": Figure("remote_share", 0.6, part=6, base=10),
        "grants_active": Figure("grants_active", 1),
        # every funded grant lacks an amount: the value 0 must never be printed
        "grant_funding_usd": Figure("grant_funding_usd", 0, "unknown", 2),
        "international_students": Figure("international_students", 30),
        "student_countries": Figure("student_countries", 1),
    }
    figs.update(changed)
    return figs


def test_the_sentences_in_english():
    assert summary_sentences(_figures(), "en") == [
        "28 partners, the foreign ones in 11 countries.",
        "15 of 21 active agreements show no recorded activity in the last 3 years; "
        "none with a known expiry date is due within 180 days (4 have no expiry date).",
        "10 incoming visits and 13 outgoing visits; 60.0% of the incoming ones were remote.",
        "1 active grant; funding is unknown: no funded grant has an amount in USD.",
        "30 international students in the latest academic year, from 1 country.",
    ]


def _cap(clauses: list[str]) -> str:
    joined = "; ".join(clauses)
    return joined[:1].upper() + joined[1:] + "."


def test_the_sentences_in_russian_take_each_numbers_plural():
    # 28, 11, 15, 10, 13, 30: "many"; 21, 1: "one"; 4: "few" (CLDR, by hand)
    ru = "ru"
    expected = [
        _cap([text("pack.summary.partners.many", ru, n="28",
                   countries=text("pack.summary.in_countries.many", ru, n="11"))]),
        _cap([text("pack.summary.dormant.many", ru, n="15",
                   of_active=text("pack.summary.of_active.one", ru, n="21")),
              text("pack.summary.expiring_known_none", ru,
                   missing=text("pack.summary.no_expiry.few", ru, n="4"))]),
        _cap([text("pack.summary.visits", ru, incoming=text("pack.summary.visits_in.many", ru, n="10"),
                   outgoing=text("pack.summary.visits_out.many", ru, n="13")),
              text("pack.summary.remote", ru, share=f"60,0{NBSP}%")]),
        _cap([text("pack.summary.grants_active.one", ru, n="1"), text("pack.summary.funding_unknown", ru)]),
        _cap([text("pack.summary.students.many", ru, n="30",
                   countries=text("pack.summary.from_countries.one", ru, n="1"))]),
    ]
    got = summary_sentences(_figures(), ru)
    assert got == expected
    # read as a person would: the agreements sentence of the issue
    assert got[1].startswith("15 из 21 действующего соглашения не имеют зафиксированной активности")


def test_a_figure_that_is_not_known_is_never_a_zero():
    figs = _figures(agreements_expiring=Figure("agreements_expiring", 0, "cannot_tell", 21),
                    grant_funding_usd=Figure("grant_funding_usd", 0, "unknown", 2))
    for lang in ("en", "ru", "uz"):
        _, agreements, _, grants, _ = summary_sentences(figs, lang)
        assert agreements.endswith(text("pack.summary.expiring_cannot_tell", lang) + ".")
        assert grants.endswith(text("pack.summary.funding_unknown", lang) + ".")
        assert "0" not in grants.replace("10", "")  # no "$0", no "0 $"
    # a lower bound is said as one: "at least", with the inputs that are unknown
    at_least = _figures(grant_funding_usd=Figure("grant_funding_usd", 12000, "at_least", 1))
    assert summary_sentences(at_least, "en")[3] == (
        "1 active grant; funding (awarded, active and completed grants) is at least $12,000 "
        "(1 grant has no amount or rate).")


def test_a_small_share_and_empty_topics_read_as_words():
    figs = _figures(remote_share=Figure("remote_share", 0.5, part=1, base=2),
                    visits_incoming=Figure("visits_incoming", 2), agreements_dormant=Figure("agreements_dormant", 0),
                    agreements_expiring=Figure("agreements_expiring", 2), grants_active=Figure("grants_active", 0),
                    grant_funding_usd=Figure("grant_funding_usd", 500.0))
    en = summary_sentences(figs, "en")
    assert en[1] == ("All 21 active agreements show recorded activity in the last 3 years; "
                     "2 are due to expire within 180 days.")
    assert en[2] == "2 incoming visits and 13 outgoing visits; 1 of the 2 incoming ones was remote."
    assert en[3] == "No grant is active; funding (awarded, active and completed grants) is $500."


# ---------------------------------------------------------------- targets met

VISITS = [
    {"visit_id": "v1", "institution_id": "sam", "country": "KOR", "start_date": "2024-02-01",
     "mode": "remote", "sessions": 3},
    {"visit_id": "v2", "institution_id": "sam", "country": "DEU", "start_date": "2024-05-01", "sessions": 5},
    {"visit_id": "v5", "institution_id": "sam", "country": "DEU", "start_date": "2024-07-01"},  # no count
    {"visit_id": "v3", "institution_id": "sam", "country": "KOR", "start_date": "2023-03-01", "sessions": 2},
    {"visit_id": "v4", "institution_id": "adm", "country": "TUR", "start_date": "2024-09-01",
     "direction": "outgoing"},
]
TARGETS = [
    # sam 2024: 3 incoming (v1 v2 v5) of 4 -> not met
    {"institution_id": "sam", "year": 2024, "metric": "visits_incoming", "target": 4},
    # sam 2024: 1 of 3 remote = 0.33 >= 0.25 -> met
    {"institution_id": "sam", "year": 2024, "metric": "remote_share", "target": 0.25},
    # sam 2024: sessions 3 + 5 and v5 unknown: at least 8, below 10 -> cannot tell
    {"institution_id": "sam", "year": 2024, "metric": "lecture_sessions", "target": 10},
    # adm 2024: no incoming visit, the share is undefined -> cannot tell
    {"institution_id": "adm", "year": 2024, "metric": "remote_share", "target": 0.5},
    # an earlier year and a later one: not counted for 2024
    {"institution_id": "adm", "year": 2023, "metric": "visits_outgoing", "target": 0},
    {"institution_id": "sam", "year": 2026, "metric": "visits_incoming", "target": 9},
]


def test_targets_met_are_counted_with_what_cannot_be_told():
    found = target_figures(tables(visits=VISITS, targets=TARGETS), Scope(as_of=AS_OF))
    verdicts = {(f.institution_id, f.year, f.metric): f.verdict for f in found}
    assert verdicts == {
        ("sam", 2024, "visits_incoming"): "not_met", ("sam", 2024, "remote_share"): "met",
        ("sam", 2024, "lecture_sessions"): "cannot_tell", ("adm", 2024, "remote_share"): "cannot_tell",
        ("adm", 2023, "visits_outgoing"): "met", ("sam", 2026, "visits_incoming"): "not_met",
    }
    met = targets_met(found, AS_OF)
    assert (met.year, met.total, met.met, met.cannot_tell, met.so_far) == (2024, 4, 1, 2, False)
    assert targets_sentence(met, "en") == (
        "1 of 4 targets for 2024 met; for 2 the actual figures are not known (cannot tell).")
    # 4: "few", 2: "few" (by hand)
    assert targets_sentence(met, "ru") == _cap([
        text("pack.summary.targets.few", "ru", met="1", n="4", year="2024"),
        text("pack.summary.targets_cannot_tell.few", "ru", n="2")])


def test_targets_of_the_year_in_progress_are_met_so_far():
    # only this year's targets: counted "so far"; none at all: said so
    found = [TargetFigure("sam", 2025, "visits_incoming", 1, Figure("visits_incoming", 2))]
    met = targets_met(found, AS_OF)
    assert (met.year, met.total, met.met, met.so_far) == (2025, 1, 1, True)
    assert targets_sentence(met, "en") == "1 of 1 target for 2025 met so far."
    assert targets_met([], AS_OF) is None
    assert targets_sentence(None, "uz") == _cap([text("pack.summary.no_targets", "uz")])


@pytest.mark.parametrize("state", ["unknown", "cannot_tell", "undefined"])
def test_an_actual_not_known_is_cannot_tell(state):
    fig = Figure("grant_funding_usd", 0, state, 3)
    assert TargetFigure("sam", 2024, "grant_funding_usd", 0, fig).verdict == "cannot_tell"
