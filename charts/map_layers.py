"""The layers of the offline maps: ocean, countries, partner points, arcs, home
institutions and their labels (placed so that no two overlap)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pydeck as pdk

from charts.deck_json import CountryLayer, world
from charts.theme import (
    BORDER_RGB,
    INSTITUTION_COLORS,
    NO_DATA_RGB,
    OCEAN_RGB,
    OTHER_INSTITUTIONS_COLOR,
    PARTNER_TYPE_COLORS,
    SEQUENTIAL_RGB,
    hex_to_rgb,
)
from charts.viewport import to_pixels
from core.missing import is_missing
from i18n import fmt, t

# Drawn whatever lies "nearer" (deck.gl tests depth: an arc's raised middle would hide a
# point drawn after it); arcs write no depth, so later layers always draw over them.
ON_TOP = {"depthCompare": "always", "depthWriteEnabled": False}
NO_DEPTH_WRITE = {"depthWriteEnabled": False}


def shade(value: float, maximum: float) -> list[int]:
    """Sequential colour (RGBA) for ``value`` out of ``maximum``; grey for none."""
    if not value or maximum <= 0:
        return [*NO_DATA_RGB, 255]
    steps = len(SEQUENTIAL_RGB)
    # Square-root scale: one country with many partners does not wash out the rest.
    index = min(steps - 1, int(math.sqrt(value / maximum) * steps - 1e-9))
    return [*SEQUENTIAL_RGB[index], 235]


def _fmt(value: float | int, lang: str = "en") -> str:
    value = float(value or 0)
    return fmt.number(value, lang, 0 if value.is_integer() else 1)


def _text(value: object) -> str:
    if is_missing(value):
        return ""
    return str(value)


def country_layer(
    counts: dict[str, int | float],
    *,
    noun_key: str,
    lang: str = "en",
    names: dict[str, str] | None = None,
    layer_id: str = "countries",
    pickable: bool = True,
) -> pdk.Layer:
    """Country polygons shaded by ``counts`` (ISO alpha-3 -> number).

    ``pickable``: a tooltip per country. A map whose points are clicked keeps it off: the
    world's polygons in deck.gl's picking pass made a press last over a second in a
    software-rendered browser, too long to count as a click.
    """
    names = names or {}
    source = world()
    maximum = max([float(v) for v in counts.values()] or [0])
    # New features and properties around the shared geometry (never modified).
    features = []
    for feature in source["features"]:
        props = {k: v for k, v in feature["properties"].items() if k != "continent"}  # never shown
        code = props.get("iso_a3")
        value = counts.get(code, 0)
        props["fill"] = shade(float(value or 0), maximum)
        # Every country's tooltip in the language, not only the ones with partners.
        props["name"] = names.get(code) or (fmt.country(code, lang) if code and code != "-99" else props.get("name", ""))
        props["kind"] = fmt.plural(noun_key, float(value or 0), lang, n=_fmt(value, lang))
        props["place"] = ""
        props["detail"] = ""
        features.append({**feature, "properties": props})
    return CountryLayer(
        "GeoJsonLayer",
        data={**source, "features": features},
        id=layer_id,
        stroked=True,
        filled=True,
        get_fill_color="properties.fill",
        get_line_color=[*BORDER_RGB, 255],
        line_width_min_pixels=0.6,
        pickable=pickable,
        auto_highlight=pickable,
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


# Home institutions ------------------------------------------------------------------------


def institution_colors(institutions: pd.DataFrame, links: pd.DataFrame | None = None) -> dict[str, str]:
    """Hex colour per placed home institution: up to ten told apart, in table order; with
    more, the nine with most partner links keep a colour of their own (in table order) and
    the others share ``OTHER_INSTITUTIONS_COLOR`` (one legend entry says how many)."""
    homes = [str(i) for i in institutions.dropna(subset=["lat", "lon"])["institution_id"]]
    if len(homes) <= len(INSTITUTION_COLORS):
        return {home: INSTITUTION_COLORS[i] for i, home in enumerate(homes)}
    counts = links["institution_id"].value_counts() if links is not None and len(links) else pd.Series(dtype=int)
    ranked = sorted(range(len(homes)), key=lambda i: (-int(counts.get(homes[i], 0)), i))
    own = sorted(ranked[: len(INSTITUTION_COLORS) - 1])
    colors = {home: OTHER_INSTITUTIONS_COLOR for home in homes}
    for k, i in enumerate(own):
        colors[homes[i]] = INSTITUTION_COLORS[k]
    return colors


def home_points(institutions: pd.DataFrame, colors: dict[str, str], lang: str,
                country_names: dict[str, str]) -> list[dict]:
    """One point per placed home institution; institutions in one city set around it."""
    from charts.viewport import spread_overlaps

    homes = institutions.dropna(subset=["lat", "lon"]).reset_index(drop=True)
    positions = spread_overlaps([[float(r["lon"]), float(r["lat"])] for r in homes.to_dict("records")], step=0.45)
    return [
        {
            "institution_id": str(r["institution_id"]),
            "position": position,
            "color": [*hex_to_rgb(colors[str(r["institution_id"])]), 235],
            "name": str(r.get("name") or r.get("short_name")),
            "label": str(r.get("short_name") or r.get("institution_id") or ""),
            "kind": t("page.partners.map_home", lang),
            "place": ", ".join(p for p in [_text(r.get("city")), country_names.get(r.get("country"), "")] if p),
            "detail": "",
        }
        for r, position in zip(homes.to_dict("records"), positions, strict=True)
    ]


def label_box(x: float, y: float, text: str, size: float) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) in pixels of ``text`` centred at (x, y) in a bold sans
    font of ``size`` px, with its white outline (a generous estimate: 0.62 em per letter)."""
    half_w = (0.62 * size * max(len(text), 1) + 6) / 2
    half_h = (1.25 * size) / 2
    return x - half_w, y - half_h, x + half_w, y + half_h


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(points: list[dict], zoom: float, size: float, radius: float,
                 order: list[int] | None = None) -> list[list[float] | None]:
    """A pixel offset [dx, dy] for each point's ``label`` so that no label covers another
    label or a home point at the map's first view (``zoom``); ``None`` when no place is
    free (the point's tooltip and the legend still name it). Points are labelled in
    ``order`` (first the most important); for each, tried in turn: above, below, right,
    left, the four corners, then further above and below."""
    centres = [to_pixels(p["position"][0], p["position"][1], zoom) for p in points]
    discs = [(x - radius, y - radius, x + radius, y + radius) for x, y in centres]
    placed: list[tuple[float, float, float, float]] = []
    out: list[list[float] | None] = [None] * len(points)
    gap = 4.0
    for i in (order if order is not None else range(len(points))):
        (x, y), point = centres[i], points[i]
        left, top, right, bottom = label_box(0, 0, point["label"], size)
        half_w, half_h = right, bottom
        up, down = -(radius + half_h + gap), radius + half_h + gap
        side = radius + half_w + gap
        candidates = [(0, up), (0, down), (side, 0), (-side, 0), (side, up), (-side, up),
                      (side, down), (-side, down), (0, up - 2 * half_h - gap), (0, down + 2 * half_h + gap)]
        choice = None
        for dx, dy in candidates:
            box = label_box(x + dx, y + dy, point["label"], size)
            if any(_overlap(box, other) for other in placed):
                continue
            if any(_overlap(box, disc) for j, disc in enumerate(discs) if j != i):
                continue
            choice = [float(dx), float(dy)]
            placed.append(box)
            break
        out[i] = choice
    return out


