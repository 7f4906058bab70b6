"""A client's clear_cache BackMsg changes nothing and is logged (issue 18, item 2)."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.app_session import AppSession

from datastore import guard, security
from datastore.store import Store

CALLS = []


@st.cache_data
def _cached(x: int) -> int:
    CALLS.append(x)
    return x


class _Session:
    id = "forged-session"
    _session_state = {}


def test_clear_cache_message_is_refused_and_logged(tmp_path, monkeypatch, database_url):
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "store"))
    store = Store()
    security.add_editor(store, "boss", "boss-pass", admin=True)  # the store exists
    guard.install()
    _cached(1)
    _cached(1)
    assert CALLS == [1]
    AppSession._handle_clear_cache_request(_Session())  # what a forged BackMsg runs
    _cached(1)
    assert CALLS == [1]  # the cache was not cleared
    (entry,) = [e for e in security.audit_log(store) if e["event"] == "clear_cache_refused"]
    assert entry["detail"] == {"session": "forged-session"}
