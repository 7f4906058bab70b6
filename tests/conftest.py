"""Shared pytest set-up: the repository root on sys.path, so tests import the packages."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


import itertools  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402

import pytest  # noqa: E402


def _scan_installed_components_once() -> None:
    """Every ``AppTest`` scans the installed packages for Streamlit components on its first
    run (0.2-0.4 s, for every AppTest of the suite); the installed packages do
    not change while the tests run, so the scan's answer is kept for the process."""
    from functools import cache

    from streamlit.components.v2 import manifest_scanner

    manifest_scanner.scan_component_manifests = cache(manifest_scanner.scan_component_manifests)


def pytest_sessionstart(session):
    _scan_installed_components_once()


_db_counter = itertools.count(1)
# Under pytest-xdist (`make test` runs two workers) each worker is its own process with its
# own PostgreSQL server; the worker's name keeps database names apart on a shared
# COOP_TEST_PG_URL server too.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")

# A test module that builds something once for all its tests (a fixture of module, class or
# package scope: a loaded dataset, a built pack, a running app) runs on one worker, so it is
# built once; every other test is handed out on its own to whichever worker is free.
_SHARED_SCOPE = re.compile(r"""scope\s*=\s*["'](module|class|package)["']""")


def _shares_fixtures(module: str) -> bool:
    try:
        return bool(_SHARED_SCOPE.search((ROOT / module).read_text(encoding="utf-8")))
    except OSError:
        return False


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """For ``-n N`` (xdist's default ``--dist load``): xdist's load-scope scheduler, its unit
    a whole module only where the module shares fixtures (see `_shares_fixtures`), else one
    test. Units go out largest first (xdist's ``loadscopereorder``); node ids stay as they
    are, so a failure names the test as usual. Another ``--dist`` is left to xdist."""
    if config.getvalue("dist") != "load":
        return None
    from functools import cache

    from xdist.scheduler import LoadScopeScheduling

    shared = cache(_shares_fixtures)

    class ModuleFixtureScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return module if shared(module) else nodeid

    return ModuleFixtureScheduling(config, log)


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

        url = fresh_database(request.getfixturevalue("postgres_url"),
                             f"t_{_WORKER}_{next(_db_counter)}")
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


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    """``app_server(folder)``: the base URL of a dashboard server of the dataset ``folder``
    (an empty version store), one per folder for this test process, shared by the browser
    tests that only read it. A test that edits data, logs in or needs its own settings
    starts its own ``serve``."""
    import contextlib

    from browser_fixtures import serve

    started: dict[Path, str] = {}
    with contextlib.ExitStack() as servers:
        def base_for(folder: Path) -> str:
            folder = Path(folder).resolve()
            if folder not in started:
                store = tmp_path_factory.mktemp("shared-store")
                started[folder] = servers.enter_context(serve(folder, store=store))
            return started[folder]

        yield base_for
