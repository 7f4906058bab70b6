"""The Data page: an AppTest smoke test, and the upload path in real Chromium."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import openpyxl
import pytest
from browser_fixtures import ROOT, browser, metric_values, serve, wait_for_app

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

    at = AppTest.from_file(str(ROOT / "views" / "data.py"), default_timeout=60).run()
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
    expect.set_options(timeout=60_000)  # 2 shared cores: renders can be slow
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

        page.get_by_role("tab", name="Upload a file").click()
        uploader = page.locator('[data-testid="stFileUploaderDropzoneInput"]').first
        uploader.set_input_files(str(bad_file))
        expect(page.get_by_text("Nothing is published while there are errors")).to_be_visible(timeout=60_000)
        expect(page.get_by_text("visits: 1 added, 0 changed, 0 removed")).to_be_visible()
        expect(page.get_by_role("button", name="Publish")).to_be_disabled()
        page.screenshot(path=str(tmp_path / "problems.png"), full_page=True)

        uploader.set_input_files(str(good_file))
        expect(page.get_by_text("visits: 1 added, 0 changed, 0 removed")).to_be_visible(
            timeout=60_000
        )
        expect(page.get_by_text("Nothing is published while there are errors")).to_have_count(0, timeout=60_000)
        note = page.locator('[aria-label="Note for the history (what changed and why)"]:visible')
        note.fill("browser test")
        note.press("Enter")
        publish = page.get_by_role("button", name="Publish")
        expect(publish).to_be_enabled(timeout=30_000)
        publish.click()
        expect(page.get_by_text("Published as version 2.")).to_be_visible(timeout=60_000)
        # The history lists the kept original data and the new version, and the
        # uploader is empty again.
        expect(page.get_by_role("button", name="Preview restoring version 1")).to_be_visible(
            timeout=30_000
        )
        expect(page.get_by_text("The dashboard shows version 2")).to_be_visible()
        expect(page.get_by_text("good.xlsx")).to_have_count(0)
        page.screenshot(path=str(tmp_path / "published.png"), full_page=True)

    store = Store()
    assert store.current() == 2
    assert "v-browser-test" in set(store.frames(2)["visits"]["visit_id"])
    assert "v-browser-test" not in set(store.frames(1)["visits"]["visit_id"])


def _pick(page, label: str, option: str) -> None:
    """Choose ``option`` in the Streamlit selectbox labelled ``label`` (main area only)."""
    box = page.locator('[data-testid="stMain"]').get_by_role("combobox", name=label).first
    box.click()
    box.press_sequentially(option)  # long lists are virtual: filter first
    page.get_by_role("option", name=option, exact=True).first.click()


@pytest.mark.browser
def test_add_a_visit_in_the_form_see_it_then_restore_in_chromium(env_dirs, tmp_path, artifacts):
    from playwright.sync_api import expect

    data = Path(env_dirs["COOP_DATA"])
    with (
        serve(data, store=Path(env_dirs["COOP_STORE"]), env=env_dirs) as base_url,
        browser(width=1440, height=2400) as page,
    ):
        page.set_default_timeout(90_000)  # 2 shared cores: the first render can be slow
        page.goto(base_url + "/data", timeout=90_000)
        expect(page.get_by_label("Editor name")).to_be_visible(timeout=120_000)
        page.get_by_label("Editor name").fill("aziza")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_text("Logged in as aziza.")).to_be_visible(timeout=60_000)

        _pick(page, "Table", "Visits")
        expect(page.get_by_role("combobox", name="Institution *")).to_be_visible(timeout=30_000)
        _pick(page, "Institution *", "SamSMU")
        _pick(page, "direction *", "Incoming")
        _pick(page, "activity *", "Lectures")
        _pick(page, "Country", "South Korea")
        page.get_by_label("Person", exact=True).fill("Browser Testperson")
        page.get_by_label("Person", exact=True).press("Tab")
        _pick(page, "Start", "year and month")
        page.get_by_label("Year", exact=True).first.fill("2024")
        page.get_by_label("Year", exact=True).first.press("Tab")
        _pick(page, "Month", "March")
        page.screenshot(path=str(tmp_path / "form.png"), full_page=True)
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_text("Saved as version 2.")).to_be_visible(timeout=60_000)
        page.screenshot(path=str(tmp_path / "saved.png"), full_page=True)

        page.get_by_role("link", name="Mobility").click()
        main = page.locator('[data-testid="stMain"]')
        expect(main.get_by_text("One row per")).to_be_visible(timeout=120_000)
        main.get_by_text("Person", exact=True).first.click()
        expect(page.get_by_text("Browser Testperson").first).to_be_attached(timeout=60_000)
        page.screenshot(path=str(tmp_path / "mobility.png"), full_page=True)

        page.get_by_role("link", name="Data", exact=True).click()
        page.get_by_role("button", name="Preview restoring version 1").click()
        expect(page.get_by_text("Restoring version 1: Visits 24 → 23.")).to_be_visible(timeout=60_000)
        page.screenshot(path=str(tmp_path / "restore-preview.png"), full_page=True)
        page.get_by_role("button", name="Restore version 1", exact=True).click()
        expect(page.get_by_text("Version 1 restored as version 3.")).to_be_visible(timeout=60_000)

    store = Store()
    assert store.current() == 3
    added = store.frames(2)["visits"]
    row = added[added["person"] == "Browser Testperson"].iloc[0]
    assert (row["institution_id"], row["direction"], row["activity"], row["country"],
            row["start_date"]) == ("samsmu", "incoming", "lectures", "KOR", "2024-03")
    assert "Browser Testperson" not in set(store.frames(3)["visits"]["person"])
    shutil.copytree(tmp_path, artifacts / "form-path", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("data", "store", "*.toml"))


@pytest.mark.browser
def test_keep_a_publication_export_and_the_research_page_reads_it(env_dirs, tmp_path):
    """The office keeps the library's Web of Science export for SamSMU; the Research page
    (same server, same session) counts its papers at once, and the history names the file."""
    from playwright.sync_api import expect

    export = ROOT / "tests" / "data" / "research" / "wos_plain.txt"
    expect.set_options(timeout=60_000)
    shots = Path(os.environ.get("COOP_SHOTS", tmp_path))  # COOP_SHOTS: keep the screenshots
    with (
        serve(Path(env_dirs["COOP_DATA"]), store=Path(env_dirs["COOP_STORE"]), env=env_dirs) as base_url,
        browser(width=1400, height=1600) as page,
    ):
        page.goto(base_url + "/research", timeout=60_000)
        expect(page.get_by_text("This dataset has no publication exports yet.", exact=False)).to_be_visible(timeout=60_000)
        page.goto(base_url + "/data", timeout=60_000)
        page.get_by_label("Editor name").fill("aziza")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_text("Logged in as aziza.")).to_be_visible(timeout=30_000)
        page.get_by_role("tab", name="Publication exports").click()
        expect(page.get_by_text("No publication export is kept in the store yet.")).to_be_visible()
        garbage = tmp_path / "notes.csv"
        garbage.write_text("just,some\ncolumns,here\n", encoding="utf-8")
        panel = page.get_by_role("tabpanel", name="Publication exports")
        uploader = panel.locator('[data-testid="stFileUploaderDropzoneInput"]')
        uploader.set_input_files(str(garbage))
        expect(page.get_by_text("notes.csv cannot be read as a publication export")).to_be_visible()
        uploader.set_input_files(str(export))
        expect(page.get_by_text("Read 5 papers (1 errors, 2 warnings)")).to_be_visible()
        # An export is the first institution's (SamSMU) unless the editor picks another
        page.get_by_role("button", name="Keep this export").click()
        expect(page.get_by_text("wos_plain.txt is kept; the Research page reads it now.")).to_be_visible()
        # the tab stays open after the save, and lists the kept file
        expect(panel.get_by_text("Kept export")).to_be_visible()
        [latest, *_] = Store().history()  # the history table is a canvas grid: read the store
        assert (latest.number, latest.action, latest.editor) == (2, "publications", "aziza")
        assert latest.extra["publications"] == {"added": ["wos_plain.txt"], "removed": [],
                                                "institution_id": "samsmu"}
        page.screenshot(path=str(shots / "data-publications.png"), full_page=True)
        page.goto(base_url + "/research", timeout=60_000)
        expect(page.get_by_text("1 export file,", exact=False)).to_be_visible(timeout=60_000)
        wait_for_app(page)
        page.screenshot(path=str(shots / "research-after-upload.png"), full_page=True)
        assert metric_values(page)["Papers"] == "5"  # the 5 readable records of the export


@pytest.mark.browser
def test_a_stale_workbook_merges_and_its_conflict_is_chosen_in_chromium(env_dirs, tmp_path, artifacts):
    """Issue 25, defect 1 from the page: bobur and kamola download the same version;
    bobur adds a visit and changes one; kamola's upload keeps bobur's visit, shows the
    visit both changed side by side, and publishes once she has chosen."""
    from playwright.sync_api import expect

    store = Store()
    security.add_editor(store, "bobur", "bobur-pass-1", admin=True)
    store.seed()
    folder = store.write_folder(1, tmp_path / "v1")
    frame = store.frames(1)["visits"]
    first, department = frame["visit_id"].iloc[0], frame["department"].iloc[0]

    def workbook(name: str, department_to: str, new_visit: str) -> Path:
        book = openpyxl.load_workbook(io.BytesIO(dataset_workbook(folder)))
        visits = book["visits"]
        header = [c.value for c in visits[1]]
        for row in visits.iter_rows(min_row=2):
            if row[header.index("visit_id")].value == first:
                row[header.index("department")].value = department_to
                template = {h: c.value for h, c in zip(header, row, strict=False)}
        visits.append([new_visit if h == "visit_id" else template[h] for h in header])
        out = tmp_path / name
        book.save(out)
        return out

    bobur = workbook("bobur.xlsx", "Bobur-dept", "v-bobur-new")
    kamola = workbook("kamola.xlsx", "Kamola-dept", "v-kamola-new")
    staging = store.new_staging()
    from datastore.upload import read_upload

    read_upload(bobur.name, bobur.read_bytes(), staging)
    assert store.publish(staging, editor="bobur", expected_current=1).number == 2
    expect.set_options(timeout=60_000)
    with (
        serve(Path(env_dirs["COOP_DATA"]), store=Path(env_dirs["COOP_STORE"]), env=env_dirs)
        as base_url,
        browser(width=1440, height=2400) as page,
    ):
        page.goto(base_url + "/data", timeout=60_000)
        page.get_by_label("Editor name").fill("aziza")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_text("Logged in as aziza.")).to_be_visible(timeout=30_000)
        page.get_by_role("tab", name="Upload a file").click()
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(kamola))
        expect(page.get_by_text("This file was exported from version 1")).to_be_visible(
            timeout=60_000)
        expect(page.get_by_text(f"{first} — changed in your file and by bobur in version 2")
               ).to_be_visible()
        expect(page.get_by_text("Kept as they are now (changed by others since version 1, "
                                "not by you): Visits: 1 row.")).to_be_visible()
        expect(page.get_by_test_id("stTabs").get_by_text("Visits: 1 added, 0 changed, 0 removed", exact=True)).to_be_visible()
        publish = page.get_by_role("button", name="Publish")
        expect(publish).to_be_disabled()
        page.screenshot(path=str(artifacts / "h25a_conflict.png"), full_page=True)
        page.get_by_text("yours", exact=True).click()
        expect(page.get_by_test_id("stTabs").get_by_text("Visits: 1 added, 1 changed, 0 removed", exact=True)).to_be_visible(
            timeout=30_000)
        expect(publish).to_be_enabled(timeout=30_000)
        publish.click()
        expect(page.get_by_text("Published as version 3.")).to_be_visible(timeout=60_000)

    visits = store.frames(3)["visits"].set_index("visit_id")
    assert {"v-bobur-new", "v-kamola-new"} <= set(visits.index)  # nobody's visit is lost
    assert visits.loc[first, "department"] == "Kamola-dept" and department != "Kamola-dept"



@pytest.mark.browser
def test_an_iia_file_imported_on_the_page_shows_its_terms_on_agreements(env_dirs, tmp_path):
    """The office reads AUTH's IIA file for SamSMU (partner mapped to the curated Aristotle
    University), saves it, and the Agreements page shows its three terms against quota."""
    from playwright.sync_api import expect

    iia = ROOT / "tests" / "data" / "ewp" / "auth-samsmu-iia.xml"
    expect.set_options(timeout=60_000)
    shots = Path(os.environ.get("COOP_SHOTS", tmp_path))
    with (
        serve(Path(env_dirs["COOP_DATA"]), store=Path(env_dirs["COOP_STORE"]), env=env_dirs) as base_url,
        browser(width=1400, height=2000) as page,
    ):
        page.goto(base_url + "/data", timeout=60_000)
        page.get_by_label("Editor name").fill("aziza")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_text("Logged in as aziza.")).to_be_visible(timeout=30_000)
        page.get_by_role("tab", name="Erasmus IIA file").click()
        panel = page.get_by_role("tabpanel", name="Erasmus IIA file")
        panel.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(iia))
        # SamSMU has no EWP id in the curated data: the office types the one the file uses
        hei = panel.get_by_role("textbox", name="The institution's EWP id (SCHAC code), if its row has none")
        expect(panel.get_by_text("Neither partner of this IIA (auth.gr, sammu.uz) is samsmu")).to_be_visible()
        hei.fill("sammu.uz")
        hei.press("Enter")
        expect(panel.get_by_text("The partner auth.gr is not in the data yet")).to_be_visible()
        _pick(page, "Partner", "Aristotle University of Thessaloniki")
        expect(panel.get_by_text("a new agreement with Aristotle University of Thessaloniki, 3 terms")).to_be_visible()
        page.screenshot(path=str(shots / "data-iia.png"), full_page=True)
        panel.get_by_role("button", name="Save the agreement").click()
        expect(page.get_by_text("Saved as version 2.")).to_be_visible()
        frames = Store().frames(2)
        assert list(frames["agreement_terms"]["agreement_id"]) == ["a-samsmu-iia-auth-iia-2025-117"] * 3
        page.goto(base_url + "/agreements?as_of=2025-10-01", timeout=60_000)
        wait_for_app(page)
        expect(page.get_by_text("Terms and use against quota")).to_be_visible()
        page.screenshot(path=str(shots / "agreements-use.png"), full_page=True)
        assert metric_values(page)["Under-used"] == "3"
