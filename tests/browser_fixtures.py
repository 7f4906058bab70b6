"""A running dashboard and a headless Chromium for the browser tests (and screenshots).

    with serve(dataset_dir) as base_url, browser() as page:
        page.goto(base_url + "/?as_of=2025-06-30")

The tests that only read a dataset share one server of it per test process (the
``app_server`` fixture, conftest.py).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from bench.live import CHROMIUM, CHROMIUM_ARGS, free_port, serve  # noqa: F401  (re-exported)

ROOT = Path(__file__).resolve().parent.parent
ERROR_SELECTORS = ['[data-testid="stException"]']
# The script run finished: no running indicator, no skeleton, the app's state notRunning.
IDLE_JS = """() => !document.querySelector('[data-testid="stStatusWidget"]')
  && !document.querySelector('[data-testid="stSkeleton"]')
  && (document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state')
      ?? 'notRunning') === 'notRunning'"""


@contextlib.contextmanager
def browser(width: int = 1600, height: int = 1000) -> Iterator:
    """A Playwright page in Debian's Chromium (no download, no network features). Not one
    Chromium for the whole process: Playwright's sync API keeps its event loop in the
    thread while it runs, and the tests that run ``asyncio.run`` between could not."""
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
    page.wait_for_function(IDLE_JS, timeout=timeout, polling=50)


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
