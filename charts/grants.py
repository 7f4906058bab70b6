"""The Grants page's charts, each a named builder (grants in, Figure out); the page only
lays them out. The USD charts read ``usd`` (the grant_funding_usd conversion) of the
funded grants (``metrics.rules.funded_grants``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd
import plotly.graph_objects as go

from charts import frames
from charts.bars import Axis, Groups, Values, bar_chart
from charts.theme import GRANT_STATUS_COLORS
from i18n import t
from loaders.schema import GRANT_STATUSES

STATUSES = list(GRANT_STATUSES)
TOP = 12


def by_status(grants: pd.DataFrame, *, lang: str = "en", presenting: bool = False) -> go.Figure:
    """Grants per status, in the contract's order, each status its own colour."""
    counts = frames.count_by(grants, ["status"])
    labels = {s: t(f"enum.grant_status.{s}", lang) for s in STATUSES}
    return bar_chart(
        counts.assign(group=counts["status"]), "status", "count",
        axis=Axis(labels=labels, order=[s for s in STATUSES if s in set(counts["status"])]),
        values=Values(t("common.axis.grants", lang)), groups=Groups("group", labels, GRANT_STATUS_COLORS, STATUSES),
        presenting=presenting, lang=lang,
    )


def usd_by(frame: pd.DataFrame, category: str, *, lang: str = "en", presenting: bool = False,
           top: int = TOP) -> go.Figure | None:
    """Horizontal USD bars per ``category``, the largest first; beyond ``top`` the rest
    fold into "Other" (None: no amount to draw). Dollars as the language writes them:
    $1,200 in English, 1 200 $ in Russian and Uzbek."""
    totals = frames.count_by(frame, [category], weight="usd")
    totals = frames.top_n(totals, category, top, t("common.other", lang))
    if totals.empty or totals["count"].sum() == 0:
        return None
    return bar_chart(totals, category, "count", horizontal=True, values=Values.usd(t("common.axis.usd", lang), lang),
                     presenting=presenting, lang=lang)


def usd_by_funder(funded: pd.DataFrame, *, lang: str = "en", presenting: bool = False) -> go.Figure | None:
    """USD per funder (a grant without one under "not stated")."""
    return usd_by(funded.assign(funder=funded["funder"].fillna(t("common.not_stated", lang))), "funder",
                  lang=lang, presenting=presenting)


def usd_by_theme(funded: pd.DataFrame, *, lang: str = "en", presenting: bool = False) -> go.Figure | None:
    """USD per theme: ``theme`` is text, several themes separated by ";" (a grant of two
    themes counts in both)."""
    themes = funded.assign(theme=funded["theme"].map(
        lambda v: [p.strip() for p in v.split(";") if p.strip()] if isinstance(v, str) else []))
    return usd_by(frames.explode_list(themes, "theme", t("common.not_stated", lang)), "theme", lang=lang,
                  presenting=presenting)


def usd_by_faculty(funded: pd.DataFrame, *, lang: str = "en", presenting: bool = False) -> go.Figure | None:
    """USD per faculty (a grant of two faculties counts in both)."""
    return usd_by(frames.explode_list(funded, "faculty", t("common.not_stated", lang)), "faculty", lang=lang,
                  presenting=presenting)


def usd_by_partner_country(funded: pd.DataFrame, partner_country: Mapping[str, str],
                           country_name: Callable[[str], str], *, lang: str = "en",
                           presenting: bool = False) -> go.Figure | None:
    """USD per partner country: a grant counts once in each country of its partners."""
    by_partner = frames.explode_list(funded, "partner_ids")
    by_partner = by_partner.assign(country=by_partner["partner_ids"].map(partner_country).map(country_name))
    return usd_by(by_partner.drop_duplicates(["grant_id", "country"]), "country", lang=lang, presenting=presenting)
