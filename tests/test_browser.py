"""The dashboard in real Chromium: every page loads, the map draws, figures match the report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from browser_fixtures import ROOT, browser, metric_values, wait_for_app

pytestmark = pytest.mark.browser

DATA = ROOT / "tests" / "data" / "dashboard"
AS_OF = "2025-06-30"
# The overview's cards, written by hand (English labels of i18n/en.json, the figures of
# tests/data/dashboard as the JSON report gives them), for the link and the report flags.
WHOLE = {  # report kpis of the whole dataset, as_of 2025-06-30 (2 visits without a count)
    "partners": 6, "partner_countries": 5, "agreements_active": 4, "agreements_expiring": 1,
    "agreements_dormant": 1, "visits_incoming": 5, "visits_outgoing": 3, "remote_share": 0.4,
    "lecture_sessions": 20, "mobility_countries": 5, "grants_active": 2,
    "grant_funding_usd": 162_100, "international_students": 167, "student_countries": 3,
}
WHOLE_CARDS = {
    "Partners": "6", "Partner countries": "5", "Partner network index": "2.9",
    # v3: a3 and a7 have no expiry date (unknown, not open-ended): at least 1
    "Active agreements": "4", "Expiring within 180 days": "≥ 1", "Dormant agreements": "1",
    "Incoming visits": "5", "Outgoing visits": "3", "Remote share": "40.0%",
    "Sessions held": "≥ 20", "Mobility countries": "5", "Active grants": "2",
    "Grant funding (USD)": "$162,100", "International students": "167",
    "Student countries": "3",
}
ADMI = {  # ADMI, 2024-2025 (1 visit without a count)
    "partners": 3, "partner_countries": 3, "agreements_active": 2, "agreements_expiring": 0,
    "agreements_dormant": 0, "visits_incoming": 2, "visits_outgoing": 1, "remote_share": 0.5,
    "lecture_sessions": 6, "mobility_countries": 2, "grants_active": 1,
    "grant_funding_usd": 9_600, "international_students": 12, "student_countries": 1,
}
ADMI_CARDS = {
    "Partners": "3", "Partner countries": "3", "Partner network index": "2.7",
    # v3: a3 has no expiry date: at least 0; a share of 2 visits reads as its counts
    "Active agreements": "2", "Expiring within 180 days": "≥ 0", "Dormant agreements": "0",
    "Incoming visits": "2", "Outgoing visits": "1", "Remote share": "1 of 2 remote",
    "Sessions held": "≥ 6", "Mobility countries": "2", "Active grants": "1",
    "Grant funding (USD)": "$9,600", "International students": "12", "Student countries": "1",
}


@pytest.fixture(scope="module")
def app(app_server):
    with browser() as page:
        base = app_server(DATA)
        yield base, page


def report_kpis(out: Path, *flags: str) -> dict:
    target = out / "report.json"
    subprocess.run(
        [sys.executable, "-m", "report", str(DATA), "--out", str(target), "--as-of", AS_OF, *flags],
        cwd=ROOT, check=True, capture_output=True,
    )
    return json.loads(target.read_text())


@pytest.mark.parametrize("query,flags,kpis,cards", [
    ("", [], WHOLE, WHOLE_CARDS),
    ("&inst=admi&from=2024&to=2025", ["--institution", "admi", "--from", "2024", "--to", "2025"],
     ADMI, ADMI_CARDS),
], ids=["all", "admi-2024-2025"])
def test_overview_matches_the_report(app, tmp_path, query, flags, kpis, cards):
    base, page = app
    page.goto(f"{base}/?as_of={AS_OF}{query}")
    wait_for_app(page)
    assert metric_values(page) == cards
    report = report_kpis(tmp_path, *flags)
    assert {k: v for k, v in report["kpis"].items() if k != "irn_index"} == kpis
    assert round(report["kpis"]["irn_index"], 1) == float(cards["Partner network index"])
    assert report["lecture_sessions_unknown"] > 0  # hence "≥" before the sessions


def test_filtered_link_shows_filtered_figures(app):
    base, page = app
    page.goto(f"{base}/mobility?as_of={AS_OF}&inst=admi")
    wait_for_app(page)
    page.get_by_text("Timeline of visits").wait_for()
    # The filter is in the sidebar and stays in the URL.
    assert "inst=admi" in page.url
    assert page.locator('[data-testid="stSidebar"]').get_by_text("ADMI").count() >= 1
    page.goto(f"{base}/?as_of={AS_OF}&inst=admi")
    wait_for_app(page)
    assert metric_values(page)["Incoming visits"] == "2"
    # Navigating keeps the filters.
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Partners").click()
    page.wait_for_url("**/partners**")
    wait_for_app(page)
    assert "inst=admi" in page.url
