"""Timeline of visits: one horizontal bar per visit, coloured by direction and mode."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts.theme import DIRECTION_MODE_COLORS, MUTED, make_figure
from i18n import fmt, t

MAX_ROWS = 25  # readable on one screen; further rows fold into one "other" row
MAX_BARS = 1500  # beyond this many visits, one bar per row, direction, mode and period
MAX_GROUPED_BARS = 300  # grouped bars: the period grows (months) until at most this many
BUCKET_MONTHS = (3, 6, 12, 24, 60, 120)
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
    max_grouped_bars: int = MAX_GROUPED_BARS,
    present: bool = False,
    info: dict | None = None,
) -> go.Figure:
    """One bar per dated visit on a date axis, rows = ``label_column`` (partner or person).

    Colours: direction (blue incoming, orange outgoing), lighter when remote. Dates known
    only to the month or year span that period and are hatched. When there are more than
    ``max_rows`` rows, the rows with the fewest visits fold into one "other" row. With
    more than ``max_bars`` visits, the visits of a row, direction and mode starting in
    the same period become one bar spanning them (the hover says how many): the period
    is a month, or the shortest of 3, 6, 12, 24, 60... months that keeps the chart to
    ``max_grouped_bars`` bars (the browser stays quick and the chart readable). ``info``,
    when given, receives ``visits``, ``bars`` and ``months`` (0 = one bar per visit) so
    the page can say so under the chart.
    """
    # Only the columns drawn: every split below copies each column it carries.
    used = [label_column, "direction", "mode", "visit_id", "start_date", "start_date_precision",
            "end_date", "end_date_precision"]
    spans = visit_spans(visits[[c for c in dict.fromkeys(used) if c in visits.columns]])
    if info is not None:
        info.update(visits=len(spans), bars=len(spans), months=0)
    if spans.empty:
        return make_figure([], {}, present=present)

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
    else:
        row_order = list(counts.index)
    # Rows ordered by when the first visit happened, earliest on top.
    firsts = counts["first"]
    folded_row = row_order[-1] if len(counts) > max_rows else None
    row_order = sorted(
        (label for label in row_order if label != folded_row), key=lambda label: firsts[label]
    ) + ([folded_row] if folded_row else [])

    axis_span = spans["_end"].max() - spans["_start"].min()
    min_width = max(axis_span * 0.008, pd.Timedelta(days=3))

    if len(spans) > max_bars:
        spans, months = _grouped_bars(spans, lang, max_grouped_bars)
        if info is not None:
            info.update(bars=len(spans), months=months)
    traces: list[dict] = []
    mode_col = spans["mode"].fillna("in_person")
    for (direction, mode), color in DIRECTION_MODE_COLORS.items():
        part = spans[((spans["direction"] == direction) & (mode_col == mode)).to_numpy()]
        if part.empty:
            continue
        widths = ((part["_end"] - part["_start"]).clip(lower=min_width) / pd.Timedelta(milliseconds=1)).tolist()
        hover = part["_hover"].tolist() if "_hover" in part else _visit_hovers(part, lang)
        name = t(f"enum.direction.{direction}", lang) + " · " + t(f"enum.mode.{mode}", lang)
        bar = {
            "type": "bar",
            "y": part["_label"].tolist(),
            "x": widths,
            "base": [s.isoformat() for s in part["_start"]],
            "orientation": "h",
            "name": name,
            "marker": {
                "color": color,
                "line": {"width": 0},
                "pattern": {
                    "shape": ["/" if a else "" for a in part["_approx"]],
                    "fgcolor": "white",
                    "solidity": 0.35,
                },
            },
            "hovertext": hover,
            "hovertemplate": "%{hovertext}<extra>" + name + "</extra>",
            "legendgroup": name,
            "showlegend": False,
        }
        if "visit_id" in part:
            bar["customdata"] = part["visit_id"].tolist()
        traces.append(bar)
        # The legend swatch: a solid, empty trace (the real bars may be hatched).
        traces.append({"type": "bar", "y": [None], "x": [None], "orientation": "h", "name": name,
                       "legendgroup": name, "marker": {"color": color}, "hoverinfo": "skip"})
    if spans["_approx"].any():
        # A legend entry for the hatching: an empty trace with the same pattern.
        traces.append({
            "type": "bar",
            "y": [None],
            "x": [None],
            "orientation": "h",
            "name": t("page.mobility.approximate_legend", lang),
            "marker": {"color": MUTED, "pattern": {"shape": "/", "fgcolor": "white", "solidity": 0.35}},
            "hoverinfo": "skip",
        })
    # Plotly names months in English only: numeric month.year ticks for ru and uz.
    xaxis: dict = {"type": "date", "title": {"text": t("page.mobility.axis_date", lang)}}
    if lang != "en":
        xaxis["tickformat"] = "%m.%Y"
    layout = {
        "barmode": "overlay",
        "bargap": 0.35,
        "xaxis": xaxis,
        "yaxis": {"type": "category", "categoryorder": "array",
                  "categoryarray": list(reversed(row_order)), "title": {"text": ""}},
    }
    height = max(300, 30 * len(row_order) + 140)
    return make_figure(traces, layout, present=present, height=height)


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


def _grouped_bars(spans: pd.DataFrame, lang: str, max_bars: int) -> tuple[pd.DataFrame, int]:
    """One bar per (row, direction, mode, period of start): from the first start to the last end.

    The period is a month, else the shortest of ``BUCKET_MONTHS`` giving at most
    ``max_bars`` bars (else one bar per row, direction and mode over the whole span).
    Returns the bars and the period's length in months. ``visit_id`` is dropped (a bar
    stands for many visits); ``_hover`` says how many.
    """
    keys = ["_label", "direction", "mode"]
    start = spans["_start"]
    # Integer keys: combo = (row, direction, mode), offset = months since the first start.
    # A groupby on one integer is much quicker than on three text columns.
    codes, uniques = [], []
    for column in keys:
        values = spans[column] if column != "mode" else spans["mode"].fillna("in_person")
        code, unique = pd.factorize(values, use_na_sentinel=False)
        codes.append(code.astype("int64"))
        uniques.append(np.asarray(unique, dtype=object))
    month = (start.dt.year * 12 + start.dt.month - 1).to_numpy(dtype="int64")
    low = int(month.min())
    width = int(month.max()) - low + 1
    # The last choice: one period over the whole span (one bar per row, direction and mode).
    choices = [m for m in BUCKET_MONTHS if m < width] + [width]
    # Offsets count from ``origin``, early enough for any period's aligned first month.
    origin = low - max(choices)
    span = width + 2 * max(choices)
    combo = (codes[0] * len(uniques[1]) + codes[1]) * len(uniques[2]) + codes[2]
    frame = pd.DataFrame({"_start": start.to_numpy(), "_end": spans["_end"].to_numpy(),
                          "_approx": spans["_approx"].to_numpy(dtype="uint8"), "_n": 1})

    def group(frame: pd.DataFrame, combo: np.ndarray, offset: np.ndarray) -> tuple:
        grouped = (
            frame.assign(_key=combo * span + offset)
            .groupby("_key", sort=False)
            .agg(_start=("_start", "min"), _end=("_end", "max"), _approx=("_approx", "min"),
                 _n=("_n", "sum"))
        )
        combo, offset = np.divmod(grouped.index.to_numpy(), span)
        return grouped.reset_index(drop=True), combo, offset

    # Monthly bars first (one pass over the visits); coarser periods regroup those.
    bars, bar_combo, bar_offset = group(frame, combo, month - origin)
    months = 1
    if len(bars) > max_bars:
        for months in choices:
            # Periods aligned on the calendar (quarters, years, 5-year spans...).
            if months == choices[-1]:
                first = np.full_like(bar_offset, low - origin)
            else:
                first = (bar_offset + origin) // months * months - origin
            regrouped = group(bars, bar_combo, first)
            if len(regrouped[0]) <= max_bars or months == choices[-1]:
                bars, bar_combo, bar_offset = regrouped
                break
    combo, mode_code = np.divmod(bar_combo, len(uniques[2]))
    label_code, direction_code = np.divmod(combo, len(uniques[1]))
    bars = bars.assign(
        _label=uniques[0][label_code], direction=uniques[1][direction_code],
        mode=uniques[2][mode_code], _month=bar_offset + origin, _approx=bars["_approx"].astype(bool),
    )
    bars["_hover"] = [
        f"<b>{label}</b><br>" + (
            t("page.mobility.timeline_bucket", lang, n=n, month=_period_text(month, 1)) if months == 1
            else t("page.mobility.timeline_bucket_period", lang, n=n, period=_period_text(month, months))
        )
        for label, n, month in zip(bars["_label"], bars["_n"], bars["_month"], strict=True)
    ]
    return bars.drop(columns=["_month"]), months


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
