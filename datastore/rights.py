"""Who may change which rows: an admin every row, an institution's editor only its rows.

An editor of institutions S may add, change and delete rows of agreements, visits, grants,
students and targets whose ``institution_id`` is in S (before and after the change), the
terms of those agreements (``agreement_terms``, through their ``agreement_id``), add
partners, and change or delete a partner they added or that only institutions in S use.
Institutions and exchange rates are changed by admins only. A document attached to a
row (``documents.attached_to``) may be added, changed or removed by whoever may change that
row; any editor may add another document, and change one they added.
"""

from __future__ import annotations

import json

from sqlalchemy import func, select

from datastore import db
from datastore.rows import StoreError, row_key

INSTITUTION_TABLES = ("agreements", "visits", "grants", "students", "targets", "institution_facts")
PARTNER_REFS = (("agreements", "partner_id"), ("visits", "partner_id"), ("grants", "partner_ids"))


def account(conn, name: str) -> dict | None:
    """The editor's row (``is_admin``, ``institutions`` as a set), or None (also for a
    disabled editor: ``python -m datastore disable-editor``)."""
    key = name.strip().lower()
    row = conn.execute(select(db.editors).where(db.editors.c.name == key)).mappings().first()
    if row is None or conn.execute(
        select(db.editor_state.c.disabled).where(db.editor_state.c.name == key)
    ).scalar():
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


def _attached_institution(live: dict, attached_to: str) -> str | None:
    """The institution of the row a document is attached to (None: no such row)."""
    table, _, row_id = attached_to.partition(":")
    states = live.get(table.strip(), [])
    if table.strip() == "students":
        number = row_id.strip()
        index = int(number) - 2 if number.isdigit() else -1
        return states[index].cells.get("institution_id", "") if 0 <= index < len(states) else None
    found = next((s for s in states if row_key(table.strip(), s.cells) == row_id.strip()), None)
    return None if found is None else found.cells.get("institution_id", "")


def _may_document(conn, acc: dict, kind: str, state, live: dict, mine: set[str]) -> bool:
    attached_to = state.cells.get("attached_to", "").strip()
    if attached_to:
        return _attached_institution(live, attached_to) in mine
    return kind == "added" or _added_by(conn, state.row_id) == acc["name"]


def _agreement_owners(live: dict, ops: list) -> dict[str, set[str]]:
    """Each agreement's institutions, before and after the change (a term follows them)."""
    owners: dict[str, set[str]] = {}
    states = [s for s in live.get("agreements", [])]
    states += [s for _, table, old, new in ops if table == "agreements" for s in (old, new) if s is not None]
    for state in states:
        owners.setdefault(state.cells.get("agreement_id", ""), set()).add(state.cells.get("institution_id", ""))
    return owners


def refused_rows(conn, editor: str, ops: list, live: dict) -> list[tuple[str, str]]:
    """The (table, key) of every operation ``editor`` may not do; [] when all are allowed."""
    acc = account(conn, editor)
    if acc is None:
        raise StoreError("unknown_editor", f"There is no editor {editor}.", editor=editor)
    if acc["is_admin"]:
        return []
    mine = acc["institutions"]
    users = None
    owners = None
    refused = []
    for kind, table, old, new in ops:
        states = [s for s in (old, new) if s is not None]
        if table in INSTITUTION_TABLES:
            allowed = all(s.cells.get("institution_id", "") in mine for s in states)
        elif table == "agreement_terms":
            if owners is None:
                owners = _agreement_owners(live, ops)
            allowed = all(owners.get(s.cells.get("agreement_id", ""), {""}) <= mine for s in states)
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
        elif table == "documents":
            allowed = all(_may_document(conn, acc, kind, s, live, mine) for s in states)
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
