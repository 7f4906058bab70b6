"""The Data page's "History of one row": every version one row had (who, when, which
fields, what was typed) and restoring that row alone (``datastore.rowhistory``)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from datastore import forms
from datastore.labels import column_label, table_label
from datastore.rowhistory import restore_row, row_history
from datastore.rows import row_key
from datastore.store import Store
from i18n import t
from loaders.schema import TABLE_ORDER
from ui.datapage.common import client, lookups, version_frames, when, write_to_store
from ui.datapage.state import page_state


def _fields(step, table: str, lang: str) -> str:
    parts = []
    for column, old, new in step.fields:
        typed = step.typed.get(column)
        label = column_label(table, column, lang)
        text = f"{label}: {new}" if step.kind == "added" else f"{label}: {old or '—'} → {new or '—'}"
        if typed is not None and typed != new:
            text += " " + t("data.rowhist.typed", lang, typed=typed)
        parts.append(text)
    return "; ".join(parts)


def show_row_history(store: Store, current: int | None, editor: str | None, lang: str) -> None:
    if current is None:
        return
    with st.expander(t("data.rowhist.title", lang)):
        frames = version_frames(store.url, current)
        tables = [name for name in TABLE_ORDER if name in frames and len(frames[name])]
        cols = st.columns([1, 3])
        table = cols[0].selectbox(t("data.rowhist.table", lang), tables,
                                  index=tables.index("visits") if "visits" in tables else 0,
                                  format_func=lambda name: table_label(name, lang),
                                  key="data_rowhist_table")
        if table is None:
            return
        names = lookups(frames)["partners"]
        records = frames[table].to_dict("records")
        keys = [row_key(table, cells) for cells in records]
        titles = {key: forms.row_title(table, cells, lang, names)
                  for key, cells in zip(keys, records, strict=True)}
        key = cols[1].selectbox(t("data.rowhist.row", lang), keys, format_func=titles.get,
                                key=f"data_rowhist_row_{table}")
        if key is None:
            return
        steps = row_history(store, table, key)
        st.dataframe(pd.DataFrame([{
            t("data.history.version", lang): s.version,
            t("data.history.when", lang): when(s.created_at),
            t("data.history.editor", lang): s.editor,
            t("data.history.action", lang): t(f"data.rowhist.kind.{s.kind}", lang),
            t("data.rowhist.fields", lang): _fields(s, table, lang),
            t("data.history.note", lang): s.note,
        } for s in steps]), hide_index=True, width="stretch")
        earlier = [s.version for s in steps if s.version != steps[-1].version]
        if editor is None or not earlier:
            return
        cols = st.columns([1, 1], vertical_alignment="bottom")
        target = cols[0].selectbox(t("data.rowhist.restore_to", lang), sorted(earlier, reverse=True),
                                   key=f"data_rowhist_to_{table}")
        if cols[1].button(t("data.rowhist.restore", lang, number=target),
                          key=f"data_rowhist_restore_{table}"):
            version = write_to_store(
                lambda: restore_row(store, table, key, target, editor=editor,
                                    base_version=current, client=client()), lang)
            if version is None:
                return
            state = page_state()
            state.forget_edit()
            state.reset_uploaders(t("data.rowhist.done", lang, target=target,
                                    number=version.number))
            st.rerun()
