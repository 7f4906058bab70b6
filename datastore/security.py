"""Editor accounts, logins with a delay per failed try, and the audit log, all in the store.

Nothing here lives in Streamlit's caches or session: a new browser session, another app
server or a client's cache-clearing message changes nothing.

Failed logins are counted per editor name and per client address. The first
``FREE_TRIES`` are free; after that each failure makes the next try wait
``2 ** (failures - FREE_TRIES)`` seconds, never more than ``MAX_DELAY_S`` (a minute), and a
try during the wait is not checked and not counted. A correct password resets both counts.
"""

from __future__ import annotations

import json
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


@dataclass(frozen=True)
class LoginResult:
    ok: bool
    code: str  # "ok", "wrong", "locked", "no_editors"
    seconds_left: int = 0


def _now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def log_event(conn, event: str, editor: str = "", client: str = "", detail: dict | None = None) -> None:
    """One line of the audit log (logins, refusals, cache-clearing messages)."""
    conn.execute(
        insert(db.audit).values(
            at=_now_text(), event=event, editor=(editor or "")[:64], client=(client or "")[:200],
            detail=json.dumps(detail or {}, ensure_ascii=False, default=str),
        )
    )


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


# ---- accounts ------------------------------------------------------------------------------
def add_editor(store, name: str, password: str, institutions=(), admin: bool = False) -> None:
    """Create or replace an editor (admin, or editor of ``institutions``)."""
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
        log_event(conn, "editor_saved", name, "", {"admin": bool(admin),
                                                   "institutions": sorted(set(institutions))})


def editors_configured(store) -> bool:
    if not store.exists():
        return bool(load_editors())  # they are moved into the store on first use
    with store.engine.connect() as conn:
        return conn.execute(select(db.editors.c.name).limit(1)).first() is not None


def account(store, name: str) -> dict | None:
    with store.engine.connect() as conn:
        return _account(conn, name)


# ---- logging in ------------------------------------------------------------------------------
def _keys(name: str, client: str) -> list[str]:
    return [f"name:{name.strip().lower()[:64]}", f"client:{(client or 'unknown')[:150]}"]


def delay_after(failures: int) -> float:
    """Seconds the next try waits after ``failures`` failed tries in a row."""
    if failures <= FREE_TRIES:
        return 0.0
    return min(2.0 ** (failures - FREE_TRIES), MAX_DELAY_S)


def _wait(conn, keys: list[str], now: float) -> float:
    rows = conn.execute(select(db.throttle.c.next_at).where(db.throttle.c.key.in_(keys))).all()
    return max((r[0] - now for r in rows), default=0.0)


def login(store, name: str, password: str, client: str = "") -> LoginResult:
    """Check an editor's password; the delays and the audit log are kept in the store."""
    if not editors_configured(store):
        return LoginResult(False, "no_editors")
    now = store.clock()
    keys = _keys(name, client)
    with store.engine.begin() as conn:
        wait = _wait(conn, keys, now)
        if wait > 0:
            log_event(conn, "login_delayed", name, client, {"seconds": round(wait, 1)})
            return LoginResult(False, "locked", int(wait) + (1 if wait % 1 else 0))
        row = conn.execute(
            select(db.editors.c.password_hash).where(db.editors.c.name == name.strip().lower())
        ).first()
    stored = row[0] if row else None
    matched = verify_password(password, stored or _dummy_hash()) and stored is not None
    with store.engine.begin() as conn:
        if matched:
            conn.execute(delete(db.throttle).where(db.throttle.c.key.in_(keys)))
            log_event(conn, "login_ok", name, client)
            return LoginResult(True, "ok")
        longest = 0.0
        for key in keys:
            found = conn.execute(
                select(db.throttle.c.failures).where(db.throttle.c.key == key)
            ).first()
            failures = (found[0] if found else 0) + 1
            delay = delay_after(failures)
            longest = max(longest, delay)
            values = {"failures": failures, "next_at": now + delay}
            if found:
                conn.execute(update(db.throttle).where(db.throttle.c.key == key).values(**values))
            else:
                conn.execute(insert(db.throttle).values(key=key, **values))
        log_event(conn, "login_failed", name, client, {"delay_s": longest})
    if longest:
        return LoginResult(False, "locked", int(longest) + (1 if longest % 1 else 0))
    return LoginResult(False, "wrong")
