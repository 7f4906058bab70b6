"""Institutions compared: a row per institution, a column of bars per figure, sortable.

Fed with plain cells (value, known, text) so that any source of figures can draw it; an
unknown cell is written as its text ("unknown", "—"), never drawn as a bar of 0.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from charts.theme import MUTED, PRIMARY, make_figure


@dataclass(frozen=True)
class Cell:
    """One institution's figure: ``value`` (a lower bound when ``text`` says "≥"),
    ``known`` (False: no bar, only ``text``), ``text`` as the cards print it."""

    value: float | None
    known: bool
    text: str


def sort_rows(rows: Sequence[str], cells: Mapping[tuple[str, str], Cell], by: str | None,
              descending: bool = True) -> list[str]:
    """``rows`` ordered by figure ``by`` (largest first unless ``descending`` is False);
    rows whose figure is unknown come last, in their given order. ``by=None``: as given."""
    if by is None:
        return list(rows)

    def known(row: str) -> bool:
        cell = cells.get((row, by))
        return cell is not None and cell.known and cell.value is not None

    ranked = sorted((r for r in rows if known(r)), key=lambda r: float(cells[(r, by)].value or 0),
                    reverse=descending)  # stable: ties keep the given order
    return ranked + [r for r in rows if not known(r)]


def institution_bars(rows: Sequence[str], figures: Sequence[str], cells: Mapping[tuple[str, str], Cell], *,
                     labels: Mapping[str, str] | None = None, presenting: bool = False,
                     lang: str | None = None) -> go.Figure:
    """Horizontal bars: ``rows`` (institutions, top to bottom) by ``figures`` (a column
    each, its own scale, titled by ``labels``), each bar labelled with its cell's text."""
    labels = labels or {}
    n = max(len(figures), 1)
    gap = 0.02
    # Column titles wrapped to their column (six columns of ~160 px at 1440 px wide), so
    # neighbours never run into each other in any language.
    width = max(10, 108 // n)
    titles = {f: "<br>".join(textwrap.wrap(labels.get(f, f), width) or [""]) for f in figures}
    lines = max([title.count("<br>") + 1 for title in titles.values()] or [1])
    traces: list[dict] = []
    layout: dict = {
        "barmode": "overlay", "showlegend": False, "annotations": [],
        "yaxis": {"type": "category", "categoryorder": "array", "categoryarray": list(reversed(rows)),
                  "title": {"text": ""}, "fixedrange": True},
    }
    for k, figure in enumerate(figures):
        axis = "x" if k == 0 else f"x{k + 1}"
        known = [r for r in rows if (c := cells.get((r, figure))) is not None and c.known and c.value is not None]
        unknown = [r for r in rows if r not in set(known)]
        peak = max([float(cells[(r, figure)].value or 0) for r in known] or [0]) or 1.0
        layout["xaxis" if k == 0 else f"xaxis{k + 1}"] = {
            "domain": [k / n + gap, (k + 1) / n - gap], "anchor": "y", "range": [0, peak * 1.6],
            "showticklabels": False, "showgrid": False, "zeroline": True, "fixedrange": True,
            "title": {"text": ""},
        }
        layout["annotations"].append({
            "text": f"<b>{titles[figure]}</b>", "xref": "paper", "yref": "paper",
            "x": (k + 0.5) / n, "y": 1.0, "xanchor": "center", "yanchor": "bottom", "showarrow": False,
        })
        traces.append({
            "type": "bar", "orientation": "h", "xaxis": axis, "yaxis": "y", "name": labels.get(figure, figure),
            "y": known, "x": [float(cells[(r, figure)].value or 0) for r in known],
            "text": [cells[(r, figure)].text for r in known], "textposition": "outside", "cliponaxis": False,
            "marker": {"color": PRIMARY},
            "hovertemplate": "%{y}: %{text}<extra>" + labels.get(figure, figure) + "</extra>",
        })
        if unknown:
            texts = [cells[(r, figure)].text if (r, figure) in cells else "—" for r in unknown]
            traces.append({
                "type": "scatter", "mode": "text", "xaxis": axis, "yaxis": "y", "name": labels.get(figure, figure),
                "y": unknown, "x": [0] * len(unknown), "text": texts, "textposition": "middle right",
                "textfont": {"color": MUTED}, "cliponaxis": False,
                "hovertemplate": "%{y}: %{text}<extra>" + labels.get(figure, figure) + "</extra>",
            })
    height = (30 if presenting else 24) * len(rows) + 90 + (22 if presenting else 18) * lines
    fig = make_figure(traces, layout, presenting=presenting, height=max(height, 220), lang=lang)
    fig.layout.margin.t = 24 + (22 if presenting else 18) * lines  # room for the column titles
    return fig
