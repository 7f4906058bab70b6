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
    throttle   failed logins per editor name and per client address
    audit      logins, refusals and other security events
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
            file.parent.mkdir(parents=True, exist_ok=True)
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
        try:
            with engine.begin() as conn:
                if conn.execute(select(meta.c.key).where(meta.c.key == LOCK_KEY)).first() is None:
                    conn.execute(insert(meta).values(key=LOCK_KEY, value="0"))
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
