"""The Russian Data page walked in Chromium (issue 25): every tab as an office editor sees
it, no code word shown; the office's own workbook (Russian headers and month names, a new
partner, two bad rows) corrected in the review table and published without Excel."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from browser_fixtures import ROOT, browser, serve, wait_for_app
from i18n_files import text

from datastore import office, security
from datastore.store import Store

PASSWORD = "s3cret-pass"
WORKBOOK = ROOT / "tests" / "data" / "office" / "visits_ru.xlsx"
# Words of the data contract an office user must not meet in the Russian page's own text
# (labels, headings, messages: what the DOM holds; tables are looked at in the screenshots).
CODES = re.compile(r"\b(visit_id|person_title|department|participants|audience|start_date|"
                   r"end_date|institution_id|partner_id|partner_ids|short_name|lat|lon|"
                   r"incoming|outgoing|in_person|remote|visits|partners|agreements|"
                   r"COOP_DATA)\b")


@pytest.fixture
def env_dirs(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    for csv_file in (ROOT / "data").glob("*.csv"):
        shutil.copy2(csv_file, data / csv_file.name)
    env = {"COOP_DATA": str(data), "COOP_STORE": str(tmp_path / "store"),
           "COOP_SECRETS": str(tmp_path / "no-secrets.toml")}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("COOP_DATABASE_URL", raising=False)
    security.add_editor(Store(), "kamola", PASSWORD, institutions=["samsmu"])
    return env


def _settle(page) -> None:
    page.wait_for_timeout(400)
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stStatusWidget"]')""",
        timeout=120_000, polling=100)


def _codes(page) -> list[str]:
    shown = page.locator('[data-testid="stMain"]').inner_text()
    return sorted(set(CODES.findall(shown)))


def _shot(page, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def _type_in_grid(page, grid, row: int, column: int, value: str) -> None:
    """Type ``value`` into the cell (row, column) of a Streamlit data editor (0-based,
    data rows): select the first cell by a click, walk there with the arrow keys, open the
    cell's editor and wait for it, type, close it and wait for the app's run to end. A
    click while the grid is drawn again (the run after the last edit) selects nothing:
    then the editor does not open, and the walk starts again."""
    from playwright.sync_api import TimeoutError as NoEditor

    editor = page.locator("textarea.gdg-input")  # glide's overlay editor of a text cell
    for _ in range(5):
        _settle(page)
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 20, box["y"] + 35 + 17)  # header 35 px, rows 35 px
        for _ in range(row):
            page.keyboard.press("ArrowDown")
        for _ in range(column):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        try:
            editor.wait_for(state="visible", timeout=10_000)
            break
        except NoEditor:
            page.keyboard.press("Escape")
    else:
        raise AssertionError(f"the editor of cell ({row}, {column}) never opened")
    editor.fill(value)
    page.keyboard.press("Enter")
    editor.wait_for(state="hidden", timeout=60_000)
    _settle(page)


