"""Who may change which rows: an admin every row, an institution's editor only its rows.

An editor of institutions S may add, change and delete rows of agreements, visits, grants,
students and targets whose ``institution_id`` is in S (before and after the change), add
partners, and change or delete a partner they added or that only institutions in S use.
Institutions and exchange rates are changed by admins only.
"""

from __future__ import annotations

import json

from sqlalchemy import func, select

from datastore import db
from datastore.rows import StoreError, row_key

INSTITUTION_TABLES = ("agreements", "visits", "grants", "students", "targets")
PARTNER_REFS = (("agreements", "partner_id"), ("visits", "partner_id"), ("grants", "partner_ids"))


def account(conn, name: str) -> dict | None:
    """The editor's row (``is_admin``, ``institutions`` as a set), or None."""
    row = conn.execute(
        select(db.editors).where(db.editors.c.name == name.strip().lower())
    ).mappings().first()
    if row is None:
        return None
    return {**row, "institutions": set(json.loads(row["institutions"] or "[]"))}


def _partner_users(live: dict) -> dict[str, set[str]]:
    users: dict[str, set[str]] = {}
    for table, column in PARTNER_REFS:
        for state in live.get(table, []):
            inst = state.cells.get("institution_id", "")
            for pid in state.cells.get(column, "").replace(";", ",").split(","):
                if pid.strip():
                    users.setdefault(pid.strip(), set()).add(inst)
    return users


def _added_by(conn, row_id: str) -> str:
    first = conn.execute(
        select(func.min(db.data_rows.c.since)).where(db.data_rows.c.row_id == row_id)
    ).scalar()
    who = conn.execute(select(db.versions.c.editor).where(db.versions.c.number == first)).scalar()
    return (who or "").lower()


def refused_rows(conn, editor: str, ops: list, live: dict) -> list[tuple[str, str]]:
    """The (table, key) of every operation ``editor`` may not do; [] when all are allowed."""
    acc = account(conn, editor)
    if acc is None:
        raise StoreError("unknown_editor", f"There is no editor {editor}.", editor=editor)
    if acc["is_admin"]:
        return []
    mine = acc["institutions"]
    users = None
    refused = []
    for kind, table, old, new in ops:
        states = [s for s in (old, new) if s is not None]
        if table in INSTITUTION_TABLES:
            allowed = all(s.cells.get("institution_id", "") in mine for s in states)
        elif table == "partners":
            if kind == "added":
                allowed = True
            else:
                if users is None:
                    users = _partner_users(live)
                used_by = users.get(old.cells.get("partner_id", ""), set())
                allowed = (bool(used_by) and used_by <= mine) or (
                    _added_by(conn, old.row_id) == acc["name"]
                )
        else:
            allowed = False
        if not allowed:
            refused.append((table, row_key(table, states[-1].cells) or "?"))
    return refused


def refused_exports(conn, editor: str, exports: list) -> list[tuple[str, str]]:
    """("publications", name) of every kept export (``pubfiles.KeptExport``) ``editor`` may
    not add or remove: an admin any, an editor only their institutions' (not "any
    institution"); the same rule on a rollback as on the Data page."""
    acc = account(conn, editor)
    if acc is None:
        raise StoreError("unknown_editor", f"There is no editor {editor}.", editor=editor)
    if acc["is_admin"]:
        return []
    return [("publications", f"{k.name} ({k.institution_id or '*'})") for k in exports
            if not k.institution_id or k.institution_id not in acc["institutions"]]
