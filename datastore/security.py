"""Editor accounts, logins with a delay per failed try, sessions, and the audit log, all in
the store.

Nothing here lives in Streamlit's caches or session: a new browser session, another app
server or a client's cache-clearing message changes nothing.

The login delay (docs/security.md, "Logins"): the first ``FREE_TRIES`` failures of a
counter are free; after that each failure makes the next try wait
``2 ** (failures - FREE_TRIES)`` seconds, never more than ``MAX_DELAY_S`` (a minute), and a
try during the wait is not checked. The counters a try uses depend on who tries:

* from a device the editor logged in on before (a token the browser keeps): that device's
  own counter only;
* from an address the editor logged in from before: the (name, address) counter only;
* from anywhere else: the (name, address) counter *and* the name's counter for unknown
  clients, so guessing from many addresses is slowed as one.

So others' failures never delay the editor on her known devices or addresses; an address
is never a counter of its own (everyone behind one proxy would share it). Reserving the
try (the wait checked and the failure counted in advance) is one transaction under the
store's login lock, before the password is checked: parallel tries cannot pass the delay.
A correct password clears the counters it used. A counter with no failure for
``FORGET_AFTER_S`` starts again from zero.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import os
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, insert, select, update

from datastore import db
from datastore.editors import (
    MIN_PASSWORD,
    NAME_RE,
    _dummy_hash,
    hash_password,
    load_editors,
    verify_password,
)
from datastore.rights import account as _account

FREE_TRIES = 3
MAX_DELAY_S = 60.0
FORGET_AFTER_S = 15 * 60  # a counter with no failure for this long starts again at zero
KNOWN_CLIENTS = 5  # per editor: the newest addresses / devices of successful logins
KNOWN_FOR_S = 90 * 24 * 3600  # ... from the last 90 days
DEVICE_COOKIE = "coop_device"
DEVICES_KEPT = 4  # tokens of different editors one browser's cookie holds
CLIENT_HEADER = "x-coop-client"  # the address ``datastore.guard`` resolved for a connection
_PROCESS_KEY = secrets.token_bytes(32)  # signs that header: a client cannot forge it


@dataclass(frozen=True)
class LoginResult:
    ok: bool
    code: str  # "ok", "wrong", "locked", "no_editors", "disabled"
    seconds_left: int = 0
    generation: int = 0  # the editor's session generation (``session_ok``)
    device: str = ""  # a new device token for the browser to keep (after a login)


def _now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def log_event(conn, event: str, editor: str = "", client: str = "", detail: dict | None = None) -> None:
    """One line of the audit log (logins, refusals, writes, cache-clearing messages)."""
    conn.execute(
        insert(db.audit).values(
            at=_now_text(), event=event[:32], editor=(editor or "")[:64],
            client=(client or "")[:200],
            detail=json.dumps(detail or {}, ensure_ascii=False, default=str),
        )
    )


def audit_write(conn, action: str, editor: str, client: str, version: int | None,
                detail: dict | None = None) -> None:
    """The audit line of one write, inside the write's own transaction (kept exactly when
    the write is): ``write_<action>`` (publish, edit, rollback, publications, seed...),
    who, from where, the version it made and what it changed."""
    log_event(conn, f"write_{action}", editor, client, {"version": version, **(detail or {})})


def record(store, event: str, editor: str = "", client: str = "", detail: dict | None = None) -> None:
    with store.engine.begin() as conn:
        log_event(conn, event, editor, client, detail)


def audit_log(store, limit: int = 500) -> list[dict]:
    """The newest audit lines first: at, event, editor, client, detail."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(db.audit).order_by(db.audit.c.id.desc()).limit(limit)
        ).mappings().all()
    return [{**r, "detail": json.loads(r["detail"] or "{}")} for r in rows]


# ---- client addresses ----------------------------------------------------------------------
def trusted_proxies(setting: str | None = None) -> list:
    """The proxies whose ``X-Forwarded-For`` is believed: env ``COOP_TRUSTED_PROXIES``,
    addresses or networks separated by commas (``10.0.0.5, 192.168.1.0/24``); none by
    default. A value that is not an address or a network is ignored."""
    text = os.environ.get("COOP_TRUSTED_PROXIES", "") if setting is None else setting
    found = []
    for part in text.replace(";", ",").split(","):
        try:
            found.append(ipaddress.ip_network(part.strip(), strict=False))
        except ValueError:
            continue
    return found


