"""The review every write goes through: the problems found (in words, numbered as in the
editor's own sheet, correctable in place for an office sheet), what changes table by
table, rows the editor may not change, and the Publish button (off while any of those
stands in the way)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from datastore import forms
from datastore.diff import summary
from datastore.labels import column_label, enum_label, table_label
from datastore.store import Store
from i18n import fmt, t
from loaders.schema import TABLES
from ui.datapage.common import client, rows_text, write_to_store
from ui.datapage.state import page_state
from ui.panels import problem_text
from ui.text import t_plain

FIX = "fix"


def problem_message(problem, lang: str) -> str:
    """The problem's message with the table, the column and the allowed values in words."""
    table = problem.table if problem.table in TABLES else None
    params = dict(problem.params or {})
    if table and isinstance(params.get("column"), str):
        params["column"] = column_label(table, params["column"], lang)
    if table and problem.code == "bad_enum" and problem.column:
        allowed = TABLES[table].column(problem.column).allowed
        params["allowed"] = ", ".join(enum_label(table, problem.column, w, lang) for w in allowed)
    if isinstance(params.get("table"), str) and params["table"] in TABLES:
        params["table"] = table_label(params["table"], lang)
    return problem_text(replace(problem, params=params), lang)


def problems_frame(problems: list, lang: str) -> pd.DataFrame:
    """One row per problem, every code in words; the sheet column for an office sheet."""
    sheets = any("sheet" in (p.params or {}) for p in problems)
    rows = []
    for p in problems:
        table = p.table if p.table in TABLES else None
        row = {t("data.col.severity", lang): t(f"data.severity.{p.severity}", lang)}
        if sheets:
            row[t("data.col.sheet", lang)] = (p.params or {}).get("sheet", "")
        row[t("data.col.table", lang)] = table_label(table, lang) if table else p.table
        row[t("data.col.row", lang)] = p.row
        row[t("data.col.column", lang)] = (column_label(table, p.column, lang) if table and p.column
                                           else p.column or "")
        row[t("data.col.value", lang)] = p.value
        row[t("data.col.message", lang)] = problem_message(p, lang)
        rows.append(row)
    return pd.DataFrame(rows)


def show_problems(dataset, lang: str, problems: list | None = None,
                  fix_key: str | None = None) -> dict[tuple[str, int, str], str]:
    """The check's verdict and its problems; with ``fix_key`` a column to type corrections
    in: returns {(sheet or table, row as in the file, column): corrected text}."""
    if dataset.fatal:
        st.error(t_plain("data.check.fatal", lang, message=dataset.fatal_text(lang)))
        return {}
    problems = [*dataset.errors, *dataset.warnings] if problems is None else problems
    if not problems:
        st.success(t("data.check.clean", lang))
        return {}
    errors = [p for p in problems if p.severity == "error"]
    summary_key = ("data.check.only_warnings" if not errors else
                   "data.check.has_errors_here" if fix_key else "data.check.has_errors")
    (st.error if errors else st.warning)(
        t(summary_key, lang, errors=fmt.integer(len(errors), lang),
          warnings=fmt.integer(len(problems) - len(errors), lang)))
    frame = problems_frame(problems, lang)
    if fix_key is None:
        st.dataframe(frame, hide_index=True, width="stretch")
        return {}
    st.caption(t("data.check.fix_here", lang))
    fix_col = t("data.col.fix", lang)
    frame.insert(frame.columns.get_loc(t("data.col.value", lang)) + 1, fix_col, "")
    edited = st.data_editor(frame, hide_index=True, width="stretch", key=fix_key,
                            disabled=[c for c in frame.columns if c != fix_col])
    fixes = {}
    for problem, text in zip(problems, edited[fix_col], strict=True):
        where = (problem.params or {}).get("sheet") or problem.table  # the sheet, or the table
        if problem.row is not None and problem.column and str(text or "").strip():
            fixes[(where, int(problem.row), problem.column)] = str(text).strip()
    return fixes


def show_preview(diffs: dict, lang: str, title_key: str = "data.preview.title",
                 names: dict | None = None) -> bool:
    """Per table: rows added, changed (field by field), removed; True when anything changes."""
    st.subheader(t(title_key, lang))
    changed_tables = {name: d for name, d in diffs.items() if d.has_changes}
    if not changed_tables:
        st.info(t("data.preview.none", lang))
        return False
    counts = summary(changed_tables)
    for name, diff in changed_tables.items():
        c = counts[name]
        label = t("data.preview.table", lang, table=table_label(name, lang), added=c["added"],
                  changed=c["changed"], removed=c["removed"])
        with st.expander(label, expanded=len(changed_tables) <= 3):
            if len(diff.added):
                st.markdown(t("data.preview.added", lang, count=c["added"]))
                st.dataframe(forms.readable_rows(name, diff.added, lang, names), width="stretch")
            if diff.changed:
                st.markdown(t("data.preview.changed", lang, count=c["changed"]))
                frame = forms.readable_changes(name, diff, lang).rename(columns={
                    "row": t("data.col.key", lang), "field": t("data.col.column", lang),
                    "old": t("data.col.old", lang), "new": t("data.col.new", lang)})
                st.dataframe(frame, hide_index=True, width="stretch")
            if len(diff.removed):
                st.markdown(t("data.preview.removed", lang, count=c["removed"]))
                st.dataframe(forms.readable_rows(name, diff.removed, lang, names), width="stretch")
    return True


def show_refused(refused: list[tuple[str, str]], lang: str) -> None:
    if refused:
        st.error(t_plain("data.check.refused", lang, rows=rows_text(refused, lang)))


def summary_line(diffs: dict, before: dict[str, int], lang: str) -> str:
    after = {name: before.get(name, 0) + len(d.added) - len(d.removed) for name, d in diffs.items()}
    return forms.summary_line(before, after, lang)


def publish_section(store: Store, check: dict, editor: str, has_changes: bool, lang: str,
                    key: str = "data", choice=None) -> None:
    """The note and the Publish button. ``choice`` (``ui.datapage.merge.MergeChoice``):
    how conflicts were settled and which tables a file without a base replaces; Publish
    waits until every conflict has a choice."""
    dataset = check["dataset"]
    blocked = bool(dataset.fatal or dataset.errors or check.get("refused"))
    unresolved = choice is not None and not choice.ready
    if blocked:
        st.info(t("data.publish.blocked", lang))
    elif not has_changes and not unresolved:
        return
    blocked = blocked or unresolved
    note = st.text_input(t("data.publish.note", lang), key=f"{key}_note", disabled=blocked)
    if st.button(t("data.publish.button", lang), type="primary", disabled=blocked,
                 key=f"{key}_publish"):
        version = write_to_store(
            lambda: store.publish(
                check["frames"], editor=editor, note=note, expected_current=check["expected"],
                source_name=check["name"], client=client(),
                extra={"problems": {"errors": 0, "warnings": dataset.warning_count}},
                base_version=check.get("base"),
                resolve=choice.resolve if choice is not None else None,
                replace=choice.replace if choice is not None else (),
            ),
            lang,
        )
        if version is None:
            return
        state = page_state()
        state.check = None
        state.office_sheets = None
        state.office_fixes = {}
        state.reset_uploaders(t("data.publish.done", lang, number=version.number))
        st.rerun()
