"""The partner world map as a PNG, drawn offline with matplotlib (no tiles, no browser).

Countries are shaded by partner count, partners are dots, and a thin arc joins each home
institution to each partner it works with. Example::

    png = render_partner_map(partners_df, institutions_df, links, counts_by_country)
"""

from __future__ import annotations

import io
import json
from functools import lru_cache
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: this runs in the CLI and inside Streamlit

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402
from matplotlib.colors import LinearSegmentedColormap, Normalize  # noqa: E402

from places.centroids import GEOJSON  # noqa: E402

LAND_COLOUR = "#e6e9ee"
BORDER_COLOUR = "#ffffff"
HOME_COLOUR = "#c0392b"
PARTNER_COLOUR = "#e08e2b"
ARC_COLOUR = "#333333"
SHADE = LinearSegmentedColormap.from_list("partners", ["#cfe0f1", "#1f4e79"])


@lru_cache(maxsize=1)
def _country_polygons() -> tuple[tuple[str, tuple[np.ndarray, ...]], ...]:
    """(iso_a3, outer rings as (n, 2) lon/lat arrays) for every country of the geojson."""
    features = json.loads(GEOJSON.read_text(encoding="utf-8"))["features"]
    shapes = []
    for feature in features:
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]]
            if geometry["type"] == "Polygon"
            else geometry["coordinates"]
        )
        rings = tuple(np.asarray(polygon[0], dtype=float) for polygon in polygons)
        shapes.append((feature["properties"].get("iso_a3") or "", rings))
    return tuple(shapes)


def _arc(start: tuple[float, float], end: tuple[float, float], steps: int = 40) -> np.ndarray:
    """A gentle curve (quadratic Bezier, bulging to the north) from start to end (lon, lat)."""
    (x0, y0), (x1, y1) = start, end
    distance = float(np.hypot(x1 - x0, y1 - y0))
    control = ((x0 + x1) / 2, (y0 + y1) / 2 + 0.25 * distance)
    s = np.linspace(0.0, 1.0, steps)[:, None]
    points = np.array([start, control, end], dtype=float)
    return (1 - s) ** 2 * points[0] + 2 * (1 - s) * s * points[1] + s**2 * points[2]


WORLD = ((-180.0, 180.0), (-58.0, 84.0))
MIN_SPAN = (40.0, 22.0)  # degrees: one partner next door still shows its region
ASPECTS = (1.5, 2.6)  # width / height of the figure: from near-square to wide


def _extent(points: pd.DataFrame) -> tuple[tuple[float, float], tuple[float, float]]:
    """Lon and lat limits framing every point with a margin, within the world.

    The frame follows the points (partners in the US and Japan give the Pacific rim, not
    an empty Atlantic); the figure takes the frame's shape within ASPECTS.
    """
    if points.empty:
        return WORLD
    (w0, w1), (h0, h1) = WORLD
    lon0, lon1 = points["lon"].min(), points["lon"].max()
    lat0, lat1 = points["lat"].min(), points["lat"].max()
    pad_lon = max(6.0, (lon1 - lon0) * 0.08)
    pad_lat = max(5.0, (lat1 - lat0) * 0.12)
    lon0, lon1 = lon0 - pad_lon, lon1 + pad_lon
    lat0, lat1 = lat0 - pad_lat, lat1 + pad_lat
    width, height = max(lon1 - lon0, MIN_SPAN[0]), max(lat1 - lat0, MIN_SPAN[1])
    # Keep the aspect within ASPECTS by widening the short side.
    if width / height > ASPECTS[1]:
        height = width / ASPECTS[1]
    elif width / height < ASPECTS[0]:
        width = height * ASPECTS[0]
    width, height = min(width, w1 - w0), min(height, h1 - h0)
    mid_lon, mid_lat = (lon0 + lon1) / 2, (lat0 + lat1) / 2
    lon0 = min(max(mid_lon - width / 2, w0), w1 - width)
    lat0 = min(max(mid_lat - height / 2, h0), h1 - height)
    return (lon0, lon0 + width), (lat0, lat0 + height)


Box = tuple[float, float, float, float]  # left, bottom, right, top (pixels, y up)
STAR = 160  # the home institutions' star, in points squared (matplotlib's marker size)
LABEL_PT = 9


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def label_offsets(points: list[tuple[float, float]], sizes: list[tuple[float, float]],
                  radius: float, bounds: Box, gap: float = 3.0) -> list[tuple[float, float]]:
    """The offset (dx, dy) in pixels of each point's label centre so that no label covers
    another label or any point (a disc of ``radius``) and all stay within ``bounds``.

    As the dashboard's map places its names (charts.map_layers.place_labels): for each
    point in turn, tried above, below, right, left and the four corners; here, when all
    are taken, the same eight places further out in rings (a leader line joins a label
    set apart to its point). Up to eight institutions of one country stay readable.
    """
    discs = [(x - radius, y - radius, x + radius, y + radius) for x, y in points]
    placed: list[Box] = []
    out: list[tuple[float, float]] = []
    for (x, y), (w, h) in zip(points, sizes, strict=True):
        choice = None
        for ring in range(10):
            step = ring * (h + gap)
            up, side = radius + h / 2 + gap + step, radius + w / 2 + gap + step
            for dx, dy in ((0, up), (0, -up), (side, 0), (-side, 0),
                           (side, up), (-side, up), (side, -up), (-side, -up)):
                box = (x + dx - w / 2, y + dy - h / 2, x + dx + w / 2, y + dy + h / 2)
                if not (bounds[0] <= box[0] and box[2] <= bounds[2]
                        and bounds[1] <= box[1] and box[3] <= bounds[3]):
                    continue
                if any(_overlap(box, other) for other in placed + discs):
                    continue
                choice = (float(dx), float(dy))
                placed.append(box)
                break
            if choice is not None:
                break
        out.append(choice or (0.0, radius + h / 2 + gap))  # no free place: above, as before
    return out


