"""The Summary page (issue 29, item 1): the pack's summary on the dashboard, printable.
Expected sentences by hand for data/ (ADMI alone), put together from i18n/ru.json with
``text()``; the institution by its Russian name (data/institutions.csv name_ru)."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_fixtures import run_dashboard
from i18n_files import text

ROOT = Path(__file__).resolve().parent.parent
NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def curated(monkeypatch, tmp_path):
    monkeypatch.setenv("COOP_DATA", str(ROOT / "data"))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "no-store"))


def _cap(*clauses: str) -> str:
    joined = "; ".join(clauses)
    return joined[:1].upper() + joined[1:] + "."


def _markdown(at) -> list[str]:
    return [m.value.replace("\\$", "$") for m in at.markdown]


def test_the_summary_of_admi_in_russian():
    at = run_dashboard("summary", inst="ADMI", lang="ru")
    ru = "ru"
    # ADMI (data/): 15 agreements, all active and undated, no expiry date; activity (a visit
    # with the same partner) on 3 of them (MESCA, Apollo Agra, SPPU): 12 without. Partners:
    # the 15 agreements' + 7 visited without one = 22, foreign ones in DEU IND KOR RUS SVK
    # TUR USA = 7. Visits: 6 remote + 2 in person incoming = 8 (6/8 = 75 %), 10 + 3 = 13
    # outgoing. No grant. 30 Korean students, 2023/2024.
    # Plural categories by hand: 22 few, 7 many, 12 many, 15 many, 8 many, 13 many, 30 many, 1 one.
    expected = [
        _cap(text("pack.summary.partners.few", ru, n="22", countries=text("pack.summary.in_countries.many", ru, n="7"))),
        _cap(text("pack.summary.dormant.many", ru, n="12", of_active=text("pack.summary.of_active.many", ru, n="15")),
             text("pack.summary.expiring_cannot_tell", ru)),
        _cap(text("pack.summary.visits", ru, incoming=text("pack.summary.visits_in.many", ru, n="8"),
                  outgoing=text("pack.summary.visits_out.many", ru, n="13")),
             text("pack.summary.remote", ru, share=f"75,0{NBSP}%")),
        _cap(text("pack.summary.grants_none", ru), text("pack.summary.funding", ru, amount=f"0{NBSP}$")),
        _cap(text("pack.summary.students.many", ru, n="30", countries=text("pack.summary.from_countries.one", ru, n="1"))),
    ]
    shown = _markdown(at)
    assert [m[2:] for m in shown if m.startswith("- ")] == expected
    assert "22 партнёра, зарубежные — в 7 странах." in expected  # read as a person would
    # the institution by its Russian name, the scope line by its short Russian name
    assert "Андижанский государственный медицинский институт" in shown
    assert "Andijan State Medical Institute" not in shown
    assert any(c.value.replace("\u202f", " ").startswith("АГМИ: все годы, все страны · Данные на 30 июн. 2025 г.")
               for c in at.caption)
    assert "**" + _cap(text("pack.summary.no_targets", ru)) + "**" in shown
    # the headline figures with their state: expiry is not among them; funding known 0
    table = at.table[0].value
    assert table.loc[text("kpi.partners.label", ru)].iloc[0] == "22"
    assert table.loc[text("kpi.visits_outgoing.label", ru)].iloc[0] == "13"
    assert table.loc[text("kpi.international_students.label", ru)].iloc[0] == "30"


def test_the_summary_says_cannot_tell_and_unknown_in_english():
    """All of data/: funding unknown (the one funded grant has no amount), expiry cannot tell."""
    at = run_dashboard("summary", lang="en")
    sentences = [m[2:] for m in _markdown(at) if m.startswith("- ")]
    assert sentences[1] == ("15 of 21 active agreements show no recorded activity in the last 3 years; "
                            "cannot tell which are due to expire within 180 days: none has a known expiry date.")
    assert sentences[3] == "1 active grant; funding is unknown: no funded grant has an amount in USD."
    table = at.table[0].value
    assert table.loc["Grant funding (USD)"].iloc[0] == "unknown"  # never $0
    # each figure cites its documents as the pack numbers them: SamSMU's web page [1]
    # (the first row citing it: the samsmu institution), ADMI's article [2]; outgoing
    # visits are ADMI's alone, the one grant is SamSMU's
    assert table["Sources"].to_dict() == {
        "Partners": "[1], [2]", "Partner countries": "[1], [2]", "Active agreements": "[1], [2]",
        "Incoming visits": "[1], [2]", "Outgoing visits": "[2]", "Grant funding (USD)": "[1]",
        "International students": "[2]", "Partner network index": "[1], [2]"}
    assert ("Sources: [1] International Cooperation Relations · [2] International cooperation works "
            "undertaken at the Andijan State Medical Institute") in [c.value for c in at.caption]
    assert "Andijan State Medical Institute · Samarkand State Medical University" in _markdown(at)  # as the cover


def test_the_summary_in_presentation_mode_names_no_one():
    at = run_dashboard("summary", present="1", lang="ru")
    words = "\n".join(_markdown(at) + [c.value for c in at.caption]).casefold()
    for person in ("togizbaev", "narzullaeva", "hafezi", "тогизбаев", "хафези", "mamasolieva"):
        assert person not in words
    assert [m for m in _markdown(at) if m.startswith("- ")]  # the sentences are shown


def test_the_dashboard_names_the_institutions_in_its_language():
    """data/institutions.csv short_name_ru / short_name_uz: the filter and the institutions'
    comparison in the page's language; a link naming the English short name still works."""
    ru = run_dashboard("overview", lang="ru")
    assert ru.multiselect(key="f_inst").options == ["СамГМУ", "АГМИ"]
    side = next(df.value for df in ru.dataframe if text("common.col.institution", "ru") in df.value.columns)
    assert sorted(side[text("common.col.institution", "ru")]) == ["АГМИ", "СамГМУ"]
    uz = run_dashboard("overview", lang="uz", inst="ADMI")
    assert uz.multiselect(key="f_inst").value == ["admi"] and uz.multiselect(key="f_inst").options == ["SamDTU", "ADTI"]