def home_layers(points: list[dict], zoom: float, presenting: bool) -> list[pdk.Layer]:
    """The home institutions' points and their names, drawn over the arcs."""
    if not points:
        return []
    radius = 11 if presenting else 9
    size = 18 if presenting else 14
    grey = [*hex_to_rgb(OTHER_INSTITUTIONS_COLOR)]
    # Institutions with a colour of their own are named first; the grey group after them.
    order = sorted(range(len(points)), key=lambda i: points[i]["color"][:3] == grey)
    offsets = place_labels(points, zoom, size, radius + 2.5, order)
    labels = [{**p, "offset": offset} for p, offset in zip(points, offsets, strict=True) if offset is not None]
    layers = [
        pdk.Layer(
            "ScatterplotLayer",
            data=points,
            id="institutions",
            get_position="position",
            get_radius=radius,
            radius_units='"pixels"',
            get_fill_color="color",
            get_line_color=[27, 31, 36, 255],
            line_width_min_pixels=2.5,
            stroked=True,
            pickable=True,
            parameters=ON_TOP,
        )
    ]
    if labels:
        layers.append(
            pdk.Layer(
                "TextLayer",
                data=labels,
                id="institution-labels",
                get_position="position",
                get_text="label",
                get_size=size,
                get_color=[27, 31, 36, 255],
                get_pixel_offset="offset",
                font_weight=700,
                outline_width=3,
                outline_color=[255, 255, 255, 255],
                font_settings={"sdf": True},
                pickable=False,
                parameters=ON_TOP,
            )
        )
    return layers


