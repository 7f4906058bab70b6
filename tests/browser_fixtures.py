"""A running dashboard and a headless Chromium for the browser tests (and screenshots).

    with serve(dataset_dir) as base_url, browser() as page:
        page.goto(base_url + "/?as_of=2025-06-30")

The tests that only read a dataset share one server of it per test process (the
``app_server`` fixture, conftest.py) and one Chromium (`chromium`), a new context each.
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


_SHARED: dict = {}  # this process's Playwright and Chromium, started by the first browser()


def chromium():
    """This test process's one headless Chromium (Debian's: no download, no network
    features), started on first use and closed by `close_chromium` at the end of the run.
    Each `browser()` opens its own context in it: cookies, storage and downloads apart."""
    launched = _SHARED.get("chromium")
    if launched is None or not launched.is_connected():
        from playwright.sync_api import sync_playwright

        _SHARED["playwright"] = _SHARED.get("playwright") or sync_playwright().start()
        launched = _SHARED["playwright"].chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        _SHARED["chromium"] = launched
    return launched


def close_chromium() -> None:
    """Close the shared Chromium and stop Playwright (conftest.py, at the end of the run)."""
    launched, driver = _SHARED.pop("chromium", None), _SHARED.pop("playwright", None)
    if launched is not None:
        launched.close()
    if driver is not None:
        driver.stop()


@contextlib.contextmanager
def browser(width: int = 1600, height: int = 1000, **options) -> Iterator:
    """A page of a new browser context (a fresh profile) of the shared Chromium;
    ``options`` go to Playwright's ``new_context`` (e.g. ``extra_http_headers``)."""
    context = chromium().new_context(viewport={"width": width, "height": height}, **options)
    try:
        yield context.new_page()
    finally:
        context.close()


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
