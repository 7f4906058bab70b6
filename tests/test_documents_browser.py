"""Evidence documents in Chromium (issue 28): an office attaches the signed memorandum to
an agreement on the Data page; "Show rows" of the active agreements then names each row's
document by title and opens the kept file; the pack's evidence folder carries it."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from browser_fixtures import ROOT, browser, serve, wait_for_app
from pypdf import PdfWriter

from datastore import security
from datastore.store import Store

PASSWORD = "s3cret-pass"
WEB = "International Cooperation Relations"
ARTICLE = "International cooperation works undertaken at the Andijan State Medical Institute"


@pytest.fixture
def env_dirs(tmp_path, monkeypatch):
    """A copy of the shipped data, an empty store and one editor of ADMI, all in tmp."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    env = {"COOP_DATA": str(data), "COOP_STORE": str(tmp_path / "store"),
           "COOP_SECRETS": str(tmp_path / "no-secrets.toml")}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("COOP_DATABASE_URL", raising=False)
    store = Store()
    security.add_editor(store, "dilnoza", PASSWORD, institutions=["admi"])
    store.seed()  # version 1: the page then keeps the same layout while the editor works
    return env


def memorandum(path: Path) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    path.write_bytes(out.getvalue())
    return out.getvalue()


@pytest.mark.browser
def test_attach_a_memorandum_then_open_it_from_show_rows(env_dirs, tmp_path):
    from playwright.sync_api import expect

    expect.set_options(timeout=60_000)
    shots = Path(os.environ.get("COOP_SHOTS", tmp_path))
    signed = tmp_path / "SPPU memorandum signed.pdf"
    data = memorandum(signed)
    with (
        serve(Path(env_dirs["COOP_DATA"]), store=Path(env_dirs["COOP_STORE"]), env=env_dirs) as base_url,
        browser(width=1440, height=2400) as page,
    ):
        page.goto(base_url + "/data", timeout=60_000)
        page.get_by_label("Editor name").fill("dilnoza")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_text("Logged in as dilnoza.")).to_be_visible(timeout=30_000)
        panel = page.get_by_role("tabpanel", name="Attachments")

        def attachments_tab():
            """Open the tab again (the page is redrawn after each widget changes)."""
            wait_for_app(page)
            tab = page.get_by_role("tab", name="Attachments")
            if tab.get_attribute("aria-selected") != "true":
                tab.click()

        attachments_tab()
        expect(panel.get_by_text("No file is attached yet.")).to_be_visible()
        row = panel.get_by_role("combobox", name="Row")
        row.click()
        row.press_sequentially("a-admi-sppu")
        page.get_by_role("option").first.click()
        attachments_tab()
        panel.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(signed))
        attachments_tab()
        panel.get_by_label("Title of the document").fill("Memorandum of understanding with SPPU (signed)")
        panel.get_by_label("Title of the document").press("Enter")
        attachments_tab()
        page.screenshot(path=str(shots / "data-attachments-before.png"), full_page=True)
        panel.get_by_role("button", name="Attach", exact=True).click()
        expect(page.get_by_text("SPPU memorandum signed.pdf is attached to agreements:a-admi-sppu.")).to_be_visible()
        page.screenshot(path=str(shots / "data-attachments.png"), full_page=True)
        [latest, *_] = Store().history()
        assert (latest.number, latest.action, latest.editor) == (2, "attach", "dilnoza")

        page.goto(base_url + "/?as_of=2025-06-30", timeout=60_000)
        wait_for_app(page)
        page.locator(".st-key-ev-agreements_active button").click()
        wait_for_app(page)
        evidence = page.locator(".st-key-evidence-agreements_active")
        expect(evidence.get_by_text("The documents behind these rows (3)")).to_be_visible()
        expect(evidence.get_by_text(WEB, exact=True)).to_be_visible()
        expect(evidence.get_by_text(ARTICLE, exact=True)).to_be_visible()
        expect(evidence.get_by_text("Memorandum of understanding with SPPU (signed)", exact=True)).to_be_visible()
        expect(evidence.get_by_text("000_22ea42b7b3877478.txt")).to_have_count(0)
        expect(evidence.get_by_text("undated · Agreement or memorandum")).to_be_visible()  # the default kind
        page.screenshot(path=str(shots / "show-rows-documents.png"), full_page=True)
        with page.expect_download() as download:
            evidence.get_by_role("button", name="Open the file").click()
        opened = Path(download.value.path()).read_bytes()
        assert opened == data
        assert download.value.suggested_filename == "SPPU memorandum signed.pdf"

        page.goto(base_url + "/documents?as_of=2025-06-30", timeout=60_000)
        wait_for_app(page)
        page.screenshot(path=str(shots / "documents-page.png"), full_page=True)

    out = tmp_path / "pack.zip"
    done = subprocess.run([sys.executable, "-m", "report", "--store", "--out", str(out), "--as-of",
                           "2025-06-30", "--with-documents"], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **env_dirs})
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(out) as z:
        kept = [n for n in z.namelist() if n.startswith("evidence/") and n.endswith(".pdf")]
        assert len(kept) == 1 and z.read(kept[0]) == data
        assert "Memorandum of understanding with SPPU (signed)" in z.read("evidence/index.txt").decode()
