"""A publish merges a file into the current version; it never overwrites (docs/datastore.md).

A file exported from the store remembers the version it came from (its *base*,
``datastore.filemeta``). Publishing it compares the file with that base row by row (rows
are matched by key, as everywhere in the store) and applies only what the file changed:

* a row the file left as it was in the base keeps its current value, however newer;
* a row the file changed (or added, or removed) is changed (added, removed) when nobody
  else touched it since the base;
* a row changed both in the file and since the base, a row removed in the file but
  changed since, or a row changed in the file but removed since, is a ``Conflict``:
  *theirs* (the current version) against *mine* (the file), field by field.

A file without a base (the template filled in, an office sheet) only adds and changes
rows; it removes rows only of the tables named in ``replace`` (``MergePlan.would_remove``
lists the rows that would go). Tables absent from the file are never touched.

    plan = plan_publish(base_rows, file_rows, current_rows)
    plan.conflicts               # [Conflict(table, key, base, theirs, mine), ...]
    plan.resolved({"visits|V1": "mine"}).target   # the rows to save

Pure functions on ``RowState`` lists and dicts of text cells: no database, no streamlit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TypeVar

import pandas as pd

from datastore.diff import KEY_COLUMNS, RowChange, TableDiff
from datastore.rows import RowState, new_id, norm_cells, row_key, table_names

THEIRS, MINE = "theirs", "mine"


@dataclass(frozen=True)
class Conflict:
    """A row both the file and somebody else changed since the base.

    ``theirs`` is the row in the current version (None: removed since the base), ``mine``
    the row in the file (None: the file removed it), ``base`` the row in the base version
    (None: both added a row with this key). ``version``/``editor``: who changed it last.
    """

    table: str
    key: str
    row_id: str
    base: dict[str, str] | None
    theirs: dict[str, str] | None
    mine: dict[str, str] | None
    version: int | None = None
    editor: str = ""

    @property
    def id(self) -> str:
        """How a resolution names this conflict: ``table|key``."""
        return f"{self.table}|{self.key}"

    @property
    def kind(self) -> str:
        """``changed`` (both changed), ``removed_by_them``, ``removed_by_me`` or ``added``."""
        if self.base is None:
            return "added"
        if self.theirs is None:
            return "removed_by_them"
        if self.mine is None:
            return "removed_by_me"
        return "changed"

    def fields(self) -> list[tuple[str, str, str, str]]:
        """(column, base, theirs, mine) for every column whose theirs and mine differ, or
        that either side changed; a removed side reads ''."""
        base, theirs, mine = self.base or {}, self.theirs or {}, self.mine or {}
        columns = list(dict.fromkeys([*base, *theirs, *mine]))
        out = []
        for column in columns:
            b, t, m = base.get(column, ""), theirs.get(column, ""), mine.get(column, "")
            if t != m or t != b:
                out.append((column, b, t, m))
        return out


@dataclass(frozen=True)
class Change:
    """One row the publish writes: ``kind`` is added, changed or removed."""

    table: str
    key: str
    kind: str
    old: dict[str, str] | None
    new: dict[str, str] | None
    row_id: str = ""


@dataclass
class MergePlan:
    """What publishing a file does to the current version.

    ``target`` holds the rows of every table after the publish with conflicts left as
    they are now (*theirs*); ``resolved`` applies choices. ``kept_newer`` counts per table
    the rows changed since the base that the file did not touch (kept as they are now).
    """

    base_version: int | None
    target: dict[str, list[RowState]]
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    would_remove: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    replaced: tuple[str, ...] = ()
    kept_newer: dict[str, int] = field(default_factory=dict)
    # for ``resolved``: per conflict id, the row states that "mine" puts in place of "theirs"
    _mine: dict[str, tuple[str, RowState | None, RowState | None]] = field(
        default_factory=dict, repr=False)

    @property
    def has_base(self) -> bool:
        return self.base_version is not None

    def counts(self) -> dict[str, dict[str, int]]:
        """Per table {added, changed, removed} of the rows written (conflicts not counted)."""
        out: dict[str, dict[str, int]] = {}
        for change in self.changes:
            out.setdefault(change.table, {"added": 0, "changed": 0, "removed": 0})[change.kind] += 1
        return out

    def resolved(self, choice: str | Mapping[str, str] | None) -> MergePlan:
        """The plan with each conflict settled: ``"theirs"``/``"mine"`` for all, or a dict
        {conflict id: "theirs"|"mine"}; conflicts without a choice stay conflicts."""
        if choice is None or not self.conflicts:
            return self
        target = {t: list(rows) for t, rows in self.target.items()}
        changes = list(self.changes)
        left = []
        for conflict in self.conflicts:
            pick = choice if isinstance(choice, str) else choice.get(conflict.id)
            if pick not in (THEIRS, MINE):
                left.append(conflict)
                continue
            if pick == THEIRS:
                continue
            table, old, new = self._mine[conflict.id]
            rows = [r for r in target.get(table, []) if old is None or r.row_id != old.row_id]
            if new is not None:
                rows.append(new)
                rows.sort(key=lambda r: r.position)
            target[table] = rows
            kind = "added" if old is None else ("removed" if new is None else "changed")
            changes.append(Change(table, conflict.key, kind, old.cells if old else None,
                                  new.cells if new else None, conflict.row_id))
        return replace(self, target=target, changes=changes, conflicts=left)


def _same(a: dict[str, str] | None, b: dict[str, str] | None) -> bool:
    if a is None or b is None:
        return a is b
    return norm_cells(a) == norm_cells(b)


Row = TypeVar("Row", RowState, dict[str, str])


def keyed(table: str, rows: Iterable[Row]) -> dict[str, Row]:
    """Rows by their key text; a repeated key gets `` #2``, `` #3``... (in order)."""
    out: dict[str, Row] = {}
    seen: dict[str, int] = {}
    for row in rows:
        cells = row.cells if isinstance(row, RowState) else row
        key = row_key(table, cells)
        seen[key] = seen.get(key, 0) + 1
        out[key if seen[key] == 1 else f"{key} #{seen[key]}"] = row
    return out


