"""Timeline of visits: one horizontal bar per visit, coloured by direction and mode."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.theme import DIRECTION_MODE_COLORS, MUTED, style_figure
from i18n import fmt, t

MAX_ROWS = 25  # readable on one screen; further rows fold into one "other" row
MAX_BARS = 1500  # beyond this many visits, one bar per row, direction, mode and month
APPROXIMATE = ("month", "year")


def _span_end(start: pd.Timestamp, precision: str | None) -> pd.Timestamp:
    """The exclusive end of the period a date of this precision stands for."""
    if precision == "year":
        return start + pd.DateOffset(years=1)
    if precision == "month":
        return start + pd.DateOffset(months=1)
    return start + pd.Timedelta(days=1)


def _span_ends(starts: pd.Series, precisions: pd.Series) -> pd.Series:
    """``_span_end`` of every row at once (NaT where the start is unknown)."""
    ends = starts + pd.Timedelta(days=1)
    month = (precisions == "month").fillna(False).to_numpy(dtype=bool)
    year = (precisions == "year").fillna(False).to_numpy(dtype=bool)
    if month.any():
        ends[month] = starts[month] + pd.DateOffset(months=1)
    if year.any():
        ends[year] = starts[year] + pd.DateOffset(years=1)
    return ends


def visit_spans(visits: pd.DataFrame) -> pd.DataFrame:
    """Start, exclusive end and approximate flag per dated visit (undated rows dropped).

    A month-precision date covers its whole month, a year-precision one its year.
    Computed a column at a time (a million visits take well under a second).
    """
    columns = list(visits.columns) + ["_start", "_end", "_approx"]
    if visits.empty:
        return pd.DataFrame(columns=columns)
    start = pd.to_datetime(visits["start_date"]) if "start_date" in visits else None
    end = pd.to_datetime(visits["end_date"]) if "end_date" in visits else None
    if start is None:
        start = pd.Series(pd.NaT, index=visits.index, dtype="datetime64[ns]")
    if end is None:
        end = pd.Series(pd.NaT, index=visits.index, dtype="datetime64[ns]")
    dated = (start.notna() | end.notna()).to_numpy()
    out = visits[dated].reset_index(drop=True)
    start, end = start[dated].reset_index(drop=True), end[dated].reset_index(drop=True)
    none = pd.Series(None, index=out.index, dtype=object)
    s_prec = out["start_date_precision"].astype(object) if "start_date_precision" in out else none
    e_prec = out["end_date_precision"].astype(object) if "end_date_precision" in out else none
    no_start = start.isna()
    # No start: the end stands in for it, with its precision.
    start = start.where(~no_start, end)
    s_prec = s_prec.where(~no_start, e_prec)
    span_end = _span_ends(start, s_prec)
    has_end = end.notna()
    end_span = _span_ends(end, e_prec)
    span_end = span_end.where(~(has_end & (end_span > span_end)), end_span)
    approx = s_prec.isin(APPROXIMATE) | (has_end & e_prec.isin(APPROXIMATE))
    return out.assign(_start=start, _end=span_end, _approx=approx.astype(bool))[columns]


def undated_visits(visits: pd.DataFrame) -> pd.DataFrame:
    """Visits with neither a start nor an end date."""
    if visits.empty:
        return visits
    mask = visits["start_date"].isna() & visits["end_date"].isna()
    return visits[mask]


def _date_text(value: object, precision: object, lang: str = "en") -> str:
    """A hover date in the language, no more precise than known ("?" when unknown)."""
    if value is None or pd.isna(value):
        return "?"
    return fmt.date_text(value, lang, precision if precision in ("month", "year") else "day", style="medium")


def visit_timeline(
    visits: pd.DataFrame,
    label_column: str,
    *,
    lang: str = "en",
    max_rows: int = MAX_ROWS,
    max_bars: int = MAX_BARS,
    present: bool = False,
) -> go.Figure:
    """One bar per dated visit on a date axis, rows = ``label_column`` (partner or person).

    Colours: direction (blue incoming, orange outgoing), lighter when remote. Dates known
    only to the month or year span that period and are hatched. When there are more than
    ``max_rows`` rows, the rows with the fewest visits fold into one "other" row. With
    more than ``max_bars`` visits, the visits of a row, direction and mode starting in
    the same month become one bar spanning them (the browser stays quick; the hover
    says how many).
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

    if len(spans) > max_bars:
        spans = _monthly_bars(spans, lang)
    for (direction, mode), color in DIRECTION_MODE_COLORS.items():
        part = spans[(spans["direction"] == direction) & (spans["mode"].fillna("in_person") == mode)]
        if part.empty:
            continue
        widths = ((part["_end"] - part["_start"]).clip(lower=min_width) / pd.Timedelta(milliseconds=1)).tolist()
        hover = part["_hover"].tolist() if "_hover" in part else [
            "<b>{label}</b><br>{dates}{approx}".format(
                label=rec["_label"],
                dates=_date_text(rec.get("start_date"), rec.get("start_date_precision"), lang)
                + " – "
                + _date_text(rec.get("end_date"), rec.get("end_date_precision"), lang),
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
    # Plotly names months in English only: numeric month.year ticks for ru and uz.
    fig.update_xaxes(type="date", title_text=t("page.mobility.axis_date", lang),
                     tickformat=None if lang == "en" else "%m.%Y")
    fig.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=list(reversed(row_order)),
        title_text="",
    )
    height = max(300, 30 * len(row_order) + 140)
    return style_figure(fig, present=present, height=height)


def _monthly_bars(spans: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One bar per (row, direction, mode, month of start): from the first start to the last end.

    ``visit_id`` is dropped (a bar stands for many visits); ``_hover`` says how many.
    """
    keys = ["_label", "direction", "mode"]
    frame = spans.assign(mode=spans["mode"].fillna("in_person"),
                         _month=spans["_start"].dt.to_period("M"))
    bars = (
        frame.groupby(keys + ["_month"], sort=False, dropna=False)
        .agg(_start=("_start", "min"), _end=("_end", "max"), _approx=("_approx", "all"),
             _n=("_start", "size"))
        .reset_index()
    )
    months = bars["_month"].astype(str)
    bars["_hover"] = [
        f"<b>{label}</b><br>" + t("page.mobility.timeline_bucket", lang, n=n, month=month)
        for label, n, month in zip(bars["_label"], bars["_n"], months, strict=True)
    ]
    return bars.drop(columns=["_month"])
