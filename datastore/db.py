"""The store's database: its tables (SQLAlchemy Core) and one engine per URL per process.

The URL is env ``COOP_DATABASE_URL`` (any SQLAlchemy URL, e.g. ``postgresql://user@host/coop``)
or an SQLite file ``<COOP_STORE>/coop.db`` (default ``store/coop.db``: nothing to install).

Tables::

    versions   number, created_at, editor, note, action, restored_from, source_name,
               counts {table: {added, changed, removed}}, columns {table: [header, ...]}
    data_rows  one record per row state: tbl, row_id (stable across versions), position,
               cells {column: text}, since (the version it appeared in), until (the
               version that replaced or removed it; NULL while current)
    editors    name, password hash, is_admin, institutions [institution_id, ...]
    editor_state  per editor name (kept when the editor is removed): ``generation``, raised
               by a password reset, a disable or a removal (it ends that editor's sessions),
               and ``disabled``
    throttle   failed logins per (name, client), per name from unknown clients, per device
    known_clients  where each editor's last successful logins came from (address or device)
    audit      logins, refusals, every write (publish, edit, rollback, exports, accounts)
    meta       key -> value (the write lock row, one-off migrations)
    publication_files  publication exports (Scopus / Web of Science / OpenAlex) kept with
               the data: name, institution_id ('' = any of the dataset's), content,
               sha256, editor, since / until (versions, as data_rows)

The schema is changed only by a migration (``datastore.migrations``, Alembic), which every
process runs when it first opens the database.

Version ``N`` is the records with ``since <= N`` and ``until`` NULL or ``> N``; a save adds
its records and its ``versions`` row in one transaction, so a reader never sees half of one.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    insert,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from datastore.failures import StoreDamaged, failure_kind  # noqa: F401  (db.failure_kind)
from datastore.paths import store_root

metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False, default=""),
)

versions = Table(
    "versions",
    metadata,
    Column("number", Integer, primary_key=True, autoincrement=False),
    Column("created_at", String(32), nullable=False),
    Column("editor", String(64), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("action", String(16), nullable=False),
    Column("restored_from", Integer, nullable=True),
    Column("source_name", Text, nullable=True),
    Column("counts", Text, nullable=False, default="{}"),
    Column("columns", Text, nullable=False, default="{}"),
    Column("extra", Text, nullable=False, default="{}"),
)

data_rows = Table(
    "data_rows",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("tbl", String(32), nullable=False),
    Column("row_id", String(40), nullable=False),
    Column("position", Integer, nullable=False),
    Column("cells", Text, nullable=False),
    Column("since", Integer, nullable=False),
    Column("until", Integer, nullable=True),
    Index("ix_rows_tbl_since", "tbl", "since"),
    Index("ix_rows_until", "until"),
    Index("ix_rows_row_id", "row_id"),
    Index("ix_rows_tbl_row_id", "tbl", "row_id"),  # one row's history (migration 0002)
)

publication_files = Table(
    "publication_files",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    Column("institution_id", String(64), nullable=False, default=""),
    Column("content", LargeBinary, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("editor", String(64), nullable=False),
    Column("since", Integer, nullable=False),
    Column("until", Integer, nullable=True),
)

editors = Table(
    "editors",
    metadata,
    Column("name", String(64), primary_key=True),  # lower case
    Column("display_name", String(64), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("is_admin", Boolean, nullable=False, default=False),
    Column("institutions", Text, nullable=False, default="[]"),
    Column("created_at", String(32), nullable=False),
)

throttle = Table(
    "throttle",
    metadata,
    Column("key", String(200), primary_key=True),  # "name:aziza" or "client:10.0.0.7"
    Column("failures", Integer, nullable=False, default=0),
    Column("next_at", Float, nullable=False, default=0.0),
)

editor_state = Table(
    "editor_state",
    metadata,
    Column("name", String(64), primary_key=True),  # lower case, as editors.name
    Column("generation", Integer, nullable=False, default=0),
    Column("disabled", Boolean, nullable=False, default=False),
)

known_clients = Table(
    "known_clients",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("client", String(200), primary_key=True),  # "addr:10.0.0.7" or "device:<sha256>"
    Column("last_ok", Float, nullable=False),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False),
    Column("event", String(32), nullable=False),
    Column("editor", String(64), nullable=False, default=""),
    Column("client", String(200), nullable=False, default=""),
    Column("detail", Text, nullable=False, default="{}"),
)

LOCK_KEY = "write_lock"
LOGIN_LOCK_KEY = "login_lock"  # one login's check-and-count at a time (datastore.security)
SQLITE_HEADER = b"SQLite format 3\x00"


def database_url(root: Path | None = None) -> str:
    """``COOP_DATABASE_URL``, else the SQLite file ``<store root>/coop.db``."""
    url = os.environ.get("COOP_DATABASE_URL", "").strip()
    if url:
        # A plain postgresql:// URL means psycopg (3), the driver pinned in requirements.
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return url
    return f"sqlite:///{(Path(root) if root else store_root()) / 'coop.db'}"


def sqlite_file(url: str) -> Path | None:
    """The file of an SQLite URL (None for other databases or an in-memory one)."""
    if not url.startswith("sqlite:///"):
        return None
    rest = url[len("sqlite:///") :]
    return Path(rest) if rest and rest != ":memory:" else None


def check_sqlite_file(file: Path) -> None:
    """Refuse a file that cannot be the store: a zero-byte file with no write-ahead log, or
    one that does not start like an SQLite database (SQLite would take the first for a new
    empty store, silently). A missing file is fine: it is created."""
    try:
        with file.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreDamaged(file, f"unreadable ({exc.strerror})") from exc
    if not head:
        wal = file.with_name(file.name + "-wal")
        if not (wal.exists() and wal.stat().st_size > 0):
            raise StoreDamaged(file, "empty file")
        return
    if head != SQLITE_HEADER:
        raise StoreDamaged(file, "not an SQLite database")


def create_private(file: Path) -> None:
    """Create the store's folder (0700) and an empty database file (0600) unless they
    exist; an existing file readable by others is made private (the -wal and -shm files
    SQLite adds take the database file's mode)."""
    folder = file.parent
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)  # mkdir's mode is reduced by the umask
    try:
        os.close(os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        os.chmod(file, 0o600)
    except FileExistsError:
        pass
    for part in (file, file.with_name(file.name + "-wal"), file.with_name(file.name + "-shm")):
        try:
            if part.stat().st_mode & 0o077:
                os.chmod(part, 0o600)
        except OSError:  # not there, or not ours: SQLite says so when it opens it
            pass


_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def engine_for(url: str) -> Engine:
    """One engine per URL in this process, its tables created on first use."""
    with _engines_lock:
        engine = _engines.get(url)
        if engine is not None:
            return engine
        file = sqlite_file(url)
        if file is not None:
            check_sqlite_file(file)
            create_private(file)
            engine = create_engine(url, connect_args={"timeout": 60})

            @event.listens_for(engine, "connect")
            def _sqlite_pragmas(dbapi_conn, _record) -> None:
                cursor = dbapi_conn.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait on a save
                cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.execute("PRAGMA busy_timeout=60000")
                cursor.close()
        else:
            engine = create_engine(url, pool_pre_ping=True)
        from datastore.migrations import upgrade

        upgrade(engine)  # Alembic: a new database is built, an older one brought up to date
        for key in (LOCK_KEY, LOGIN_LOCK_KEY):
            try:
                with engine.begin() as conn:
                    if conn.execute(select(meta.c.key).where(meta.c.key == key)).first() is None:
                        conn.execute(insert(meta).values(key=key, value="0"))
            except IntegrityError:  # another process inserted it first
                pass
        _engines[url] = engine
        return engine


def dispose_all() -> None:
    """Close every engine (tests that drop a database call this)."""
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
