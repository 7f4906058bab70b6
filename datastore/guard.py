"""Refuse Streamlit's cache-clearing message when a client sends it.

Any websocket client can send a ``BackMsg`` with ``clear_cache``: Streamlit then empties
``st.cache_data`` and ``st.cache_resource`` for every user (and the sender's session
state). Streamlit has no setting to turn that off, so ``install()`` replaces the handler:
the message is logged (server log and the store's audit log) and nothing is cleared.
Security state does not live in those caches anyway (``datastore.security``).
"""

from __future__ import annotations

import logging

_LOG = logging.getLogger("coop.guard")


def install() -> None:
    """Replace ``AppSession._handle_clear_cache_request`` once per process."""
    from streamlit.runtime.app_session import AppSession

    if getattr(AppSession._handle_clear_cache_request, "_coop_refuses", False):
        return

    def refuse_clear_cache(session) -> None:
        _LOG.warning("Refused a clear_cache message from a client (session %s).",
                     getattr(session, "id", "?"))
        try:
            from datastore import security
            from datastore.store import Store

            store = Store()
            if store.exists():
                security.record(store, "clear_cache_refused", "", "",
                                {"session": str(getattr(session, "id", ""))})
        except Exception:  # noqa: BLE001 - logging must never break the server
            _LOG.exception("Could not write the audit line.")

    refuse_clear_cache._coop_refuses = True  # type: ignore[attr-defined]  # a marker on the function
    # Replacing a method of Streamlit's class is the point of this module.
    AppSession._handle_clear_cache_request = refuse_clear_cache  # type: ignore[method-assign,assignment]