# Partners -----------------------------------------------------------------------------------


def _column(frame: pd.DataFrame, name: str, absent: object = None) -> list:
    """A column's values as ``to_dict("records")`` gives them (``absent`` when it is not there)."""
    return frame[name].tolist() if name in frame.columns else [absent] * len(frame)


def partner_points(placed: pd.DataFrame, positions: list[list[float]], lang: str,
                   country_names: dict[str, str], presenting: bool,
                   details: dict[str, str] | None = None) -> list[dict]:
    """One scatter point per placed partner, from whole columns: the texts and colours per
    type and per (agreements, activity) made once each. ``details``: the tooltip's last
    line per partner id instead of "n agreements, n links in view"."""
    activities = [int(a or 0) for a in _column(placed, "activity")]
    top_activity = max(activities or [1]) or 1
    extra = 4 if presenting else 0
    kinds = [k or "other" for k in _column(placed, "type")]
    colors = {k: [*hex_to_rgb(PARTNER_TYPE_COLORS.get(k, "#7f7f7f")), 235] for k in set(kinds)}
    kind_text = {k: t(f"enum.partner_type.{k}", lang) for k in colors}
    texts: dict[tuple[int, int], str] = {}
    points = []
    for kind, activity, position, partner_id, name, city, country, agreements in zip(
            kinds, activities, positions, _column(placed, "partner_id", ""), _column(placed, "name", ""),
            _column(placed, "city"), _column(placed, "country"), _column(placed, "agreements"), strict=True):
        if details is not None:
            detail = details.get(str(partner_id), "")
        else:
            n_agreements = int(agreements or 0)
            detail = texts.get((n_agreements, activity))
            if detail is None:
                detail = texts[(n_agreements, activity)] = ", ".join((
                    fmt.plural("page.partners.map_point_agreements", n_agreements, lang),
                    fmt.plural("page.partners.map_point_links", activity, lang)))
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


def partner_layer(points: list[dict]) -> pdk.Layer:
    return pdk.Layer(
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


def partner_arcs(placed: pd.DataFrame, points: list[dict], homes: list[dict],
                 links: pd.DataFrame, lang: str) -> list[dict]:
    """One arc per home and partner place: partners in one city share an arc, so a
    ministry-wide dataset draws hundreds of arcs, not tens of thousands.

    The links are matched to their partner's point and grouped by (home, place) with
    pandas (first link's order kept); a dict is written per arc only."""
    home_by_id = {h["institution_id"]: h for h in homes}
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
    arcs = []
    for group, row in enumerate(first_row.tolist()):
        institution_id, point = institution[row], points[int(target[row])]
        home, many = home_by_id[institution_id], sizes[group] > 1
        arcs.append(
            {
                "source": list(home["position"]),
                "target": point["position"],
                "source_color": home["color"][:3] + [160],
                "target_color": point["color"][:3] + [160],
                "name": f"{home['label']} → {point['place'] if many else point['name']}",
                "kind": fmt.plural("page.partners.map_country_tip", int(sizes[group]), lang) if many
                else point["kind"],
                "place": point["place"],
                "detail": "" if many else point["detail"],
            }
        )
    return arcs


def arc_layer(arcs: list[dict], presenting: bool) -> pdk.Layer:
    return pdk.Layer(
        "ArcLayer",
        data=arcs,
        id="arcs",
        get_source_position="source",
        get_target_position="target",
        get_source_color="source_color",
        get_target_color="target_color",
        get_width=2.5 if presenting else 1.5,
        get_height=0.5,
        great_circle=False,
        pickable=True,
        parameters=NO_DEPTH_WRITE,
    )