def _home_labels(fig: plt.Figure, ax: plt.Axes, homes: pd.DataFrame) -> None:
    """The home institutions' short names, placed by ``label_offsets`` on the drawn map."""
    from matplotlib import patheffects

    fig.canvas.draw()  # the axes' final place (equal aspect) for the pixel positions
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    halo = [patheffects.withStroke(linewidth=3, foreground="white")]
    style: dict[str, Any] = {"fontsize": LABEL_PT, "fontweight": "bold", "color": "#222222", "zorder": 5}
    points, sizes = [], []
    for row in homes.itertuples():
        x, y = ax.transData.transform((row.lon, row.lat))
        probe = ax.text(0, 0, str(row.label), **style)
        extent = probe.get_window_extent(renderer)
        probe.remove()
        pad = 3 * fig.dpi / 72  # the white halo
        points.append((float(x), float(y)))
        sizes.append((extent.width + pad, extent.height + pad))
    radius = (STAR ** 0.5) / 2 * fig.dpi / 72
    box = ax.get_window_extent(renderer)
    offsets = label_offsets(points, sizes, radius, (box.x0, box.y0, box.x1, box.y1))
    for row, (dx, dy), (w, h) in zip(homes.itertuples(), offsets, sizes, strict=True):
        far = dx and dy or abs(dx) > radius + w / 2 + 4 or abs(dy) > radius + h / 2 + 4
        ax.annotate(str(row.label), (row.lon, row.lat), xytext=(dx, dy),
                    textcoords="offset pixels", ha="center", va="center", path_effects=halo,
                    arrowprops={"arrowstyle": "-", "color": "#444444", "linewidth": 0.6,
                                "shrinkA": 0, "shrinkB": radius * 72 / fig.dpi}
                    if far else None, **style)


def _points(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of frame with numeric lat and lon."""
    if frame is None or frame.empty or not {"lat", "lon"} <= set(frame.columns):
        return pd.DataFrame(columns=["lat", "lon"])
    out = frame.copy()
    out["lat"] = pd.to_numeric(out["lat"], errors="coerce")
    out["lon"] = pd.to_numeric(out["lon"], errors="coerce")
    return out.dropna(subset=["lat", "lon"])


def render_partner_map(
    partners: pd.DataFrame,
    institutions: pd.DataFrame,
    links: list[tuple[str, str]],
    counts_by_country: dict[str, int],
    legend_label: str = "",
    width_px: int = 2000,
) -> bytes:
    """PNG bytes of the world map.

    partners: partner_id, lat, lon; institutions: institution_id, lat, lon;
    links: (institution_id, partner_id) pairs to join by arcs;
    counts_by_country: ISO alpha-3 -> partner count (shading).
    """
    partner_points = _points(partners)
    home_points = _points(institutions)
    extent = _extent(pd.concat([partner_points[["lon", "lat"]], home_points[["lon", "lat"]]]))
    aspect = (extent[0][1] - extent[0][0]) / (extent[1][1] - extent[1][0])
    fig, ax = plt.subplots(figsize=(10, 10 / aspect + 0.1), dpi=width_px / 10)
    try:
        ax.set_facecolor("#f7f9fc")
        top = max(counts_by_country.values(), default=0)
        norm = Normalize(vmin=0, vmax=max(top, 1))
        rings, faces = [], []
        for iso_a3, country_rings in _country_polygons():
            count = counts_by_country.get(iso_a3, 0)
            colour = SHADE(norm(count)) if count > 0 else LAND_COLOUR
            for ring in country_rings:
                rings.append(ring)
                faces.append(colour)
        ax.add_collection(
            PolyCollection(rings, facecolors=faces, edgecolors=BORDER_COLOUR, linewidths=0.3)
        )

        partner_at = {
            str(row.partner_id): (row.lon, row.lat) for row in partner_points.itertuples()
        }
        home_at = {
            str(row.institution_id): (row.lon, row.lat) for row in home_points.itertuples()
        }
        for institution_id, partner_id in sorted(set(links)):
            start, end = home_at.get(str(institution_id)), partner_at.get(str(partner_id))
            if start is None or end is None or start == end:
                continue
            curve = _arc(start, end)
            ax.plot(curve[:, 0], curve[:, 1], color=ARC_COLOUR, alpha=0.45, linewidth=0.7)
        if not partner_points.empty:
            ax.scatter(
                partner_points["lon"], partner_points["lat"], s=22, color=PARTNER_COLOUR,
                edgecolors="white", linewidths=0.5, zorder=3,
            )
        if not home_points.empty:
            ax.scatter(
                home_points["lon"], home_points["lat"], s=STAR, marker="*", color=HOME_COLOUR,
                edgecolors="white", linewidths=0.5, zorder=4,
            )
        if top > 0:
            colourbar = fig.colorbar(
                plt.cm.ScalarMappable(norm=norm, cmap=SHADE), ax=ax, fraction=0.02, pad=0.01, shrink=0.6
            )
            colourbar.set_label(legend_label, fontsize=8)
            colourbar.ax.tick_params(labelsize=7)
            if top <= 10:
                colourbar.set_ticks(range(0, top + 1))
        ax.set_xlim(*extent[0])
        ax.set_ylim(*extent[1])
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_visible(False)
        if not home_points.empty and "label" in home_points.columns:
            _home_labels(fig, ax, home_points.sort_values("lon"))
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", bbox_inches="tight", pad_inches=0.05)
        return buffer.getvalue()
    finally:
        plt.close(fig)
