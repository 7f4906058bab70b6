"""Timeline of visits: one horizontal bar per visit, coloured by direction and mode."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.theme import DIRECTION_MODE_COLORS, MUTED, style_figure
from i18n import t

MAX_ROWS = 25  # readable on one screen; further rows fold into one "other" row
APPROXIMATE = ("month", "year")


def _span_end(start: pd.Timestamp, precision: str | None) -> pd.Timestamp:
    """The exclusive end of the period a date of this precision stands for."""
    if precision == "year":
        return start + pd.DateOffset(years=1)
    if precision == "month":
        return start + pd.DateOffset(months=1)
    return start + pd.Timedelta(days=1)


def visit_spans(visits: pd.DataFrame) -> pd.DataFrame:
    """Start, exclusive end and approximate flag per dated visit (undated rows dropped).

    A month-precision date covers its whole month, a year-precision one its year.
    """
    rows = []
    for rec in visits.to_dict("records"):
        start, end = rec.get("start_date"), rec.get("end_date")
        s_prec, e_prec = rec.get("start_date_precision"), rec.get("end_date_precision")
        start = None if pd.isna(start) else pd.Timestamp(start)
        end = None if pd.isna(end) else pd.Timestamp(end)
        if start is None and end is None:
            continue
        if start is None:
            start, s_prec = end, e_prec
        span_end = _span_end(start, s_prec)
        if end is not None:
            span_end = max(span_end, _span_end(end, e_prec))
        approx = s_prec in APPROXIMATE or (end is not None and e_prec in APPROXIMATE)
        rows.append({**rec, "_start": start, "_end": span_end, "_approx": bool(approx)})
    columns = list(visits.columns) + ["_start", "_end", "_approx"]
    return pd.DataFrame(rows, columns=columns)


def undated_visits(visits: pd.DataFrame) -> pd.DataFrame:
    """Visits with neither a start nor an end date."""
    if visits.empty:
        return visits
    mask = visits["start_date"].isna() & visits["end_date"].isna()
    return visits[mask]


def _date_text(value: object, precision: object) -> str:
    if value is None or pd.isna(value):
        return "?"
    stamp = pd.Timestamp(value)
    if precision == "year":
        return f"{stamp.year}"
    if precision == "month":
        return f"{stamp.year}-{stamp.month:02d}"
    return stamp.strftime("%Y-%m-%d")


def visit_timeline(
    visits: pd.DataFrame,
    label_column: str,
    *,
    lang: str = "en",
    max_rows: int = MAX_ROWS,
    present: bool = False,
) -> go.Figure:
    """One bar per dated visit on a date axis, rows = ``label_column`` (partner or person).

    Colours: direction (blue incoming, orange outgoing), lighter when remote. Dates known
    only to the month or year span that period and are hatched. When there are more than
    ``max_rows`` rows, the rows with the fewest visits fold into one "other" row.
    """
    spans = visit_spans(visits)
    fig = go.Figure()
    if spans.empty:
        return style_figure(fig, present=present)

    labels = spans[label_column].fillna(t("page.mobility.unknown_partner", lang)).astype(str)
    spans = spans.assign(_label=labels)
    counts = spans.groupby("_label").agg(n=("_start", "size"), first=("_start", "min"))
    counts = counts.sort_values(["n", "first"], ascending=[False, True], kind="stable")
    if len(counts) > max_rows:
        keep = set(counts.index[: max_rows - 1])
        folded = int(counts.loc[~counts.index.isin(keep), "n"].sum())
        other = t("page.mobility.timeline_other", lang, n=folded)
        spans["_label"] = spans["_label"].where(spans["_label"].isin(keep), other)
        row_order = [label for label in counts.index if label in keep] + [other]
    else:
        row_order = list(counts.index)
    # Rows ordered by when the first visit happened, earliest on top.
    firsts = spans.groupby("_label")["_start"].min()
    folded_row = row_order[-1] if len(counts) > max_rows else None
    row_order = sorted(
        (label for label in row_order if label != folded_row), key=lambda label: firsts[label]
    ) + ([folded_row] if folded_row else [])

    axis_span = spans["_end"].max() - spans["_start"].min()
    min_width = max(axis_span * 0.008, pd.Timedelta(days=3))

    for (direction, mode), color in DIRECTION_MODE_COLORS.items():
        part = spans[(spans["direction"] == direction) & (spans["mode"].fillna("in_person") == mode)]
        if part.empty:
            continue
        widths = [max(e - s, min_width) / pd.Timedelta(milliseconds=1) for s, e in zip(part["_start"], part["_end"], strict=True)]
        hover = [
            "<b>{label}</b><br>{dates}{approx}".format(
                label=rec["_label"],
                dates=_date_text(rec.get("start_date"), rec.get("start_date_precision"))
                + " – "
                + _date_text(rec.get("end_date"), rec.get("end_date_precision")),
                approx=(" (" + t("page.mobility.approximate", lang) + ")") if rec["_approx"] else "",
            )
            for rec in part.to_dict("records")
        ]
        name = t(f"enum.direction.{direction}", lang) + " · " + t(f"enum.mode.{mode}", lang)
        fig.add_trace(
            go.Bar(
                y=part["_label"].tolist(),
                x=widths,
                base=[s.isoformat() for s in part["_start"]],
                orientation="h",
                name=name,
                marker={
                    "color": color,
                    "line": {"width": 0},
                    "pattern": {
                        "shape": ["/" if a else "" for a in part["_approx"]],
                        "fgcolor": "white",
                        "solidity": 0.35,
                    },
                },
                customdata=part["visit_id"].tolist() if "visit_id" in part else None,
                hovertext=hover,
                hovertemplate="%{hovertext}<extra>" + name + "</extra>",
                legendgroup=name,
                showlegend=False,
            )
        )
        # The legend swatch: a solid, empty trace (the real bars may be hatched).
        fig.add_trace(
            go.Bar(y=[None], x=[None], orientation="h", name=name, legendgroup=name,
                   marker={"color": color}, hoverinfo="skip")
        )
    if spans["_approx"].any():
        # A legend entry for the hatching: an empty trace with the same pattern.
        fig.add_trace(
            go.Bar(
                y=[None],
                x=[None],
                orientation="h",
                name=t("page.mobility.approximate_legend", lang),
                marker={"color": MUTED, "pattern": {"shape": "/", "fgcolor": "white", "solidity": 0.35}},
                hoverinfo="skip",
            )
        )
    fig.update_layout(barmode="overlay", bargap=0.35)
    fig.update_xaxes(type="date", title_text=t("page.mobility.axis_date", lang))
    fig.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=list(reversed(row_order)),
        title_text="",
    )
    height = max(300, 30 * len(row_order) + 140)
    return style_figure(fig, present=present, height=height)
