"""Switching the language in real Chromium: the sidebar's selector, the URL, every page.

Screenshots of the overview and the map in Russian and Uzbek land in the ``artifacts``
folder (tests/conftest.py: a pytest temporary folder or COOP_TEST_ARTIFACTS).
"""

from __future__ import annotations

import pytest
from browser_fixtures import ROOT, browser, error_elements, wait_for_app
from i18n_files import text

pytestmark = pytest.mark.browser

DATA = ROOT / "tests" / "data" / "dashboard"
AS_OF = "2025-06-30"


@pytest.fixture(scope="module")
def app(app_server):
    with browser() as page:
        base = app_server(DATA)
        yield base, page


def choose_language(page, current: str, target_name: str) -> None:
    """Open the sidebar's language selectbox (labelled in ``current``) and pick a language."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(
        has_text=text("filters.language", current))
    field = box.get_by_role("combobox")
    before = heading(page)
    field.click()
    field.fill(target_name[:4])  # typing filters the list down to the one language
    page.get_by_role("option").filter(has_text=target_name).first.wait_for()
    page.keyboard.press("Enter")
    # The rerun has drawn the page in the new language (every title differs between
    # languages), then it has finished.
    page.wait_for_function("(old) => (document.querySelector('h1')?.innerText ?? '').trim() !== old",
                           arg=before, timeout=45_000, polling=50)
    wait_for_app(page)


def heading(page) -> str:
    return page.locator("h1").first.inner_text().strip()


def test_switch_language_in_the_sidebar(app, artifacts):
    base, page = app
    page.goto(f"{base}/?as_of={AS_OF}")
    wait_for_app(page)
    assert heading(page) == text("page.overview.title", "en")

    choose_language(page, "en", "Русский")
    assert heading(page) == text("page.overview.title", "ru")
    assert "lang=ru" in page.url
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    for key in ("filters.title", "filters.institution", "filters.partner_type", "page.mobility.nav"):
        assert text(key, "ru") in sidebar, key
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert text("kpi.visits_incoming.label", "ru") in body
    assert "40,0\u00a0%" in body or "40,0 %" in body  # remote share, Russian decimal comma

    # The language follows to another page through the navigation.
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text=text("page.partners.nav", "ru")).click()
    page.wait_for_url("**/partners**")
    wait_for_app(page)
    assert heading(page) == text("page.partners.title", "ru")
    assert error_elements(page) == []

    choose_language(page, "ru", "Oʻzbekcha")
    assert heading(page) == text("page.partners.title", "uz")
    assert "lang=uz" in page.url
    page.wait_for_selector("canvas", timeout=30_000)
    page.screenshot(path=str(artifacts / "i18n_uz_partners.png"))

    choose_language(page, "uz", "English")
    assert heading(page) == text("page.partners.title", "en")


@pytest.mark.parametrize("lang", ["ru", "uz"])
@pytest.mark.parametrize("name", ["", "partners", "mobility", "grants", "agreements", "students", "quality", "export"])
def test_pages_from_a_link(app, artifacts, lang, name):
    base, page = app
    page.goto(f"{base}/{name}?as_of={AS_OF}&lang={lang}")
    wait_for_app(page)
    assert error_elements(page) == []
    assert heading(page) == text(f"page.{name or 'overview'}.title", lang)
    if name == "":
        page.screenshot(path=str(artifacts / f"i18n_{lang}_overview.png"), full_page=True)


def test_presentation_mode_in_the_browser(app):
    base, page = app
    page.goto(f"{base}/mobility?as_of={AS_OF}&lang=ru&present=1")
    wait_for_app(page)
    body = page.locator("body").inner_text()
    assert "Kim Min-jun" not in body and "Aziz Karimov" not in body
    assert text("filters.institution", "ru") not in page.locator('[data-testid="stSidebar"]').inner_text()
    # Type is larger for the projector.
    size = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")
    assert size >= 40