def _address(text: str | None):
    try:
        return ipaddress.ip_address((text or "").strip())
    except ValueError:
        return None


def resolve_client(peer: str | None, forwarded_for: Iterable[str], proxies: list) -> str:
    """The client's address: the connection's own (``peer``) unless that is a trusted proxy;
    then the right-most ``X-Forwarded-For`` entry that is not a trusted proxy, if it is an
    address (anything else, a ``<script>`` or a name, is never believed)."""
    def trusted(addr) -> bool:
        return addr is not None and any(addr in net for net in proxies)

    peer_addr = _address(peer)
    if peer_addr is None:
        return "unknown"
    if not trusted(peer_addr):
        return str(peer_addr)
    entries = [e.strip() for value in forwarded_for for e in str(value).split(",")]
    for entry in reversed(entries):
        addr = _address(entry)
        if addr is None:
            return str(peer_addr)  # a forged or broken entry: only the proxy is known
        if not trusted(addr):
            return str(addr)
    return str(peer_addr)


def client_signature(address: str) -> str:
    """The server's signature of a resolved address (this process's key)."""
    return hmac.new(_PROCESS_KEY, address.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def client_header_value(address: str) -> str:
    """What ``datastore.guard`` puts in ``x-coop-client``: the address and its signature."""
    return f"{address} {client_signature(address)}"


def client_of(headers: Mapping[str, str] | None, seen: str | None) -> str:
    """The address to count a browser's logins under: the one ``datastore.guard`` resolved
    for its connection (a header it signs with this process's key, so a client cannot set
    it); for a connection made before the guard was installed, Streamlit's own when no
    ``X-Forwarded-For`` could have changed it, else ``unresolved``."""
    lowered = {str(k).lower(): str(v) for k, v in (headers or {}).items()}
    address, _, signature = lowered.get(CLIENT_HEADER, "").partition(" ")
    if address and hmac.compare_digest(signature, client_signature(address)):
        return address[:64]
    if CLIENT_HEADER in lowered or "x-forwarded-for" in lowered:
        return "unresolved"  # sent by the client itself, or a forwarded address nobody checked
    addr = _address(seen)
    return str(addr) if addr is not None else ("127.0.0.1" if not seen else "unknown")


# ---- accounts ------------------------------------------------------------------------------
def _new_generation(conn, key: str, disabled: bool) -> int:
    """Raise ``key``'s session generation (ending its sessions); set ``disabled``."""
    found = conn.execute(
        select(db.editor_state.c.generation).where(db.editor_state.c.name == key)
    ).first()
    generation = (found[0] if found else 0) + 1
    if found:
        conn.execute(update(db.editor_state).where(db.editor_state.c.name == key)
                     .values(generation=generation, disabled=disabled))
    else:
        conn.execute(insert(db.editor_state).values(name=key, generation=generation,
                                                    disabled=disabled))
    return generation


def add_editor(store, name: str, password: str, institutions=(), admin: bool = False,
               client: str = "") -> None:
    """Create or replace an editor (admin, or editor of ``institutions``). Replacing one
    (a new password) ends their sessions and enables the account again."""
    if not NAME_RE.match(name or ""):
        raise ValueError("Editor names use letters, digits, '.', '_', '-' or '@' (up to 64).")
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"Use at least {MIN_PASSWORD} characters.")
    if not admin and not institutions:
        raise ValueError("Give --admin or at least one --institution.")
    values = {
        "display_name": name, "password_hash": hash_password(password), "is_admin": bool(admin),
        "institutions": json.dumps(sorted(set(institutions))), "created_at": _now_text(),
    }
    with store.engine.begin() as conn:
        key = name.lower()
        conn.execute(delete(db.editors).where(db.editors.c.name == key))
        conn.execute(insert(db.editors).values(name=key, **values))
        conn.execute(delete(db.known_clients).where(db.known_clients.c.name == key))
        _new_generation(conn, key, disabled=False)
        log_event(conn, "editor_saved", name, client, {"admin": bool(admin),
                                                       "institutions": sorted(set(institutions))})


