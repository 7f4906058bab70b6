"""The version store: every row of every version in a database, one current version.

Every table row is kept once per state it had (``datastore.db``: the version it appeared
in, the version that replaced it), so any version can be read, compared or restored
without copies. A save (a whole file published, one row added, changed or deleted, a
version restored) is one transaction that adds the next version; readers see the old or
the new version, never a mix. History only grows: a restore is a new version.

Everything that goes in is read by the loaders (``loaders.read.read_dataset``, the same
reader the app uses) and the result is checked by ``loaders.load_dataset`` before it is
kept: a publish must have no errors, a one-row save must not add any.

    store = Store()
    store.publish(folder, editor="aziza", note="May visits", expected_current=3)
    store.save_row("visits", None, {"visit_id": "V9", ...}, editor="aziza", base_version=4)
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from cachetools import LRUCache
from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from datastore import attachfiles, db, filemeta, pubfiles, rights, snapshots, staging
from datastore.canonical import clean_records, clean_rows
from datastore.diff import diff_tables
from datastore.merge import MergePlan, keyed, plan_publish
from datastore.migrate import migrate_folders_once
from datastore.paths import base_data_path, safe_child, store_root
from datastore.rows import (
    RowState,
    StoreError,
    frames_from_folder,
    new_id,
    norm_cells,
    now_text,
    table_names,
)
from datastore.security import audit_write, log_event
from datastore.snapshots import version_of_folder
from loaders import load_dataset
from loaders.schema import TABLES

STORE_ID_KEY = "store_id"  # meta row: this store's id, carried by every exported file
BASE_FROM_FILE = object()  # publish(): take the base version from the file's marker
_LOG = logging.getLogger("coop.store")


class PublishConflict(StoreError):
    """Someone else published since this editor looked: they must refresh and re-check."""

    def __init__(self, expected: int | None, current: int | None) -> None:
        super().__init__(
            "conflict",
            f"Version {current} was published meanwhile (you checked against "
            f"{expected or 'the initial data'}); refresh and check your file again.",
            expected=expected,
            current=current,
        )
        self.expected = expected
        self.current = current


class RowConflict(StoreError):
    """The row was changed (or deleted) by someone else after ``base``: redo or discard."""

    def __init__(self, table: str, row_id: str, theirs: dict | None, version: int, editor: str):
        super().__init__(
            "row_conflict",
            f"{editor} changed this {table} row in version {version} meanwhile.",
            table=table,
            version=version,
            editor=editor,
        )
        self.table, self.row_id, self.theirs = table, row_id, theirs
        self.version, self.editor = version, editor


class MergeConflict(StoreError):
    """Rows the file changed that somebody else changed too since the file's base version:
    nothing was saved; ``conflicts`` are ``datastore.merge.Conflict`` (theirs / mine)."""

    def __init__(self, plan: MergePlan) -> None:
        listed = ", ".join(f"{c.table} {c.key}" for c in plan.conflicts[:20])
        super().__init__(
            "merge_conflict",
            f"{len(plan.conflicts)} row(s) were changed both in the file and since version "
            f"{plan.base_version}: {listed}",
            count=len(plan.conflicts),
            rows=listed,
            base=plan.base_version,
        )
        self.plan = plan
        self.conflicts = plan.conflicts


class Refused(StoreError):
    """The editor may not change these rows: ``rows`` is [(table, key), ...]."""

    def __init__(self, editor: str, rows: list[tuple[str, str]]) -> None:
        listed = ", ".join(f"{t} {k}" for t, k in rows[:20]) + (" ..." if len(rows) > 20 else "")
        super().__init__(
            "refused",
            f"{editor} may not change rows of other institutions: {listed}",
            editor=editor,
            rows=listed,
            count=len(rows),
        )
        self.rows = rows
        self.audit: tuple[str, str] | None = None  # (client, action), logged after the undo


class Invalid(StoreError):
    """The data would have errors; ``problems`` are the loaders' ``Problem`` objects."""

    def __init__(self, problems: list) -> None:
        first = problems[0]
        super().__init__(
            "invalid",
            f"{len(problems)} error(s), first: {first.table} row {first.row} "
            f"{first.column or ''}: {first.message}",
            count=len(problems),
        )
        self.problems = problems


class StoreUnavailable(StoreError):
    """The store cannot give its current version: its database is damaged (``damaged``) or
    the disk is full (``disk_full``). ``fallback`` is (number, folder) of the newest
    version this server materialised before, shown instead with a notice; None when there
    is none (the pages then show the message alone, never the base data in its place)."""

    def __init__(self, kind: str, fallback: tuple[int, Path] | None) -> None:
        super().__init__(kind, f"The data store is unavailable ({kind}).",
                         version=fallback[0] if fallback else None)
        self.kind = kind
        self.fallback = fallback


