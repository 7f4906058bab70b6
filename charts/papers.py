"""The Research page's chart, a named builder (the papers per year of
``research.figures.per_year`` in, Figure out)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.bars import Axis, Groups, Values, bar_chart
from i18n import t

KINDS = ["international", "domestic"]


def papers_per_year(years: pd.DataFrame, *, lang: str = "en", presenting: bool = False) -> go.Figure:
    """Papers per year, those with a foreign co-author and the rest stacked: ``years`` has
    a row per year with ``papers`` (all) and ``international``."""
    long = pd.concat([
        years.assign(kind="international", count=years["international"]),
        years.assign(kind="domestic", count=years["papers"] - years["international"]),
    ])[["year", "kind", "count"]]
    long["year"] = long["year"].astype(str)
    return bar_chart(
        long, "year", "count", axis=Axis(t("common.axis.year", lang), order=[str(y) for y in years["year"]]),
        values=Values(t("page.research.axis.papers", lang)),
        groups=Groups("kind", {k: t(f"page.research.kind.{k}", lang) for k in KINDS}, order=KINDS),
        presenting=presenting, lang=lang)
