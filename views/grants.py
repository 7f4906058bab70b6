"""Grants: counts by status, USD by funder, theme, faculty and partner country, the table."""

import streamlit as st

from charts import grants as grant_charts
from i18n import t
from metrics import rules
from ui import show_table, start_page, stop_if_empty
from ui.evidence import kpi_cards
from ui.tables import columns

ctx = start_page("grants")
lang = ctx.lang
grants = ctx.scoped()["grants"]
stop_if_empty(ctx, [grants], "page.grants.empty")

partners = ctx.tables["partners"].drop_duplicates("partner_id").set_index("partner_id")
grants = ctx.grants_with_usd(grants)  # the grant_funding_usd conversion
funded = rules.funded_grants(grants)
values, notes = ctx.kpis()
kpi_cards(ctx, ["grants_active", "grant_funding_usd"], values, notes, columns=3)


def usd_bars(figure, key: str) -> None:
    """A USD chart, or a line that there is no amount to draw."""
    if figure is None:
        st.caption(t("page.grants.no_amounts", lang))
    else:
        st.plotly_chart(figure, key=key)


left, right = st.columns(2)
with left:
    st.subheader(t("page.grants.by_status", lang))
    st.plotly_chart(grant_charts.by_status(grants, lang=lang, presenting=ctx.presenting), key="grants-by-status")
with right:
    st.subheader(t("page.grants.by_funder", lang))
    usd_bars(grant_charts.usd_by_funder(funded, lang=lang, presenting=ctx.presenting), "grants-by-funder")

left, right = st.columns(2)
with left:
    st.subheader(t("page.grants.by_theme", lang))
    usd_bars(grant_charts.usd_by_theme(funded, lang=lang, presenting=ctx.presenting), "grants-by-theme")
with right:
    st.subheader(t("page.grants.by_faculty", lang))
    usd_bars(grant_charts.usd_by_faculty(funded, lang=lang, presenting=ctx.presenting), "grants-by-faculty")

st.subheader(t("page.grants.by_country", lang))
usd_bars(grant_charts.usd_by_partner_country(funded, partners["country"], ctx.country_name, lang=lang,
                                             presenting=ctx.presenting), "grants-by-country")
st.caption(t("page.grants.usd_note", lang))

st.subheader(t("page.grants.table", lang))
show_table(ctx, grants, columns("grants", "title", "institution_id", "partner_ids", "funder", "program", "theme", "status",
                                "start_date", "end_date", "amount", "currency", "usd"),
           key="grants", file_stem="grants", column_config={
               "amount": st.column_config.NumberColumn(format="localized"),
               "usd": st.column_config.NumberColumn(format="dollar")})
