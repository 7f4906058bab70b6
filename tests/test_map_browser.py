"""The partners map in real Chromium: a click on a partner narrows the table (issue 24, defect 9).

The click used to send nothing: the world's pickable country polygons made deck.gl's
picking pass on a press take over a second in a software-rendered browser, longer than
the 250 ms a press may last to count as a click, so no selection ever left the browser.
"""

from __future__ import annotations

import json
import math
import time

import pytest
from app_fixtures import run_dashboard
from browser_fixtures import ROOT, browser, wait_for_app

pytestmark = pytest.mark.browser

DATA = ROOT / "tests" / "data" / "dashboard"
AS_OF = "2025-06-30"


def pixel(lon: float, lat: float, view: dict, box: dict) -> tuple[float, float]:
    """Where deck.gl draws [lon, lat] in the canvas ``box`` (Web Mercator, 512 px tiles)."""
    def world(lon: float, lat: float) -> tuple[float, float]:
        scale = 512 * 2 ** float(view["zoom"])
        y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
        return (lon + 180) / 360 * scale, (math.pi - y) / (2 * math.pi) * scale

    cx, cy = world(float(view["longitude"]), float(view["latitude"]))
    x, y = world(lon, lat)
    return box["x"] + box["width"] / 2 + x - cx, box["y"] + box["height"] / 2 + y - cy


@pytest.fixture
def partner_deck(monkeypatch, tmp_path) -> dict:
    monkeypatch.setenv("COOP_DATA", str(DATA))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "no-store"))
    at = run_dashboard("partners")
    return json.loads(at.get("deck_gl_json_chart")[0].proto.json)


def test_clicking_a_partner_narrows_the_table(partner_deck, app_server):
    points = {p["partner_id"]: p["position"] for layer in partner_deck["layers"]
              if layer["id"] == "partners" for p in layer["data"]}
    lon, lat = points["p-istanbul"]
    base = app_server(DATA)
    with browser(1440, 1400) as page:
        page.goto(f"{base}/partners?as_of={AS_OF}")
        wait_for_app(page)
        page.get_by_text("6 of 6 partners").wait_for()
        canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
        canvas.wait_for()
        time.sleep(2)  # the map's first frame
        x, y = pixel(lon, lat, partner_deck["initialViewState"], canvas.bounding_box())
        page.mouse.move(x, y)
        page.locator(".deck-tooltip").get_by_text("Istanbul University").wait_for(timeout=10_000)
        page.mouse.click(x, y)
        page.get_by_text("1 of 6 partners").wait_for(timeout=20_000)
        wait_for_app(page)
        page.get_by_text("Showing the 1 partner picked on the map").wait_for()
