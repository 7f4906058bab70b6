"""Refuse Streamlit's cache-clearing message when a client sends it; believe a client's
``X-Forwarded-For`` only from the configured proxies.

Any websocket client can send a ``BackMsg`` with ``clear_cache``: Streamlit then empties
``st.cache_data`` and ``st.cache_resource`` for every user (and the sender's session
state). Streamlit has no setting to turn that off, so ``install()`` replaces the handler:
the message is logged (server log and the store's audit log) and nothing is cleared.
Security state does not live in those caches anyway (``datastore.security``).

Streamlit's server (uvicorn) takes ``X-Forwarded-For`` from any connection from
127.0.0.1 as the client's address, whatever it holds (a ``<script>``, another address
each try). ``install()`` replaces that step: the header is believed only from the
addresses in ``COOP_TRUSTED_PROXIES`` and only when it names an address
(``datastore.security.resolve_client``); the result is passed on in a header only the
server sets (``x-coop-client``), which the login reads.
"""

from __future__ import annotations

import logging

_LOG = logging.getLogger("coop.guard")


def install() -> None:
    """Replace ``AppSession._handle_clear_cache_request`` and the forwarded-address step
    once per process."""
    _install_forwarded_guard()
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



def resolving_call(inner):
    """An ASGI ``__call__`` for uvicorn's ``ProxyHeadersMiddleware``: the client address by
    ``COOP_TRUSTED_PROXIES`` (read on every connection), then the wrapped app."""
    from datastore.security import (
        CLIENT_HEADER,
        client_header_value,
        resolve_client,
        trusted_proxies,
    )

    marker = CLIENT_HEADER.encode("latin-1")

    async def call(self, scope, receive, send):
        if scope.get("type") in ("http", "websocket"):
            client = scope.get("client")
            headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != marker]
            forwarded = [v.decode("latin-1") for k, v in headers if k.lower() == b"x-forwarded-for"]
            address = resolve_client(client[0] if client else None, forwarded, trusted_proxies())
            value = client_header_value(address).encode("latin-1")
            scope = {**scope, "headers": [*headers, (marker, value)],
                     "client": (address, client[1] if client else 0)}
        return await inner(self, scope, receive, send)

    call._coop_resolves = True  # type: ignore[attr-defined]  # a marker on the function
    return call


def _install_forwarded_guard() -> None:
    try:
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware
    except ImportError:  # another server: nothing of uvicorn's to replace
        return
    if getattr(ProxyHeadersMiddleware.__call__, "_coop_resolves", False):
        return

    async def app_only(self, scope, receive, send):
        return await self.app(scope, receive, send)

    # Replacing uvicorn's method (also for its instance already serving) is the point here.
    ProxyHeadersMiddleware.__call__ = resolving_call(app_only)  # type: ignore[method-assign]
