"""charts.deck_json.CountryLayer: the world's country polygons shaded by a few counts, its data
JSON (geometry serialised once per process) and a Deck written with it inline.

Expected fills worked out by hand from ``shade`` (square-root scale over the 5 colours of
charts.theme.SEQUENTIAL_RGB, alpha 235; no value: the no-data grey, alpha 255)."""

from __future__ import annotations

import json

import pydeck as pdk

from charts.deck_json import CountryLayer, Deck, _feature_json
from charts.map_layers import country_layer, ocean_layer

COUNTS = {"KOR": 4, "IND": 2, "DEU": 1, "UZB": 0}
# maximum 4; index = int(sqrt(value / 4) * 5 - 1e-9):
FILLS = {
    "KOR": [168, 117, 42, 235],  # sqrt(1) * 5 = 5 -> 4.999... -> 4, the darkest (168, 117, 42)
    "IND": [200, 150, 70, 235],  # sqrt(0.5) * 5 = 3.54 -> 3: (200, 150, 70)
    "DEU": [222, 184, 107, 235],  # sqrt(0.25) * 5 = 2.5 -> 2: (222, 184, 107)
    "UZB": [226, 229, 233, 255],  # 0: no data (226, 229, 233), opaque
    "FRA": [226, 229, 233, 255],  # not in the counts: no data
}
NOUN = "page.partners.map_country_tip"  # "{n} partner" / "{n} partners" in English (plural)


def _layer() -> CountryLayer:
    return country_layer(COUNTS, noun_key=NOUN, lang="en", names={"KOR": "South Korea"}, layer_id="countries")


def _features(data: dict) -> dict[str, dict]:
    return {f["properties"]["iso_a3"]: f for f in data["features"]}


def test_country_layer_is_a_country_layer_with_the_fills():
    layer = _layer()
    assert isinstance(layer, CountryLayer)
    data = json.loads(layer.data_json())
    features = _features(data)
    assert {code: features[code]["properties"]["fill"] for code in FILLS} == FILLS
    assert features["KOR"]["properties"]["name"] == "South Korea"  # the name given
    assert features["KOR"]["properties"]["kind"] == "4 partners"
    assert features["UZB"]["properties"]["kind"] == "0 partners"
    assert "continent" not in features["KOR"]["properties"]  # never shown, dropped
    shaded = {code for code, f in features.items() if f["properties"]["fill"][3] == 235}
    assert shaded == {"KOR", "IND", "DEU"}  # the three non-zero counts, nothing else


def test_country_tooltips_follow_the_plural_rules():
    """Issue 24 item 6: "1 partner" / "21 партнёр", never "partner(s)"."""
    en = _features(json.loads(country_layer({"IND": 1}, noun_key=NOUN, lang="en").data_json()))
    assert en["IND"]["properties"]["kind"] == "1 partner"
    ru = _features(json.loads(country_layer({"IND": 21, "KOR": 2, "DEU": 5}, noun_key=NOUN, lang="ru").data_json()))
    assert [ru[c]["properties"]["kind"] for c in ("IND", "KOR", "DEU")] == ["21 партнёр", "2 партнёра", "5 партнёров"]


def test_data_json_is_what_json_dumps_writes():
    layer = _layer()
    assert layer.data_json() == json.dumps(layer.data, sort_keys=True, separators=(",", ":"))
    # the geometry text is kept once per process, shared by every layer
    assert _feature_json() is _feature_json()
    other = country_layer({"IND": 1}, noun_key=NOUN, lang="en")
    assert other.data_json() == json.dumps(other.data, sort_keys=True, separators=(",", ":"))
    assert _features(json.loads(other.data_json()))["IND"]["properties"]["fill"] == [168, 117, 42, 235]  # 1 of 1


def test_deck_json_has_the_layer_data_inline():
    deck = Deck(layers=[ocean_layer(), _layer()], map_provider=None)
    spec = json.loads(deck.to_json())
    layers = {layer["id"]: layer for layer in spec["layers"]}
    assert list(layers) == ["ocean", "countries"]
    countries = layers["countries"]
    assert countries["@@type"] == "GeoJsonLayer"
    assert isinstance(countries["data"], dict)  # inline, not the placeholder text
    features = _features(countries["data"])
    assert {code: features[code]["properties"]["fill"] for code in FILLS} == FILLS
    assert features["DEU"]["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    assert "country-layer-data" not in deck.to_json()


def test_deck_json_equals_pydecks_own():
    """The same spec as pydeck writes (it indents; the keys and values are the same)."""
    layers = [ocean_layer(), _layer()]
    ours = json.loads(Deck(layers=layers, map_provider=None).to_json())
    theirs = json.loads(pdk.Deck(layers=layers, map_provider=None).to_json())
    assert ours == theirs
