"""Presentation mode in real Chromium: the visits table's CSV download names no one and
carries the neutral ids (issue 24 defect 7: the download had all four names)."""

from __future__ import annotations

from browser_fixtures import ROOT, browser, error_elements, wait_for_app

PEOPLE = ["togizbaev", "narzullaeva", "kasimova", "hafezi", "doctor of medical sciences"]


def test_the_visits_csv_of_presentation_mode_names_no_one(app_server):
    base = app_server(ROOT / "data")
    with browser(1440, 1400) as page:
        page.goto(base + "/mobility?as_of=2025-06-30&present=1&lang=ru")
        wait_for_app(page)
        assert error_elements(page) == []
        buttons = page.locator('[data-testid="stDownloadButton"] button')
        assert buttons.count() >= 1
        texts = []
        for i in range(buttons.count()):  # every table's CSV on the page
            with page.expect_download() as info:
                buttons.nth(i).click()
            texts.append(info.value.path().read_text(encoding="utf-8-sig"))
        everything = "\n".join(texts).casefold()
        assert [p for p in PEOPLE if p in everything] == []
        assert "v-samsmu-" not in everything
        assert any("visits:2," in t for t in texts)  # v-samsmu-togizbaev, row 2 of the file
