"""The Data page's top: the version shown with the two downloads, and the editor's login."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from datastore import security
from datastore.store import Store
from i18n import t
from ui.datapage.common import XLSX_MIME, client, current_bytes, mtimes, template_bytes, when
from ui.datapage.state import page_state
from ui.text import tt


def show_current(store: Store, lang: str) -> tuple[int | None, Path]:
    """Which version the dashboard shows; the template and the current data to download."""
    current, active = store.snapshot()
    if current is None:
        st.markdown(t("data.current.base", lang))
    else:
        version = store.version(current)
        st.markdown(  # editor name and note are typed by people: shown as text
            tt(
                "data.current.version",
                lang,
                number=current,
                when=when(version.created_at),
                editor=version.editor,
                note=version.note or t("common.none", lang),
            )
            # one element either way: an element that comes and goes above the tabs
            # would make Streamlit draw new tabs and jump back to the first one
            + "\n\n" + t("data.current.overrides", lang)
        )
    left, right = st.columns(2)
    left.download_button(
        t("data.download.template", lang), data=template_bytes(lang),
        file_name="cooperation_template.xlsx", mime=XLSX_MIME, key="data_dl_template",
    )
    right.download_button(
        t("data.download.current", lang), data=current_bytes(str(active), lang, mtimes(active)),
        file_name=f"cooperation_data_v{current or 0}.xlsx", mime=XLSX_MIME, key="data_dl_current",
    )
    return current, active


def login(store: Store, lang: str) -> str | None:
    """The logged-in editor's name, or None after showing the login form.

    Wrong tries are counted in the store by name and by client address, so a new browser
    session, another app server or a cleared cache does not reset them.
    """
    state = page_state()
    if state.editor:
        cols = st.columns([4, 1])
        cols[0].caption(tt("data.login.as", lang, name=state.editor))
        if cols[1].button(t("data.login.logout", lang), key="data_logout"):
            state.editor = None
            st.rerun()
        return state.editor
    with st.form("data_login"):
        st.markdown(t("data.login.title", lang))
        name = st.text_input(t("data.login.name", lang), key="data_login_name")
        password = st.text_input(t("data.login.password", lang), type="password",
                                 key="data_login_pw")
        submitted = st.form_submit_button(t("data.login.submit", lang))
    if submitted:
        result = security.login(store, name, password, client())
        if result.ok:
            state.editor = name.strip()
            st.rerun()
        elif result.code == "locked":
            st.error(t("data.login.locked", lang, seconds=result.seconds_left))
        else:
            st.error(t("data.login.wrong", lang))
    return None