@dataclass(frozen=True)
class Version:
    """One saved version, as the ``versions`` table describes it."""

    number: int
    created_at: str
    editor: str
    note: str
    action: str  # "seed", "publish", "edit", "rollback", "restore_row", "publications"...
    restored_from: int | None = None
    source_name: str | None = None
    counts: dict = field(default_factory=dict)  # {table: {added, changed, removed}}
    columns: dict = field(default_factory=dict)  # {table: [header, ...]}
    extra: dict = field(default_factory=dict)


class Store:
    """The dataset's versions in a database (``datastore.db``).

    ``url`` defaults to env ``COOP_DATABASE_URL``, else ``<root>/coop.db``; ``root`` (env
    ``COOP_STORE``, default ``store/``) also holds the materialised versions the app reads;
    ``base`` (env ``COOP_DATA``) is imported as version 1 by the first save.
    """

    def __init__(
        self,
        root: Path | str | None = None,
        base: Path | str | None = None,
        url: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.root = Path(root) if root is not None else store_root()
        self.base = Path(base) if base is not None else base_data_path()
        self.url = url or db.database_url(self.root)
        self.clock = clock
        self._engine: Engine | None = None

    # ---- connection --------------------------------------------------------------
    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = db.engine_for(self.url)
            self._migrate_once()
        return self._engine

    def exists(self) -> bool:
        """False for an SQLite store never written (reading must not create it), unless
        old version folders wait to be moved in."""
        file = db.sqlite_file(self.url)
        return file is None or file.exists() or (self.root / "versions").is_dir()

    # ---- reading -------------------------------------------------------------------
    def current(self) -> int | None:
        """The number of the current version, or None before the first save."""
        if not self.exists():
            return None
        with self.engine.connect() as conn:
            return conn.execute(select(func.max(db.versions.c.number))).scalar()

    def version(self, number: int) -> Version:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(db.versions).where(db.versions.c.number == number)
            ).mappings().first()
        if row is None:
            raise StoreError("no_version", f"There is no version {number}.", version=number)
        return _version(row)

    def history(self) -> list[Version]:
        """Every version, newest first."""
        if not self.exists():
            return []
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(db.versions).order_by(db.versions.c.number.desc())
            ).mappings().all()
        return [_version(r) for r in rows]

    def rows(self, number: int, conn=None) -> dict[str, list[RowState]]:
        """Every table's rows in version ``number``, in order (one SELECT: never torn)."""
        r = db.data_rows
        query = (
            select(r.c.tbl, r.c.row_id, r.c.position, r.c.cells, r.c.since)
            .where(r.c.since <= number, or_(r.c.until.is_(None), r.c.until > number))
            .order_by(r.c.tbl, r.c.position, r.c.id)
        )
        if conn is None:
            with self.engine.connect() as own:
                result = own.execute(query).all()
        else:
            result = conn.execute(query).all()
        tables: dict[str, list[RowState]] = {}
        for tbl, row_id, position, cells, since in result:
            tables.setdefault(tbl, []).append(RowState(row_id, position, json.loads(cells), since))
        return tables

    def frames(self, number: int) -> dict[str, pd.DataFrame]:
        """Version ``number`` as text frames (index = row_id), tables it has only."""
        version = self.version(number)
        return _frames(self.rows(number), version.columns)

    def write_folder(self, number: int, dest: Path | str) -> Path:
        """Version ``number`` as ``TABLE.csv`` files in ``dest`` (the loaders read them),
        with ``_meta.json`` naming the version (``filemeta``: a publish of the folder, or
        of a workbook made from it, merges from there)."""
        version = self.version(number)
        rows = self.rows(number)
        _write_csvs(_frames(rows, version.columns), Path(dest))
        with self.engine.connect() as conn:  # the files attached to rows (datastore.attachments)
            attachfiles.write_files(conn, rows.get("documents", []), Path(dest))
        filemeta.write_meta(dest, self.export_meta(number))
        return Path(dest)

    # ---- the version a file was exported from ----------------------------------------
    def store_id(self) -> str:
        """This store's id (made once): a file's base version counts only in its store."""
        with self.engine.connect() as conn:
            found = conn.execute(
                select(db.meta.c.value).where(db.meta.c.key == STORE_ID_KEY)).scalar()
        if found:
            return str(found)
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(db.meta).values(key=STORE_ID_KEY, value=uuid.uuid4().hex))
        except IntegrityError:  # another process made it first
            pass
        with self.engine.connect() as conn:
            return str(conn.execute(
                select(db.meta.c.value).where(db.meta.c.key == STORE_ID_KEY)).scalar())

    def export_meta(self, number: int) -> dict:
        """What an exported file carries: its base version and this store's id."""
        return {"base_version": number, "store": self.store_id(), "exported_at": now_text()}

    def base_of(self, folder: Path | str) -> int | None:
        """The version a file (read into ``folder``) was exported from, when it is a version
        of this store; None for the template, an office sheet or another store's file."""
        meta = filemeta.read_meta(folder) if Path(folder).is_dir() else {}
        number = meta.get("base_version")
        if number is None or meta.get("store") != self.store_id():
            return None  # written by hand, or by another store: no base
        current = self.current()
        return number if current is not None and number <= current else None

    def active_path(self) -> Path:
        """The dataset the app shows: the current version as a folder, else the base data."""
        return self.snapshot()[1]

    def snapshot(self) -> tuple[int | None, Path]:
        """The current version number and a folder of it (``datastore.snapshots``:
        materialised once per version).

        ``StoreUnavailable`` when the database cannot be read or the folder cannot be
        written (a damaged file, a full disk): it names the newest version materialised
        before, if any, for the app to show with a notice.
        """
        try:
            current = self.current()
        except Exception as exc:  # noqa: BLE001 - classified, else raised as it was
            self._raise_unavailable(exc)
            raise
        if current is None:
            return None, self.base
        try:
            folder = snapshots.materialise(self, current)
        except Exception as exc:  # noqa: BLE001 - classified, else raised as it was
            self._raise_unavailable(exc)
            raise
        return current, folder

    def _raise_unavailable(self, exc: BaseException) -> None:
        """``StoreUnavailable`` (the trace logged for the administrator) when ``exc`` is a
        damaged database or a full disk; nothing for any other error."""
        kind = db.failure_kind(exc)
        if kind is None:
            return
        _LOG.error("The data store is unavailable (%s): %s", kind, exc, exc_info=exc)
        raise StoreUnavailable(kind, self.last_materialised()) from exc

    def last_materialised(self) -> tuple[int, Path] | None:
        """(number, folder) of the newest complete version folder this server wrote."""
        import hashlib

        folder = self.root / "cache" / hashlib.sha256(self.url.encode()).hexdigest()[:12]
        try:
            found = [(version_of_folder(p), p) for p in folder.iterdir() if p.is_dir()]
        except OSError:
            return None
        done = [(n, p) for n, p in found if n is not None]
        return max(done) if done else None

    def new_staging(self) -> Path:
        """A fresh empty folder for an upload (``datastore.staging``)."""
        return staging.new_staging(self.root)

    # ---- writing -------------------------------------------------------------------
    def plan(
        self,
        source: Path | str | dict,
        base_version: int | None | object = BASE_FROM_FILE,
        replace: Iterable[str] | bool = (),
    ) -> MergePlan:
        """What publishing ``source`` would do to the current version (nothing is saved):
        the rows it adds, changes and removes, the conflicts (with who made theirs) and,
        for a file without a base, the rows ``replace`` would remove (``datastore.merge``)."""
        frames, columns, base_version = self._source(source, base_version)
        new_rows, _typed = _clean(_records(frames))
        with self.engine.connect() as conn:
            current = self._current_locked(conn)
            if current is None:
                live = _seed_rows(self.base)[0]
            else:
                live = self.rows(current, conn)
            plan = self._plan(conn, live, new_rows, base_version, replace)
        return plan

    def publish(
        self,
        source: Path | str | dict,
        editor: str,
        note: str = "",
        expected_current: int | None = None,
        source_name: str | None = None,
        extra: dict | None = None,
        client: str = "",
        base_version: int | None | object = BASE_FROM_FILE,
        resolve: str | Mapping[str, str] | None = None,
        replace: Iterable[str] | bool = (),
    ) -> Version:
        """Merge a dataset (a folder, an .xlsx, or ``(frames, columns)``) into the next version.

        ``base_version`` is the version the file was exported from (default: read from a
        folder's or workbook's marker, ``filemeta``; None for none). Only what the file
        changed since its base is applied; rows changed meanwhile by others are kept;
        a row both changed is a conflict: ``MergeConflict`` unless ``resolve`` settles it
        ("theirs", "mine", or {conflict id: choice}). A file without a base never removes
        rows, except of the tables in ``replace`` (True: every table in the file).
        ``expected_current`` is the version the editor checked against: when another save
        happened meanwhile, ``PublishConflict`` is raised (check again).
        """
        frames, columns, base_version = self._source(source, base_version)
        new_rows, typed = _clean(_records(frames))
        self._require_valid_whole(new_rows, columns)  # the file's problems, its own rows
        with self._write() as conn:
            current = self._current_locked(conn)
            if current != expected_current and not (
                expected_current is None and current == 1 and self._only_seed(conn)
            ):
                raise PublishConflict(expected_current, current)
            if current is None:
                current = self._seed_locked(conn)
            live = self.rows(current, conn)
            found = self._plan(conn, live, new_rows, base_version, replace)
            plan = found.resolved(resolve)
            if plan.conflicts:
                raise MergeConflict(plan)
            merged_columns = self._columns_locked(conn, current)
            for table, headers in columns.items():
                merged_columns[table] = list(dict.fromkeys(
                    [*headers, *merged_columns.get(table, [])]))
            if _adds_rows_of_others(found, resolve):
                # what the merge added to the file's own rows (others' newer rows) must not
                # add errors either: a partner removed meanwhile, a key someone else took
                self._require_no_new_errors(live, plan.target, merged_columns)
            merge_info = {"base_version": plan.base_version, "kept_newer": plan.kept_newer,
                          "replaced": list(plan.replaced)}
            as_typed = _typed_of_changes(plan, new_rows, typed)
            return self._commit_locked(
                conn, current, live, plan.target, merged_columns, editor=editor, note=note,
                action="publish", source_name=source_name,
                extra={**(extra or {}), "merge": merge_info,
                       **({"typed": as_typed} if as_typed else {})}, client=client,
            )

    def _source(self, source, base_version) -> tuple[dict, dict, int | None]:
        if isinstance(source, dict):
            frames = source
            columns = {t: [str(c) for c in f.columns] for t, f in frames.items()}
            if base_version is BASE_FROM_FILE:
                base_version = None
        else:
            frames, columns = frames_from_folder(source)
            if base_version is BASE_FROM_FILE:
                path = Path(source)
                base_version = self.base_of(path) if path.is_dir() else self._base_of_book(path)
        assert base_version is None or isinstance(base_version, int)
        return frames, columns, base_version

    def _base_of_book(self, path: Path) -> int | None:
        if path.suffix.lower() != ".xlsx" or not path.is_file():
            return None
        with tempfile.TemporaryDirectory() as tmp:
            meta = filemeta.workbook_meta(path.read_bytes())
            if meta:
                filemeta.write_meta(tmp, meta)
            return self.base_of(tmp)

    def _plan(self, conn, live, new_rows, base_version: int | None,
              replace: Iterable[str] | bool) -> MergePlan:
        tables = list(new_rows) if replace is True else list(replace or ())
        base = self.rows(base_version, conn) if base_version is not None else None
        plan = plan_publish(base, new_rows, live, replace_tables=tables,
                            base_version=base_version, clean=clean_rows)
        for i, conflict in enumerate(plan.conflicts):
            version, who = self._last_change(conn, conflict.row_id)
            plan.conflicts[i] = dataclasses.replace(conflict, version=version, editor=who)
        return plan

    @staticmethod
    def _last_change(conn, row_id: str) -> tuple[int | None, str]:
        """The version that last added, changed or removed row ``row_id``, and its editor."""
        r = db.data_rows
        latest = conn.execute(
            select(r.c.since, r.c.until).where(r.c.row_id == row_id).order_by(r.c.id.desc())
        ).first()
        if latest is None:
            return None, ""
        number = latest[0] if latest[1] is None else latest[1]
        who = conn.execute(
            select(db.versions.c.editor).where(db.versions.c.number == number)).scalar()
        return number, who or ""

    def rollback(
        self,
        to_version: int,
        editor: str,
        note: str = "",
        expected_current: int | None = None,
        client: str = "",
    ) -> Version:
        """Save the rows of an earlier version as a new version (history is kept)."""
        with self._write() as conn:
            current = self._current_locked(conn)
            if current != expected_current:
                raise PublishConflict(expected_current, current)
            row = conn.execute(
                select(db.versions).where(db.versions.c.number == to_version)
            ).mappings().first()
            if row is None or current is None:
                raise StoreError("no_version", f"There is no version {to_version}.",
                                 version=to_version)
            old = self.rows(to_version, conn)
            target = {t: [RowState(r.row_id, r.position, r.cells) for r in rs] for t, rs in old.items()}
            back, gone = pubfiles.exports_change(conn, current, to_version)
            refused = rights.refused_exports(conn, editor, [*back, *gone])
            if refused:  # another institution's publication exports: as for its rows
                error = Refused(editor, refused)
                error.audit = (client, "rollback")
                raise error
            version = self._commit_locked(
                conn, current, self.rows(current, conn), target, json.loads(row["columns"]),
                editor=editor, note=note, action="rollback", restored_from=to_version,
                client=client, extra=_exports_extra(back, gone),
            )
            pubfiles.restore_exports(conn, to_version, version.number)
            return version

    def save_row(
        self,
        table: str,
        row_id: str | None,
        cells: dict[str, str] | None,
        editor: str,
        base_version: int | None,
        note: str = "",
        client: str = "",
        restored_from: int | None = None,
    ) -> Version:
        """Add (``row_id`` None), change or delete (``cells`` None) one row of ``table``.

        ``restored_from``: the row is put back as it was in that version (the history
        says "one row restored", ``datastore.rowhistory``); a removed row comes back
        under its own id.

        ``base_version`` is the version the editor's form showed. A change to another row
        since then is fine; a change to this row raises ``RowConflict`` (with their row).
        The result must not have errors the current version has not (``Invalid``).
        """
        if table not in table_names():
            raise StoreError("no_table", f"There is no table {table}.", table=table)
        with self._write() as conn:
            current = self._current_locked(conn)
            if current is None:
                current = self._seed_locked(conn)
                base_version = base_version or current
            live = self.rows(current, conn)
            rows = live.get(table, [])
            if row_id is not None:
                self._check_row_conflict(conn, table, row_id, base_version or 0, rows)
            target = {t: list(rs) for t, rs in live.items()}
            new_list = [r for r in rows if r.row_id != row_id]
            as_typed: dict = {}
            if cells is not None:
                clean = {str(k): str(v).strip() for k, v in cells.items()}
                if not any(clean.values()):
                    raise StoreError("empty_row", "The row is empty.", table=table)
                [clean], [typed] = clean_records(table, [clean])  # stored in the clean form
                old = next((r for r in rows if r.row_id == row_id), None)
                position = old.position if old else max((r.position for r in rows), default=-1) + 1
                state = RowState(row_id or new_id(), position, clean)
                new_list.append(state)
                new_list.sort(key=lambda r: r.position)
                if typed:
                    as_typed = {f"{table}:{state.row_id}": typed}
            target[table] = new_list
            columns = self._columns_locked(conn, current)
            if cells is not None:
                known = columns.get(table) or _contract_columns(table)
                columns[table] = known + [c for c in cells if c not in known]
            self._require_no_new_errors(live, target, columns)
            return self._commit_locked(
                conn, current, live, target, columns, editor=editor, note=note,
                action="edit" if restored_from is None else "restore_row",
                restored_from=restored_from, client=client,
                extra={"typed": as_typed} if as_typed else None,
            )

    def seed(self, editor: str = "system") -> int:
        """Import the base data as version 1 when nothing is saved yet; returns current."""
        with self._write() as conn:
            current = self._current_locked(conn)
            return current if current is not None else self._seed_locked(conn, editor)

    # ---- diff ----------------------------------------------------------------------
    def diff(self, old: int, new: int) -> dict:
        """Per table, what version ``new`` changes compared with version ``old``."""
        a, b = self.frames(old), self.frames(new)
        return {
            t: diff_tables(t, a.get(t), b.get(t))
            for t in table_names()
            if t in a or t in b
        }

    # ---- transactions ----------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """One write holding the store's write lock (one save at a time): everything done
        through it is saved together when the block ends, or not at all.

            with store.transaction() as tx:
                current = tx.expect(expected_current)     # PublishConflict if it moved on
                version = tx.commit(current, live, target, columns, editor=..., action=...)
        """
        with self._write() as conn:
            yield Transaction(self, conn)

    # ---- internals -----------------------------------------------------------------
    def _write(self):
        """A transaction holding the store's write lock (one save at a time)."""
        return _WriteTx(self.engine)

    @staticmethod
    def _current_locked(conn) -> int | None:
        return conn.execute(select(func.max(db.versions.c.number))).scalar()

    @staticmethod
    def _only_seed(conn) -> bool:
        action = conn.execute(
            select(db.versions.c.action).where(db.versions.c.number == 1)
        ).scalar()
        count = conn.execute(select(func.count()).select_from(db.versions)).scalar()
        return action == "seed" and count == 1

    def _columns_locked(self, conn, number: int) -> dict[str, list[str]]:
        text = conn.execute(
            select(db.versions.c.columns).where(db.versions.c.number == number)
        ).scalar()
        return json.loads(text or "{}")

    def _seed_locked(self, conn, editor: str = "system") -> int:
        target, columns = _seed_rows(self.base)
        version = self._commit_locked(
            conn, None, {}, target, columns, editor=editor, note="", action="seed",
            source_name=str(self.base), check_rights=False,
        )
        return version.number

    def _check_row_conflict(self, conn, table: str, row_id: str, base: int, rows) -> None:
        r = db.data_rows
        latest = conn.execute(
            select(r.c.cells, r.c.since, r.c.until)
            .where(r.c.tbl == table, r.c.row_id == row_id)
            .order_by(r.c.id.desc())
        ).first()
        if latest is None:
            raise StoreError("no_row", f"There is no such {table} row.", table=table)
        cells, since, until = latest
        changed_at = since if until is None else until
        if changed_at > base:
            who = conn.execute(
                select(db.versions.c.editor).where(db.versions.c.number == changed_at)
            ).scalar()
            raise RowConflict(table, row_id, json.loads(cells) if until is None else None,
                              changed_at, who or "")

    def _commit_locked(
        self,
        conn,
        current: int | None,
        live: dict[str, list[RowState]],
        target: dict[str, list[RowState]],
        columns: dict[str, list[str]],
        *,
        editor: str,
        note: str,
        action: str,
        restored_from: int | None = None,
        source_name: str | None = None,
        extra: dict | None = None,
        client: str = "",
        check_rights: bool = True,
        created_at: str | None = None,
    ) -> Version:
        """Write the difference between ``live`` and ``target`` as the next version."""
        number = (current or 0) + 1
        ops = _operations(live, target)
        if check_rights:
            refused = rights.refused_rows(conn, editor, ops, live)
            if refused:
                error = Refused(editor, refused)
                error.audit = (client, action)  # logged once the transaction is undone
                raise error
        counts = {t: {"added": 0, "changed": 0, "removed": 0} for t in table_names()
                  if t in target or t in live}
        r = db.data_rows
        replaced = [old.row_id for kind, t, old, new in ops
                    if kind in ("changed", "removed") and old is not None]
        for start in range(0, len(replaced), 500):
            conn.execute(
                update(r)
                .where(r.c.row_id.in_(replaced[start : start + 500]), r.c.until.is_(None))
                .values(until=number)
            )
        records = []
        for kind, t, _old, new in ops:
            counts[t][kind] += 1
            if new is not None:
                records.append({"tbl": t, "row_id": new.row_id, "position": new.position,
                                "cells": json.dumps(new.cells, ensure_ascii=False),
                                "since": number, "until": None})
        for start in range(0, len(records), 1000):
            conn.execute(insert(r), records[start : start + 1000])
        kept_columns = {t: list(c) for t, c in columns.items()}
        conn.execute(
            insert(db.versions).values(
                number=number, created_at=created_at or now_text(), editor=editor, note=note or "",
                action=action, restored_from=restored_from, source_name=source_name,
                counts=json.dumps(counts), columns=json.dumps(kept_columns, ensure_ascii=False),
                extra=json.dumps(extra or {}, ensure_ascii=False, default=str),
            )
        )
        audit_write(conn, action, editor, client, number, _write_detail(counts, restored_from,
                                                                      source_name, extra))
        row = conn.execute(select(db.versions).where(db.versions.c.number == number)).mappings().one()
        return _version(row)

    def _require_valid_whole(self, new_rows: dict, columns: dict) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            _write_csvs(_frames_from_lists(new_rows, columns), Path(tmp))
            dataset = load_dataset(tmp)
        if dataset.fatal:
            raise StoreError("unreadable", dataset.fatal, detail=dataset.fatal)
        if dataset.errors:
            raise Invalid(dataset.errors)

    def _require_no_new_errors(self, live: dict, target: dict, columns: dict) -> None:
        content = json.dumps({t: [(s.row_id, s.cells) for s in rs] for t, rs in live.items()},
                             sort_keys=True, default=str)
        key = (self.url, hashlib.sha256(content.encode()).hexdigest())
        with _ERRORS_BEFORE_LOCK:
            before = _ERRORS_BEFORE.get(key)
        if before is None:
            before = _errors_by_row(live, columns)
            with _ERRORS_BEFORE_LOCK:
                _ERRORS_BEFORE[key] = before
        after = _errors_by_row(target, columns)
        new = [p for sig, p in after.items() if sig not in before]
        if new:
            raise Invalid(new)

    def _migrate_once(self) -> None:
        if self.url not in _MIGRATED:
            migrate_folders_once(self)
            _MIGRATED.add(self.url)


