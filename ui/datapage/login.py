"""The Data page's top: the version shown with the two downloads, and the editor's login."""

from __future__ import annotations

import json
from pathlib import Path

import streamlit as st

from datastore import security
from datastore.store import Store
from i18n import t
from ui.datapage.common import (
    XLSX_MIME,
    client,
    current_bytes,
    device_cookie,
    mtimes,
    template_bytes,
    when,
)
from ui.datapage.state import page_state
from ui.text import t_plain


def show_current(store: Store, lang: str) -> tuple[int | None, Path]:
    """Which version the dashboard shows; the template and the current data to download."""
    current, active = store.snapshot()
    if current is None:
        st.markdown(t("data.current.base", lang))
    else:
        version = store.version(current)
        st.markdown(  # editor name and note are typed by people: shown as text
            t_plain(
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


def _keep_device_token(value: str | None) -> None:
    """After a login, the browser keeps the device token in a cookie (90 days, this site
    only), so that its later logins are not delayed by others' wrong passwords."""
    # Always one element here, cookie or not: an element above the tabs that comes and goes
    # makes Streamlit draw new tabs, and the editor is thrown back to the first one.
    slot = st.empty()
    if not value:
        return
    cookie = (f"{security.DEVICE_COOKIE}={value}; Path=/; Max-Age={security.KNOWN_FOR_S}; "
              "SameSite=Strict")
    slot.html("<script>document.cookie = " + json.dumps(cookie)
              + " + (location.protocol === 'https:' ? '; Secure' : '');</script>",
              unsafe_allow_javascript=True)


def login(store: Store, lang: str) -> str | None:
    """The logged-in editor's name, or None after showing the login form.

    Wrong tries are counted in the store (``datastore.security``: per name and client, and
    per name from unknown clients), so a new browser session, another app server or a
    cleared cache does not reset them. A session ends on its next click once the editor's
    password is reset or the editor disabled or removed (``security.session_ok``).
    """
    state = page_state()
    if state.editor:
        if security.session_ok(store, state.editor, state.editor_generation):
            _keep_device_token(state.device_cookie)
            state.device_cookie = None
            cols = st.columns([4, 1])
            cols[0].caption(t_plain("data.login.as", lang, name=state.editor))
            if cols[1].button(t("data.login.logout", lang), key="data_logout"):
                state.editor = None
                st.rerun()
            return state.editor
        state.editor = None  # password reset, editor disabled or removed since the login
        st.warning(t("data.login.ended", lang))
    with st.form("data_login"):
        st.markdown(t("data.login.title", lang))
        name = st.text_input(t("data.login.name", lang), key="data_login_name")
        password = st.text_input(t("data.login.password", lang), type="password",
                                 key="data_login_pw")
        submitted = st.form_submit_button(t("data.login.submit", lang))
    if submitted:
        result = security.login(store, name, password, client(), device_cookie())
        if result.ok:
            state.editor = name.strip()
            state.editor_generation = result.generation
            if result.device:
                state.device_cookie = security.device_cookie(device_cookie(), result.device)
            st.rerun()
        elif result.code == "locked":
            st.error(t("data.login.locked", lang, seconds=result.seconds_left))
        elif result.code == "disabled":
            st.error(t("data.login.disabled", lang))
        else:
            st.error(t("data.login.wrong", lang))
    return None
