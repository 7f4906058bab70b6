"""Shared pytest set-up: the repository root on sys.path, so tests import the packages."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


import itertools  # noqa: E402

import pytest  # noqa: E402

_db_counter = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_url():
    """A throw-away PostgreSQL server for this test run (see tests/pg_fixtures.py)."""
    from tests.pg_fixtures import postgres_server

    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path, monkeypatch):
    """Every store test runs twice: an SQLite file and a fresh PostgreSQL database."""
    from datastore import db

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store' / 'coop.db'}"
    else:
        from tests.pg_fixtures import fresh_database

        url = fresh_database(request.getfixturevalue("postgres_url"), f"t{next(_db_counter)}")
    monkeypatch.setenv("COOP_DATABASE_URL", url)
    yield url
    db.dispose_all()


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory):
    """Where browser tests leave screenshots: ``COOP_TEST_ARTIFACTS`` if set (to keep them),
    else a pytest temporary folder; never inside the repository."""
    import os

    chosen = os.environ.get("COOP_TEST_ARTIFACTS")
    if not chosen:
        return tmp_path_factory.mktemp("artifacts")
    folder = Path(chosen).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    return folder