def plan_publish(
    base: Mapping[str, list[RowState]] | None,
    file: Mapping[str, list[dict[str, str]]],
    current: Mapping[str, list[RowState]],
    replace_tables: Iterable[str] = (),
    base_version: int | None = None,
    clean: Callable[[str, list[dict[str, str]]], list[dict[str, str]]] | None = None,
) -> MergePlan:
    """Merge ``file`` (table -> rows of text cells) into ``current`` (the current version's
    rows), knowing the rows of the version the file was exported from (``base``; None for
    a file without one). ``replace_tables``: tables whose rows absent from a base-less file
    are removed. Tables not in ``file`` are kept as they are.

    ``clean(table, rows)`` gives rows in their stored form (``datastore.canonical``): the
    base and current rows are compared, and matched by key, in that form, so a value kept
    as typed before (``05.03.2024``) is the same as its clean form in the file; rows the
    publish does not write stay exactly as they are."""
    replace_set = set(replace_tables) if base is None else set()
    plan = MergePlan(base_version=base_version if base is not None else None,
                     target={t: list(rs) for t, rs in current.items()},
                     replaced=tuple(t for t in table_names() if t in replace_set and t in file))
    for table in table_names():
        if table not in file:
            continue
        live = _view(table, current.get(table, []), clean)
        if base is None:
            _merge_without_base(plan, table, file[table], live, table in replace_set)
        else:
            _merge_with_base(plan, table, _view(table, base.get(table, []), clean), file[table],
                             live)
        if clean is not None:  # rows not written stay as stored, not in their clean view
            same = {id(r) for r in live}
            stored = {r.row_id: r for r in current.get(table, [])}
            plan.target[table] = [stored[r.row_id] if id(r) in same else r
                                  for r in plan.target[table]]
    return plan


def _view(table: str, rows: list[RowState], clean) -> list[RowState]:
    if clean is None or not rows:
        return list(rows)
    cleaned = clean(table, [r.cells for r in rows])
    return [RowState(r.row_id, r.position, c, r.since) for r, c in zip(rows, cleaned, strict=True)]


def _merge_without_base(plan: MergePlan, table: str, records: list[dict[str, str]],
                        live: list[RowState], replace_all: bool) -> None:
    now = keyed(table, live)
    rows = {r.row_id: r for r in live}
    top = max((r.position for r in live), default=-1)
    file_keys = keyed(table, records)
    for key, cells in file_keys.items():
        old = now.get(key)
        if old is None:
            top += 1
            state = RowState(new_id(), top, dict(cells))
            rows[state.row_id] = state
            plan.changes.append(Change(table, key, "added", None, dict(cells), state.row_id))
        else:
            if not _same(old.cells, cells):
                rows[old.row_id] = RowState(old.row_id, old.position, dict(cells))
                plan.changes.append(Change(table, key, "changed", old.cells, dict(cells), old.row_id))
    absent = [(key, row) for key, row in now.items() if key not in file_keys]
    plan.would_remove[table] = [row.cells for _, row in absent]
    if replace_all:
        for key, row in absent:
            del rows[row.row_id]
            plan.changes.append(Change(table, key, "removed", row.cells, None, row.row_id))
    plan.target[table] = sorted(rows.values(), key=lambda r: r.position)


