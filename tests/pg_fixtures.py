"""A throw-away PostgreSQL server for the store tests (Debian's ``postgresql`` package).

``initdb`` in a temporary folder, the server on a free local port (TCP on 127.0.0.1 only),
run as an unprivileged user when the tests run as root (``nobody``), stopped at the end.
``COOP_TEST_PG_URL`` points the tests at an existing server instead. There is no skip:
when PostgreSQL is missing the store tests fail and say how to install it.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path


def _bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError(
            "PostgreSQL is not installed: `make test` installs it "
            "(apt-get install postgresql), or set COOP_TEST_PG_URL."
        )
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_user(cmd: list[str], user: str | None) -> list[str]:
    return ["runuser", "-u", user, "--", *cmd] if user else cmd


@contextmanager
def postgres_server():
    """Yields an SQLAlchemy URL of a fresh server with an empty database ``coop``."""
    if os.environ.get("COOP_TEST_PG_URL"):
        yield os.environ["COOP_TEST_PG_URL"]
        return
    bindir = _bin_dir()
    user = "nobody" if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="coop-pg-"))
    data, sockets = folder / "data", folder / "run"
    sockets.mkdir()
    if user:
        shutil.chown(folder, user)
        shutil.chown(sockets, user)
    os.chmod(folder, 0o700)
    port = _free_port()
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    subprocess.run(
        _as_user([str(bindir / "initdb"), "-D", str(data), "-U", "coop", "--auth=trust",
                  "-E", "UTF8", "--no-sync"], user),
        check=True, capture_output=True, env=env, cwd=folder,
    )
    log = folder / "server.log"
    subprocess.run(
        _as_user([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60",
                  "-o", f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
                        "-c max_connections=50", "start"], user),
        check=True, capture_output=True, env=env, cwd=folder,
    )
    try:
        url = f"postgresql+psycopg://coop@127.0.0.1:{port}/postgres"
        _wait_ready(url, bindir, port)
        yield url
    finally:
        subprocess.run(
            _as_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], user),
            capture_output=True, env=env, cwd=folder,
        )
        shutil.rmtree(folder, ignore_errors=True)


def _wait_ready(url: str, bindir: Path, port: int) -> None:
    """``pg_ctl -w`` waited for the server already; ``pg_isready -t`` waits on the same
    condition (accepting connections, up to 30 s) in case it is still starting, then one query."""
    import sqlalchemy

    subprocess.run([str(bindir / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(port),
                    "-t", "30"], check=True, capture_output=True)
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(sqlalchemy.text("select 1"))
    finally:
        engine.dispose()


def fresh_database(server_url: str, name: str) -> str:
    """A new empty database on the server; returns its URL."""
    import sqlalchemy

    engine = sqlalchemy.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return server_url.rsplit("/", 1)[0] + f"/{name}"
