"""Grants: counts by status, USD by funder, theme, faculty and partner country, the table."""

import pandas as pd
import streamlit as st

import charts
from charts import frames
from charts.theme import GRANT_STATUS_COLORS
from i18n import t
from loaders.schema import GRANT_STATUSES
from metrics import rules
from ui import start_page, stop_if_empty, table_with_download
from ui.evidence import kpi_cards
from ui.tables import display_frame

STATUSES = list(GRANT_STATUSES)
TOP = 12

ctx = start_page("grants")
lang = ctx.lang
grants = ctx.scoped()["grants"]
stop_if_empty(ctx, [grants], "page.grants.empty")

partners = ctx.tables["partners"].drop_duplicates("partner_id").set_index("partner_id")
grants = ctx.grants_with_usd(grants)  # the grant_funding_usd conversion
funded = rules.funded_grants(grants)
values, notes = ctx.kpis()
kpi_cards(ctx, ["grants_active", "grant_funding_usd"], values, notes, columns=3)
usd_title = t("common.axis.usd", lang)
status_labels = {s: t(f"enum.grant_status.{s}", lang) for s in STATUSES}


def usd_bars(frame: pd.DataFrame, category: str, key: str) -> None:
    """Horizontal USD bars of funded grants per ``category`` (top ones, the rest folded)."""
    totals = frames.count_by(frame, [category], weight="usd")
    totals = frames.top_n(totals, category, TOP, t("common.other", lang))
    if totals.empty or totals["count"].sum() == 0:
        st.caption(t("page.grants.no_amounts", lang))
        return
    st.plotly_chart(charts.bar_chart(
        totals, category, "count", horizontal=True, value_title=usd_title, value_format=",.0f",
        value_prefix="$" if lang == "en" else "", value_suffix="" if lang == "en" else "\u00a0$",
        presenting=ctx.presenting, lang=lang,
    ), key=key)


left, right = st.columns(2)
with left:
    st.subheader(t("page.grants.by_status", lang))
    by_status = frames.count_by(grants, ["status"])
    st.plotly_chart(charts.bar_chart(
        by_status.assign(group=by_status["status"]), "status", "count", group="group",
        category_order=[s for s in STATUSES if s in set(by_status["status"])], group_order=STATUSES,
        category_labels=status_labels, group_labels=status_labels, group_colors=GRANT_STATUS_COLORS,
        value_title=t("common.axis.grants", lang), presenting=ctx.presenting, lang=lang,
    ), key="grants-by-status")
with right:
    st.subheader(t("page.grants.by_funder", lang))
    usd_bars(funded.assign(funder=funded["funder"].fillna(t("common.not_stated", lang))), "funder", "grants-by-funder")

left, right = st.columns(2)
with left:
    st.subheader(t("page.grants.by_theme", lang))
    themes = funded.assign(theme=funded["theme"].map(lambda v: [p.strip() for p in v.split(";") if p.strip()] if isinstance(v, str) else []))
    usd_bars(frames.explode_list(themes, "theme", t("common.not_stated", lang)), "theme", "grants-by-theme")
with right:
    st.subheader(t("page.grants.by_faculty", lang))
    usd_bars(frames.explode_list(funded, "faculty", t("common.not_stated", lang)), "faculty", "grants-by-faculty")

st.subheader(t("page.grants.by_country", lang))
by_partner = frames.explode_list(funded, "partner_ids")
by_partner = by_partner.assign(country=by_partner["partner_ids"].map(partners["country"]).map(ctx.country_name))
usd_bars(by_partner.drop_duplicates(["grant_id", "country"]), "country", "grants-by-country")
st.caption(t("page.grants.usd_note", lang))

st.subheader(t("page.grants.table", lang))
table = display_frame(
    grants,
    [
        ("title", "common.col.title", "text"),
        ("institution_id", "common.col.institution", "institution"),
        ("partner_ids", "common.col.partners", "partner"),
        ("funder", "common.col.funder", "text"),
        ("program", "common.col.program", "text"),
        ("theme", "common.col.theme", "text"),
        ("status", "common.col.status", "enum:grant_status"),
        ("start_date", "common.col.start", "date"),
        ("end_date", "common.col.end", "date"),
        ("amount", "common.col.amount", "float"),
        ("currency", "common.col.currency", "text"),
        ("usd", "common.col.usd", "float"),
    ],
    lang,
    lookups=ctx.lookups(),
)
money = {
    t("common.col.amount", lang): st.column_config.NumberColumn(format="localized"),
    t("common.col.usd", lang): st.column_config.NumberColumn(format="dollar"),
}
table_with_download(table, "grants", lang, key="grants", column_config=money)
