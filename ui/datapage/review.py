"""The review every write goes through: the problems found, what changes table by table,
and the Publish button (disabled while there are errors)."""

from __future__ import annotations

import streamlit as st

from datastore import forms
from datastore.diff import summary
from datastore.store import Store
from i18n import t
from ui.datapage.common import client, write_to_store
from ui.datapage.state import page_state
from ui.panels import problems_table
from ui.text import tt


def show_problems(dataset, lang: str) -> None:
    errors, warnings = dataset.errors, dataset.warnings
    if dataset.fatal:
        st.error(tt("data.check.fatal", lang, message=dataset.fatal_text(lang)))
        return
    if not dataset.problems:
        st.success(t("data.check.clean", lang))
        return
    summary_key = "data.check.has_errors" if errors else "data.check.only_warnings"
    (st.error if errors else st.warning)(
        t(summary_key, lang, errors=dataset.error_count, warnings=dataset.warning_count)
    )
    problems_table([*errors, *warnings], lang)


def show_preview(diffs: dict, lang: str, title_key: str = "data.preview.title") -> bool:
    """Per table: rows added, changed (field by field), removed; True when anything changes."""
    st.subheader(t(title_key, lang))
    changed_tables = {name: d for name, d in diffs.items() if d.has_changes}
    if not changed_tables:
        st.info(t("data.preview.none", lang))
        return False
    counts = summary(changed_tables)
    for name, diff in changed_tables.items():
        c = counts[name]
        label = t("data.preview.table", lang, table=name, added=c["added"],
                  changed=c["changed"], removed=c["removed"])
        with st.expander(label, expanded=len(changed_tables) <= 3):
            if len(diff.added):
                st.markdown(t("data.preview.added", lang, count=c["added"]))
                st.dataframe(forms.readable_rows(name, diff.added, lang), width="stretch")
            if diff.changed:
                st.markdown(t("data.preview.changed", lang, count=c["changed"]))
                frame = forms.readable_changes(name, diff, lang).rename(columns={
                    "row": t("data.col.key", lang), "field": t("data.col.column", lang),
                    "old": t("data.col.old", lang), "new": t("data.col.new", lang)})
                st.dataframe(frame, hide_index=True, width="stretch")
            if len(diff.removed):
                st.markdown(t("data.preview.removed", lang, count=c["removed"]))
                st.dataframe(forms.readable_rows(name, diff.removed, lang), width="stretch")
    return True


def publish_section(store: Store, check: dict, editor: str, has_changes: bool, lang: str,
                    key: str = "data", choice=None) -> None:
    """The note and the Publish button. ``choice`` (``ui.datapage.merge.MergeChoice``):
    how conflicts were settled and which tables a file without a base replaces; Publish
    waits until every conflict has a choice."""
    dataset = check["dataset"]
    blocked = bool(dataset.fatal or dataset.errors)
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
        state.reset_uploaders(t("data.publish.done", lang, number=version.number))
        st.rerun()
