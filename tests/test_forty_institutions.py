"""Forty home institutions (``python -m loaders synth --institutions 40``, issue 24 build
item 5 and defect 9): the comparison has a row each, the map a colour for ten of them at
most and a named grey group, and no two home labels overlap."""

from __future__ import annotations

import json

import pytest
from app_fixtures import run_dashboard

from charts.map_layers import label_box
from charts.viewport import to_pixels
from loaders.synth import write_synth


@pytest.fixture(scope="module")
def forty(tmp_path_factory):
    path = tmp_path_factory.mktemp("forty")
    write_synth(path, visits=1500, seed=4, institutions=40)
    return path


@pytest.fixture
def env(forty, tmp_path, monkeypatch):
    monkeypatch.setenv("COOP_DATA", str(forty))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "no-store"))


def test_overview_compares_forty_rows(env):
    at = run_dashboard()
    chart = next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                 if "<b>Partners</b>" in str(json.loads(c.proto.spec)["layout"].get("annotations")))
    rows = chart["layout"]["yaxis"]["categoryarray"]
    assert len(rows) == 40 and "DMI40" in rows
    assert chart["layout"]["height"] >= 24 * 40 + 90 + 18
    assert len(at.dataframe[-1].value) == 40


def test_partner_map_at_forty(env):
    at = run_dashboard("partners")
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    layers = {layer["id"]: layer for layer in deck["layers"]}
    homes = layers["institutions"]["data"]
    assert len(homes) == 40
    colours = {tuple(h["color"][:3]) for h in homes}
    assert len(colours) == 10  # nine of their own and the shared grey
    legend = [m.value for m in at.markdown if "Other institutions (31)" in m.value]
    assert legend, "the grey group is named in the legend"
    # The labels shown never overlap one another at the first view.
    zoom = deck["initialViewState"]["zoom"]
    boxes = []
    for label in layers["institution-labels"]["data"]:
        x, y = to_pixels(*label["position"], zoom)
        boxes.append(label_box(x + label["offset"][0], y + label["offset"][1], label["label"], 14))
    assert len(boxes) >= 5
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
