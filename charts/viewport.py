"""Web-Mercator framing of the offline maps: the view that shows given places, what a view
shows, where a place is drawn in pixels, and places set apart when they coincide."""

from __future__ import annotations

import math

import pydeck as pdk

from charts.deck_json import world

TILE_PX = 512  # deck.gl's world width in pixels at zoom 0 (Web Mercator)
MAX_LAT = 85.0
# The narrowest main column a map is drawn in (px): the fit leaves room on wider screens.
FRAME_WIDTH = 760
WORLD_VIEW = pdk.ViewState(latitude=35, longitude=40, zoom=1.3)


def _mercator_y(lat: float) -> float:
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _mercator_lat(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


def fit_view(points: list[list[float]], width: int = FRAME_WIDTH, height: int = 560,
             margin: float = 0.16, max_zoom: float = 5.0) -> pdk.ViewState:
    """The view that shows every point ([lon, lat]) in a ``width`` x ``height`` frame,
    with ``margin`` of the frame left free on each side (Web Mercator, as deck.gl draws).

    One point (or points in one place) gets a regional view around it, never a street.
    """
    if not points:
        return WORLD_VIEW
    lons = [p[0] for p in points]
    ys = [_mercator_y(p[1]) for p in points]
    lon_span = max(lons) - min(lons)
    y_span = max(ys) - min(ys)
    usable_w, usable_h = width * (1 - 2 * margin), height * (1 - 2 * margin)
    zooms = [max_zoom]
    if lon_span > 0:
        zooms.append(math.log2(usable_w * 360 / (TILE_PX * lon_span)))
    if y_span > 0:
        zooms.append(math.log2(usable_h * 2 * math.pi / (TILE_PX * y_span)))
    zoom = max(0.0, min(zooms))
    return pdk.ViewState(
        longitude=(max(lons) + min(lons)) / 2,
        latitude=_mercator_lat((max(ys) + min(ys)) / 2),
        zoom=round(zoom, 3),
    )


def view_bounds(view: dict, width: int, height: int) -> tuple[float, float, float, float]:
    """(west, south, east, north) a view state shows in a ``width`` x ``height`` canvas
    (the inverse of ``fit_view``; the tests read a drawn deck with it)."""
    scale = TILE_PX * 2 ** float(view["zoom"])
    half_lon = width / 2 * 360 / scale
    y_mid = _mercator_y(float(view["latitude"]))
    half_y = height / 2 * 2 * math.pi / scale
    return (float(view["longitude"]) - half_lon, _mercator_lat(y_mid - half_y),
            float(view["longitude"]) + half_lon, _mercator_lat(y_mid + half_y))


def to_pixels(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    """[lon, lat] in the world's pixels at ``zoom`` (x east, y south, from the top-left)."""
    scale = TILE_PX * 2 ** float(zoom)
    return (lon + 180) / 360 * scale, (math.pi - _mercator_y(lat)) / (2 * math.pi) * scale


def spread_overlaps(positions: list[list[float]], step: float = 0.35) -> list[list[float]]:
    """Points that share a place are set around it on a small ring (``step`` degrees per
    point), so partners in one city, or placed at one country's centre, stay readable."""
    seen: dict[tuple[float, float], list[int]] = {}
    for i, (lon, lat) in enumerate(positions):
        seen.setdefault((round(lon, 4), round(lat, 4)), []).append(i)
    out = [list(p) for p in positions]
    for (lon, lat), members in seen.items():
        if len(members) < 2:
            continue
        radius = step * (1 + len(members) / 8)
        for k, i in enumerate(members):
            angle = 2 * math.pi * k / len(members)
            out[i] = [lon + radius * math.cos(angle) / max(0.2, math.cos(math.radians(lat))),
                      lat + radius * math.sin(angle)]
    return out


def country_bounds_points(codes: list[str]) -> list[list[float]]:
    """Two corners of the largest polygon of each country (ISO alpha-3) on the bundled map."""
    wanted = set(codes)
    out: list[list[float]] = []
    for feature in world()["features"]:
        if feature["properties"].get("iso_a3") not in wanted:
            continue
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        largest = max(polygons, key=lambda poly: len(poly[0]))
        lons = [c[0] for c in largest[0]]
        lats = [c[1] for c in largest[0]]
        out += [[min(lons), min(lats)], [max(lons), max(lats)]]
    return out
