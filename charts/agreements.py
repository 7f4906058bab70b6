"""The Agreements page's charts, each a named builder (agreements in, Figure out); the
page only lays them out. ``agreements`` carry ``derived_status`` (the status on the
reference date, ``metrics.rules``) beside the loaded columns."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts import frames
from charts.bars import Axis, Groups, Values, bar_chart
from charts.theme import AGREEMENT_STATUS_COLORS
from i18n import t
from loaders.schema import AGREEMENT_KINDS, AGREEMENT_STATUSES

KINDS = list(AGREEMENT_KINDS)
STATUSES = list(AGREEMENT_STATUSES)


def _kinds(lang: str) -> dict[str, str]:
    return {k: t(f"enum.agreement_kind.{k}", lang) for k in KINDS}


def signed_per_year(agreements: pd.DataFrame, *, lang: str = "en", presenting: bool = False) -> go.Figure | None:
    """Agreements signed per calendar year, the kinds stacked (None: none has a signing
    date; the page says how many are undated)."""
    counts = frames.count_by(agreements.assign(year=frames.year_of(agreements, "signed_on")), ["year", "kind"])
    if counts.empty:
        return None
    counts = frames.years_as_text(counts)
    return bar_chart(
        counts, "year", "count", axis=Axis(t("common.axis.year", lang), order=sorted(counts["year"].unique())),
        values=Values(t("common.axis.agreements", lang)), groups=Groups("kind", _kinds(lang), order=KINDS),
        presenting=presenting, lang=lang,
    )


def by_kind_and_status(agreements: pd.DataFrame, *, lang: str = "en", presenting: bool = False) -> go.Figure:
    """Agreements per kind (the most first), their status on the reference date stacked."""
    counts = frames.count_by(agreements, ["kind", "derived_status"])
    return bar_chart(
        counts, "kind", "count", horizontal=True,
        axis=Axis(labels=_kinds(lang), order=frames.largest_first(counts, "kind")),
        values=Values(t("common.axis.agreements", lang)),
        groups=Groups("derived_status", {s: t(f"enum.agreement_status.{s}", lang) for s in STATUSES},
                      AGREEMENT_STATUS_COLORS, STATUSES),
        presenting=presenting, lang=lang,
    )