class Transaction:
    """A write in progress (``Store.transaction``): the version it starts from, the rows of
    any version, and ``commit`` to add the next version. ``conn`` is the connection for
    the other tables written in the same transaction (``datastore.pubfiles``)."""

    def __init__(self, store: Store, conn) -> None:
        self.store = store
        self.conn = conn

    def current(self) -> int | None:
        """The current version (None before the first save), read under the lock."""
        return self.store._current_locked(self.conn)

    def expect(self, expected: int | None) -> int:
        """The current version, which must be ``expected`` (the version the editor saw):
        ``PublishConflict`` otherwise. Before the first save, the base data is kept as
        version 1 first."""
        current = self.current()
        if current != expected:
            raise PublishConflict(expected, current)
        return current if current is not None else self.store._seed_locked(self.conn)

    def rows(self, number: int) -> dict[str, list[RowState]]:
        return self.store.rows(number, self.conn)

    def columns(self, number: int) -> dict[str, list[str]]:
        return self.store._columns_locked(self.conn, number)

    def commit(self, current: int | None, live: dict[str, list[RowState]],
               target: dict[str, list[RowState]], columns: dict[str, list[str]],
               **what) -> Version:
        """Write the difference between ``live`` and ``target`` as the next version
        (``editor``, ``note``, ``action``... as keywords; rights are checked unless
        ``check_rights=False``)."""
        return self.store._commit_locked(self.conn, current, live, target, columns, **what)

    def commit_unchanged_rows(self, current: int, **what) -> Version:
        """A version that keeps every row of ``current`` (e.g. publication exports only)."""
        return self.commit(current, {}, {}, self.columns(current), check_rights=False, **what)


