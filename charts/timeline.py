"""Timeline of visits: a bar per visit, or counts per period when a row has many."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts.theme import DIRECTION_MODE_COLORS, MUTED, make_figure
from core.missing import is_missing
from i18n import fmt, t

MAX_ROWS = 25  # readable on one screen; further rows fold into one "other" row
MAX_BARS = 1500  # beyond this many visits: counts per row and period, not a bar per visit
MAX_ROW_VISITS = 200  # ... or beyond this many in one row (bars would be drawn over bars)
MAX_PERIODS = 48  # counts: the period grows (months) until at most this many periods
BUCKET_MONTHS = (3, 6, 12, 24, 60, 120)
APPROXIMATE = ("month", "year")



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
    if is_missing(value):
        return "?"
    return fmt.date_text(value, lang, precision if precision in ("month", "year") else "day", style="medium")


@functools.lru_cache(maxsize=50_000)
def _date_text_cached(value: object, precision: object, lang: str) -> str:
    """``_date_text``, remembered: a dataset's visits share their dates across reruns."""
    return _date_text(value, precision, lang)


def _visit_hovers(part: pd.DataFrame, lang: str) -> list[str]:
    """Per visit: "<b>row</b><br>start – end", "(approximate)" when a date is.

    The columns as lists and each distinct (date, precision) written once: visits share
    few dates, and a record per row (``to_dict``) was most of the timeline's cost.
    """
    def column(name: str) -> list:
        return part[name].tolist() if name in part else [None] * len(part)

    def text(value: object, precision: object) -> str:
        try:
            return _date_text_cached(value, precision, lang)
        except TypeError:  # an unhashable cell
            return _date_text(value, precision, lang)

    approximate = " (" + t("page.mobility.approximate", lang) + ")"
    return [
        f"<b>{label}</b><br>{text(start, start_prec)} – {text(end, end_prec)}{approximate if approx else ''}"
        for label, start, start_prec, end, end_prec, approx in zip(
            part["_label"].tolist(), column("start_date"), column("start_date_precision"),
            column("end_date"), column("end_date_precision"), part["_approx"].tolist(), strict=True,
        )
    ]


