"""Data page: one-row edits, uploads with review, history, restore with a preview, audit.

Only the layout: every part is in ``ui.datapage``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from datastore import security
from datastore.store import Store, StoreError, StoreUnavailable
from i18n import t
from ui import start_page
from ui.datapage.attachments import attachments_section
from ui.datapage.common import client, hash_place
from ui.datapage.history import show_audit, show_history
from ui.datapage.iia import iia_section
from ui.datapage.login import login, show_current
from ui.datapage.mapping import office_section
from ui.datapage.publications import publications_section
from ui.datapage.rowform import row_editor
from ui.datapage.state import page_state
from ui.datapage.upload import upload_section

ctx = start_page("data", title_key="data.title", lead_key="data.caption", stop_on_fatal=False,
                 notice=False)
lang = ctx.lang
if ctx.presenting:  # the rows as typed, names included, and the editors' log: not for a projector
    st.info(t("data.present_closed", lang), icon=":material/visibility_off:")
    st.stop()
state = page_state()
# Always one element here, message or not: the tabs below keep their place, so the tab
# the editor worked in stays open after a save reruns the page.
flash_slot = st.empty()
if flash := state.take_flash():
    kind, text = flash
    (flash_slot.success if kind == "success" else flash_slot.error)(text)

store = Store()
try:
    current, active = show_current(store, lang)
except StoreUnavailable:  # why is said above (the notice or the panel of start_page)
    st.error(t("data.store.no_edits", lang))
    st.stop()

editor = None
if not security.editors_configured(store):
    st.info(t("data.editor.none", lang, path=hash_place(store)))
    st.code("python -m datastore add-editor NAME --admin", language="bash")
else:
    editor = login(store, lang)
    if editor:
        edit_tab, upload_tab, office_tab, pubs_tab, attach_tab, iia_tab = st.tabs(
            [t("data.tab.edit", lang), t("data.tab.upload", lang), t("data.tab.office", lang),
             t("data.tab.publications", lang), t("data.tab.attachments", lang), t("data.tab.iia", lang)])
        with edit_tab:
            if current is None:
                try:
                    current = store.seed()
                except StoreError as exc:
                    st.error(t("data.store.unreadable", lang, detail=exc.params.get("detail", "")))
            if current is not None:
                row_editor(store, editor, current, lang)
        with upload_tab:
            upload_section(store, editor, current, store.active_path(), lang)
        if current is not None:
            with office_tab:
                office_section(store, editor, current, lang)
        with pubs_tab:
            institutions = ctx.tables["institutions"] if not ctx.fatal else pd.DataFrame()
            publications_section(store, editor, current, dict(zip(
                institutions.get("institution_id", []), institutions.get("name", []), strict=True)),
                lang, client=client())
        with attach_tab:
            attachments_section(store, editor, current, lang, client=client())
        if current is not None:
            with iia_tab:
                institutions = ctx.tables["institutions"] if not ctx.fatal else pd.DataFrame()
                iia_section(store, editor, current, dict(zip(
                    institutions.get("institution_id", []), institutions.get("short_name", []), strict=True)), lang)

show_history(store, current, editor, lang)
if editor and (security.account(store, editor) or {}).get("is_admin"):
    show_audit(store, lang)
