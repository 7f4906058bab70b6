"""Schema migrations of the store's database (Alembic), for SQLite and PostgreSQL alike.

Every store is brought to the newest schema when the app (or any command) first opens it,
or by ``python -m datastore upgrade``. A database made before migrations existed (the
release whose tables ``versions/0001_release_schema.py`` creates) is recognised by its
``versions`` table and marked as that revision first; an empty database is built from
revision 0001 up. A change to ``datastore.db``'s tables needs a revision here
(``tests/test_migrations.py`` compares the upgraded database with ``db.metadata``).

    >>> upgrade(engine)            # doctest: +SKIP
    (None, '0002')                 # (revision before, revision after)
"""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

FOLDER = Path(__file__).resolve().parent
BASELINE = "0001"  # the schema of the release before migrations
PG_LOCK = 72_510_025  # pg_advisory_lock key: one upgrade at a time across app servers


def _config(connection):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(FOLDER))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest revision."""
    from alembic.script import ScriptDirectory

    return str(ScriptDirectory(str(FOLDER)).get_current_head())


def revision(connection) -> str | None:
    """The database's revision (None: not under migrations yet)."""
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, target: str = "head") -> tuple[str | None, str | None]:
    """Bring the database to ``target``; (revision before, revision after). Safe to call
    from several processes at once: PostgreSQL takes an advisory lock, SQLite's writers
    wait on each other and a loser of a race tries again."""
    for attempt in range(5):
        try:
            return _upgrade_once(engine, target)
        except DBAPIError as exc:
            from datastore.failures import failure_kind

            if attempt == 4 or failure_kind(exc) is not None:
                raise  # a damaged or full store: no pause mends it (the page says so)
            time.sleep(0.2 * (attempt + 1))  # another process was creating the same tables
    raise AssertionError("unreachable")


def _upgrade_once(engine: Engine, target: str) -> tuple[str | None, str | None]:
    from alembic import command

    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK})
        before = revision(conn)
        if before == _head_cached() and target == "head":
            return before, before
        config = _config(conn)
        if before is None and inspect(conn).has_table("versions"):
            command.stamp(config, BASELINE)  # a store of the release before migrations
        command.upgrade(config, target)
        return before, revision(conn)


_HEAD: list[str] = []


def _head_cached() -> str:
    if not _HEAD:
        _HEAD.append(head())
    return _HEAD[0]


__all__ = ["BASELINE", "head", "revision", "upgrade"]