_MIGRATED: set[str] = set()  # databases this process has checked for one-off moves
# The errors of the version a save starts from, by (database, SHA-256 of its rows): the
# next save from the same version does not validate it again. One entry (the current
# version of the last save); a lock, as the app's sessions save from threads.
_ERRORS_BEFORE: LRUCache[tuple[str, str], dict] = LRUCache(maxsize=1)
_ERRORS_BEFORE_LOCK = threading.Lock()


class _WriteTx:
    """``engine.begin()`` whose first statement takes the write lock row.

    SQLite: the UPDATE takes the database's write lock (other writers wait, readers go
    on in WAL mode). PostgreSQL: the row lock serialises writers; every later statement
    sees what committed before it (READ COMMITTED).
    """

    def __init__(self, engine) -> None:
        self.engine = engine

    def __enter__(self):
        self._ctx = self.engine.begin()
        conn = self._ctx.__enter__()
        conn.execute(
            update(db.meta).where(db.meta.c.key == db.LOCK_KEY).values(value=db.meta.c.value)
        )
        self.conn = conn
        return conn

    def __exit__(self, exc_type, exc, tb):
        try:
            result = self._ctx.__exit__(exc_type, exc, tb)
        except Exception as failed:  # noqa: BLE001 - the commit itself failed
            kind = db.failure_kind(failed)
            if kind is None:
                raise
            raise _write_failed(kind, failed) from failed
        if exc is not None and not isinstance(exc, StoreError):
            kind = db.failure_kind(exc)
            if kind is not None:  # undone above; said plainly instead of an SQL trace
                raise _write_failed(kind, exc) from exc
        if isinstance(exc, Refused) and exc.audit is not None:
            # A refusal is kept in the audit log although the save itself is undone.
            client, action = exc.audit
            with self.engine.begin() as conn:
                log_event(conn, "refused", str(exc.params["editor"]), client,
                          {"action": action, "count": len(exc.rows),
                           "rows": [f"{t} {k}" for t, k in exc.rows[:50]]})
        return result