def _merge_with_base(plan: MergePlan, table: str, base_rows: list[RowState],
                     records: list[dict[str, str]], live: list[RowState]) -> None:
    then = keyed(table, base_rows)
    now_by_key = keyed(table, live)
    rows = {r.row_id: r for r in live}
    top = max((r.position for r in [*live, *base_rows]), default=-1)
    file_keys = keyed(table, records)
    base_ids = {r.row_id for r in base_rows}

    def conflict(key: str, row_id: str, b, t, m, old: RowState | None, new: RowState | None):
        found = Conflict(table, key, row_id, b, t, m)
        plan.conflicts.append(found)
        plan._mine[found.id] = (table, old, new)

    touched: set[str] = set()  # rows the file changed, added or removed
    for key, cells in file_keys.items():
        cells = dict(cells)
        was = then.get(key)
        if was is None:  # the file adds this row
            other = now_by_key.get(key)
            if other is None:
                top += 1
                state = RowState(new_id(), top, cells)
                rows[state.row_id] = state
                plan.changes.append(Change(table, key, "added", None, cells, state.row_id))
            elif not _same(other.cells, cells):
                touched.add(other.row_id)
                conflict(key, other.row_id, None, other.cells, cells, other,
                         RowState(other.row_id, other.position, cells))
            continue
        if _same(was.cells, cells):
            continue  # untouched by the file: the current row stays, however newer
        touched.add(was.row_id)
        now = rows.get(was.row_id)
        if now is None:  # removed since the base, changed in the file
            top += 1
            conflict(key, was.row_id, was.cells, None, cells, None,
                     RowState(was.row_id, top, cells))
        elif _same(now.cells, was.cells):
            rows[now.row_id] = RowState(now.row_id, now.position, cells)
            plan.changes.append(Change(table, key, "changed", now.cells, cells, now.row_id))
        elif not _same(now.cells, cells):
            conflict(key, now.row_id, was.cells, now.cells, cells, now,
                     RowState(now.row_id, now.position, cells))
    for key, was in then.items():
        if key in file_keys:
            continue
        touched.add(was.row_id)
        now = rows.get(was.row_id)
        if now is None:
            continue  # removed on both sides
        if _same(now.cells, was.cells):
            del rows[now.row_id]
            plan.changes.append(Change(table, key, "removed", now.cells, None, now.row_id))
        else:
            conflict(key, now.row_id, was.cells, now.cells, None, now, None)
    newer = sum(1 for r in live if r.row_id not in touched and (
        r.row_id not in base_ids or r.since > (plan.base_version or 0)))
    if newer:
        plan.kept_newer[table] = newer
    plan.target[table] = sorted(rows.values(), key=lambda r: r.position)


def plan_diffs(plan: MergePlan) -> dict[str, TableDiff]:
    """The rows a plan writes, per table, in the shape the review shows (``TableDiff``):
    added and removed rows as frames indexed by key, changed rows field by field."""
    out: dict[str, TableDiff] = {}
    for table in table_names():
        changes = [c for c in plan.changes if c.table == table]
        if not changes:
            continue
        added = [c for c in changes if c.kind == "added"]
        removed = [c for c in changes if c.kind == "removed"]
        changed = []
        for c in changes:
            if c.kind != "changed":
                continue
            old, new = c.old or {}, c.new or {}
            columns = list(dict.fromkeys([*new, *old]))
            fields = {col: (old.get(col, ""), new.get(col, "")) for col in columns
                      if old.get(col, "") != new.get(col, "")}
            changed.append(RowChange(key=c.key, fields=fields))
        out[table] = TableDiff(table, KEY_COLUMNS.get(table, ()), added=_frame(added, "new"),
                               removed=_frame(removed, "old"), changed=changed)
    return out


def _frame(changes: list[Change], side: str) -> pd.DataFrame:
    rows = [getattr(c, side) or {} for c in changes]
    columns = list(dict.fromkeys(col for row in rows for col in row))
    return pd.DataFrame([[row.get(col, "") for col in columns] for row in rows],
                        columns=columns, index=[c.key for c in changes], dtype=str)


__all__ = ["MINE", "THEIRS", "Change", "Conflict", "MergePlan", "keyed", "plan_diffs",
           "plan_publish"]
