"""Agreements: the registry with status at the reference date, renewals, dormant ones."""

import streamlit as st

from charts import agreements as agreement_charts
from i18n import fmt, t
from loaders.schema import AGREEMENT_STATUSES
from metrics import rules
from metrics.rules import EXPIRING_DAYS
from ui import agreement_terms, show_table, start_page, stop_if_empty
from ui.evidence import kpi_cards
from ui.tables import columns

STATUSES = list(AGREEMENT_STATUSES)

ctx = start_page("agreements")
lang = ctx.lang
agreements = ctx.scoped()["agreements"]
stop_if_empty(ctx, [agreements], "page.agreements.empty")

partners = ctx.tables["partners"].drop_duplicates("partner_id").set_index("partner_id")
agreements = agreements.assign(
    derived_status=ctx.agreement_status(agreements),
    partner_country=agreements["partner_id"].map(partners["country"]),
    days_left=rules.days_left(agreements, ctx.scope.as_of),
)
st.caption(t("page.agreements.as_of", lang, date=fmt.date_text(ctx.scope.as_of, lang)))
values, notes = ctx.kpis()
kpi_cards(ctx, ["agreements_active", "agreements_expiring", "agreements_dormant"], values, notes,
          inverse=frozenset({"agreements_expiring", "agreements_dormant"}), columns=3)

# The status on the reference date is what a reader looks for: keep it in view.
COLUMNS = columns("agreements", "institution_id", "partner_id", "partner_country", "kind", "derived_status",
                  "signed_on", "expires_on", "title", "faculty")

# Renewals and dormant ------------------------------------------------------------------
left, right = st.columns(2)
with left:
    st.subheader(t("page.agreements.renewals", lang, days=EXPIRING_DAYS))
    # The rows of the KPI itself (metrics.rules.expiring_agreements), soonest first.
    expiring = ctx.evidence_frame("agreements_expiring")
    expiring = expiring.assign(days_left=rules.days_left(expiring, ctx.scope.as_of)).sort_values("expires_on")
    unknown_expiry = int(notes.get("agreements_expiry_unknown", 0))
    if unknown_expiry:  # v3: an empty expires_on is unknown, so "none expires" cannot be said
        st.warning(fmt.plural("page.agreements.expiry_unknown", unknown_expiry, lang),
                   icon=":material/help:")
    if expiring.empty and not unknown_expiry:
        st.success(t("page.agreements.no_renewals", lang), icon=":material/check_circle:")
    elif not expiring.empty:
        show_table(ctx, expiring, columns("agreements", "institution_id", "partner_id", "kind", "expires_on",
                                          "days_left"), key="expiring", file_stem="agreements-expiring")
with right:
    st.subheader(t("page.agreements.dormant", lang))
    dormant = ctx.evidence_frame("agreements_dormant")
    st.caption(t("page.agreements.dormant_note", lang))
    if dormant.empty:
        st.success(t("page.agreements.no_dormant", lang), icon=":material/check_circle:")
    else:
        show_table(ctx, dormant, columns("agreements", "institution_id", "partner_id", "kind", "signed_on"),
                   key="dormant", file_stem="agreements-dormant")

# Charts --------------------------------------------------------------------------------
left, right = st.columns(2)
with left:
    st.subheader(t("page.agreements.signed_per_year", lang))
    signed = agreement_charts.signed_per_year(agreements, lang=lang, presenting=ctx.presenting)
    if signed is None:
        st.caption(t("page.agreements.no_signed", lang))
    else:
        st.plotly_chart(signed, key="signed-per-year")
    undated = int(agreements["signed_on"].isna().sum())
    if undated:
        st.caption(fmt.plural("page.agreements.undated", undated, lang))
with right:
    st.subheader(t("page.agreements.by_status", lang))
    st.plotly_chart(agreement_charts.by_kind_and_status(agreements, lang=lang, presenting=ctx.presenting),
                    key="agreements-by-kind")

# Registry ---------------------------------------------------------------------------------
st.subheader(t("page.agreements.registry", lang))
statuses = st.multiselect(
    t("page.agreements.status_filter", lang), STATUSES, key="agreements-status",
    format_func=lambda s: t(f"enum.agreement_status.{s}", lang), placeholder=t("filters.all", lang),
)
registry = agreements if not statuses else agreements[agreements["derived_status"].isin(statuses)]
registry = registry.sort_values(["institution_id", "signed_on"], na_position="last")
show_table(ctx, registry, COLUMNS, key="registry", file_stem="agreements")

# Terms, use against quota, pipeline, renewals due, reminders and IIA files ---------------
agreement_terms.render(ctx, agreements)
