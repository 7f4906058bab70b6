"""QA edge cases: unusable datasets (COOP_DATA) and the pages' guards, through AppTest."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import pytest
from app_fixtures import run_dashboard
from i18n_files import text
from streamlit.testing.v1 import AppTest

from loaders import load_dataset

ROOT = Path(__file__).resolve().parent.parent
CURATED = ROOT / "data"



def shown(markdown: str) -> str:
    """What a reader sees of a panel's markdown: the text helper's escapes (ui/text.py) removed."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")

def run(dataset: Path, tmp_path: Path, page: str | None = None, **query: str) -> AppTest:
    os.environ["COOP_DATA"] = str(dataset)
    os.environ["COOP_STORE"] = str(tmp_path / "no-store")
    return run_dashboard(page, **query)


@pytest.fixture(autouse=True)
def _restore_env(monkeypatch):
    monkeypatch.setenv("COOP_DATA", str(CURATED))  # restored after each test
    monkeypatch.delenv("COOP_STORE", raising=False)  # run() sets it; restored after each test


def _missing_column(tmp_path: Path) -> Path:
    folder = tmp_path / "missing_col"
    folder.mkdir()
    for csv in CURATED.glob("*.csv"):
        frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
        if csv.name == "visits.csv":
            frame = frame.drop(columns=["direction"])
        frame.to_csv(folder / csv.name, index=False)
    return folder


def test_fatal_message_shown_in_the_chosen_language(tmp_path):
    """The fatal panel's message was always English, whatever the language."""
    missing = tmp_path / "nowhere"
    at = run(missing, tmp_path, lang="ru")
    assert len(at.error) == 1
    shown_text = shown(at.error[0].value)
    assert "No dataset at" not in shown_text
    assert "По пути" in shown_text and "набора данных нет" in shown_text
    assert text("problem.fatal_not_found", "ru", path=str(missing)) in shown_text


def test_fatal_missing_column_translated(tmp_path):
    folder = _missing_column(tmp_path)
    at = run(folder, tmp_path, page="partners", lang="uz")
    assert len(at.error) == 1
    assert text("problem.fatal_missing_column", "uz", table="visits", columns="direction") in shown(at.error[0].value)


def test_dataset_keeps_fatal_parts(tmp_path):
    ds = load_dataset(tmp_path / "nowhere")
    where = tmp_path / "nowhere"
    assert ds.fatal_text("en") == ds.fatal == (
        f"No dataset at {where}: give a folder of CSV files or an .xlsx workbook.")
    assert ds.fatal_text("ru") == text("problem.fatal_not_found", "ru", path=str(tmp_path / "nowhere"))
    assert load_dataset(CURATED).fatal_text("ru") is None


def test_data_page_says_the_dataset_cannot_be_shown(tmp_path):
    """The Data page gave no sign that the dataset every other page fails on is unreadable."""
    at = run(tmp_path / "nowhere", tmp_path, page="data")
    assert len(at.error) == 1
    assert "The dataset cannot be shown" in at.error[0].value


@pytest.mark.parametrize("page", ["overview", "mobility", "export", "quality"])
def test_corrupt_xlsx_one_error_panel(tmp_path, page):
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(os.urandom(2048))
    at = run(bad, tmp_path, page=None if page == "overview" else page)
    assert len(at.error) == 1
    assert "The dataset cannot be shown" in at.error[0].value
