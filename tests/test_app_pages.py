"""Every dashboard page through AppTest on the hand-made dataset tests/data/dashboard.

Expected figures are worked out by hand from the CSVs (reference date 2025-06-30):
partners p-snu, p-charite, p-kazmed, p-pirogov, p-istanbul, p-kfound are linked (6, in
5 countries); agreements a1, a3, a4, a7 are active, a1 expires on 2025-12-01 (154 days
after), a7 (SamSMU - Kazakh NMU) has no visit or grant (dormant); visits v1, v3, v4, v5,
v7 are incoming (v3, v5 remote: 40%), v2, v6, v8 outgoing, v9 is in error; sessions
10 + 4 + 6 = 20 with v4, v7 unknown; grants g1 100 000 USD + g2 50 000 EUR x 1.05 +
g4 120 000 000 UZS x 0.00008 = 162 100 USD; students of 2024/2025: 35 + 120 + 12 = 167.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from app_fixtures import run_dashboard
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "dashboard"
AS_OF = "2025-06-30"


@pytest.fixture(autouse=True)
def dataset_env(tmp_path, monkeypatch):
    monkeypatch.setenv("COOP_DATA", str(DATA))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "no-store"))


def run_page(page: str | None = None, **query: str | list[str]) -> AppTest:
    """Run dashboard.py with ``query`` in the URL, then switch to ``views/<page>.py``."""
    return run_dashboard(page, **query)


def metrics_of(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def bars(fig: dict) -> dict[str, dict]:
    """{trace name: {category: value}} of a bar figure (either orientation)."""
    out = {}
    for trace in fig["data"]:
        if trace.get("orientation") == "h":
            out[trace["name"]] = dict(zip(trace["y"], trace["x"], strict=True))
        else:
            out[trace["name"]] = dict(zip(trace["x"], trace["y"], strict=True))
    return out


# ------------------------------------------------------------------------- overview


def test_overview_kpis_whole_dataset():
    at = run_page()
    assert metrics_of(at) == {
        "Partners": "6",
        "Partner countries": "5",
        "Partner network index": "2.9",  # 4 / ln 4
        "Active agreements": "4",
        # a1 expires 2025-12-01; a3 and a7 have no expiry date (v3: unknown, not open-ended)
        "Expiring within 180 days": "≥ 1",
        "Dormant agreements": "1",
        "Incoming visits": "5",
        "Outgoing visits": "3",
        "Remote share": "40.0%",
        "Sessions held": "≥ 20",  # one incoming visit has no count (v2: not shown as exact)
        "Mobility countries": "5",
        "Active grants": "2",
        "Grant funding (USD)": "$162,100",
        "International students": "167",
        "Student countries": "3",
    }
    deltas = {m.label: m.proto.delta for m in at.metric}
    # 1 Jan-30 Jun 2025 (v5) vs the same period of 2024 (v1, v4): the year in progress
    # against the same months, never against a whole year.
    assert deltas["Incoming visits"] == "-1"
    assert not at.error


def test_overview_filtered_by_institution_and_years():
    at = run_page(inst="admi")
    values = metrics_of(at)
    assert (values["Partners"], values["Incoming visits"], values["Outgoing visits"]) == ("3", "2", "2")
    assert values["Remote share"] == "1 of 2 remote"  # v5 of v4, v5 (v3: under 5 visits, the counts)

    at = run_page(**{"from": "2024", "to": "2024"})
    values = metrics_of(at)
    assert (values["Incoming visits"], values["Outgoing visits"]) == ("2", "1")  # v1, v4 / v2


def test_overview_targets_and_institutions_side_by_side():
    at = run_page()
    targets = at.dataframe[0].value
    rows = {(r["Institution"], r["Figure"]): (r["Target"], r["Actual"], r["Reached"]) for r in targets.to_dict("records")}
    # SamSMU 2024 incoming: v1 only -> 1 of 4; ADMI 2024 partners: Kazakh NMU, Pirogov, SNU.
    assert rows[("SamSMU", "Incoming visits")] == ("4", "1", 25.0)
    assert rows[("ADMI", "Partners")] == ("5", "3", 60.0)
    side = at.dataframe[1].value.set_index("Institution")  # a row per institution
    assert side.loc["SamSMU", "Incoming visits"] == "3"
    assert side.loc["ADMI", "Incoming visits"] == "2"
    assert list(side.index) == ["ADMI", "SamSMU"]  # by name until sorted
    # The chart: a column of bars per figure compared; sorted by incoming visits, SamSMU first.
    at.selectbox(key="compare-sort").set_value("visits_incoming").run(timeout=30)
    chart = next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                 if "<b>Incoming visits</b>" in str(json.loads(c.proto.spec)["layout"].get("annotations")))
    incoming = next(t for t in chart["data"] if t["name"] == "Incoming visits" and t["type"] == "bar")
    assert (incoming["y"], incoming["x"], incoming["text"]) == (["SamSMU", "ADMI"], [3, 2], ["3", "2"])
    assert list(at.dataframe[1].value["Institution"]) == ["SamSMU", "ADMI"]


def test_empty_selection_shows_a_message_not_a_chart():
    at = run_page("mobility", inst="admi", country="IND")  # ADMI has nothing from India
    assert [i.value for i in at.info] == [
        "Nothing matches the current filters. Widen them in the sidebar (or press Reset filters)."
    ]
    assert not at.get("plotly_chart")


def test_fatal_dataset_shows_one_error_panel_on_every_page(tmp_path, monkeypatch):
    monkeypatch.setenv("COOP_DATA", str(tmp_path / "missing"))
    for page in (None, "partners", "mobility", "grants", "agreements", "students", "quality"):
        at = run_page(page)
        assert len(at.error) == 1
        assert "No dataset at" in at.error[0].value


# ------------------------------------------------------------------------- partners


def test_partners_map_and_table():
    at = run_page("partners")
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    layers = {layer["id"]: layer for layer in deck["layers"]}
    # map_provider=None: no base map provider, so no style or tile URL the browser could fetch
    assert "mapProvider" not in deck
    assert not str(deck.get("mapStyle", "")).startswith(("http", "mapbox:"))
    assert {p["name"] for p in layers["partners"]["data"]} == {
        "Seoul National University", "Charité Berlin", "Kazakh National Medical University",
        "Pirogov University", "Istanbul University", "Korea Foundation",
    }
    assert len(layers["arcs"]["data"]) == 8  # distinct institution-partner pairs
    korea = next(f for f in layers["countries"]["data"]["features"] if f["properties"]["iso_a3"] == "KOR")
    assert korea["properties"]["kind"] == "2 partners"
    table = at.dataframe[0].value
    assert len(table) == 6
    # SNU: agreements a1, a6; visits v1, v2; grant g1.
    snu = table.set_index("Partner").loc["Seoul National University"]
    assert (snu["Agreements"], snu["Visits"], snu["Grants"]) == (2, 2, 1)


def test_partners_filtered_by_country_link():
    at = run_page("partners", country="KOR")
    assert sorted(at.dataframe[0].value["Partner"]) == ["Korea Foundation", "Seoul National University"]
    assert at.multiselect(key="f_country").value == ["KOR"]


# ------------------------------------------------------------------------- mobility


def test_mobility_timeline_and_breakdowns():
    at = run_page("mobility")
    timeline, per_year, by_mode, by_country, by_faculty, sessions = figures(at)
    drawn = [t for t in timeline["data"] if t.get("y") and t["y"][0] is not None]
    assert sum(len(t["y"]) for t in drawn) == 7  # 8 visits, v7 undated
    # v2 (2024-09, month precision) spans the whole of September and is hatched.
    outgoing = next(t for t in drawn if t["name"] == "Outgoing · In person")
    i = outgoing["base"].index("2024-09-01T00:00:00")
    assert outgoing["x"][i] == 30 * 24 * 3600 * 1000
    assert outgoing["marker"]["pattern"]["shape"][i] == "/"
    assert "**1 visit without a date**" in [m.value for m in at.markdown][0]
    assert bars(per_year) == {
        "Incoming": {"2023": 1, "2024": 2, "2025": 1},
        "Outgoing": {"2023": 1, "2024": 1, "2025": 1},
    }
    assert bars(by_mode) == {
        "In person": {"Incoming": 3, "Outgoing": 2},
        "Remote": {"Incoming": 2, "Outgoing": 1},
    }
    assert bars(by_country)["Incoming"] == {"Germany": 1, "Kazakhstan": 1, "South Korea": 1, "Russia": 1, "Türkiye": 1}
    assert bars(sessions) == {"Lectures": {"2023": 4, "2024": 10, "2025": 6}}
    assert bars(by_faculty)["Incoming"]["General Medicine"] == 2  # v1, v4


def test_presentation_mode_hides_names():
    at = run_page("mobility", present="1", lang="en")
    assert at.session_state["ui_present"] is True
    undated = at.dataframe[0].value
    assert "Person" not in undated.columns
    assert not at.get("segmented_control")  # rows by person are not offered


# ------------------------------------------------------------------------- grants


def test_grants_charts_in_usd():
    at = run_page("grants")
    by_status, by_funder, by_theme, by_faculty, by_country = figures(at)
    assert {name: sum(v.values()) for name, v in bars(by_status).items()} == {
        "Applied": 1, "Awarded": 1, "Active": 1, "Completed": 1,
    }
    assert bars(by_funder)["USD"] == {"KOICA": 100000, "Erasmus+": 52500, "Ministry of Health": 9600}
    assert bars(by_country)["USD"] == {"South Korea": 100000, "Kazakhstan": 52500}
    table = at.dataframe[0].value.set_index("Title")
    assert table.loc["Staff exchange", "Amount"] == 50000
    assert table.loc["Staff exchange", "Currency"] == "EUR"
    assert table.loc["Staff exchange", "USD"] == pytest.approx(52500)


# ------------------------------------------------------------------------- agreements


def test_agreements_renewals_dormant_registry():
    at = run_page("agreements")
    expiring, dormant, registry, renewal = (df.value for df in at.dataframe)
    # six months before its 1 December 2025 expiry, the MoU is in its renewal window
    assert renewal.to_dict("records") == [{
        "Institution": "SamSMU", "Partner": "Seoul National University", "Expires on": "2025-12-01",
        "Use": "no terms recorded"}]
    assert expiring.to_dict("records") == [{
        "Institution": "SamSMU", "Partner": "Seoul National University",
        "Kind": "Memorandum of understanding", "Expires on": "2025-12-01", "Days left": 154,
    }]
    assert list(dormant["Partner"]) == ["Kazakh National Medical University"]
    statuses = dict(zip(registry["Title"], registry["Status"], strict=True))
    assert statuses["Staff mobility"] == "Active"  # signed 2023-09, open-ended
    assert statuses["Double degree"] == "Planned"
    assert statuses["Paediatric care"] == "Expired"
    assert statuses["Old agreement"] == "Terminated"
    # a3 was signed "2023-09": shown to the month, as written.
    assert registry.set_index("Title").loc["Staff mobility", "Signed on"] == "2023-09"


# ------------------------------------------------------------------------- students


def test_students_by_country_and_trend():
    at = run_page("students")
    by_country, trend, by_level, by_faculty = figures(at)
    assert bars(by_country)["Students"] == {"India": 120, "South Korea": 35, "Kazakhstan": 12}
    lines = {t["name"]: dict(zip(t["x"], t["y"], strict=True)) for t in trend["data"]}
    assert lines == {"SamSMU": {"2023/2024": 30, "2024/2025": 155}, "ADMI": {"2023/2024": 5, "2024/2025": 12}}
    assert bars(by_level)["Students"] == {"Undergraduate": 155, "Residency": 12}
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    india = next(f for f in deck["layers"][1]["data"]["features"] if f["properties"]["iso_a3"] == "IND")
    assert india["properties"]["kind"] == "120 students"


# ------------------------------------------------------------------------- quality


def test_quality_page_lists_problems_positions_undated():
    at = run_page("quality")
    assert metrics_of(at)["Rows with errors"] == "1"
    assert metrics_of(at)["Warnings"] == "1"
    problems, positions, rough, undated = (df.value for df in at.dataframe[:4])  # then rows without a document
    assert problems[["Table", "Row", "Column", "Value"]].to_dict("records") == [
        # the table and column in words; the file's own name only where it differs
        {"Table": "Visits", "Row": 10, "Column": "Direction", "Value": "sideways"},
        {"Table": "Partners", "Row": 8, "Column": "City", "Value": "Atlantis"},
    ]
    assert positions.set_index("Position").loc["Country only", "Partners"] == 2
    assert dict(zip(rough["Partner"], rough["Why"], strict=True)) == {
        "Korea Foundation": "No city given",
        "Atlantis Clinic": "City not found in the gazetteer",
    }
    undated = undated.set_index("Table")
    assert undated.loc["Visits", "Undated rows"] == 1  # v7
    assert undated.loc["Agreements", "Undated rows"] == 0


def test_filters_write_the_query_string_and_language_switches():
    at = run_page(None, inst="ADMI", ptype="university", lang="ru")
    assert at.multiselect(key="f_inst").value == ["admi"]
    assert at.session_state["ui_lang"] == "ru"
    assert at.query_params["inst"] in ("admi", ["admi"])  # the id, whatever the link said
    assert at.query_params["ptype"] in ("university", ["university"])
    assert at.query_params["lang"] in ("ru", ["ru"])
    at.button(key="reset_filters").click().run()
    assert at.multiselect(key="f_inst").value == []
    assert "inst" not in at.query_params


def test_csv_download_escapes_formulas():
    at = run_page("agreements")
    registry = at.dataframe[2].value
    assert '=HYPERLINK("x")' in set(registry["Title"])
    from ui.panels import csv_bytes

    text = csv_bytes(registry).decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert pd.read_csv(__import__("io").StringIO(text))["Title"].str.startswith("=").sum() == 0
