"""Navigation by public API only: dashboard.py's st.navigation runs every page, with the sidebar."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_fixtures import run_dashboard

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def dataset_env(tmp_path, monkeypatch):
    monkeypatch.setenv("COOP_DATA", str(ROOT / "tests" / "data" / "bad"))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "no-store"))


def test_the_problems_notice_links_to_the_quality_page():
    at = run_dashboard()
    links = at.get("page_link")
    assert [link.proto.page for link in links] == ["quality"]


@pytest.mark.parametrize("page", ["quality", "data"])
def test_a_switched_page_runs_under_the_shared_sidebar(page):
    at = run_dashboard(page)
    # the filters are dashboard.py's: drawn on every page, the Data page included
    assert at.multiselect(key="f_inst").options == ["ADMU"]  # tests/data/bad: one institution
    assert at.session_state["ui_lang"] == "en"