def visit_timeline(
    visits: pd.DataFrame,
    label_column: str,
    *,
    lang: str = "en",
    max_rows: int = MAX_ROWS,
    max_bars: int = MAX_BARS,
    max_row_visits: int = MAX_ROW_VISITS,
    max_periods: int = MAX_PERIODS,
    presenting: bool = False,
    info: dict | None = None,
) -> go.Figure:
    """Visits on a date axis, rows = ``label_column`` (partner or person).

    Up to ``max_bars`` visits and ``max_row_visits`` in the busiest row: one bar per
    visit, incoming and outgoing in two lanes of their row (never drawn over each other),
    lighter when remote; dates known only to the month or year span that period, hatched.
    Beyond that, each row is a small bar chart of how many visits start in each period
    (a month, or the shortest of 3, 6, 12, 24, 60... months giving at most ``max_periods``
    periods), incoming and outgoing stacked: counts, never bars drawn over bars.
    With more than ``max_rows`` rows, the rows with the fewest visits fold into one "other"
    row. ``info``, when given, receives ``visits``, ``bars`` and ``months`` (0 = one bar
    per visit) so the page can say so under the chart.
    """
    # Only the columns drawn: every split below copies each column it carries.
    used = [label_column, "direction", "mode", "visit_id", "start_date", "start_date_precision",
            "end_date", "end_date_precision"]
    spans = visit_spans(visits[[c for c in dict.fromkeys(used) if c in visits.columns]])
    if info is not None:
        info.update(visits=len(spans), bars=len(spans), months=0)
    if spans.empty:
        return make_figure([], {}, presenting=presenting)

    labels = spans[label_column].fillna(t("page.mobility.unknown_partner", lang)).astype(str)
    spans = spans.assign(_label=labels)
    counts = _row_counts(labels, spans["_start"])
    counts = counts.sort_values(["n", "first"], ascending=[False, True], kind="stable")
    if len(counts) > max_rows:
        keep = set(counts.index[: max_rows - 1])
        folded = int(counts.loc[~counts.index.isin(keep), "n"].sum())
        other = t("page.mobility.timeline_other", lang, n=folded)
        spans["_label"] = spans["_label"].where(spans["_label"].isin(keep), other)
        row_order = [label for label in counts.index if label in keep] + [other]
        busiest = max(int(counts["n"].iloc[0]), folded)
    else:
        row_order = list(counts.index)
        busiest = int(counts["n"].iloc[0])
    # Rows ordered by when the first visit happened, earliest on top.
    firsts = counts["first"]
    folded_row = row_order[-1] if len(counts) > max_rows else None
    row_order = sorted(
        (label for label in row_order if label != folded_row), key=lambda label: firsts[label]
    ) + ([folded_row] if folded_row else [])

    if len(spans) > max_bars or busiest > max_row_visits:
        traces, layout, months, n_bars = _count_rows(spans, row_order, lang, max_periods, presenting)
        if info is not None:
            info.update(bars=n_bars, months=months)
        legend_y = layout.pop("_legend_y", None)
        fig = make_figure(traces, layout, presenting=presenting, height=int(layout.pop("_height")))
        if legend_y is not None:
            fig.layout.legend.y = legend_y
        return fig

    axis_span = spans["_end"].max() - spans["_start"].min()
    min_width = max(axis_span * 0.008, pd.Timedelta(days=3))
    traces: list[dict] = []
    mode_col = spans["mode"].fillna("in_person")
    for (direction, mode), color in DIRECTION_MODE_COLORS.items():
        part = spans[((spans["direction"] == direction) & (mode_col == mode)).to_numpy()]
        if part.empty:
            continue
        widths = ((part["_end"] - part["_start"]).clip(lower=min_width) / pd.Timedelta(milliseconds=1)).tolist()
        name = t(f"enum.direction.{direction}", lang) + " · " + t(f"enum.mode.{mode}", lang)
        bar = {
            "type": "bar",
            "y": part["_label"].tolist(),
            "x": widths,
            "base": [s.isoformat() for s in part["_start"]],
            "orientation": "h",
            "name": name,
            "offsetgroup": direction,  # a lane per direction within the row
            "marker": {
                "color": color,
                "line": {"width": 0},
                "pattern": {
                    "shape": ["/" if a else "" for a in part["_approx"]],
                    "fgcolor": "white",
                    "solidity": 0.35,
                },
            },
            "hovertext": _visit_hovers(part, lang),
            "hovertemplate": "%{hovertext}<extra>" + name + "</extra>",
            "legendgroup": name,
            "showlegend": False,
        }
        if "visit_id" in part:
            bar["customdata"] = part["visit_id"].tolist()
        traces.append(bar)
        # The legend swatch: a solid, empty trace (the real bars may be hatched).
        traces.append({"type": "bar", "y": [None], "x": [None], "orientation": "h", "name": name,
                       "offsetgroup": direction, "legendgroup": name, "marker": {"color": color},
                       "hoverinfo": "skip"})
    if spans["_approx"].any():
        # A legend entry for the hatching: an empty trace with the same pattern.
        traces.append({
            "type": "bar",
            "y": [None],
            "x": [None],
            "orientation": "h",
            "name": t("page.mobility.approximate_legend", lang),
            "offsetgroup": "incoming",
            "marker": {"color": MUTED, "pattern": {"shape": "/", "fgcolor": "white", "solidity": 0.35}},
            "hoverinfo": "skip",
        })
    layout = {
        "barmode": "group",
        "bargap": 0.3,
        "bargroupgap": 0.05,
        "xaxis": _date_axis(lang),
        "yaxis": {"type": "category", "categoryorder": "array",
                  "categoryarray": list(reversed(row_order)), "title": {"text": ""}},
    }
    height = max(300, 34 * len(row_order) + 140)
    return make_figure(traces, layout, presenting=presenting, height=height)


