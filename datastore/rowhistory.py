"""One row's history: every version it had (who, when, which fields), and putting that one
row back as it was in an earlier version (a new version; the rest of the data stays).

    >>> entries = row_history(store, "visits", "v-samsmu-01")      # doctest: +SKIP
    >>> [(e.version, e.kind, e.editor) for e in entries]           # doctest: +SKIP
    [(1, 'added', 'system'), (4, 'changed', 'bobur')]
    >>> restore_row(store, "visits", "v-samsmu-01", 1, editor="bobur")   # doctest: +SKIP

A row is named by its key (``visit_id``, a partner's ``partner_id``; for students the
key text ``institution | year | ...``) or by the store's own row id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select

from datastore import db
from datastore.rows import StoreError, row_key, table_names
from datastore.store import Store, Version


@dataclass(frozen=True)
class RowVersion:
    """One step in a row's life: ``kind`` is added, changed or removed.

    ``cells`` is the row from this version on (None once removed); ``fields`` lists
    (column, before, after) for what the step changed; ``typed`` is what the editor
    typed where it was stored in a cleaner form (``datastore.canonical``)."""

    version: int
    created_at: str
    editor: str
    action: str
    note: str
    kind: str
    cells: dict[str, str] | None
    fields: tuple[tuple[str, str, str], ...]
    typed: dict[str, str]


def find_row(store: Store, table: str, name: str) -> str:
    """The row id of the row ``name`` (its key, or a row id) names: the current row with
    that key, else the last row that had it. ``StoreError("no_row")`` when none did."""
    if table not in table_names():
        raise StoreError("no_table", f"There is no table {table}.", table=table)
    r = db.data_rows
    with store.engine.connect() as conn:
        records = conn.execute(
            select(r.c.row_id, r.c.cells, r.c.until).where(r.c.tbl == table)
            .order_by(r.c.id.desc())
        ).all()
    if any(row_id == name for row_id, _, _ in records):
        return name
    found = [(until is None, row_id) for row_id, cells, until in records
             if row_key(table, json.loads(cells)) == name]
    if not found:
        raise StoreError("no_row", f"There is no {table} row {name}.", table=table)
    return max(found, key=lambda f: f[0])[1]  # a current one first, else the latest


def row_history(store: Store, table: str, name: str) -> list[RowVersion]:
    """Every version of one row, oldest first."""
    row_id = find_row(store, table, name)
    r, v = db.data_rows, db.versions
    with store.engine.connect() as conn:
        records = conn.execute(
            select(r.c.cells, r.c.since, r.c.until)
            .where(r.c.tbl == table, r.c.row_id == row_id).order_by(r.c.since, r.c.id)
        ).all()
        numbers = {n for _, since, until in records for n in (since, until) if n is not None}
        versions = {row.number: row for row in conn.execute(
            select(v.c.number, v.c.created_at, v.c.editor, v.c.action, v.c.note, v.c.extra)
            .where(v.c.number.in_(sorted(numbers)))
        )}
    steps: list[RowVersion] = []
    before: dict[str, str] | None = None
    for i, (text, since, until) in enumerate(records):
        cells = json.loads(text)
        kind = "added" if before is None else "changed"
        steps.append(_step(versions[since], kind, before, cells, table, row_id))
        before = cells
        following = records[i + 1][1] if i + 1 < len(records) else None
        if until is not None and following != until:
            steps.append(_step(versions[until], "removed", before, None, table, row_id))
            before = None
    return steps


def _step(version, kind: str, before: dict | None, after: dict | None, table: str,
          row_id: str) -> RowVersion:
    old, new = before or {}, after or {}
    columns = list(dict.fromkeys([*old, *new]))
    fields = () if after is None else tuple(  # a removal: the row as it was is the step before
        (c, old.get(c, ""), new.get(c, "")) for c in columns if old.get(c, "") != new.get(c, ""))
    extra = json.loads(version.extra or "{}")
    typed = (extra.get("typed") or {}).get(f"{table}:{row_id}", {})
    return RowVersion(version.number, version.created_at, version.editor, version.action,
                      version.note or "", kind, after, fields, typed)


def restore_row(store: Store, table: str, name: str, version: int, editor: str,
                base_version: int | None = None, note: str = "", client: str = "") -> Version:
    """Put one row back as it was in ``version`` (removed, if it did not exist then); the
    other rows stay as they are. ``base_version``: the version the editor looked at (a
    change to this row since then raises ``RowConflict``); default the current one."""
    row_id = find_row(store, table, name)
    history = row_history(store, table, name)
    steps = [s for s in history if s.version <= version]
    if not steps:
        raise StoreError("no_row", f"The {table} row {name} did not exist in version "
                         f"{version}.", table=table)
    cells = steps[-1].cells
    current = store.current()
    if base_version is None:
        base_version = current
    if history[-1].cells == cells:
        raise StoreError("row_unchanged", f"The {table} row {name} is already as it was in "
                         f"version {version}.", table=table, version=version)
    return store.save_row(table, row_id, cells, editor=editor, base_version=base_version,
                          note=note, client=client, restored_from=version)


__all__ = ["RowVersion", "find_row", "restore_row", "row_history"]
