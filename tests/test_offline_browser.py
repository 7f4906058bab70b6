"""In Chromium on the curated data: every page loads without an error (a screenshot of
each kept), no page asks anything of a host other than this machine (the favicon
included), and the partner map's view holds every filtered partner."""

from __future__ import annotations

import json
import os
from urllib.parse import urlparse

import pytest
from app_fixtures import run_dashboard
from browser_fixtures import ROOT, browser, error_elements, wait_for_app

from charts.viewport import view_bounds

pytestmark = pytest.mark.browser

DATA = ROOT / "data"
PAGES = ["", "partners", "mobility", "grants", "agreements", "students", "quality", "export", "data"]
LOCAL = {"127.0.0.1", "localhost", "::1", "[::1]"}


@pytest.fixture(scope="module")
def app(app_server):
    with browser(1440, 2400) as page:
        base = app_server(DATA)
        yield base, page


def test_every_page_loads_and_no_request_leaves_the_machine(app, artifacts):
    base, page = app
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    for name in PAGES:
        page.goto(f"{base}/{name}?as_of=2025-06-30")
        wait_for_app(page)
        assert error_elements(page) == [], name
        assert page.locator("h1").first.inner_text().strip(), name
        if name == "partners":  # the world map is drawn, at its size
            page.wait_for_selector("canvas", timeout=30_000)
            assert page.locator("canvas").first.is_visible()
            box = page.locator("canvas").first.bounding_box()
            assert box["width"] > 600 and box["height"] > 400
        page.screenshot(path=str(artifacts / f"{name or 'overview'}.png"))
    # The favicon is a file served by the app itself.
    icon = page.eval_on_selector("link[rel*='icon']", "el => el.href")
    assert urlparse(icon).hostname in LOCAL or icon.startswith("data:"), icon
    outside = [u for u in requests if not u.startswith(("data:", "blob:")) and urlparse(u).hostname not in LOCAL]
    assert outside == []
    assert len(requests) > 20  # the listener did see the app's own requests


def test_partner_map_frames_the_filtered_partners(app, monkeypatch):
    base, page = app
    query = "inst=samsmu&country=RUS&as_of=2025-06-30"
    page.goto(f"{base}/partners?{query}")
    wait_for_app(page)
    page.wait_for_selector("#deckgl-overlay", timeout=60_000)
    box = page.locator("#deckgl-overlay").first.bounding_box()
    # The same view in AppTest: the deck's initial view state and the partners' positions.
    monkeypatch.setenv("COOP_DATA", str(DATA))
    monkeypatch.setenv("COOP_STORE", os.devnull + "-none")
    at = run_dashboard("partners", inst="samsmu", country="RUS")
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    points = next(layer["data"] for layer in deck["layers"] if layer.get("id") == "partners")
    assert points, "the filtered partner is drawn"
    west, south, east, north = view_bounds(deck["initialViewState"], int(box["width"]), int(box["height"]))
    for point in points:
        lon, lat = point["position"]
        assert west < lon < east and south < lat < north, (point["name"], (west, south, east, north))
