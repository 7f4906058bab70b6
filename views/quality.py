"""Data quality: every problem the loader found, map positions, undated rows."""

import streamlit as st

from i18n import fmt, t
from metrics import rules
from metrics.documents import unresolved
from ui import show_table, start_page
from ui.documents import document_index
from ui.page_cache import quality_tables
from ui.tables import columns

ctx = start_page("quality")
lang = ctx.lang
dataset = ctx.dataset
tables = quality_tables(ctx.path, ctx.stamp, lang, ctx, ctx.presenting)  # none depends on the filters

# Problems ---------------------------------------------------------------------------------
errors, warnings = dataset.error_count, dataset.warning_count  # also those not listed
cols = st.columns(3)
cols[0].metric(t("page.quality.errors", lang), errors, help=t("page.quality.errors_help", lang), border=True)
cols[1].metric(t("page.quality.warnings", lang), warnings, help=t("page.quality.warnings_help", lang), border=True)
cols[2].metric(t("page.quality.rows_used", lang), tables["rows_used"], border=True)

st.subheader(t("page.quality.problems", lang))
if not dataset.problems:
    st.success(t("page.quality.no_problems", lang), icon=":material/check_circle:")
else:
    severity = st.segmented_control(
        t("page.quality.show", lang), ["error", "warning"], selection_mode="multi", default=["error", "warning"],
        key="quality-severity", format_func=lambda s: t(f"problem.severity.{s}", lang),
    )
    problems = tables["problems"]
    keep = [s in (severity or []) for s in tables["severities"]]
    show_table(ctx, problems if all(keep) else problems[keep], key="problems", file_stem="problems")

# Positions ----------------------------------------------------------------------------------
st.subheader(t("page.quality.positions", lang))
left, right = st.columns([1, 2])
with left:
    show_table(ctx, tables["positions"], key="positions", file_stem="positions")
with right:
    st.markdown(fmt.plural("page.quality.country_level", tables["rough_count"], lang))
    if tables["rough_count"]:
        show_table(ctx, tables["rough"], key="rough", file_stem="partners-country-level")

# Undated ---------------------------------------------------------------------------------------
st.subheader(t("page.quality.undated", lang))
show_table(ctx, tables["undated"], key="undated", file_stem="undated-rows")
st.caption(t("page.quality.undated_note", lang))

# Active only because nothing says otherwise (v3) ----------------------------------------------
# An agreement with no signing date, no expiry (not written open-ended) and no written status
# counts as active: its status is derived from no date at all, and its expiry is unknown.
assumed = rules.undated_active(dataset.tables["agreements"], ctx.scope.as_of)
st.subheader(t("page.quality.assumed_active", lang))
if assumed.empty:
    st.success(t("page.quality.assumed_active_none", lang), icon=":material/check_circle:")
else:
    st.warning(fmt.plural("page.quality.assumed_active_note", len(assumed), lang),
               icon=":material/help:")
    show_table(ctx, assumed, columns("agreements", "agreement_id", "institution_id", "partner_id", "_row"),
               key="assumed-active", file_stem="agreements-assumed-active")

# Sources -----------------------------------------------------------------------------------
# Rows that cite no document a panel could open (issue 28): no source at all, or a source
# citing something the documents table does not hold (docs/data-contract.md "Documents").
st.subheader(t("page.quality.sources", lang))
unsourced = unresolved(dataset.tables, document_index(ctx))
if unsourced.empty:
    st.success(t("page.quality.sources_ok", lang), icon=":material/check_circle:")
else:
    st.markdown(t("page.quality.sources_count", lang,
                  none=int((unsourced["problem"] == "no_source").sum()),
                  unknown=int((unsourced["problem"] == "unknown_document").sum())))
    unsourced = unsourced.assign(
        table=[t(f"page.quality.table.{name}", lang) for name in unsourced["table"]],
        problem=[t(f"page.quality.source.{p}", lang) for p in unsourced["problem"]])
    show_table(ctx, unsourced, columns(None, ("table", "page.quality.col.table", "text"), ("id", "common.col.id", "text"),
                                       ("_row", "page.quality.col.row", "int"),
                                       ("problem", "page.quality.col.message", "text"),
                                       ("source", "common.col.source", "text")),
               key="unsourced", file_stem="rows-without-document")
