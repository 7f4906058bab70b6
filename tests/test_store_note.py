"""When the store's published version, not the files COOP_DATA points to, is what the
dashboard shows, the sidebar and the Data page say so (and say nothing before)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from app_fixtures import run_dashboard

from datastore import security
from datastore.store import Store

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "dashboard"
SIDEBAR_EN = "Data: version 2 of the data store, kept on the Data page."  # no COOP_DATA (issue 25)
# issue 25: no COOP_DATA on the Data page (an office user does not know the setting)
DATA_PAGE_EN = ("While the store has a version, it is what the dashboard shows: the files the app "
                "started with are no longer read (they were only the starting point of version 1).")


@pytest.fixture()
def env(tmp_path, monkeypatch) -> Path:
    base = tmp_path / "data"
    shutil.copytree(DATA, base)
    monkeypatch.setenv("COOP_DATA", str(base))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "store"))
    return base


def _captions(at) -> list[str]:
    return [c.value for c in at.sidebar.caption] + [c.value for c in at.caption]


def _publish(base: Path, tmp_path: Path) -> None:
    store = Store()
    security.add_editor(store, "admin", "admin-pass", admin=True)
    folder = tmp_path / "upload"
    shutil.copytree(base, folder)
    visits = folder / "visits.csv"  # a publish takes no errors: drop the one bad visit
    lines = visits.read_text(encoding="utf-8").splitlines(keepends=True)
    visits.write_text("".join(line for line in lines if "sideways" not in line), encoding="utf-8")
    store.publish(folder, editor="admin", note="", expected_current=None, replace=["visits"])


def test_no_note_while_coop_data_is_shown(env):
    at = run_dashboard("overview")
    assert not any("data store" in text for text in _captions(at))


def test_the_sidebar_says_the_store_is_shown(env, tmp_path):
    _publish(env, tmp_path)
    at = run_dashboard("overview")
    assert any(text.endswith(SIDEBAR_EN) for text in (c.value for c in at.sidebar.caption))
    at = run_dashboard("overview", lang="ru")
    ru = json.loads((ROOT / "i18n" / "ru.json").read_text(encoding="utf-8"))
    expected = ru["filters.store_shown"].replace("{number}", "2")
    assert "версия 2" in expected
    assert any(text.endswith(expected) for text in (c.value for c in at.sidebar.caption))


def test_the_data_page_says_the_store_replaces_coop_data(env, tmp_path):
    _publish(env, tmp_path)
    at = run_dashboard("data")
    # the line under "The dashboard shows version 2, ..." (one element with it: see views/data.py)
    assert any(m.value.endswith("\n\n" + DATA_PAGE_EN) for m in at.markdown)
