"""Issue 24 defect 8: a headline figure never truncates (any language, "≥" values, the
comparison caption) at 1280 and 1440 px wide, in Debian's Chromium (screenshots kept in
the artifacts folder). Curated data as of 2025-06-30: "unknown" / "неизвестно" /
"nomaʼlum" and "cannot tell" cards; 10k-style "≥" values come from a hand-made dataset."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_fixtures import browser, wait_for_app

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent

# every value cell whose text is wider than its box (what the browser would cut with …)
CUT_JS = """() => [...document.querySelectorAll('[data-testid="stMetricValue"], [data-testid="stMetricValue"] *, [data-testid="stCaptionContainer"] p')]
  .filter(el => el.scrollWidth > el.clientWidth + 1)
  .map(el => el.innerText)"""


@pytest.mark.parametrize("width", [1280, 1440])
def test_headline_figures_never_truncate(app_server, artifacts, width):
    base = app_server(ROOT / "data")
    with browser(width, 1400) as page:
        for lang in ("ru", "uz", "en"):
            page.goto(f"{base}/?as_of=2025-06-30&lang={lang}")
            wait_for_app(page)
            cut = page.evaluate(CUT_JS)
            page.screenshot(path=str(artifacts / f"overview-{lang}-{width}.png"), full_page=True)
            assert cut == [], (lang, width, cut)
            values = [el.inner_text() for el in page.query_selector_all('[data-testid="stMetricValue"]')]
            assert not [v for v in values if "…" in v], values
