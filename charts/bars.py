"""Bar and line charts: an aggregated frame in, a plotly Figure out.

What a chart shows besides its numbers comes in three small typed options: the category
axis (``Axis``), the value axis (``Values``) and the traces (``Groups``). The pages call
the named builders (charts.mobility, charts.agreements, ...), which call these.

    >>> bar_chart(counts, "year", "count", axis=Axis(title="Year"),
    ...           groups=Groups("direction", labels={"incoming": "Incoming"}))  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from charts.theme import CATEGORICAL, PRIMARY, make_figure


@dataclass(frozen=True)
class Axis:
    """The category axis: its title, a label per code, the order drawn (None: the frame's
    order for bars, sorted for lines)."""

    title: str = ""
    labels: Mapping[Any, str] = field(default_factory=dict)
    order: Sequence | None = None


@dataclass(frozen=True)
class Values:
    """The value axis: its title and how a value is written (a d3 format, a prefix and a
    suffix: ``Values.usd`` writes dollars as the language does)."""

    title: str = ""
    format: str = ",d"
    prefix: str = ""
    suffix: str = ""

    @classmethod
    def usd(cls, title: str, lang: str | None) -> Values:
        """Whole dollars: $1,200 in English, 1 200 $ in Russian and Uzbek."""
        english = lang in (None, "en")
        return cls(title, ",.0f", "$" if english else "", "" if english else "\u00a0$")


@dataclass(frozen=True)
class Groups:
    """The traces: one per value of ``column``, named by ``labels``, coloured by ``colors``
    (else the palette in turn), the values of ``order`` first (the rest as they come)."""

    column: str
    labels: Mapping[Any, str] = field(default_factory=dict)
    colors: Mapping[Any, str] = field(default_factory=dict)
    order: Sequence = ()


def bar_chart(
    df: pd.DataFrame,
    category: str,
    value: str,
    *,
    axis: Axis | None = None,
    values: Values | None = None,
    groups: Groups | None = None,
    horizontal: bool = False,
    stacked: bool = True,
    presenting: bool = False,
    height: int | None = None,
    lang: str | None = None,
) -> go.Figure:
    """Bars of ``value`` per ``category``, one trace (colour) per value of ``groups.column``
    (one trace named ``values.title`` without groups); stacked, or side by side.

    Example: ``bar_chart(counts, "year", "count", groups=Groups("direction"))``.
    """
    axis, values = axis or Axis(), values or Values()
    category_title, category_labels, category_order = axis.title, axis.labels, axis.order
    value_title, value_format, value_prefix, value_suffix = values.title, values.format, values.prefix, values.suffix
    group = groups.column if groups else None
    group_labels: Mapping = groups.labels if groups else {}
    group_colors: Mapping = groups.colors if groups else {}
    group_order: Sequence = groups.order if groups else ()
    if category_order is None:
        category_order = list(dict.fromkeys(df[category].tolist()))
    display_order = [category_labels.get(c, str(c)) for c in category_order]

    # The frame is small (one row per bar): its columns as lists, split per group in Python
    # (a pandas mask per group cost more than the rest of the chart).
    all_cats = df[category].tolist()
    all_vals = df[value].tolist()
    traces: list[dict] = []
    groups: list = [None]
    if group is not None:
        all_groups = df[group].tolist()
        present_groups = list(dict.fromkeys(all_groups))
        groups = [g for g in (group_order or []) if g in present_groups]
        groups += [g for g in present_groups if g not in groups]
    for index, group_value in enumerate(groups):
        if group is None:
            rows = range(len(all_cats))
        elif _is_missing(group_value):
            rows = range(0)  # as pandas: a missing value equals nothing
        else:
            rows = [i for i, g in enumerate(all_groups) if not _is_missing(g) and g == group_value]
        cats = [category_labels.get(all_cats[i], str(all_cats[i])) for i in rows]
        vals = [float(all_vals[i]) for i in rows]
        name = group_labels.get(group_value, str(group_value)) if group is not None else value_title
        color = group_colors.get(group_value) or (
            PRIMARY if group is None else CATEGORICAL[index % len(CATEGORICAL)]
        )
        shown = f"{value_prefix}%{{{'x' if horizontal else 'y'}:{value_format}}}{value_suffix}"
        hover = f"%{{{'y' if horizontal else 'x'}}}<br>{name}: {shown}<extra></extra>"
        if group is None:
            hover = f"%{{{'y' if horizontal else 'x'}}}: {shown}<extra></extra>"
        traces.append({
            "type": "bar",
            "x": vals if horizontal else cats,
            "y": cats if horizontal else vals,
            "name": name,
            "orientation": "h" if horizontal else "v",
            "marker": {"color": color},
            "hovertemplate": hover,
            "showlegend": group is not None,
        })
    cat_axis = {"type": "category", "categoryorder": "array", "categoryarray": display_order}
    value_axis: dict = {"rangemode": "tozero", "tickformat": value_format.replace("d", "~r"),
                        "tickprefix": value_prefix, "ticksuffix": value_suffix}
    if value_format.endswith("d"):
        # Counts: whole-number ticks (small maxima would otherwise tick at 0.5).
        if float(_largest_total(all_cats, all_vals) or 0) <= 10:
            value_axis["dtick"] = 1
    if horizontal:
        # First category on top.
        cat_axis["categoryarray"] = list(reversed(display_order))
        yaxis = {"title": {"text": category_title}, **cat_axis}
        xaxis = {"title": {"text": value_title}, **value_axis}
        if height is None:
            height = max(260, 34 * len(display_order) + 110)
    else:
        xaxis = {"title": {"text": category_title}, **cat_axis}
        yaxis = {"title": {"text": value_title}, **value_axis}
    layout = {"barmode": "stack" if stacked else "group", "xaxis": xaxis, "yaxis": yaxis}
    # Built as plain dicts and checked once (``make_figure``): plotly's per-property
    # validation was most of a small chart's cost.
    return make_figure(traces, layout, presenting=presenting, height=height, lang=lang)


def _is_missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


def _largest_total(cats: list, vals: list) -> float:
    """``df.groupby(category)[value].sum().max()`` of the frame's two columns as lists
    (missing categories left out, missing values count 0; NaN when no category is known;
    0 for an empty frame)."""
    if not cats:
        return 0
    totals: dict = {}
    for cat, val in zip(cats, vals, strict=True):
        if _is_missing(cat):
            continue
        totals[cat] = totals.get(cat, 0) + (0 if _is_missing(val) else val)
    return max(totals.values()) if totals else float("nan")


def line_chart(
    df: pd.DataFrame,
    category: str,
    value: str,
    *,
    axis: Axis | None = None,
    values: Values | None = None,
    groups: Groups | None = None,
    presenting: bool = False,
    height: int | None = None,
    lang: str | None = None,
) -> go.Figure:
    """Lines with markers of ``value`` over an ordered ``category`` (e.g. academic years),
    a line per value of ``groups.column`` (in the frame's order)."""
    axis, values = axis or Axis(), values or Values()
    category_title, category_order, value_title = axis.title, axis.order, values.title
    group = groups.column if groups else None
    group_labels: Mapping = groups.labels if groups else {}
    group_colors: Mapping = groups.colors if groups else {}
    if category_order is None:
        category_order = sorted(dict.fromkeys(df[category].tolist()))
    traces: list[dict] = []
    groups = [None] if group is None else list(dict.fromkeys(df[group].tolist()))
    all_cats = df[category].tolist()
    all_vals = df[value].tolist()
    all_groups = df[group].tolist() if group is not None else None
    for index, group_value in enumerate(groups):
        ys = _line_values(all_cats, all_vals, all_groups, group_value, category_order)
        if ys is None:  # duplicate or missing categories: pandas' own reindex (and its errors)
            part = df if group is None else df[df[group] == group_value]
            part = part.set_index(category)[value].reindex(category_order)
            ys = [None if pd.isna(v) else float(v) for v in part.tolist()]
        name = group_labels.get(group_value, str(group_value)) if group is not None else value_title
        traces.append({
            "type": "scatter",
            "x": [str(c) for c in category_order],
            "y": ys,
            "mode": "lines+markers",
            "name": name,
            "line": {"width": 3, "color": group_colors.get(group_value) or CATEGORICAL[index % len(CATEGORICAL)]},
            "marker": {"size": 9},
            "showlegend": group is not None,
        })
    layout = {
        "xaxis": {"title": {"text": category_title}, "type": "category"},
        "yaxis": {"title": {"text": value_title}, "rangemode": "tozero", "tickformat": ",d"},
    }
    return make_figure(traces, layout, presenting=presenting, height=height, lang=lang)


def _line_values(cats: list, vals: list, groups: list | None, group_value: object,
                 order: Sequence) -> list | None:
    """The y values of one line, in ``order`` (None where a category has no row): what
    ``part.set_index(category)[value].reindex(order)`` gives, without pandas. None when
    that needs pandas' own rules (a category twice or missing in the group's rows or
    the order)."""
    if groups is not None and _is_missing(group_value):
        return None
    by_cat: dict = {}
    for i, cat in enumerate(cats):
        if groups is not None and (_is_missing(groups[i]) or groups[i] != group_value):
            continue
        if _is_missing(cat) or cat in by_cat:
            return None
        by_cat[cat] = vals[i]
    if any(_is_missing(c) for c in order):
        return None
    out: list = []
    for cat in order:
        v = by_cat.get(cat)
        out.append(None if v is None or _is_missing(v) else float(v))
    return out