# ---- helpers ----------------------------------------------------------------------------
def _clean(rows: dict[str, list[dict[str, str]]]) -> tuple[dict, dict]:
    """Every table's rows in their stored form, and what was typed where it differs."""
    cleaned, typed = {}, {}
    for table, records in rows.items():
        cleaned[table], typed[table] = clean_records(table, records)
    return cleaned, typed


def _adds_rows_of_others(plan: MergePlan, resolve) -> bool:
    """True when the merged result holds rows the file's own check did not see: rows
    others changed since the base, conflicts kept as theirs, or current rows a file without
    a base left out (and does not replace). Otherwise the file's check holds for it."""
    if plan.kept_newer:
        return True
    if any((resolve if isinstance(resolve, str) else (resolve or {}).get(c.id)) != "mine"
           for c in plan.conflicts):
        return True
    return any(rows and table not in plan.replaced for table, rows in plan.would_remove.items())


def _typed_of_changes(plan: MergePlan, rows: dict, typed: dict) -> dict:
    """{"table:row_id": {column: as typed}} for the rows a publish writes (for the history)."""
    by_key = {table: dict(zip(keyed(table, records), typed[table], strict=True))
              for table, records in rows.items()}
    out = {}
    for change in plan.changes:
        found = by_key.get(change.table, {}).get(change.key) if change.new is not None else None
        if found:
            out[f"{change.table}:{change.row_id}"] = found
    return out


