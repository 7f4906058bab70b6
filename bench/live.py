"""A live dashboard on a free loopback port, and Debian's Chromium settings.

Shared by the browser tests (tests/browser_fixtures.py) and the load and memory
benchmarks, so every one of them starts the app the same way::

    with serve(Path("data")) as base_url:
        ...  # open base_url + "/partners" in Chromium
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
# Chromium here has no network but loopback: every background feature is switched off.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def finish(result: dict, json_path: Path | None, limit: int = 20) -> int:
    """Print the run's app errors (at most ``limit``), write the result as JSON when asked;
    the exit code: 1 when the app showed an error."""
    import json

    for error in result["errors"][:limit]:
        print("  error:", error)
    if json_path:
        json_path.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 1 if result["errors"] else 0


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(
    dataset: Path,
    store: Path | None = None,
    timeout: float = 90,
    env: dict[str, str] | None = None,
    info: dict | None = None,
    script: Path | None = None,
) -> Iterator[str]:
    """``streamlit run dashboard.py`` with COOP_DATA = ``dataset``; yields the base URL.

    ``store`` is the version store (default: a new empty folder); ``env`` adds server
    variables (e.g. COOP_SECRETS); ``info``, when given, receives the server's ``pid``;
    ``script``: another app to serve (the benchmarks' one-chart floor).
    """
    port = free_port()
    store = store or Path(tempfile.mkdtemp(prefix="coop-store-"))
    server_env = {**os.environ, "COOP_DATA": str(dataset), "COOP_STORE": str(store), **(env or {})}
    # The server's output goes to a file (a pipe nobody reads would fill and stall it).
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(script or ROOT / "dashboard.py"),
            "--server.headless", "true", "--server.port", str(port),
            "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none",
        ],
        cwd=ROOT, env=server_env, stdout=log, stderr=subprocess.STDOUT,
    )
    if info is not None:
        info["pid"] = proc.pid
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                output = log.read().decode(errors="replace")
                raise RuntimeError(f"streamlit did not start:\n{output}")
            time.sleep(0.05)  # ready is seen within 50 ms (a cold start is timed from here)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