@pytest.mark.browser
def test_the_russian_data_page_walk(env_dirs, tmp_path, artifacts):
    from playwright.sync_api import expect

    shots = artifacts / "data-page-ru"
    shots.mkdir(parents=True, exist_ok=True)
    data = Path(env_dirs["COOP_DATA"])
    found: dict[str, list[str]] = {}
    with (
        serve(data, store=Path(env_dirs["COOP_STORE"]), env=env_dirs) as base_url,
        browser(width=1440, height=2400) as page,
    ):
        page.set_default_timeout(90_000)
        page.goto(base_url + "/data?lang=ru", timeout=120_000)
        wait_for_app(page, timeout=120_000)
        page.get_by_label(text("data.login.name", "ru")).fill("kamola")
        page.get_by_label(text("data.login.password", "ru"), exact=True).fill(PASSWORD)
        page.get_by_role("button", name=text("data.login.submit", "ru")).click()
        expect(page.get_by_text(text("data.login.as", "ru", name="kamola"))).to_be_visible(timeout=60_000)
        _settle(page)

        # 1. one row: a visit's form
        main = page.locator('[data-testid="stMain"]')
        box = main.get_by_role("combobox", name=text("data.edit.table", "ru")).first
        box.click()
        page.get_by_role("option", name=text("data.table.visits", "ru"), exact=True).click()
        _settle(page)
        expect(main.get_by_text(text("data.field.person_title", "ru"), exact=True).first).to_be_visible(
            timeout=60_000)
        found["edit"] = _codes(page)
        _shot(page, shots, "1-edit")

        # 2. upload a filled template: its review
        page.get_by_role("tab", name=text("data.tab.upload", "ru")).click()
        _settle(page)
        found["upload"] = _codes(page)
        _shot(page, shots, "2-upload")

        # 3. the office's own workbook
        page.get_by_role("tab", name=text("data.tab.office", "ru")).click()
        _settle(page)
        uploader = page.locator('[data-testid="stFileUploaderDropzoneInput"]').nth(1)
        uploader.set_input_files(str(WORKBOOK))
        expect(page.get_by_text(text("data.office.new_partners", "ru"))).to_be_visible(timeout=120_000)
        _settle(page)
        expect(page.get_by_text(text("data.check.fix_here", "ru"))).to_be_visible(timeout=60_000)
        found["office"] = _codes(page)
        _shot(page, shots, "3-office-review")
        publish = page.get_by_role("button", name=text("data.publish.button", "ru"))
        expect(publish.last).to_be_disabled()

        # the corrections table: the first grid under the line asking for corrections
        below = page.get_by_text(text("data.check.fix_here", "ru")).bounding_box()["y"]
        grids = page.locator('[data-testid="stDataFrame"]')
        fix_grid = next(grids.nth(i) for i in range(grids.count())
                        if grids.nth(i).bounding_box()["y"] > below)
        fix_grid.scroll_into_view_if_needed()
        _type_in_grid(page, fix_grid, 0, 6, "28 февраля 2024")  # the column after the value
        # one correction typed: the page offers to check the sheet again
        recheck = page.get_by_role("button", name=text("data.check.recheck", "ru"))
        expect(recheck).to_be_visible(timeout=60_000)
        _type_in_grid(page, fix_grid, 1, 6, "6")
        _shot(page, shots, "4-office-corrected")
        recheck.click()
        _settle(page)
        expect(page.get_by_text(text("data.check.clean", "ru")).first).to_be_visible(timeout=120_000)
        _shot(page, shots, "5-office-clean")
        expect(publish.last).to_be_enabled(timeout=60_000)
        publish.last.click()
        expect(page.get_by_text(text("data.publish.done", "ru", number=2))).to_be_visible(timeout=120_000)
        _settle(page)
        found["published"] = _codes(page)
        _shot(page, shots, "6-published")

        # 4. the other tabs, and the history under the tabs
        for number, tab in enumerate(("publications", "attachments", "iia"), start=7):
            page.get_by_role("tab", name=text(f"data.tab.{tab}", "ru")).click()
            _settle(page)
            found[tab] = _codes(page)
            _shot(page, shots, f"{number}-{tab}")

    assert {tab: codes for tab, codes in found.items() if codes} == {}
    store = Store()
    version = store.version(store.current())
    assert version.counts["visits"] == {"added": 6, "changed": 0, "removed": 0}
    assert version.counts["partners"] == {"added": 1, "changed": 0, "removed": 0}
    partners = store.frames(store.current())["partners"]
    new = partners[partners["partner_id"] == office.new_partner_id(
        "Казахский медицинский университет непрерывного образования")].iloc[0]
    assert (new["country"], new["city"], new["type"]) == ("KAZ", "Алматы", "university")
    visits = store.frames(store.current())["visits"]
    fixed = visits[visits["person"].isin(["Сапарова А.", "Ли Чжэн"])].sort_values("person")
    assert fixed[["start_date", "sessions"]].values.tolist() == [  # in their clean form
        ["2024-05-12", "6"], ["2024-02-28", "2"]]