def _exports_extra(back: list, gone: list) -> dict:
    """A rollback's publication export changes, for the history (as ``publications``
    versions record theirs): names brought back and removed, per institution."""
    if not back and not gone:
        return {}
    institutions = {k.institution_id for k in [*back, *gone]}
    return {"publications": {
        "added": [k.name for k in back], "removed": [k.name for k in gone],
        "institution_id": institutions.pop() if len(institutions) == 1 else "",
        "by_institution": {k.name: k.institution_id for k in [*back, *gone]}}}


def _records(frames: dict[str, pd.DataFrame]) -> dict[str, list[dict[str, str]]]:
    return {t: [{str(k): str(v) for k, v in rec.items()} for rec in f.to_dict("records")]
            for t, f in frames.items()}


def _seed_rows(base: Path) -> tuple[dict[str, list[RowState]], dict[str, list[str]]]:
    """The base data's rows as version 1 would hold them, and its headers."""
    frames, columns = frames_from_folder(base)
    target = {
        t: [RowState(new_id(), i, cells) for i, cells in enumerate(rs)]
        for t, rs in _records(frames).items()
    }
    return target, columns


def _write_failed(kind: str, exc: BaseException) -> StoreError:
    _LOG.error("A save failed (%s): %s", kind, exc, exc_info=exc)
    return StoreError(kind, "The server's disk is full: nothing was saved." if kind == "disk_full"
                      else "The data store's database is damaged: nothing was saved.")


