"""Agreements: the registry with status at the reference date, renewals, dormant ones."""

import streamlit as st

import charts
from charts import frames
from charts.theme import AGREEMENT_STATUS_COLORS
from i18n import fmt, t
from loaders.schema import AGREEMENT_KINDS, AGREEMENT_STATUSES
from metrics import rules
from metrics.rules import EXPIRING_DAYS
from ui import agreement_terms, start_page, stop_if_empty, table_with_download
from ui.evidence import kpi_cards
from ui.panels import display_table_with_download
from ui.tables import display_frame

KINDS = list(AGREEMENT_KINDS)
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

COLUMNS = [
    ("institution_id", "common.col.institution", "institution"),
    ("partner_id", "common.col.partner", "partner"),
    ("partner_country", "common.col.country", "country"),
    ("kind", "common.col.kind", "enum:agreement_kind"),
    # The status on the reference date is what a reader looks for: keep it in view.
    ("derived_status", "common.col.status", "enum:agreement_status"),
    ("signed_on", "common.col.signed_on", "date"),
    ("expires_on", "common.col.expires_on", "date"),
    ("title", "common.col.title", "text"),
    ("faculty", "common.col.faculty", "list"),
]
lookups = ctx.lookups()

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
        table_with_download(display_frame(expiring, [
            ("institution_id", "common.col.institution", "institution"),
            ("partner_id", "common.col.partner", "partner"),
            ("kind", "common.col.kind", "enum:agreement_kind"),
            ("expires_on", "common.col.expires_on", "date"),
            ("days_left", "common.col.days_left", "int"),
        ], lang, lookups=lookups), "agreements-expiring", lang, key="expiring")
with right:
    st.subheader(t("page.agreements.dormant", lang))
    dormant = ctx.evidence_frame("agreements_dormant")
    st.caption(t("page.agreements.dormant_note", lang))
    if dormant.empty:
        st.success(t("page.agreements.no_dormant", lang), icon=":material/check_circle:")
    else:
        table_with_download(display_frame(dormant, [
            ("institution_id", "common.col.institution", "institution"),
            ("partner_id", "common.col.partner", "partner"),
            ("kind", "common.col.kind", "enum:agreement_kind"),
            ("signed_on", "common.col.signed_on", "date"),
        ], lang, lookups=lookups), "agreements-dormant", lang, key="dormant")

# Charts --------------------------------------------------------------------------------
left, right = st.columns(2)
kind_labels = {k: t(f"enum.agreement_kind.{k}", lang) for k in KINDS}
with left:
    st.subheader(t("page.agreements.signed_per_year", lang))
    signed = frames.count_by(agreements.assign(year=frames.year_of(agreements, "signed_on")), ["year", "kind"])
    if signed.empty:
        st.caption(t("page.agreements.no_signed", lang))
    else:
        signed["year"] = signed["year"].astype(int).astype(str)
        st.plotly_chart(charts.bar_chart(
            signed, "year", "count", group="kind", category_order=sorted(signed["year"].unique()), group_order=KINDS,
            group_labels=kind_labels, category_title=t("common.axis.year", lang),
            value_title=t("common.axis.agreements", lang), presenting=ctx.presenting, lang=lang,
        ), key="signed-per-year")
    undated = int(agreements["signed_on"].isna().sum())
    if undated:
        st.caption(fmt.plural("page.agreements.undated", undated, lang))
with right:
    st.subheader(t("page.agreements.by_status", lang))
    by_status = frames.count_by(agreements, ["kind", "derived_status"])
    order = by_status.groupby("kind", sort=False)["count"].sum().sort_values(ascending=False, kind="stable").index.tolist()
    st.plotly_chart(charts.bar_chart(
        by_status, "kind", "count", group="derived_status", horizontal=True, category_order=order,
        category_labels=kind_labels, group_order=STATUSES,
        group_labels={s: t(f"enum.agreement_status.{s}", lang) for s in STATUSES},
        group_colors=AGREEMENT_STATUS_COLORS, value_title=t("common.axis.agreements", lang), presenting=ctx.presenting, lang=lang,
    ), key="agreements-by-kind")

# Registry ---------------------------------------------------------------------------------
st.subheader(t("page.agreements.registry", lang))
statuses = st.multiselect(
    t("page.agreements.status_filter", lang), STATUSES, key="agreements-status",
    format_func=lambda s: t(f"enum.agreement_status.{s}", lang), placeholder=t("filters.all", lang),
)
registry = agreements if not statuses else agreements[agreements["derived_status"].isin(statuses)]
registry = registry.sort_values(["institution_id", "signed_on"], na_position="last")
display_table_with_download(registry, COLUMNS, lang, lookups=lookups, file_stem="agreements", key="registry")

# Terms, use against quota, pipeline, renewals due, reminders and IIA files ---------------
agreement_terms.render(ctx, agreements)
