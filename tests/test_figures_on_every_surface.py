"""Figures a rector can defend: each reproduced defect as an AppTest or unit test.

The curated data (data/) has no dated visit, agreement or grant; its students row is
2023/2024. Figures expected here were counted by hand from data/*.csv.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from app_fixtures import run_dashboard

from loaders import load_dataset
from metrics import KPIS, Scope, compute_kpis, evidence

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


@pytest.fixture
def curated_copy(tmp_path, monkeypatch):
    """A copy of the curated data the test may change, served with no version store."""
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    monkeypatch.setenv("COOP_DATA", str(folder))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "no-store"))
    return folder


def add_visit(folder: Path, visit_id: str, start: str, partner: str = "p-shandong") -> None:
    path = folder / "visits.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    row = dict.fromkeys(header, "")
    row.update(visit_id=visit_id, institution_id="samsmu", partner_id=partner, direction="incoming",
               activity="lectures", start_date=start)
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, header).writerow(row)
    # A new modification time even on a coarse clock: the app keys its cache on it.
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000_000))


def cards(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_curated_overview_countries_foreign_only(curated_copy):
    at = run_dashboard()
    shown = cards(at)
    # Partner countries without Uzbekistan: CHN DEU GRC IND KAZ KOR RUS SVK TJK TUR USA
    assert shown["Partner countries"] == "11"
    # Mobility countries without Uzbekistan: BLR DEU IND IRN KAZ KGZ KOR PRT RUS SVK TJK UKR
    assert shown["Mobility countries"] == "12"


def test_curated_overview_unknown_is_not_zero(curated_copy):
    shown = cards(run_dashboard())
    assert shown["Sessions held"] == "unknown"
    assert shown["Grant funding (USD)"] == "unknown"


def test_curated_overview_shows_no_year_over_year_change(curated_copy):
    at = run_dashboard()
    assert all(not m.proto.delta for m in at.metric), [(m.label, m.proto.delta) for m in at.metric]
    captions = " ".join(c.value for c in at.caption)
    assert "No change on the previous year is shown" in captions
    assert "visits, agreements, grants have no dates" in captions
    # The sidebar says which tables are dated instead of "All data is from 2023"
    assert "All data is from" not in captions
    assert "visits 0 of 23; agreements 0 of 21; grants 0 of 1; students 1 of 1" in captions


def test_open_session_sees_a_new_visit(curated_copy):
    # Session opened on data spanning 2023-2024 (one dated visit): the slider shows 2023-2024.
    add_visit(curated_copy, "v-test-2024", "2024-03-01")
    at = run_dashboard()
    assert cards(at)["Incoming visits"] == "11"
    # The office adds a 2025 visit while the session stays open: the next click shows it,
    # and "all years" still means all years (undated visits stay in).
    add_visit(curated_copy, "v-test-2025", "2025-03-01")
    at.run(timeout=30)
    assert cards(at)["Incoming visits"] == "12"
    assert tuple(at.slider(key="f_years").value) == (2023, 2025)


def test_open_session_on_curated_data_shows_an_added_visit(curated_copy):
    at = run_dashboard()
    assert cards(at)["Incoming visits"] == "10"
    add_visit(curated_copy, "v-test-today", "2025-06-01")  # the office adds today's lecturer
    at.run(timeout=30)
    assert cards(at)["Incoming visits"] == "11"
    at.button(key="ev-visits_incoming").click().run(timeout=30)
    assert "v-test-today" in set(at.dataframe[0].value["Id"])


def test_open_session_keeps_a_narrowed_range_valid(curated_copy):
    add_visit(curated_copy, "v-test-2024", "2024-03-01")
    add_visit(curated_copy, "v-test-2025", "2025-03-01")
    at = run_dashboard(**{"from": "2024", "to": "2024"})
    assert cards(at)["Incoming visits"] == "1"
    add_visit(curated_copy, "v-test-2026", "2026-01-10")
    at.run(timeout=30)
    assert tuple(at.slider(key="f_years").value) == (2024, 2024)
    assert cards(at)["Incoming visits"] == "1"


TITLE_WEB = "International Cooperation Relations"
TITLE_ARTICLE = "International cooperation works undertaken at the Andijan State Medical Institute"


def test_every_card_opens_to_exactly_its_rows(curated_copy):
    at = run_dashboard()
    ds = load_dataset(DATA)
    from datetime import date

    from app_fixtures import AS_OF

    scope = Scope(as_of=date.fromisoformat(AS_OF))
    expected = evidence(ds.tables, scope)
    values = compute_kpis(ds.tables, scope)
    for kpi in KPIS:
        at.button(key=f"ev-{kpi.name}").click().run(timeout=30)
        assert not at.exception
        table = at.dataframe[0].value  # the evidence panel is the first table on the page
        ids = table[table.columns[0]].astype(str).tolist()
        assert sorted(ids) == expected[kpi.name], kpi.name
        if kpi.aggregate == "count":
            assert len(table) == values[kpi.name], kpi.name
        if len(table):  # each row's document by its title, never a file name (issue 28)
            assert "Document" in table.columns, kpi.name
            assert set(table["Document"]) <= {TITLE_WEB, TITLE_ARTICLE, f"{TITLE_WEB}; {TITLE_ARTICLE}",
                                              f"{TITLE_ARTICLE}; {TITLE_WEB}"}, kpi.name
            assert not table["Document"].astype(str).str.contains(r"\.txt", regex=True).any(), kpi.name
        if kpi.evidence_of != "country" and len(table):
            assert "Quote" in table.columns and "Row in file" in table.columns
            assert table["Quote"].astype(str).str.startswith('"').all(), kpi.name


def test_json_report_evidence_matches_counts(tmp_path):
    out = tmp_path / "r.json"
    subprocess.run([sys.executable, "-m", "report", str(DATA), "--out", str(out), "--as-of", "2025-06-30"],
                   cwd=ROOT, check=True)
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["kpis"]["partner_countries"] == 11 and report["kpis"]["mobility_countries"] == 12
    for kpi in KPIS:
        if kpi.aggregate == "count":
            assert len(report["evidence"][kpi.name]) == report["kpis"][kpi.name], kpi.name
    assert report["evidence"]["international_students"] == ["students:2"]
    assert report["year_over_year"]["reason"] == "one_year_only"


def test_every_card_opens_on_the_hand_made_dataset(monkeypatch, tmp_path):
    hand = ROOT / "tests" / "data" / "dashboard"
    monkeypatch.setenv("COOP_DATA", str(hand))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "no-store"))
    from datetime import date

    from app_fixtures import AS_OF

    at = run_dashboard()
    ds = load_dataset(hand)
    scope = Scope(as_of=date.fromisoformat(AS_OF))
    expected, values = evidence(ds.tables, scope), compute_kpis(ds.tables, scope)
    # Counted by hand from tests/data/dashboard: active a1 a3 a4 a7 (a2 expired 2024-05-10,
    # a5 signed 2026, a6 terminated, a7 open-ended since 2018); incoming v1 v3 v4 v5 v7.
    assert expected["agreements_active"] == ["a1", "a3", "a4", "a7"]
    assert expected["visits_incoming"] == ["v1", "v3", "v4", "v5", "v7"]
    for name in ("agreements_active", "visits_incoming", "partner_countries", "international_students"):
        at.button(key=f"ev-{name}").click().run(timeout=30)
        table = at.dataframe[0].value
        assert sorted(table[table.columns[0]].astype(str)) == expected[name], name
    assert len(expected["visits_incoming"]) == values["visits_incoming"]


def test_map_views_frame_what_is_shown():
    from charts.viewport import fit_view, spread_overlaps, view_bounds

    # Samarkand and a partner in Moscow, and one at Russia's centre: all inside a 700x500 frame.
    points = [[66.96, 39.65], [37.62, 55.75], [99.2, 61.7]]
    view = fit_view(points, width=700, height=500)
    west, south, east, north = view_bounds(
        {"longitude": view.longitude, "latitude": view.latitude, "zoom": view.zoom}, 700, 500)
    assert all(west < lon < east and south < lat < north for lon, lat in points)
    # Three partners at one place are set apart, around it.
    spread = spread_overlaps([[69.24, 41.3], [69.24, 41.3], [69.24, 41.3], [10.0, 50.0]])
    assert len({tuple(p) for p in spread[:3]}) == 3 and spread[3] == [10.0, 50.0]
    assert all(abs(p[0] - 69.24) < 2 and abs(p[1] - 41.3) < 2 for p in spread[:3])


def test_students_map_frames_its_countries(curated_copy):
    from charts.viewport import view_bounds

    at = run_dashboard("students")
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    west, south, east, north = view_bounds(deck["initialViewState"], 560, 460)
    # South Korea (124-130 E, 33-39 N) and Andijan (72.3 E, 40.8 N) are both in view.
    assert west < 72.3 and east > 130 and south < 33 and north > 40.8


def test_picked_bars_are_read_from_the_selection():
    from ui.evidence import picked_categories

    class Event:
        selection = {"points": [{"x": 3, "y": "Korea"}, {"x": 1, "y": "Korea"}, {"x": 2, "y": "India"}]}

    assert picked_categories(Event(), horizontal=True) == ["Korea", "India"]
    assert picked_categories(None) == []
