"""The hostile corpus in a real browser: text from a link or a dataset is shown as text.

A partner name and a shared link full of markdown (a link, an outside image, KaTeX, an
icon) must reach the screen as plain characters: no ``<a>``, no ``<img>``, no KaTeX, no
request leaving localhost. A control character in the data must not break the Data page.
"""

from __future__ import annotations

from urllib.parse import urlencode

import hostile
import pytest
from browser_fixtures import browser, error_elements, serve, wait_for_app

EVIL_NAME = "[Click](http://evil.example/a) ![i](http://evil.example/i.png) $x^2$ :material/home:"
LINK_FACULTY = "[Click here to re-login](http://evil.example/login)"
LINK_AS_OF = "![x](http://evil.example/x.png)"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    table = hostile.rows("partners")
    table[2][1] = EVIL_NAME
    table[1][1] = "Seoul\x0bNational University"  # a control character: the Data page lives
    folder = hostile.write_folder(tmp_path_factory.mktemp("hostile"), {"partners": table})
    with serve(folder, store=tmp_path_factory.mktemp("store")) as base, browser(1440, 2400) as page:
        outside: list[str] = []
        page.on("request", lambda r: outside.append(r.url)
                if not r.url.startswith(("http://localhost", "http://127.0.0.1", "data:", "blob:"))
                else None)
        yield base, page, outside


def _live_elements(page, scope: str) -> dict[str, int]:
    return page.evaluate("""(scope) => {
        const root = document.querySelector(scope);
        const q = (s) => root ? root.querySelectorAll(s).length : -1;
        return {links: q('a[href*="evil"]'), images: q('img[src*="evil"]'), katex: q('.katex'),
                icons: q('[data-testid="stIconMaterial"]')};
    }""", scope)


def test_link_values_in_the_sidebar_notice_are_text(app):
    base, page, outside = app
    page.goto(f"{base}/?{urlencode({'faculty': LINK_FACULTY, 'as_of': LINK_AS_OF})}")
    wait_for_app(page)
    sidebar = page.inner_text('[data-testid="stSidebar"]').replace("\u2060", "")
    assert LINK_FACULTY in sidebar and LINK_AS_OF in sidebar
    live = _live_elements(page, '[data-testid="stSidebar"]')
    assert live["links"] == 0 and live["images"] == 0 and live["katex"] == 0
    assert outside == []


def test_partner_name_in_the_detail_line_is_text(app, artifacts):
    base, page, outside = app
    page.goto(f"{base}/partners?as_of=2025-06-30")
    wait_for_app(page)
    box = page.locator('[data-testid="stSelectbox"]').last
    box.click()
    page.keyboard.type("Click")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stMarkdownContainer]')]"
        ".some(e => e.innerText.includes('$x^2$'))", timeout=30_000)
    wait_for_app(page)  # the rerun that draws the detail has finished
    page.screenshot(path=str(artifacts / "hostile_partner_detail.png"), full_page=True)
    main = page.inner_text('[data-testid="stMain"]').replace("\u2060", "")
    assert EVIL_NAME in main
    live = _live_elements(page, '[data-testid="stMain"]')
    assert live["links"] == 0 and live["images"] == 0 and live["katex"] == 0
    assert error_elements(page) == []
    assert outside == []


def test_data_page_opens_with_a_control_character_in_the_data(app):
    base, page, outside = app
    page.goto(f"{base}/data")
    wait_for_app(page)
    assert error_elements(page) == []
    assert page.locator('[data-testid="stDownloadButton"]').count() == 2
    assert outside == []
