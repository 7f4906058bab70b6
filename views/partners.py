"""Partners: offline world map, a searchable partner table and one partner's details."""

import streamlit as st

import charts
from charts import frames
from i18n import fmt, t
from loaders.schema import PARTNER_TYPES
from ui import legend, show_table, start_page, stop_if_empty
from ui.documents import document_links, documents_of_frame, with_documents
from ui.evidence import kpi_cards
from ui.tables import columns, display_frame
from ui.text import plain, t_plain

ctx = start_page("partners")
lang = ctx.lang
# A row's source as its document's title and quote (show_table hides the quote when presenting).
SOURCE = ("document", "quote", "_row")
scoped = ctx.scoped()
stop_if_empty(ctx, [scoped["partners"]])

partners = frames.partner_activity(scoped["partners"], scoped["agreements"], scoped["visits"], scoped["grants"])
links = frames.partner_links(scoped["agreements"], scoped["visits"], scoped["grants"], partners["partner_id"])
country_names = {code: ctx.country_name(code) for code in set(partners["country"].dropna()) | set(ctx.tables["institutions"]["country"].dropna())}

values, notes = ctx.kpis()
kpi_cards(ctx, ["partners", "partner_countries", "irn_index"], values, notes, columns=3)

# Map ---------------------------------------------------------------------------------
homes = ctx.localised_institutions(scoped["institutions"])  # named in the page's language
deck = charts.partner_map(
    partners, homes, links, lang=lang, country_names=country_names, presenting=ctx.presenting,
    height=640 if ctx.presenting else 560,
)
event = st.pydeck_chart(deck, height=640 if ctx.presenting else 560, key="partner-map",
                        on_select="rerun", selection_mode="multi-object")
# A click on partner points (or shift-click for several) narrows the table below to them.
picked_points = (getattr(event, "selection", None) or {}).get("objects", {}).get("partners", []) if event else []
picked_ids = [p.get("partner_id") for p in picked_points if p.get("partner_id")]
present_types = set(partners["type"])
types_shown = [k for k in PARTNER_TYPES if k in present_types]
legend(charts.partner_type_legend(types_shown, lang), title=t("page.partners.legend_type", lang))
legend(charts.institution_legend(homes, links, lang), title=t("page.partners.legend_home", lang), shape="square")
st.caption(t("page.partners.map_note", lang))

# Table ---------------------------------------------------------------------------------
st.subheader(t("page.partners.table", lang))
query = st.text_input(
    t("page.partners.search", lang), key="partners-search", placeholder=t("page.partners.search_hint", lang)
)
# Formatted whole: the search below reads the words shown.
table = display_frame(partners, columns("partners", "name", "type", "city", "country", "geo_precision",
                                        "agreements", "visits", "grants", "website"), lang, lookups=ctx.lookups())
if picked_ids:
    table = table[partners["partner_id"].isin(picked_ids).to_numpy()]
    st.caption(fmt.plural("page.partners.map_picked", len(picked_ids), lang))
if query:
    needle = query.casefold().strip()
    haystack = table.astype(str).agg(" ".join, axis=1).str.casefold()
    table = table[haystack.str.contains(needle, regex=False)]
st.caption(fmt.plural("page.partners.count", len(partners), lang, shown=fmt.integer(len(table), lang),
                       total=fmt.integer(len(partners), lang)))
show_table(ctx, table, key="partners", file_stem="partners")

# Detail --------------------------------------------------------------------------------
st.subheader(t("page.partners.detail", lang))
names = dict(zip(partners["partner_id"], partners["name"], strict=True))
chosen = st.selectbox(
    t("page.partners.choose", lang), list(names), index=None, key="partner-detail",
    format_func=lambda pid: names.get(pid, pid), placeholder=t("page.partners.choose_hint", lang),
)
if chosen:
    row = partners[partners["partner_id"] == chosen].iloc[0]
    kind_label = t("enum.partner_type." + str(row["type"]), lang)
    place = ", ".join(p for p in [row["city"] if isinstance(row["city"], str) else "", ctx.country_name(row["country"])] if p)
    st.markdown(f"**{plain(row['name'])}** · {kind_label} · {plain(place)}")
    source = row.get("source")
    if isinstance(source, str) and source.strip():
        partner_doc = with_documents(ctx, "partners", partners[partners["partner_id"] == chosen])
        st.caption(t_plain("page.partners.source", lang, source=partner_doc["document"].iloc[0]  # data text: as text
                      + (" — " + partner_doc["quote"].iloc[0] if partner_doc["quote"].iloc[0] and not ctx.presenting else "")))
    detail_docs = documents_of_frame(ctx, "partners", partners[partners["partner_id"] == chosen])
    tabs = st.tabs([
        t("page.partners.tab_agreements", lang, n=fmt.integer(row["agreements"], lang)),
        t("page.partners.tab_visits", lang, n=fmt.integer(row["visits"], lang)),
        t("page.partners.tab_grants", lang, n=fmt.integer(row["grants"], lang)),
    ])
    with tabs[0]:
        rows = scoped["agreements"][scoped["agreements"]["partner_id"] == chosen]
        rows = with_documents(ctx, "agreements", rows)
        detail_docs += [d for d in documents_of_frame(ctx, "agreements", rows) if d not in detail_docs]
        show_table(ctx, rows, columns("agreements", "institution_id", "kind", "title", "signed_on", "expires_on",
                                      "status", *SOURCE), key="detail-agreements", file_stem=f"agreements-{chosen}")
    with tabs[1]:
        rows = with_documents(ctx, "visits", scoped["visits"][scoped["visits"]["partner_id"] == chosen])
        detail_docs += [d for d in documents_of_frame(ctx, "visits", rows) if d not in detail_docs]
        show_table(ctx, rows, columns("visits", "institution_id", "person", "start_date", "end_date", "direction",
                                      "mode", "activity", *SOURCE), key="detail-visits", file_stem=f"visits-{chosen}")
    with tabs[2]:
        grants = scoped["grants"]
        rows = with_documents(ctx, "grants", grants[grants["partner_ids"].map(lambda ids: chosen in (ids or []))])
        detail_docs += [d for d in documents_of_frame(ctx, "grants", rows) if d not in detail_docs]
        show_table(ctx, rows, columns("grants", "institution_id", "title", "funder", "status", "start_date", "end_date",
                                      "amount", "currency", *SOURCE), key="detail-grants", file_stem=f"grants-{chosen}")
    document_links(ctx, detail_docs, key="partner-detail")