def disable_editor(store, name: str, client: str = "") -> bool:
    """Keep the editor but refuse their logins and end their sessions; False when unknown."""
    key = (name or "").strip().lower()
    with store.engine.begin() as conn:
        if conn.execute(select(db.editors.c.name).where(db.editors.c.name == key)).first() is None:
            return False
        _new_generation(conn, key, disabled=True)
        conn.execute(delete(db.known_clients).where(db.known_clients.c.name == key))
        log_event(conn, "editor_disabled", key, client)
    return True


def remove_editor(store, name: str, client: str = "") -> bool:
    """Delete the editor's account and end their sessions (their versions keep their
    name); False when unknown. The name's session generation is kept, so a removed and
    re-added editor's old sessions stay ended."""
    key = (name or "").strip().lower()
    with store.engine.begin() as conn:
        gone = conn.execute(delete(db.editors).where(db.editors.c.name == key)).rowcount
        if not gone:
            return False
        _new_generation(conn, key, disabled=False)
        conn.execute(delete(db.known_clients).where(db.known_clients.c.name == key))
        log_event(conn, "editor_removed", key, client)
    return True


def _state(conn, key: str) -> tuple[int, bool]:
    found = conn.execute(
        select(db.editor_state.c.generation, db.editor_state.c.disabled)
        .where(db.editor_state.c.name == key)
    ).first()
    return (int(found[0]), bool(found[1])) if found else (0, False)


def is_disabled(conn, name: str) -> bool:
    return _state(conn, (name or "").strip().lower())[1]


def session_ok(store, name: str, generation: int) -> bool:
    """True while a session logged in as ``name`` at ``generation`` may go on: the account
    exists, is not disabled, and its password was not reset (nor the editor disabled or
    removed) since. Checked on every click of the Data page."""
    key = (name or "").strip().lower()
    with store.engine.connect() as conn:
        exists = conn.execute(
            select(db.editors.c.name).where(db.editors.c.name == key)
        ).first() is not None
        current, disabled = _state(conn, key)
    return exists and not disabled and current == generation


def editors_configured(store) -> bool:
    if not store.exists():
        return bool(load_editors())  # they are moved into the store on first use
    with store.engine.connect() as conn:
        return conn.execute(select(db.editors.c.name).limit(1)).first() is not None


def account(store, name: str) -> dict | None:
    with store.engine.connect() as conn:
        return _account(conn, name)


# ---- logging in ------------------------------------------------------------------------------
def delay_after(failures: int) -> float:
    """Seconds the next try waits after ``failures`` failed tries in a row."""
    if failures <= FREE_TRIES:
        return 0.0
    return min(2.0 ** (failures - FREE_TRIES), MAX_DELAY_S)


def _device_id(token: str) -> str:
    return "device:" + hashlib.sha256(token.encode("utf-8")).hexdigest()


def _known(conn, key: str, client_id: str, now: float) -> bool:
    found = conn.execute(
        select(db.known_clients.c.last_ok)
        .where(db.known_clients.c.name == key, db.known_clients.c.client == client_id)
    ).first()
    return found is not None and found[0] >= now - KNOWN_FOR_S


def device_tokens(cookie: str | None) -> list[str]:
    """The device tokens a browser's cookie holds (a few editors may share a browser)."""
    return [part for part in (cookie or "").split(".") if 20 <= len(part) <= 64][:DEVICES_KEPT]


def device_cookie(cookie: str | None, token: str) -> str:
    """The cookie value after a login that gave ``token``: it first, then the others kept."""
    return ".".join([token, *[t for t in device_tokens(cookie) if t != token]][:DEVICES_KEPT])


def _keys(conn, key: str, client: str, device: str, now: float) -> list[str]:
    """The counters a try by ``client`` (an address) with ``device`` (the browser's device
    cookie: one or more tokens) uses."""
    address = (client or "unknown")[:120]
    for token in device_tokens(device):
        if _known(conn, key, _device_id(token), now):
            return [_device_id(token)]
    pair = f"pair:{key}|{address}"
    if _known(conn, key, f"addr:{address}", now):
        return [pair]
    return [pair, f"name:{key}"]


