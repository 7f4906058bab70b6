"""Offline world maps (pydeck): the partners map and a shaded country map, composed of the
layers in ``charts.map_layers``, framed by ``charts.viewport``, written by ``charts.deck_json``.
No tile server: the country polygons ship with the app (``map_provider=None``)."""

from __future__ import annotations

import pandas as pd
import pydeck as pdk

from charts.deck_json import Deck
from charts.map_layers import (
    _text,
    arc_layer,
    country_layer,
    home_layers,
    home_points,
    institution_colors,
    ocean_layer,
    partner_arcs,
    partner_layer,
    partner_points,
)
from charts.theme import OTHER_INSTITUTIONS_COLOR, PARTNER_TYPE_COLORS
from charts.viewport import WORLD_VIEW, country_bounds_points, fit_view, spread_overlaps
from i18n import t

TOOLTIP_HTML = "<b>{name}</b><br/>{kind}<br/>{place}<br/>{detail}"
TOOLTIP_STYLE = {
    "backgroundColor": "#1b1f24",
    "color": "white",
    "fontSize": "14px",
    "padding": "8px",
}
# One world: never repeated east and west (a wide page would show every partner twice).
MAP_VIEWS = [pdk.View(type="MapView", controller=True, repeat=False)]


def _tooltip(presenting: bool = False) -> dict:
    style = dict(TOOLTIP_STYLE)
    if presenting:
        style.update(fontSize="20px", padding="12px")
    return {"html": TOOLTIP_HTML, "style": style}


def partner_map(
    partners: pd.DataFrame,
    institutions: pd.DataFrame,
    links: pd.DataFrame,
    *,
    lang: str = "en",
    country_names: dict[str, str] | None = None,
    presenting: bool = False,
    height: int = 560,
    country_counts: dict[str, int | float] | None = None,
    country_noun_key: str = "page.partners.map_country_tip",
    point_details: dict[str, str] | None = None,
    clickable: bool = True,
) -> pdk.Deck:
    """World map of partners, arcs from the home institutions.

    partners: partner_id, name, type, city, country, lat, lon, activity, agreements.
    institutions: institution_id, short_name, name, city, country, lat, lon.
    links: institution_id, partner_id (one arc each; one per home and place drawn).
    Countries are shaded by ``country_counts`` (default: partners per country, named by
    ``country_noun_key`` in their tooltips), points sized by activity and coloured by type;
    ``point_details``: each partner's last tooltip line by partner id. ``clickable``: the
    points are clicked to pick partners (the country polygons then take no part in picking).
    Layers bottom to top: ocean, countries, arcs, partners, home institutions, their names.
    """
    country_names = country_names or {}
    placed = partners.dropna(subset=["lat", "lon"]).copy()
    colors = institution_colors(institutions, links)
    homes = home_points(institutions, colors, lang, country_names)

    if country_counts is None:
        country_counts = partners.groupby("country")["partner_id"].nunique().to_dict() if len(partners) else {}
    layers = [ocean_layer(), country_layer(country_counts, noun_key=country_noun_key, lang=lang,
                                           names=country_names, pickable=not clickable)]
    positions = spread_overlaps([[float(lon), float(lat)] for lon, lat in zip(placed["lon"], placed["lat"], strict=True)])
    points = partner_points(placed, positions, lang, country_names, presenting, point_details)
    arcs = partner_arcs(placed, points, homes, links, lang)
    if arcs:
        layers.append(arc_layer(arcs, presenting))
    if points:
        layers.append(partner_layer(points))
    view = fit_view([p["position"] for p in points] + [h["position"] for h in homes], height=height)
    layers += home_layers(homes, view.zoom, presenting)
    return Deck(
        layers=layers,
        initial_view_state=view,
        views=MAP_VIEWS,
        map_provider=None,
        tooltip=_tooltip(presenting),
        height=height,
    )


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


def institution_legend(institutions: pd.DataFrame, links: pd.DataFrame | None = None,
                       lang: str = "en") -> list[tuple[str, str]]:
    """(short name, hex colour) per home institution with a colour of its own, as the
    arcs start; then "Other institutions (n)" for those sharing the grey."""
    colors = institution_colors(institutions, links)
    homes = institutions.dropna(subset=["lat", "lon"])
    names = dict(zip(homes["institution_id"].astype(str), homes["short_name"], strict=True))
    own = [(_text(names[i]) or i, c) for i, c in colors.items() if c != OTHER_INSTITUTIONS_COLOR]
    others = len(colors) - len(own)
    if others:
        own.append((t("page.partners.legend_other_homes", lang, n=others), OTHER_INSTITUTIONS_COLOR))
    return own
