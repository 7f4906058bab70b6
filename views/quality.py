"""Data quality: every problem the loader found, map positions, undated rows."""

import pandas as pd
import streamlit as st

from i18n import t
from loaders.schema import GEO_PRECISIONS
from metrics import rules
from ui import start_page, table_with_download
from ui.panels import problem_text
from ui.tables import display_frame

PRECISIONS = list(GEO_PRECISIONS)

ctx = start_page("quality")
lang = ctx.lang
dataset = ctx.dataset

# Problems ---------------------------------------------------------------------------------
errors, warnings = dataset.error_count, dataset.warning_count  # also those not listed
cols = st.columns(3)
cols[0].metric(t("page.quality.errors", lang), errors, help=t("page.quality.errors_help", lang), border=True)
cols[1].metric(t("page.quality.warnings", lang), warnings, help=t("page.quality.warnings_help", lang), border=True)
cols[2].metric(t("page.quality.rows_used", lang), sum(len(f) for f in dataset.tables.values()), border=True)

st.subheader(t("page.quality.problems", lang))
if not dataset.problems:
    st.success(t("page.quality.no_problems", lang), icon=":material/check_circle:")
else:
    severity = st.segmented_control(
        t("page.quality.show", lang), ["error", "warning"], selection_mode="multi", default=["error", "warning"],
        key="quality-severity", format_func=lambda s: t(f"problem.severity.{s}", lang),
    )
    problems = pd.DataFrame(
        {
            t("page.quality.col.severity", lang): [t(f"problem.severity.{p.severity}", lang) for p in dataset.problems],
            t("page.quality.col.table", lang): [p.table for p in dataset.problems],
            t("page.quality.col.row", lang): pd.array([p.row for p in dataset.problems], dtype="Int64"),
            t("page.quality.col.column", lang): [p.column or "" for p in dataset.problems],
            t("page.quality.col.value", lang): [p.value for p in dataset.problems],
            t("page.quality.col.message", lang): [
                problem_text(p, lang) for p in dataset.problems
            ],
        }
    )
    keep = [p.severity in (severity or []) for p in dataset.problems]
    table_with_download(problems[keep], "problems", lang, key="problems")

# Positions ----------------------------------------------------------------------------------
st.subheader(t("page.quality.positions", lang))
left, right = st.columns([1, 2])
with left:
    counts = {
        t(f"page.quality.table.{name}", lang): [
            int((dataset.tables[name]["geo_precision"] == p).sum()) for p in PRECISIONS
        ]
        for name in ("institutions", "partners")
    }
    positions = pd.DataFrame({t("page.quality.col.precision", lang): [t(f"enum.geo_precision.{p}", lang) for p in PRECISIONS], **counts})
    table_with_download(positions, "positions", lang, key="positions")
with right:
    partners = dataset.tables["partners"]
    rough = partners[partners["geo_precision"] == "country"]
    st.markdown(t("page.quality.country_level", lang, n=len(rough)))
    if len(rough):
        reasons = []
        for rec in rough.to_dict("records"):
            note = rec.get("geo_note") if isinstance(rec.get("geo_note"), str) else "no_city"
            reasons.append(t(f"page.quality.reason.{note}", lang))
        rough = rough.assign(reason=reasons, hint=t("page.quality.hint", lang))
        table_with_download(display_frame(rough, [
            ("_row", "page.quality.col.row", "int"),
            ("name", "common.col.partner", "text"),
            ("city", "common.col.city", "text"),
            ("country", "common.col.country", "country"),
            ("reason", "page.quality.col.reason", "text"),
            ("hint", "page.quality.col.hint", "text"),
        ], lang, lookups=ctx.lookups()), "partners-country-level", lang, key="rough")

# Undated ---------------------------------------------------------------------------------------
st.subheader(t("page.quality.undated", lang))
rows = []
for name in rules.UNDATED_COLUMNS:
    frame = dataset.tables[name]
    undated = rules.undated_rows(name, frame)
    rows.append({
        t("page.quality.col.table", lang): t(f"page.quality.table.{name}", lang),
        t("page.quality.col.rows", lang): len(frame),
        t("page.quality.col.undated", lang): len(undated),
        t("page.quality.col.undated_rows", lang): ", ".join(str(r) for r in undated["_row"].tolist()[:50]),
    })
table_with_download(pd.DataFrame(rows), "undated-rows", lang, key="undated")
st.caption(t("page.quality.undated_note", lang))
