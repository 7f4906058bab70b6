"""A pydeck ``Deck`` written as JSON by orjson, and the world's country polygons serialised once.

pydeck writes ``indent=2``, which makes ``json`` fall back to its pure-Python encoder: a
world map's polygons and a large map's arcs took tenths of a second. ``Deck`` writes the
same keys and values (so the same spec) in C, and a ``CountryLayer``'s data from the
geometry's text serialised once per process (``_feature_json``).
"""

from __future__ import annotations

import json
from functools import lru_cache

import orjson
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from places.centroids import GEOJSON

GEOJSON_PATH = GEOJSON  # the shapes the country centroids are computed from
_COMPACT = {"sort_keys": True, "separators": (",", ":")}


class Deck(pdk.Deck):
    """A ``pdk.Deck`` whose JSON is written by orjson (C, no indent)."""

    def to_json(self) -> str:
        def default(o: object) -> object:
            attrs = default_serialize(o)
            if isinstance(o, CountryLayer) and isinstance(attrs, dict):
                attrs["data"] = orjson.Fragment(o.data_json())  # written once per process
            return attrs

        return orjson.dumps(self, default=default,
                            option=orjson.OPT_SORT_KEYS | orjson.OPT_SERIALIZE_NUMPY).decode("utf-8")


class CountryLayer(pdk.Layer):
    """The GeoJsonLayer of the world's countries (``map_layers.country_layer``): its JSON is
    the same as a ``pdk.Layer``'s, its polygons written from text serialised once per process."""

    def data_json(self) -> str:
        """``json.dumps`` of the layer's data (sorted keys, compact), the geometry reused."""
        world = self.data
        parts = [json.dumps(value, **_COMPACT) for key, value in sorted(world.items()) if key != "features"]
        keys = sorted(world)
        features = ",".join(
            head + json.dumps(feature["properties"], **_COMPACT) + tail
            for feature, (head, tail) in zip(world["features"], _feature_json(), strict=True)
        )
        out = []
        for key in keys:
            value = "[" + features + "]" if key == "features" else parts.pop(0)
            out.append(json.dumps(key) + ":" + value)
        return "{" + ",".join(out) + "}"


@lru_cache(maxsize=1)
def world() -> dict:
    """The bundled world's countries (GeoJSON), read once; never modified."""
    return json.loads(GEOJSON_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _feature_json() -> tuple[tuple[str, str], ...]:
    """Per feature of the world: its JSON text before and after the properties' value."""
    out = []
    for feature in world()["features"]:
        keys = sorted(feature)
        cut = keys.index("properties")
        head = [json.dumps(k) + ":" + json.dumps(feature[k], **_COMPACT) for k in keys[:cut]]
        tail = [json.dumps(k) + ":" + json.dumps(feature[k], **_COMPACT) for k in keys[cut + 1:]]
        out.append(("{" + "".join(h + "," for h in head) + '"properties":',
                    "".join("," + t for t in tail) + "}"))
    return tuple(out)
