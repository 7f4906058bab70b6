"""Offline world maps (pydeck): country polygons from the shipped GeoJSON, no tile server."""

from __future__ import annotations

import json
import math
from functools import lru_cache

import numpy as np
import orjson
import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from charts.theme import (
    BORDER_RGB,
    INSTITUTION_COLORS,
    NO_DATA_RGB,
    OCEAN_RGB,
    PARTNER_TYPE_COLORS,
    SEQUENTIAL_RGB,
    hex_to_rgb,
)
from i18n import fmt, t
from places.centroids import GEOJSON

GEOJSON_PATH = GEOJSON  # the shapes the country centroids are computed from
TOOLTIP_HTML = "<b>{name}</b><br/>{kind}<br/>{place}<br/>{detail}"
TOOLTIP_STYLE = {
    "backgroundColor": "#1b1f24",
    "color": "white",
    "fontSize": "14px",
    "padding": "8px",
}
WORLD_VIEW = pdk.ViewState(latitude=35, longitude=40, zoom=1.3)
# The world repeats east and west, so a wide page never shows an empty band beside it.
MAP_VIEWS = [pdk.View(type="MapView", controller=True, repeat=True)]


class Deck(pdk.Deck):
    """A ``pdk.Deck`` whose JSON is written by orjson (C, no indent).

    pydeck writes ``indent=2``, which makes ``json`` fall back to its pure-Python encoder:
    ~0.2 s per world map for the polygons, and even the C one took ~60 ms for the 12k
    arcs of 100k visits. The same keys and values, so the same spec.
    A country layer's data is written from its features' geometry serialised once per
    process (``_feature_json``): the same text ``json.dumps`` writes for it.
    """

    def to_json(self) -> str:
        def default(o: object) -> object:
            attrs = default_serialize(o)
            if isinstance(o, CountryLayer) and isinstance(attrs, dict):
                attrs["data"] = orjson.Fragment(o.data_json())  # written once per process
            return attrs

        # orjson (C) writes the arcs and points of a large map ~10x quicker than json.
        return orjson.dumps(self, default=default,
                            option=orjson.OPT_SORT_KEYS | orjson.OPT_SERIALIZE_NUMPY).decode("utf-8")


_COMPACT = {"sort_keys": True, "separators": (",", ":")}


class CountryLayer(pdk.Layer):
    """The GeoJsonLayer of the world's countries (``country_layer``): its JSON is the same
    as a ``pdk.Layer``'s, its polygons written from text serialised once per process."""

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
def _feature_json() -> tuple[tuple[str, str], ...]:
    """Per feature of the world: its JSON text before and after the properties' value."""
    out = []
    for feature in _world()["features"]:
        keys = sorted(feature)
        cut = keys.index("properties")
        head = [json.dumps(k) + ":" + json.dumps(feature[k], **_COMPACT) for k in keys[:cut]]
        tail = [json.dumps(k) + ":" + json.dumps(feature[k], **_COMPACT) for k in keys[cut + 1:]]
        out.append(("{" + "".join(h + "," for h in head) + '"properties":',
                    "".join("," + t for t in tail) + "}"))
    return tuple(out)


def _tooltip(present: bool = False) -> dict:
    style = dict(TOOLTIP_STYLE)
    if present:
        style.update(fontSize="20px", padding="12px")
    return {"html": TOOLTIP_HTML, "style": style}


@lru_cache(maxsize=1)
def _world() -> dict:
    return json.loads(GEOJSON_PATH.read_text(encoding="utf-8"))


def shade(value: float, maximum: float) -> list[int]:
    """Sequential colour (RGBA) for ``value`` out of ``maximum``; grey for none."""
    if not value or maximum <= 0:
        return [*NO_DATA_RGB, 255]
    steps = len(SEQUENTIAL_RGB)
    # Square-root scale: one country with many partners does not wash out the rest.
    index = min(steps - 1, int(math.sqrt(value / maximum) * steps - 1e-9))
    return [*SEQUENTIAL_RGB[index], 235]


