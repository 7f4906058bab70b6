"""The partners map (issue 24, defect 9): labels apart, homes over the arcs, a colour per
institution (or a named grey group), one world, points clickable. Hand-made frames."""

from __future__ import annotations

import json
import math

import pandas as pd

from charts import institution_legend, partner_map
from charts.map_layers import institution_colors
from charts.theme import INSTITUTION_COLORS, OTHER_INSTITUTIONS_COLOR

HOMES = pd.DataFrame([
    {"institution_id": "samsmu", "short_name": "SamSMU", "name": "Samarkand State Medical University",
     "city": "Samarkand", "country": "UZB", "lat": 39.65, "lon": 66.96},
    {"institution_id": "admi", "short_name": "ADMI", "name": "Andijan State Medical Institute",
     "city": "Andijan", "country": "UZB", "lat": 40.78, "lon": 72.34},
])
PARTNERS = pd.DataFrame([
    {"partner_id": "p-snu", "name": "Seoul National University", "type": "university", "city": "Seoul",
     "country": "KOR", "lat": 37.57, "lon": 126.98, "activity": 5, "agreements": 2},
    {"partner_id": "p-charite", "name": "Charité Berlin", "type": "hospital", "city": "Berlin",
     "country": "DEU", "lat": 52.52, "lon": 13.40, "activity": 3, "agreements": 1},
    {"partner_id": "p-istanbul", "name": "Istanbul University", "type": "university", "city": "Istanbul",
     "country": "TUR", "lat": 41.01, "lon": 28.98, "activity": 1, "agreements": 1},
])
LINKS = pd.DataFrame({"institution_id": ["samsmu", "samsmu", "admi", "admi"],
                      "partner_id": ["p-snu", "p-charite", "p-snu", "p-istanbul"]})


def _layers(deck) -> dict[str, dict]:
    return {layer["id"]: layer for layer in json.loads(deck.to_json())["layers"]}


def _screen(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    """Web Mercator pixels at ``zoom`` (512 px world at zoom 0), written out for the test."""
    size = 512 * 2 ** zoom
    return ((lon + 180) / 360 * size,
            (1 - math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / math.pi) / 2 * size)


def test_home_labels_do_not_overlap():
    """SamSMU and ADMI are ~25 px apart at the first view: both names above them ran into one word."""
    spec = json.loads(partner_map(PARTNERS, HOMES, LINKS).to_json())
    zoom = spec["initialViewState"]["zoom"]
    labels = {d["label"]: d for d in {layer["id"]: layer for layer in spec["layers"]}["institution-labels"]["data"]}
    assert set(labels) == {"SamSMU", "ADMI"}
    boxes = []
    for text, datum in labels.items():
        x, y = _screen(*datum["position"], zoom)
        x, y = x + datum["offset"][0], y + datum["offset"][1]
        half_w, half_h = 9 * len(text) / 2, 17 / 2  # bold 14 px: at most ~9 px a letter
        boxes.append((x - half_w, y - half_h, x + half_w, y + half_h))
    (a, b) = boxes
    assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], boxes


def test_homes_are_drawn_over_the_arcs_and_the_points_are_clickable():
    layers = _layers(partner_map(PARTNERS, HOMES, LINKS))
    order = list(layers)
    assert order.index("arcs") < order.index("partners") < order.index("institutions") < order.index("institution-labels")
    # Depth: an arc's raised middle is "nearer" than a point at ground level.
    assert layers["institutions"]["parameters"]["depthCompare"] == "always"
    assert layers["institution-labels"]["parameters"]["depthCompare"] == "always"
    assert layers["arcs"]["parameters"]["depthWriteEnabled"] is False
    # The world's polygons take no part in picking, so a press on a point is a click.
    assert layers["countries"]["pickable"] is False and layers["partners"]["pickable"] is True
    # ... unless nothing is clicked (the research map keeps country tooltips).
    assert _layers(partner_map(PARTNERS, HOMES, LINKS, clickable=False))["countries"]["pickable"] is True


def test_one_world():
    spec = json.loads(partner_map(PARTNERS, HOMES, LINKS).to_json())
    assert spec["views"] == [{"@@type": "MapView", "controller": True, "repeat": False}]


def test_partner_map_takes_its_countries_and_details():
    layers = _layers(partner_map(PARTNERS, HOMES, LINKS, country_counts={"KOR": 7},
                                 country_noun_key="page.research.map_country_tip",
                                 point_details={"p-snu": "seven papers"}))
    countries = {f["properties"]["iso_a3"]: f["properties"] for f in layers["countries"]["data"]["features"]}
    assert countries["KOR"]["kind"] == "7 joint papers" and countries["DEU"]["kind"] == "0 joint papers"
    details = {p["partner_id"]: p["detail"] for p in layers["partners"]["data"]}
    assert details == {"p-snu": "seven papers", "p-charite": "", "p-istanbul": ""}


def _homes(n: int) -> pd.DataFrame:
    return pd.DataFrame([{"institution_id": f"i{k:02d}", "short_name": f"I{k}", "name": f"Institute {k}",
                          "city": "Tashkent", "country": "UZB", "lat": 41.3, "lon": 69.2 + k / 10}
                         for k in range(1, n + 1)])


def test_ten_institutions_get_ten_colours():
    colors = institution_colors(_homes(10))
    assert list(colors.values()) == INSTITUTION_COLORS and len(set(INSTITUTION_COLORS)) == 10


def test_twelve_institutions_nine_colours_and_a_named_group():
    """Beyond ten, the nine with most links keep a colour (in table order), three share grey."""
    links = pd.DataFrame({"institution_id": ["i12"] * 5 + ["i11"] * 4 + [f"i{k:02d}" for k in range(1, 10)],
                          "partner_id": "p"})
    # Links: i12 5, i11 4, i01..i09 1 each, i10 none: i10 and two of i01..i09 (the last: i08, i09) go grey.
    colors = institution_colors(_homes(12), links)
    own = [i for i, c in colors.items() if c != OTHER_INSTITUTIONS_COLOR]
    assert own == ["i01", "i02", "i03", "i04", "i05", "i06", "i07", "i11", "i12"]
    assert [colors[i] for i in own] == INSTITUTION_COLORS[:9]
    legend = institution_legend(_homes(12), links, "en")
    assert [label for label, _ in legend] == ["I1", "I2", "I3", "I4", "I5", "I6", "I7", "I11", "I12",
                                             "Other institutions (3)"]
    assert legend[-1][1] == OTHER_INSTITUTIONS_COLOR
