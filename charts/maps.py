"""Offline world maps (pydeck): country polygons from the shipped GeoJSON, no tile server."""

from __future__ import annotations

import copy
import json
import math
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pydeck as pdk

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
from loaders.countries import country_name

GEOJSON_PATH = Path(__file__).resolve().parent.parent / "data" / "world_countries.geojson"
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
    world = copy.deepcopy(_world())
    maximum = max([float(v) for v in counts.values()] or [0])
    for feature in world["features"]:
        props = feature["properties"]
        code = props.get("iso_a3")
        value = counts.get(code, 0)
        props["fill"] = shade(float(value or 0), maximum)
        # Every country's tooltip in the language, not only the ones with partners.
        props["name"] = names.get(code) or (country_name(code, lang) if code and code != "-99" else props.get("name", ""))
        props.pop("continent", None)  # never shown
        props["kind"] = t(noun_key, lang, n=_fmt(value, lang))
        props["place"] = ""
        props["detail"] = ""
    return pdk.Layer(
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


def _view_for(points: list[list[float]]) -> pdk.ViewState:
    """A view that frames ``points`` ([lon, lat]), never closer than a region."""
    if len(points) < 2:
        return WORLD_VIEW
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    span = max(max(lons) - min(lons), (max(lats) - min(lats)) * 1.6, 1e-6)
    zoom = max(0.8, min(4.5, math.log2(360 / span) + 0.3))
    return pdk.ViewState(
        longitude=(max(lons) + min(lons)) / 2,
        latitude=max(-50, min(65, (max(lats) + min(lats)) / 2)),
        zoom=zoom,
    )


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

    points = []
    top_activity = max([int(a or 0) for a in placed.get("activity", [])] or [1]) or 1
    for rec in placed.to_dict("records"):
        kind = rec.get("type") or "other"
        activity = int(rec.get("activity") or 0)
        points.append(
            {
                "position": [float(rec["lon"]), float(rec["lat"])],
                # Area grows with activity: 5 px for none, up to 17 px (21 on a projector).
                "radius": 5 + 12 * math.sqrt(activity / top_activity) + (4 if present else 0),
                "color": [*hex_to_rgb(PARTNER_TYPE_COLORS.get(kind, "#7f7f7f")), 235],
                "name": str(rec.get("name", "")),
                "kind": t(f"enum.partner_type.{kind}", lang),
                "place": ", ".join(
                    p for p in [_text(rec.get("city")), country_names.get(rec.get("country"), _text(rec.get("country")))] if p
                ),
                "detail": t(
                    "page.partners.map_point_tip",
                    lang,
                    agreements=int(rec.get("agreements") or 0),
                    activity=activity,
                ),
            }
        )

    by_partner = {rec_id: p for rec_id, p in zip(placed["partner_id"], points, strict=True)}
    home_by_id = {rec["institution_id"]: rec for rec in homes.to_dict("records")}
    # One arc per home and partner place: partners in one city share an arc, so a
    # ministry-wide dataset draws hundreds of arcs, not tens of thousands.
    grouped: dict[tuple, list[dict]] = {}
    for institution_id, partner_id in zip(links["institution_id"], links["partner_id"], strict=True):
        target = by_partner.get(partner_id)
        if institution_id not in home_by_id or target is None:
            continue
        grouped.setdefault((institution_id, *target["position"]), []).append(target)
    arcs = []
    for (institution_id, *_position), targets in grouped.items():
        home, target = home_by_id[institution_id], targets[0]
        many = len(targets) > 1
        arcs.append(
            {
                "source": [float(home["lon"]), float(home["lat"])],
                "target": target["position"],
                "source_color": home_color[institution_id][:3] + [160],
                "target_color": target["color"][:3] + [160],
                "name": f"{home['short_name']} → {target['place'] if many else target['name']}",
                "kind": t("page.partners.map_country_tip", lang, n=_fmt(len(targets), lang)) if many else target["kind"],
                "place": target["place"],
                "detail": "" if many else target["detail"],
            }
        )
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

    view = _view_for([p["position"] for p in points] + [h["position"] for h in home_points])
    return pdk.Deck(
        layers=layers,
        initial_view_state=view,
        views=MAP_VIEWS,
        map_provider=None,
        tooltip=_tooltip(present),
        height=height,
    )


def country_map(
    counts: dict[str, int | float],
    *,
    noun_key: str,
    lang: str = "en",
    country_names: dict[str, str] | None = None,
    height: int = 460,
) -> pdk.Deck:
    """World map with countries shaded by ``counts`` (e.g. students per country)."""
    layer = country_layer(counts, noun_key=noun_key, lang=lang, names=country_names)
    return pdk.Deck(
        layers=[ocean_layer(), layer],
        initial_view_state=WORLD_VIEW,
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