def country_layer(
    counts: dict[str, int | float],
    *,
    noun_key: str,
    lang: str = "en",
    names: dict[str, str] | None = None,
    layer_id: str = "countries",
) -> pdk.Layer:
    """Country polygons shaded by ``counts`` (ISO alpha-3 -> number)."""
    names = names or {}
    source = _world()
    maximum = max([float(v) for v in counts.values()] or [0])
    # New features and properties around the shared geometry (never modified): a deep
    # copy of the world's polygons cost ~60 ms per map.
    features = []
    for feature in source["features"]:
        props = {k: v for k, v in feature["properties"].items() if k != "continent"}  # never shown
        code = props.get("iso_a3")
        value = counts.get(code, 0)
        props["fill"] = shade(float(value or 0), maximum)
        # Every country's tooltip in the language, not only the ones with partners.
        props["name"] = names.get(code) or (fmt.country(code, lang) if code and code != "-99" else props.get("name", ""))
        props["kind"] = t(noun_key, lang, n=_fmt(value, lang))
        props["place"] = ""
        props["detail"] = ""
        features.append({**feature, "properties": props})
    world = {**source, "features": features}
    return CountryLayer(
        "GeoJsonLayer",
        data=world,
        id=layer_id,
        stroked=True,
        filled=True,
        get_fill_color="properties.fill",
        get_line_color=[*BORDER_RGB, 255],
        line_width_min_pixels=0.6,
        pickable=True,
        auto_highlight=True,
        highlight_color=[255, 255, 255, 60],
    )


def ocean_layer() -> pdk.Layer:
    """A pale-blue rectangle under the countries, so land reads as land without tiles."""
    return pdk.Layer(
        "SolidPolygonLayer",
        data=[{"polygon": [[-180, -85], [180, -85], [180, 85], [-180, 85]]}],
        id="ocean",
        get_polygon="polygon",
        get_fill_color=[*OCEAN_RGB, 255],
        pickable=False,
    )


def _fmt(value: float | int, lang: str = "en") -> str:
    value = float(value or 0)
    return fmt.number(value, lang, 0 if value.is_integer() else 1)


TILE_PX = 512  # deck.gl's world width in pixels at zoom 0 (Web Mercator)
MAX_LAT = 85.0
# The narrowest main column a map is drawn in (px): the fit leaves room on wider screens.
FRAME_WIDTH = 760


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
    for feature in _world()["features"]:
        if feature["properties"].get("iso_a3") not in wanted:
            continue
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        largest = max(polygons, key=lambda poly: len(poly[0]))
        lons = [c[0] for c in largest[0]]
        lats = [c[1] for c in largest[0]]
        out += [[min(lons), min(lats)], [max(lons), max(lats)]]
    return out


