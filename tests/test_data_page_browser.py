"""The Data page: an AppTest smoke test, and the upload path in real Chromium."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import openpyxl
import pytest
from browser_fixtures import ROOT, browser, serve

from datastore import security
from datastore.store import Store
from datastore.template import dataset_workbook

PASSWORD = "s3cret-pass"


@pytest.fixture
def env_dirs(tmp_path, monkeypatch):
    """A copy of the shipped data, an empty store and one editor, all in tmp."""
    data = tmp_path / "data"
    data.mkdir()
    for csv_file in (ROOT / "data").glob("*.csv"):
        shutil.copy2(csv_file, data / csv_file.name)
    env = {
        "COOP_DATA": str(data),
        "COOP_STORE": str(tmp_path / "store"),
        "COOP_SECRETS": str(tmp_path / "no-secrets.toml"),
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("COOP_DATABASE_URL", raising=False)
    security.add_editor(Store(), "aziza", PASSWORD, admin=True)
    return env


def test_data_page_smoke(env_dirs):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=60).run()
    assert not at.exception
    at.text_input(key="data_login_name").input("aziza")
    at.text_input(key="data_login_pw").input("wrong")
    at.get("form_submit_button")[0].click().run()
    assert [e.value for e in at.error] == ["Wrong name or password."]
    at.text_input(key="data_login_pw").input(PASSWORD)
    at.get("form_submit_button")[0].click().run()
    assert not at.exception
    assert "Logged in as aziza." in [c.value for c in at.caption]


def _workbook_with_changes(data: Path, out: Path, bad: bool) -> Path:
    """The current data as a workbook, with one visit added (and one bad value if asked)."""
    book = openpyxl.load_workbook(io.BytesIO(dataset_workbook(data)))
    visits = book["visits"]
    header = [c.value for c in visits[1]]
    first = {h: c.value for h, c in zip(header, visits[2], strict=False)}
    row = {h: "" for h in header}
    row.update(
        visit_id="v-browser-test",
        institution_id=first["institution_id"],
        partner_id=first["partner_id"],
        direction="sideways" if bad else "incoming",
        mode="remote",
        activity="lectures",
    )
    visits.append([row[h] for h in header])
    book.save(out)
    return out


@pytest.mark.browser
def test_upload_review_login_publish_in_chromium(env_dirs, tmp_path):
    from playwright.sync_api import expect

    data = Path(env_dirs["COOP_DATA"])
    bad_file = _workbook_with_changes(data, tmp_path / "bad.xlsx", bad=True)
    good_file = _workbook_with_changes(data, tmp_path / "good.xlsx", bad=False)
    with (
        serve(data, store=Path(env_dirs["COOP_STORE"]), env=env_dirs) as base_url,
        browser(width=1400, height=1000) as page,
    ):
        page.goto(base_url + "/data", timeout=60_000)
        expect(page.get_by_text("Keeping the data").first).to_be_visible(timeout=60_000)
        expect(
            page.get_by_role("button", name="Download the empty template (.xlsx)")
        ).to_be_visible()

        page.get_by_label("Editor name").fill("aziza")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_text("Logged in as aziza.")).to_be_visible(timeout=30_000)

        uploader = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
        uploader.set_input_files(str(bad_file))
        expect(page.get_by_text("Fix the errors in your file")).to_be_visible(timeout=60_000)
        expect(page.get_by_text("visits: 1 added, 0 changed, 0 removed")).to_be_visible()
        expect(page.get_by_role("button", name="Publish")).to_be_disabled()
        page.screenshot(path=str(tmp_path / "problems.png"), full_page=True)

        uploader.set_input_files(str(good_file))
        expect(page.get_by_text("visits: 1 added, 0 changed, 0 removed")).to_be_visible(
            timeout=60_000
        )
        expect(page.get_by_text("Fix the errors in your file")).to_have_count(0, timeout=60_000)
        page.get_by_label("Note for the history (what changed and why)").fill("browser test")
        page.get_by_label("Note for the history (what changed and why)").press("Enter")
        publish = page.get_by_role("button", name="Publish")
        expect(publish).to_be_enabled(timeout=30_000)
        publish.click()
        expect(page.get_by_text("Published as version 2.")).to_be_visible(timeout=60_000)
        # The history lists the kept original data and the new version, and the
        # uploader is empty again.
        expect(page.get_by_role("button", name="Restore version 1")).to_be_visible(
            timeout=30_000
        )
        expect(page.get_by_text("The dashboard shows version 2")).to_be_visible()
        expect(page.get_by_text("good.xlsx")).to_have_count(0)
        page.screenshot(path=str(tmp_path / "published.png"), full_page=True)

    store = Store()
    assert store.current() == 2
    assert "v-browser-test" in set(store.frames(2)["visits"]["visit_id"])
    assert "v-browser-test" not in set(store.frames(1)["visits"]["visit_id"])