def _version(row) -> Version:
    return Version(
        number=row["number"], created_at=row["created_at"], editor=row["editor"],
        note=row["note"] or "", action=row["action"], restored_from=row["restored_from"],
        source_name=row["source_name"], counts=json.loads(row["counts"] or "{}"),
        columns=json.loads(row["columns"] or "{}"), extra=json.loads(row["extra"] or "{}"),
    )


def _write_detail(counts: dict, restored_from: int | None, source_name: str | None,
                  extra: dict | None) -> dict:
    """What the audit line of a write says it changed (rows per table, the version it
    restored, the file it came from, the exports it kept or removed)."""
    detail: dict = {"rows": {t: c for t, c in counts.items() if any(c.values())}}
    if restored_from is not None:
        detail["restored_from"] = restored_from
    if source_name:
        detail["source"] = Path(str(source_name)).name[:200]
    if extra and "publications" in extra:
        detail["publications"] = extra["publications"]
    return detail


def _contract_columns(table: str) -> list[str]:
    return TABLES[table].names


def _frames(rows: dict[str, list[RowState]], columns: dict[str, list[str]]) -> dict:
    frames = {}
    for table, headers in columns.items():
        states = rows.get(table, [])
        extra = [c for s in states for c in s.cells if c not in headers]
        headers = list(dict.fromkeys([*headers, *extra]))
        frame = pd.DataFrame(
            [[s.cells.get(c, "") for c in headers] for s in states],
            columns=headers,
            index=pd.Index([s.row_id for s in states], name="row_id"),
            dtype=str,
        )
        frames[table] = frame
    return frames


