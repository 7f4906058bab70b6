"""Before *Publish*: the rows of a reviewed file its editor may not change.

The store refuses them anyway when the file is published (``datastore.rights``); asked
here, in the review, the editor learns it before the click and the button stays off:

    refused = refused_in_review(store, "bobur", current, diffs)   # [("visits", "v-admi-7")]
"""

from __future__ import annotations

from datastore import rights
from datastore.diff import TableDiff
from datastore.rows import RowState, row_key


def _cells(row) -> dict[str, str]:
    return {str(k): "" if v is None else str(v) for k, v in row.items()}


def refused_in_review(store, editor: str, current: int | None,
                      diffs: dict[str, TableDiff]) -> list[tuple[str, str]]:
    """(table, key) of every row the review shows added, changed or removed that
    ``editor`` may not touch; [] for an administrator or when all are theirs."""
    live = store.rows(current) if current is not None and store.exists() else {}
    by_key = {table: {row_key(table, s.cells): s for s in states} for table, states in live.items()}
    ops: list[tuple[str, str, RowState | None, RowState | None]] = []
    for table, diff in diffs.items():
        known = by_key.get(table, {})
        for _key, row in diff.added.iterrows():
            ops.append(("added", table, None, RowState("", 0, _cells(row))))
        for change in diff.changed:
            old = known.get(change.key)
            before = old.cells if old else {c: o for c, (o, _) in change.fields.items()}
            after = {**before, **{c: n for c, (_, n) in change.fields.items()}}
            ops.append(("changed", table, old or RowState("", 0, before), RowState("", 0, after)))
        for key, row in diff.removed.iterrows():
            old = known.get(str(key)) or RowState("", 0, _cells(row))
            ops.append(("removed", table, old, None))
    if not ops:
        return []
    with store.engine.connect() as conn:
        return rights.refused_rows(conn, editor, ops, live)