def _reserve(conn, keys: list[str], now: float) -> tuple[float, float]:
    """(the wait left, else 0; the delay this try's failure brings), counting the try as
    a failure of every counter in ``keys`` unless it must wait."""
    t = db.throttle
    rows = {r[0]: (r[1], r[2]) for r in conn.execute(
        select(t.c.key, t.c.failures, t.c.next_at).where(t.c.key.in_(keys)))}
    wait = max((next_at - now for _, next_at in rows.values()), default=0.0)
    if wait > 0:
        return wait, 0.0
    longest = 0.0
    for key in keys:
        failures, next_at = rows.get(key, (0, 0.0))
        if next_at < now - FORGET_AFTER_S:
            failures = 0
        failures += 1
        delay = delay_after(failures)
        longest = max(longest, delay)
        values = {"failures": failures, "next_at": now + delay}
        if key in rows:
            conn.execute(update(t).where(t.c.key == key).values(**values))
        else:
            conn.execute(insert(t).values(key=key, **values))
    return 0.0, longest


def _remember(conn, key: str, client_ids: list[str], now: float) -> None:
    k = db.known_clients
    for client_id in client_ids:
        conn.execute(delete(k).where(k.c.name == key, k.c.client == client_id))
        conn.execute(insert(k).values(name=key, client=client_id, last_ok=now))
    for kind in ("addr:", "device:"):
        stale = conn.execute(
            select(k.c.client).where(k.c.name == key, k.c.client.startswith(kind))
            .order_by(k.c.last_ok.desc()).offset(KNOWN_CLIENTS)
        ).scalars().all()
        if stale:
            conn.execute(delete(k).where(k.c.name == key, k.c.client.in_(stale)))


def _seconds(wait: float) -> int:
    return int(wait) + (1 if wait % 1 else 0)


def login(store, name: str, password: str, client: str = "", device: str = "") -> LoginResult:
    """Check an editor's password; the delays and the audit log are kept in the store.

    ``client`` is the address the try comes from (``client_of``), ``device`` the token
    the browser kept from an earlier login of this editor ("" when none). A successful
    result carries a new ``device`` token when the one given was not this editor's.
    """
    if not editors_configured(store):
        return LoginResult(False, "no_editors")
    key = (name or "").strip().lower()[:64]
    now = store.clock()
    with store.engine.begin() as conn:
        # The login lock: one try's wait check and provisional count at a time (SQLite:
        # the database's write lock; PostgreSQL: a row lock), so parallel tries queue here.
        conn.execute(update(db.meta).where(db.meta.c.key == db.LOGIN_LOCK_KEY)
                     .values(value=db.meta.c.value))
        keys = _keys(conn, key, client, device, now)
        wait, delay = _reserve(conn, keys, now)
        if wait > 0:
            log_event(conn, "login_delayed", name, client, {"seconds": round(wait, 1)})
            return LoginResult(False, "locked", _seconds(wait))
        row = conn.execute(
            select(db.editors.c.password_hash).where(db.editors.c.name == key)
        ).first()
        generation, disabled = _state(conn, key)
        conn.execute(delete(db.throttle).where(db.throttle.c.next_at < now - FORGET_AFTER_S))
    stored = row[0] if row else None
    matched = verify_password(password, stored or _dummy_hash()) and stored is not None
    with store.engine.begin() as conn:
        if not matched:
            log_event(conn, "login_failed", name, client, {"delay_s": delay})
        elif disabled:
            log_event(conn, "login_disabled", name, client)
        else:
            conn.execute(delete(db.throttle).where(db.throttle.c.key.in_(keys)))
            known_device = keys[0].startswith("device:")
            token = secrets.token_urlsafe(32)
            if known_device:
                token = next(t for t in device_tokens(device) if _device_id(t) == keys[0])
            remembered = [_device_id(token)]
            if client and client not in ("unknown", "unresolved"):
                remembered.append(f"addr:{client[:120]}")
            _remember(conn, key, remembered, now)
            log_event(conn, "login_ok", name, client, {"device": "known" if known_device else "new"})
            return LoginResult(True, "ok", generation=generation,
                               device="" if known_device else token)
    if matched and disabled:
        return LoginResult(False, "disabled")
    if delay:
        return LoginResult(False, "locked", _seconds(delay))
    return LoginResult(False, "wrong")