def _date_axis(lang: str) -> dict:
    """The timeline's date axis: plotly names months in English only, so numeric
    month.year ticks for ru and uz."""
    xaxis: dict = {"type": "date", "title": {"text": t("page.mobility.axis_date", lang)}}
    if lang != "en":
        xaxis["tickformat"] = "%m.%Y"
    return xaxis


def period_months(first_month: int, last_month: int, max_periods: int = MAX_PERIODS) -> int:
    """The period (months) of a count timeline from month ordinal ``first_month`` to
    ``last_month`` (year * 12 + month - 1): one month, else the shortest of
    ``BUCKET_MONTHS`` whose calendar-aligned periods number at most ``max_periods``."""
    for months in (1, *BUCKET_MONTHS):
        if last_month // months - first_month // months + 1 <= max_periods:
            return months
    return BUCKET_MONTHS[-1]


def count_rows(spans: pd.DataFrame, months: int) -> pd.DataFrame:
    """Visits per row, period, direction and mode: ``_label``, ``period`` (month ordinal
    of the period's first month, aligned on the calendar), ``direction``, ``mode``, ``n``."""
    month = spans["_start"].dt.year * 12 + spans["_start"].dt.month - 1
    frame = pd.DataFrame({
        "_label": spans["_label"].to_numpy(), "period": (month // months * months).to_numpy(),
        "direction": spans["direction"].to_numpy(), "mode": spans["mode"].fillna("in_person").to_numpy(),
    })
    return frame.groupby(["_label", "period", "direction", "mode"], sort=True).size().rename("n").reset_index()


def _month_start(ordinal: int) -> pd.Timestamp:
    return pd.Timestamp(year=int(ordinal) // 12, month=int(ordinal) % 12 + 1, day=1)


def _count_rows(spans: pd.DataFrame, row_order: list[str], lang: str, max_periods: int,
                presenting: bool) -> tuple[list[dict], dict, int, int]:
    """A small bar chart per row (shared date axis, each row its own count axis):
    visits starting per period, the four direction and mode colours stacked."""
    month = spans["_start"].dt.year * 12 + spans["_start"].dt.month - 1
    months = period_months(int(month.min()), int(month.max()), max_periods)
    table = count_rows(spans, months)
    n_rows = len(row_order)
    band = 92 if presenting else 78  # px per row, its name included
    plot_height = band * n_rows
    label_px = 26 if presenting else 22
    width_ms = months * 30.44 * 0.8 * 24 * 3600 * 1000
    traces: list[dict] = []
    layout: dict = {"barmode": "stack", "bargap": 0.15, "showlegend": True, "annotations": []}
    seen: set[str] = set()
    for k, label in enumerate(row_order):
        axis = "y" if k == 0 else f"y{k + 1}"
        top = 1 - k / n_rows
        bottom = 1 - (k + 1) / n_rows
        domain = [bottom + 6 / plot_height, top - label_px / plot_height]
        rows = table[(table["_label"] == label).to_numpy()]
        peak = int(rows.groupby("period")["n"].sum().max()) if len(rows) else 0
        layout["yaxis" if k == 0 else f"yaxis{k + 1}"] = {
            "domain": domain, "anchor": "x", "rangemode": "tozero", "range": [0, max(peak, 1) * 1.05],
            "tickvals": [0, peak] if peak else [0], "showgrid": True, "fixedrange": True,
            "title": {"text": ""},
        }
        total = int(rows["n"].sum())
        layout["annotations"].append({
            "text": f"<b>{_escape(label)}</b> · {fmt.integer(total, lang)}", "xref": "paper", "yref": "paper",
            "x": 0, "y": top, "xanchor": "left", "yanchor": "top", "showarrow": False, "align": "left",
        })
        for (direction, mode), color in DIRECTION_MODE_COLORS.items():
            part = rows[((rows["direction"] == direction) & (rows["mode"] == mode)).to_numpy()]
            if part.empty:
                continue
            name = t(f"enum.direction.{direction}", lang) + " · " + t(f"enum.mode.{mode}", lang)
            periods = part["period"].tolist()
            traces.append({
                "type": "bar",
                "x": [(_month_start(p) + (_month_start(p + months) - _month_start(p)) / 2).isoformat() for p in periods],
                "y": part["n"].tolist(),
                "width": [width_ms] * len(periods),
                "yaxis": axis,
                "name": name,
                "legendgroup": name,
                "showlegend": name not in seen,
                "marker": {"color": color, "line": {"width": 0}},
                "hovertext": [
                    f"<b>{_escape(label)}</b><br>" + (
                        t("page.mobility.timeline_bucket", lang, n=n, month=_period_text(p, 1)) if months == 1
                        else t("page.mobility.timeline_bucket_period", lang, n=n, period=_period_text(p, months)))
                    for p, n in zip(periods, part["n"].tolist(), strict=True)
                ],
                "hovertemplate": "%{hovertext}<extra>" + name + "</extra>",
            })
            seen.add(name)
    first = int(table["period"].min())
    last = int(table["period"].max()) + months
    # Ticks every 1, 3, 12, 24 or 60 months from a January: the same dates on both axes.
    span = last - first
    step = next((m for limit, m in ((12, 1), (36, 3), (96, 12), (240, 24)) if span <= limit), 60)
    ticks = {"tick0": "2000-01-01", "dtick": f"M{step}"}
    layout["xaxis"] = {**_date_axis(lang), **ticks, "anchor": f"y{n_rows}" if n_rows > 1 else "y",
                       "range": [_month_start(first).isoformat(), _month_start(last).isoformat()]}
    if n_rows > 3:
        # The dates over the first row too: a tall chart is read from the top.
        top = {**{k: v for k, v in _date_axis(lang).items() if k != "title"}, **ticks}
        layout["xaxis2"] = {**top, "matches": "x", "overlaying": "x", "side": "top", "anchor": "free",
                            "position": 1, "showgrid": False}
        layout["_legend_y"] = 1 + 34 / plot_height  # above the top dates
        # An axis is drawn only with a trace on it: an invisible one over the whole range.
        traces.append({"type": "scatter", "mode": "markers", "xaxis": "x2", "yaxis": "y",
                       "x": [_month_start(first).isoformat(), _month_start(last).isoformat()], "y": [0, 0],
                       "marker": {"opacity": 0}, "hoverinfo": "skip", "showlegend": False})
    layout["_height"] = plot_height + 150
    return traces, layout, months, len(table)


def _escape(text: str) -> str:
    """A row name as plain text inside plotly's HTML-like labels."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _row_counts(labels: pd.Series, starts: pd.Series) -> pd.DataFrame:
    """Per row label (sorted): ``n`` visits and the ``first`` start, as
    ``groupby("_label").agg(n=("_start", "size"), first=("_start", "min"))`` gives them,
    counted with numpy (the named aggregation's own overhead was most of it)."""
    values = starts.to_numpy()
    if starts.isna().any() or values.dtype.kind != "M":
        frame = pd.DataFrame({"_label": labels, "_start": starts})
        return frame.groupby("_label").agg(n=("_start", "size"), first=("_start", "min"))
    codes, uniques = pd.factorize(labels, sort=True)
    n = np.bincount(codes, minlength=len(uniques)).astype("int64")
    first = np.full(len(uniques), np.iinfo("int64").max, dtype="int64")
    np.minimum.at(first, codes, values.view("int64"))
    return pd.DataFrame({"n": n, "first": first.view(values.dtype)},
                        index=pd.Index(uniques).rename("_label"))


def _period_text(first_month: int, months: int) -> str:
    """A period of ``months`` months from month ordinal ``first_month`` (year * 12 + month - 1).

    "2019-03" (a month), "2019" (a year), "2015–2019" (whole years), "2019-01 – 2019-03".
    """
    first_month = int(first_month)
    last = first_month + months - 1
    y1, m1, y2, m2 = first_month // 12, first_month % 12 + 1, last // 12, last % 12 + 1
    if months == 1:
        return f"{y1}-{m1:02d}"
    if m1 == 1 and m2 == 12:
        return str(y1) if y1 == y2 else f"{y1}–{y2}"
    return f"{y1}-{m1:02d} – {y2}-{m2:02d}"