def partner_map(
    partners: pd.DataFrame,
    institutions: pd.DataFrame,
    links: pd.DataFrame,
    *,
    lang: str = "en",
    country_names: dict[str, str] | None = None,
    present: bool = False,
    height: int = 560,
) -> pdk.Deck:
    """World map of partners.

    partners: partner_id, name, type, city, country, lat, lon, activity, agreements.
    institutions: institution_id, short_name, name, city, country, lat, lon.
    links: institution_id, partner_id (one arc each).
    Countries are shaded by partner count, points sized by activity and coloured by type.
    """
    country_names = country_names or {}
    placed = partners.dropna(subset=["lat", "lon"]).copy()
    homes = institutions.dropna(subset=["lat", "lon"]).reset_index(drop=True)
    home_color = {
        row.institution_id: [*hex_to_rgb(INSTITUTION_COLORS[i % len(INSTITUTION_COLORS)]), 230]
        for i, row in enumerate(homes.itertuples())
    }

    counts = partners.groupby("country")["partner_id"].nunique().to_dict() if len(partners) else {}
    layers = [ocean_layer(), country_layer(counts, noun_key="page.partners.map_country_tip", lang=lang, names=country_names)]

    placed_positions = spread_overlaps([[float(lon), float(lat)] for lon, lat in zip(placed["lon"], placed["lat"],
                                                                                    strict=True)])
    points = _partner_points(placed, placed_positions, lang, country_names, present)
    arcs = _partner_arcs(placed, points, homes, home_color, links, lang)
    if arcs:
        layers.append(
            pdk.Layer(
                "ArcLayer",
                data=arcs,
                id="arcs",
                get_source_position="source",
                get_target_position="target",
                get_source_color="source_color",
                get_target_color="target_color",
                get_width=2.5 if present else 1.5,
                get_height=0.5,
                great_circle=False,
                pickable=True,
            )
        )
    if points:
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                data=points,
                id="partners",
                get_position="position",
                get_radius="radius",
                radius_units='"pixels"',
                get_fill_color="color",
                get_line_color=[255, 255, 255, 255],
                line_width_min_pixels=1.2,
                stroked=True,
                pickable=True,
                auto_highlight=True,
            )
        )
    home_points = [
        {
            "position": [float(r["lon"]), float(r["lat"])],
            "color": home_color[r["institution_id"]],
            "name": str(r.get("name") or r.get("short_name")),
            "label": str(r.get("short_name") or ""),
            "kind": t("page.partners.map_home", lang),
            "place": ", ".join(p for p in [_text(r.get("city")), country_names.get(r.get("country"), "")] if p),
            "detail": "",
        }
        for r in homes.to_dict("records")
    ]
    if home_points:
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                data=home_points,
                id="institutions",
                get_position="position",
                get_radius=11 if present else 9,
                radius_units='"pixels"',
                get_fill_color="color",
                get_line_color=[27, 31, 36, 255],
                line_width_min_pixels=2.5,
                stroked=True,
                pickable=True,
            )
        )

    if home_points:
        # Home institutions named on the map (the legend under it gives their colours).
        layers.append(
            pdk.Layer(
                "TextLayer",
                data=home_points,
                id="institution-labels",
                get_position="position",
                get_text="label",
                get_size=18 if present else 14,
                get_color=[27, 31, 36, 255],
                get_pixel_offset=[0, -18],
                font_weight=700,
                outline_width=3,
                outline_color=[255, 255, 255, 255],
                font_settings={"sdf": True},
                pickable=False,
            )
        )

    view = fit_view([p["position"] for p in points] + [h["position"] for h in home_points], height=height)
    return Deck(
        layers=layers,
        initial_view_state=view,
        views=MAP_VIEWS,
        map_provider=None,
        tooltip=_tooltip(present),
        height=height,
    )


def _column(frame: pd.DataFrame, name: str, absent: object = None) -> list:
    """A column's values as ``to_dict("records")`` gives them (``absent`` when it is not there)."""
    return frame[name].tolist() if name in frame.columns else [absent] * len(frame)


def _partner_points(placed: pd.DataFrame, positions: list[list[float]], lang: str,
                    country_names: dict[str, str], present: bool) -> list[dict]:
    """One scatter point per placed partner (``partner_map``), from whole columns: the
    texts and colours per type and per (agreements, activity) made once each."""
    activities = [int(a or 0) for a in _column(placed, "activity")]
    top_activity = max(activities or [1]) or 1
    extra = 4 if present else 0
    kinds = [k or "other" for k in _column(placed, "type")]
    colors = {k: [*hex_to_rgb(PARTNER_TYPE_COLORS.get(k, "#7f7f7f")), 235] for k in set(kinds)}
    kind_text = {k: t(f"enum.partner_type.{k}", lang) for k in colors}
    details: dict[tuple[int, int], str] = {}
    points = []
    for kind, activity, position, partner_id, name, city, country, agreements in zip(
            kinds, activities, positions, _column(placed, "partner_id", ""), _column(placed, "name", ""),
            _column(placed, "city"), _column(placed, "country"), _column(placed, "agreements"), strict=True):
        n_agreements = int(agreements or 0)
        detail = details.get((n_agreements, activity))
        if detail is None:
            detail = details[(n_agreements, activity)] = t(
                "page.partners.map_point_tip", lang, agreements=n_agreements, activity=activity)
        points.append({
            "position": position,
            # Area grows with activity: 5 px for none, up to 17 px (21 on a projector).
            "radius": 5 + 12 * math.sqrt(activity / top_activity) + extra,
            "color": list(colors[kind]),
            "partner_id": str(partner_id),
            "name": str(name),
            "kind": kind_text[kind],
            "place": ", ".join(p for p in [_text(city), country_names.get(country, _text(country))] if p),
            "detail": detail,
        })
    return points


