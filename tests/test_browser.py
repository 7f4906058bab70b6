"""The dashboard in real Chromium: every page loads, the map draws, figures match the report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from browser_fixtures import ROOT, browser, error_elements, metric_values, serve, wait_for_app

from ui.format import format_value

pytestmark = pytest.mark.browser

DATA = ROOT / "tests" / "data" / "dashboard"
ARTIFACTS = ROOT / "tests" / "artifacts"
AS_OF = "2025-06-30"
PAGES = ["", "partners", "mobility", "grants", "agreements", "students", "quality"]
LABELS = {  # KPI name -> card label (i18n/en.json)
    "partners": "Partners", "partner_countries": "Partner countries",
    "irn_index": "International research network index", "agreements_active": "Active agreements",
    "agreements_expiring": "Expiring within 180 days", "agreements_dormant": "Dormant agreements",
    "visits_incoming": "Incoming visits", "visits_outgoing": "Outgoing visits",
    "remote_share": "Remote share", "lecture_sessions": "Sessions held",
    "mobility_countries": "Mobility countries", "grants_active": "Active grants",
    "grant_funding_usd": "Grant funding (USD)", "international_students": "International students",
    "student_countries": "Student countries",
}
UNITS = {"remote_share": "share", "irn_index": "index", "grant_funding_usd": "usd"}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with serve(DATA, store=tmp_path_factory.mktemp("store")) as base, browser() as page:
        yield base, page


def report_kpis(*flags: str) -> dict:
    out = Path(ROOT / "tests" / "artifacts")
    out.mkdir(exist_ok=True)
    target = out / "report.json"
    subprocess.run(
        [sys.executable, "-m", "report", str(DATA), "--out", str(target), "--as-of", AS_OF, *flags],
        cwd=ROOT, check=True, capture_output=True,
    )
    return json.loads(target.read_text())


def test_every_page_loads_without_errors(app):
    base, page = app
    ARTIFACTS.mkdir(exist_ok=True)
    for name in PAGES:
        page.goto(f"{base}/{name}?as_of={AS_OF}")
        wait_for_app(page)
        assert error_elements(page) == [], name
        assert page.locator("h1").first.inner_text().strip(), name
        if name == "partners":
            page.wait_for_selector("canvas", timeout=30_000)
            assert page.locator("canvas").first.is_visible()
            box = page.locator("canvas").first.bounding_box()
            assert box["width"] > 600 and box["height"] > 400
        page.screenshot(path=str(ARTIFACTS / f"{name or 'overview'}.png"))


@pytest.mark.parametrize("query,flags", [("", []), ("&inst=admi&from=2024&to=2025", ["--institution", "admi", "--from", "2024", "--to", "2025"])])
def test_overview_matches_the_report(app, query, flags):
    base, page = app
    page.goto(f"{base}/?as_of={AS_OF}{query}")
    wait_for_app(page)
    shown = metric_values(page)
    report = report_kpis(*flags)
    expected = {LABELS[name]: format_value(value, UNITS.get(name, "count")) for name, value in report["kpis"].items()}
    if report["lecture_sessions_unknown"]:  # some incoming visits have no count: at least
        expected[LABELS["lecture_sessions"]] = "≥ " + expected[LABELS["lecture_sessions"]]
    assert shown == expected


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
