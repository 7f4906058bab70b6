"""Schema migrations with Alembic (issue 25, build item 6), on SQLite and PostgreSQL: a store
made by the release before migrations (its schema frozen below, as its ``db.py`` made it)
is upgraded by ``python -m datastore upgrade`` or on first use, and every row, version,
editor and export reads back; a new database upgraded from nothing matches ``db.metadata``."""

from __future__ import annotations

import io
import json
import sys

import pytest
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
    insert,
    inspect,
)
from test_datastore import BASE_VISITS, write_dataset

from datastore import db, migrations, publications, security
from datastore.__main__ import main
from datastore.editors import hash_password
from datastore.rowhistory import row_history
from datastore.store import Store

# ---- the release's schema (datastore/db.py before migrations), frozen -------------------
OLD = MetaData()
Table("meta", OLD, Column("key", String(64), primary_key=True),
      Column("value", Text, nullable=False, default=""))
Table("versions", OLD, Column("number", Integer, primary_key=True, autoincrement=False),
      Column("created_at", String(32), nullable=False), Column("editor", String(64), nullable=False),
      Column("note", Text, nullable=False, default=""), Column("action", String(16), nullable=False),
      Column("restored_from", Integer, nullable=True), Column("source_name", Text, nullable=True),
      Column("counts", Text, nullable=False, default="{}"),
      Column("columns", Text, nullable=False, default="{}"),
      Column("extra", Text, nullable=False, default="{}"))
Table("data_rows", OLD, Column("id", Integer, primary_key=True, autoincrement=True),
      Column("tbl", String(32), nullable=False), Column("row_id", String(40), nullable=False),
      Column("position", Integer, nullable=False), Column("cells", Text, nullable=False),
      Column("since", Integer, nullable=False), Column("until", Integer, nullable=True),
      Index("ix_rows_tbl_since", "tbl", "since"), Index("ix_rows_until", "until"),
      Index("ix_rows_row_id", "row_id"))
Table("publication_files", OLD, Column("id", Integer, primary_key=True, autoincrement=True),
      Column("name", Text, nullable=False),
      Column("institution_id", String(64), nullable=False, default=""),
      Column("content", LargeBinary, nullable=False), Column("sha256", String(64), nullable=False),
      Column("size", Integer, nullable=False), Column("editor", String(64), nullable=False),
      Column("since", Integer, nullable=False), Column("until", Integer, nullable=True))
Table("editors", OLD, Column("name", String(64), primary_key=True),
      Column("display_name", String(64), nullable=False),
      Column("password_hash", Text, nullable=False),
      Column("is_admin", Boolean, nullable=False, default=False),
      Column("institutions", Text, nullable=False, default="[]"),
      Column("created_at", String(32), nullable=False))
Table("throttle", OLD, Column("key", String(200), primary_key=True),
      Column("failures", Integer, nullable=False, default=0),
      Column("next_at", Float, nullable=False, default=0.0))
Table("audit", OLD, Column("id", Integer, primary_key=True, autoincrement=True),
      Column("at", String(32), nullable=False), Column("event", String(32), nullable=False),
      Column("editor", String(64), nullable=False, default=""),
      Column("client", String(200), nullable=False, default=""),
      Column("detail", Text, nullable=False, default="{}"))

V1 = {"visit_id": "v1", "institution_id": "samsmu", "partner_id": "p0", "direction": "incoming",
      "activity": "lectures", "start_date": "2024-03"}