def _frames_from_lists(new_rows: dict[str, list[dict]], columns: dict) -> dict:
    return _frames(
        {t: [RowState(str(i), i, cells) for i, cells in enumerate(rs)] for t, rs in new_rows.items()},
        columns,
    )


def _write_csvs(frames: dict[str, pd.DataFrame], dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for table, frame in frames.items():
        frame.to_csv(safe_child(dest, f"{table}.csv"), index=False, encoding="utf-8",
                     lineterminator="\n")


def _errors_by_row(rows: dict[str, list[RowState]], columns: dict) -> dict:
    """The loaders' errors of a set of rows, keyed on (table, row_id, column, code, value)."""
    with tempfile.TemporaryDirectory() as tmp:
        _write_csvs(_frames(rows, columns), Path(tmp))
        dataset = load_dataset(tmp)
    if dataset.fatal:
        raise StoreError("unreadable", dataset.fatal, detail=dataset.fatal)
    found = {}
    for p in dataset.errors:
        states = rows.get(p.table, [])
        index = (p.row or 0) - 2
        row_id = states[index].row_id if 0 <= index < len(states) else None
        found[(p.table, row_id, p.column, p.code, p.value)] = p
        p.params = {**p.params, "row_id": row_id}
    return found


def _operations(live: dict, target: dict) -> list[tuple[str, str, RowState | None, RowState | None]]:
    """(kind, table, old, new) for every row that differs: added, changed, removed."""
    ops: list[tuple[str, str, RowState | None, RowState | None]] = []
    for table in table_names():
        old_rows = {s.row_id: s for s in live.get(table, [])}
        new_rows = {s.row_id: s for s in target.get(table, [])}
        for row_id, new in new_rows.items():
            old = old_rows.get(row_id)
            if old is None:
                ops.append(("added", table, None, new))
            elif norm_cells(old.cells) != norm_cells(new.cells):
                ops.append(("changed", table, old, new))
        for row_id, old in old_rows.items():
            if row_id not in new_rows:
                ops.append(("removed", table, old, None))
    return ops
