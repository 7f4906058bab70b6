"""What a page shows that depends on the dataset version and the language only, built
once and shared by every session and rerun (``st.cache_resource``: the same objects back,
never modified). Kept out of the page files: a cached function defined in a page is
decorated again on every run (Streamlit reads its source each time)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from datastore.labels import column_label, table_label
from i18n import t
from loaders.schema import GEO_PRECISIONS
from metrics import rules
from ui.context import PageContext
from ui.panels import problem_text
from ui.tables import columns, display_frame

PRECISIONS = list(GEO_PRECISIONS)


def _with_code(label: str, code: str) -> str:
    """A table's or column's name in the language, with the name the user's file gives
    it (the sheet, file or header to open): "Партнёры (partners)"."""
    same = label.casefold() == code.replace("_", " ").casefold()  # "Visits" for visits
    return label if same else f"{label} ({code})"


@st.cache_resource(show_spinner=False, max_entries=6)
def quality_tables(path: str, stamp: tuple, lang: str, _ctx: PageContext, presenting: bool = False) -> dict:
    """Every table of the Data quality page (views/quality.py), none of which depends on
    the filters: the problems with their severities, the map positions, the partners
    placed at their country only and the undated rows; ``_ctx``: the page's context of
    that dataset (not part of the key). ``presenting``: a person's cell and names in the
    problems' values and messages hidden (``loaders.privacy``)."""
    del path, stamp  # the cache key, with lang and presenting
    dataset = _ctx.dataset
    privacy = _ctx.privacy() if presenting else None
    out: dict = {"rows_used": sum(len(f) for f in dataset.tables.values())}
    if dataset.problems:
        out["severities"] = [p.severity for p in dataset.problems]
        out["problems"] = pd.DataFrame(
            {
                t("page.quality.col.severity", lang): [t(f"problem.severity.{p.severity}", lang) for p in dataset.problems],
                t("page.quality.col.table", lang): [_with_code(table_label(p.table, lang), p.table)
                                                    if p.table else "" for p in dataset.problems],
                t("page.quality.col.row", lang): pd.array([p.row for p in dataset.problems], dtype="Int64"),
                t("page.quality.col.column", lang): [_with_code(column_label(p.table, p.column, lang), p.column)
                                                     if p.column else "" for p in dataset.problems],
                t("page.quality.col.value", lang): [
                    privacy.problem_value(p.table, p.column, p.value) if privacy else p.value
                    for p in dataset.problems],
                t("page.quality.col.message", lang): [
                    privacy.problem_message(p.table, p.column, p.value, problem_text(p, lang)) if privacy
                    else problem_text(p, lang) for p in dataset.problems
                ],
            }
        )
    counts = {
        t(f"page.quality.table.{name}", lang): [
            int((dataset.tables[name]["geo_precision"] == p).sum()) for p in PRECISIONS
        ]
        for name in ("institutions", "partners")
    }
    out["positions"] = pd.DataFrame({t("page.quality.col.precision", lang): [t(f"enum.geo_precision.{p}", lang) for p in PRECISIONS], **counts})
    partners = dataset.tables["partners"]
    rough = partners[partners["geo_precision"] == "country"]
    out["rough_count"] = len(rough)
    if len(rough):
        reasons = []
        for rec in rough.to_dict("records"):
            note = rec.get("geo_note") if isinstance(rec.get("geo_note"), str) else "no_city"
            reasons.append(t(f"page.quality.reason.{note}", lang))
        rough = rough.assign(reason=reasons, hint=t("page.quality.hint", lang))
        out["rough"] = display_frame(rough, columns(
            "partners", ("_row", "page.quality.col.row", "int"), "name", "city", "country",
            ("reason", "page.quality.col.reason", "text"), ("hint", "page.quality.col.hint", "text")),
            lang, lookups=_ctx.lookups())
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
    out["undated"] = pd.DataFrame(rows)
    return out