def _partner_arcs(placed: pd.DataFrame, points: list[dict], homes: pd.DataFrame, home_color: dict,
                  links: pd.DataFrame, lang: str) -> list[dict]:
    """One arc per home and partner place (``partner_map``): partners in one city share an
    arc, so a ministry-wide dataset draws hundreds of arcs, not tens of thousands.

    The links are matched to their partner's point and grouped by (home, place) with
    pandas (first link's order kept); a dict is written per arc only."""
    home_by_id = {rec["institution_id"]: rec for rec in homes.to_dict("records")}
    if links.empty or not points or not home_by_id:
        return []
    point_of = pd.Series(np.arange(len(points)), index=placed["partner_id"].to_numpy())
    point_of = point_of[~point_of.index.duplicated(keep="last")]  # as dict(zip(...)) keeps the last
    target = pd.Series(links["partner_id"].to_numpy()).map(point_of)
    keep = target.notna().to_numpy() & links["institution_id"].isin(list(home_by_id)).to_numpy()
    if not keep.any():
        return []
    target = target[keep].to_numpy(dtype=np.int64)
    institution = links["institution_id"].to_numpy(dtype=object)[keep]
    positions = [point["position"] for point in points]
    width = max(map(len, positions))
    place = (np.array(positions, dtype="float64") if min(map(len, positions)) == width else
             np.array([list(p) + [np.nan] * (width - len(p)) for p in positions], dtype="float64"))[target]
    keys = pd.DataFrame({"institution": institution, **{f"p{d}": place[:, d] for d in range(width)}})
    groups = keys.groupby(list(keys.columns), sort=False, dropna=False)
    first = groups.ngroup().to_numpy()
    _, first_row = np.unique(first, return_index=True)
    sizes = np.bincount(first)
    sources = {i: [float(h["lon"]), float(h["lat"])] for i, h in home_by_id.items()}
    source_colors = {i: c[:3] + [160] for i, c in home_color.items()}
    arcs = []
    for group, row in enumerate(first_row.tolist()):
        institution_id, point = institution[row], points[int(target[row])]
        home, many = home_by_id[institution_id], sizes[group] > 1
        arcs.append(
            {
                "source": list(sources[institution_id]),
                "target": point["position"],
                "source_color": list(source_colors[institution_id]),
                "target_color": point["color"][:3] + [160],
                "name": f"{home['short_name']} → {point['place'] if many else point['name']}",
                "kind": t("page.partners.map_country_tip", lang, n=_fmt(int(sizes[group]), lang)) if many
                else point["kind"],
                "place": point["place"],
                "detail": "" if many else point["detail"],
            }
        )
    return arcs


def country_map(
    counts: dict[str, int | float],
    *,
    noun_key: str,
    lang: str = "en",
    country_names: dict[str, str] | None = None,
    height: int = 460,
    width: int = 560,
    extra_points: list[list[float]] | None = None,
) -> pdk.Deck:
    """World map with countries shaded by ``counts`` (e.g. students per country), framed
    to the countries shown (and ``extra_points`` [lon, lat], e.g. the home institutions)."""
    layer = country_layer(counts, noun_key=noun_key, lang=lang, names=country_names)
    shown = [code for code, value in counts.items() if value]
    frame = country_bounds_points(shown) + [list(p) for p in (extra_points or [])]
    return Deck(
        layers=[ocean_layer(), layer],
        initial_view_state=fit_view(frame, width=width, height=height) if frame else WORLD_VIEW,
        views=MAP_VIEWS,
        map_provider=None,
        tooltip=_tooltip(),
        height=height,
    )


def partner_type_legend(types: list[str], lang: str = "en") -> list[tuple[str, str]]:
    """(label, hex colour) per partner type shown on the map."""
    return [(t(f"enum.partner_type.{k}", lang), PARTNER_TYPE_COLORS.get(k, "#7f7f7f")) for k in types]


def institution_legend(institutions: pd.DataFrame) -> list[tuple[str, str]]:
    """(short name, hex colour) per home institution, as the arcs start."""
    homes = institutions.dropna(subset=["lat", "lon"]).reset_index(drop=True)
    return [
        (str(r.short_name), INSTITUTION_COLORS[i % len(INSTITUTION_COLORS)])
        for i, r in enumerate(homes.itertuples())
    ]


def _text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)
