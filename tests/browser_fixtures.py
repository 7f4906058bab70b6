"""A running dashboard and a headless Chromium for the browser tests (and screenshots).

    with serve(dataset_dir) as base_url, browser() as page:
        page.goto(base_url + "/?as_of=2025-06-30")
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ERROR_SELECTORS = ['[data-testid="stException"]']


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(
    dataset: Path,
    store: Path | None = None,
    timeout: float = 60,
    env: dict[str, str] | None = None,
) -> Iterator[str]:
    """``streamlit run dashboard.py`` on a free port with COOP_DATA = ``dataset``.

    ``env`` adds variables for the server, e.g. ``{"COOP_SECRETS": "/tmp/secrets.toml"}``.
    """
    port = free_port()
    server_env = {
        **os.environ,
        "COOP_DATA": str(dataset),
        "COOP_STORE": str(store or (Path(dataset).parent / "no-store")),
        **(env or {}),
    }
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"),
            "--server.headless", "true", "--server.port", str(port),
            "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none",
        ],
        cwd=ROOT, env=server_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + timeout
        while True:
            try:
                with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                output = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                raise RuntimeError(f"streamlit did not start:\n{output}")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextlib.contextmanager
def browser(width: int = 1600, height: int = 1000) -> Iterator:
    """A Playwright page in Debian's Chromium (no download, no network features)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            context = chromium.new_context(viewport={"width": width, "height": height})
            yield context.new_page()
        finally:
            chromium.close()


def wait_for_app(page, timeout: float = 45_000) -> None:
    """Wait until the script run finished (no running indicator) and the main block is there."""
    page.wait_for_selector('[data-testid="stMain"]', timeout=timeout)
    page.wait_for_selector('h1', timeout=timeout)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout
    )
    page.wait_for_timeout(600)


def error_elements(page) -> list[str]:
    """Texts of exception panels and error alerts on the page."""
    found = []
    for selector in ERROR_SELECTORS:
        found += [el.inner_text() for el in page.query_selector_all(selector)]
    for alert in page.query_selector_all('[data-testid="stAlert"]'):
        if alert.query_selector('[data-testid="stAlertContentError"]'):
            found.append(alert.inner_text())
    return found


def metric_values(page) -> dict[str, str]:
    """{label: value} of every st.metric on the page."""
    out = {}
    for card in page.query_selector_all('[data-testid="stMetric"]'):
        label = card.query_selector('[data-testid="stMetricLabel"]')
        value = card.query_selector('[data-testid="stMetricValue"]')
        if label and value:
            out[label.inner_text().strip()] = value.inner_text().strip()
    return out
