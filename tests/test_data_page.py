"""The Data page in AppTest: its parts (ui.datapage) laid out by views/data.py, logged in."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from datastore import security
from datastore.store import Store
from ui.datapage.state import STATE_KEY, DataPageState

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "s3cret-pass"


@pytest.fixture
def env_dirs(tmp_path, monkeypatch):
    """A copy of the shipped data, an empty store and one editor, all in tmp."""
    data = tmp_path / "data"
    data.mkdir()
    for csv_file in (ROOT / "data").glob("*.csv"):
        shutil.copy2(csv_file, data / csv_file.name)
    monkeypatch.setenv("COOP_DATA", str(data))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("COOP_SECRETS", str(tmp_path / "no-secrets.toml"))
    monkeypatch.delenv("COOP_DATABASE_URL", raising=False)
    security.add_editor(Store(), "aziza", PASSWORD, admin=True)
    return data


def logged_in(lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(ROOT / "views" / "data.py"), default_timeout=60)
    at.session_state["ui_lang"] = lang
    at.run()
    at.text_input(key="data_login_name").input("aziza")
    at.text_input(key="data_login_pw").input(PASSWORD)
    at.get("form_submit_button")[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_session_state_is_one_typed_object(env_dirs):
    at = logged_in()
    state = at.session_state[STATE_KEY]
    assert isinstance(state, DataPageState)
    assert state.editor == "aziza"
    # every tab drawn; the row form opened on a new visit of the seeded version 1
    assert [tab.label for tab in at.tabs] == [
        "Add or edit one row", "Upload a file", "Import the office's own spreadsheet",
        "Publication exports"]
    assert state.edit_loaded[2] == 1


def test_logging_out_forgets_the_editor(env_dirs):
    at = logged_in()
    at.button(key="data_logout").click().run()
    assert at.session_state[STATE_KEY].editor is None
    assert at.text_input(key="data_login_name") is not None