def release_store(url: str, base) -> None:
    """A store as the release wrote it: the base data as version 1, visit v1 changed in
    version 2, an editor, a kept export."""
    from datastore.rows import frames_from_folder

    engine = create_engine(url)
    OLD.create_all(engine)
    t = OLD.tables
    frames, headers = frames_from_folder(base)
    counts = json.dumps({"visits": {"added": 1, "changed": 0, "removed": 0}})
    columns = json.dumps(headers)
    others = [{"tbl": table, "row_id": f"{table}{i}", "position": i,
               "cells": json.dumps(cells), "since": 1, "until": None}
              for table, frame in frames.items()
              for i, cells in enumerate(frame.to_dict("records"))
              if cells.get("visit_id") != "v1"]
    with engine.begin() as conn:
        conn.execute(insert(t["data_rows"]), others)
        conn.execute(insert(t["meta"]).values(key="write_lock", value="0"))
        conn.execute(insert(t["versions"]), [
            {"number": 1, "created_at": "2026-01-05T10:00:00+00:00", "editor": "system",
             "note": "", "action": "seed", "counts": counts, "columns": columns, "extra": "{}"},
            {"number": 2, "created_at": "2026-02-05T10:00:00+00:00", "editor": "aziza",
             "note": "March", "action": "edit", "counts": counts, "columns": columns,
             "extra": "{}"}])
        conn.execute(insert(t["data_rows"]), [
            {"tbl": "visits", "row_id": "r1", "position": 0, "cells": json.dumps(V1),
             "since": 1, "until": 2},
            {"tbl": "visits", "row_id": "r1", "position": 0,
             "cells": json.dumps({**V1, "activity": "research"}), "since": 2, "until": None}])
        conn.execute(insert(t["editors"]).values(
            name="aziza", display_name="Aziza", password_hash=hash_password("aziza-pass"),
            is_admin=True, institutions="[]", created_at="2026-01-01T00:00:00+00:00"))
        conn.execute(insert(t["publication_files"]).values(
            name="wos.txt", institution_id="samsmu", content=b"PT J\nER\n", sha256="x" * 64,
            size=8, editor="aziza", since=2, until=None))
    engine.dispose()


@pytest.fixture
def env(tmp_path, monkeypatch, database_url):
    base = write_dataset(tmp_path / "data", "base", rows=2, visits=BASE_VISITS)
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("COOP_DATA", str(base))
    monkeypatch.setenv("COOP_SECRETS", str(tmp_path / "none.toml"))
    (tmp_path / "store").mkdir()
    return database_url


def run(monkeypatch, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    return main(list(args)), out.getvalue(), err.getvalue()


def test_a_store_of_the_release_upgrades_and_reads_back(env, monkeypatch, tmp_path):
    release_store(env, tmp_path / "data")
    status, out, err = run(monkeypatch, "upgrade")
    assert (status, out.strip()) == (0, "The database was upgraded from schema revision none "
                                        f"to {migrations.head()}."), err
    assert run(monkeypatch, "upgrade")[1].strip() == (
        f"The database is up to date (schema revision {migrations.head()}).")
    indexes = {i["name"] for i in inspect(create_engine(env)).get_indexes("data_rows")}
    assert "ix_rows_tbl_row_id" in indexes
    store = Store()
    assert [(v.number, v.editor, v.action, v.note) for v in store.history()] == [
        (2, "aziza", "edit", "March"), (1, "system", "seed", "")]
    assert store.frames(2)["visits"].loc["r1", "activity"] == "research"
    assert list(store.frames(2)["visits"]["visit_id"]) == ["v1", "v2"]
    assert list(store.frames(2)["partners"]["partner_id"]) == ["p0", "p1"]
    assert store.frames(1)["visits"].loc["r1", "activity"] == "lectures"
    assert [(s.version, s.kind) for s in row_history(store, "visits", "v1")] == [
        (1, "added"), (2, "changed")]
    assert security.login(store, "aziza", "aziza-pass", "test").ok
    assert [k.name for k in publications.kept(store)] == ["wos.txt"]
    saved = store.save_row("visits", "r1", {**V1, "activity": "training"}, editor="aziza",
                           base_version=2)
    assert saved.number == 3


def test_the_app_upgrades_an_old_store_on_first_use(env, tmp_path):
    release_store(env, tmp_path / "data")
    assert Store().current() == 2  # opening the store ran the migrations
    engine = create_engine(env)
    with engine.connect() as conn:
        assert migrations.revision(conn) == migrations.head()
    engine.dispose()


def test_a_database_built_by_the_migrations_matches_the_tables_of_db(env):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = create_engine(env)
    assert migrations.upgrade(engine) == (None, migrations.head())
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), db.metadata)
    engine.dispose()
    assert differences == []  # a change to datastore/db.py needs a revision


def test_a_damaged_file_is_not_tried_again(tmp_path, monkeypatch):
    """A race with another process creating the tables is tried again after a pause; a file
    that is no database is not (no pause would mend it: the page says so at once)."""
    from sqlalchemy.exc import DBAPIError

    pauses: list[float] = []
    monkeypatch.setattr(migrations.time, "sleep", pauses.append)
    file = tmp_path / "coop.db"
    file.write_bytes(b"PK\x03\x04 this is a zip, not a database" * 100)
    with pytest.raises(DBAPIError, match="not a database"):
        migrations.upgrade(create_engine(f"sqlite:///{file}"))
    assert pauses == []
