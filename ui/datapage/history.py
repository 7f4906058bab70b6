"""The Data page's history: every version, restoring one after a preview, and the audit
log for administrators."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from datastore import forms, publications, security
from datastore.labels import table_label
from datastore.store import Store
from i18n import t
from loaders.schema import TABLE_ORDER
from ui.datapage.common import client, when, write_to_store
from ui.datapage.review import show_preview
from ui.datapage.rowhistory import show_row_history
from ui.datapage.state import page_state
from ui.text import t_plain


def _counts_text(counts: dict, lang: str) -> str:
    parts = []
    for name in TABLE_ORDER:
        c = counts.get(name)
        if c and any(c.values()):
            parts.append(t("data.history.counts", lang, table=table_label(name, lang),
                           added=c["added"], changed=c["changed"], removed=c["removed"]))
    return "; ".join(parts)


def _exports_text(extra: dict, lang: str) -> str:
    """What a ``publications`` version changed: the export files kept or removed."""
    change = extra.get("publications") or {}
    parts = [t_plain("data.pubs.history_added", lang, names=", ".join(change["added"]))] if change.get("added") else []
    if change.get("removed"):
        parts.append(t_plain("data.pubs.history_removed", lang, names=", ".join(change["removed"])))
    return "; ".join(parts)


def show_history(store: Store, current: int | None, editor: str | None, lang: str) -> None:
    st.subheader(t("data.history.title", lang))
    versions = store.history()
    if not versions:
        st.caption(t("data.history.empty", lang))
        return
    rows = [
        {
            t("data.history.version", lang): v.number,
            t("data.history.when", lang): when(v.created_at),
            t("data.history.editor", lang): v.editor,
            t("data.history.action", lang): t(f"data.history.action.{v.action}", lang,
                                              number=v.restored_from),
            t("data.history.note", lang): v.note,
            t("data.history.changes", lang): "; ".join(
                part for part in (_counts_text(v.counts, lang), _exports_text(v.extra, lang)) if part),
            t("data.history.current", lang): "✓" if v.number == current else "",
        }
        for v in versions
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    show_row_history(store, current, editor, lang)
    if editor is None:
        return
    choices = [v.number for v in versions if v.number != current]
    if not choices:
        return
    state = page_state()
    cols = st.columns([1, 2, 1], vertical_alignment="bottom")
    target = cols[0].selectbox(t("data.rollback.to", lang), choices, key="data_rollback_to")
    note = cols[1].text_input(t("data.rollback.note", lang), key="data_rollback_note")
    if cols[2].button(t("data.rollback.preview", lang, number=target), key="data_rollback_preview"):
        state.restore = (target, current)
    if not state.restore or state.restore != (target, current):
        return
    diffs = store.diff(current, target)
    before = {name: len(f) for name, f in store.frames(current).items()}
    st.markdown(t("data.rollback.summary", lang, number=target,
                  summary=forms.restore_summary(diffs, before, lang) or t("common.none", lang)))
    show_preview(diffs, lang, title_key="data.rollback.preview_title")
    back, gone = publications.rollback_change(store, current, target)
    if back or gone:  # the publication exports follow the version too
        st.markdown(t_plain("data.rollback.exports", lang, back=", ".join(k.name for k in back) or "—",
                       gone=", ".join(k.name for k in gone) or "—"))
    ok, cancel = st.columns(2)
    if ok.button(t("data.rollback.button", lang, number=target), type="primary",
                 key="data_rollback"):
        version = write_to_store(
            lambda: store.rollback(target, editor=editor, note=note, expected_current=current,
                                   client=client()),
            lang,
        )
        state.restore = None
        if version is None:
            return
        state.check = None
        state.edit_loaded = None
        state.reset_uploaders(t("data.rollback.done", lang, number=version.number, target=target))
        st.rerun()
    if cancel.button(t("data.rollback.cancel", lang), key="data_rollback_cancel"):
        state.restore = None
        st.rerun()


def _detail_text(detail: dict, lang: str) -> str:
    """An audit entry's details in words: ``администратор: да, учреждения: samsmu``."""
    parts = []
    for key, value in detail.items():
        label = t(f"data.audit.key.{key}", lang)
        if label == f"data.audit.key.{key}":
            label = key
        if isinstance(value, bool):
            value = t("data.template.yes" if value else "data.template.no", lang)
        elif isinstance(value, list | tuple | set):
            value = ", ".join(str(v) for v in value) or "—"
        parts.append(f"{label}: {value}")
    return "; ".join(parts)


def show_audit(store: Store, lang: str) -> None:
    with st.expander(t("data.audit.title", lang)):
        entries = security.audit_log(store, limit=300)
        rows = [{t("data.audit.at", lang): when(e["at"]), t("data.audit.event", lang):
                 t(f"data.audit.event.{e['event']}", lang), t("data.audit.editor", lang): e["editor"],
                 t("data.audit.client", lang): e["client"],
                 t("data.audit.detail", lang): _detail_text(e["detail"], lang)}
                for e in entries]
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
