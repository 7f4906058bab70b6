"""No raw text reaches a person: no "None", "nan", "<NA>", no unfilled {placeholder}, no
empty cell the grid would write as "None", on any page in any language (issue 24
defect 12). AppTest runs of every page on the curated data/ and tests/data/dashboard.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from app_fixtures import run_dashboard
from i18n_files import text
from test_i18n_pages import page_texts

ROOT = Path(__file__).resolve().parent.parent
DATASETS = {"curated": ROOT / "data", "dashboard": ROOT / "tests" / "data" / "dashboard"}
PAGES = ["overview", "summary", "partners", "mobility", "grants", "agreements", "students", "research",
         "rankings", "documents", "quality", "export", "data"]
RAW_WORD = re.compile(r"(?<![\w.])(None|nan|NaN|<NA>|NaT)(?![\w.])")
PLACEHOLDER = re.compile(r"(?<![%\w])\{[a-z_]+\}")
# Templates the browser fills (a map's tooltip: "<b>{name}</b><br/>{kind}"), not text.
TEMPLATE = re.compile(r"<br/?>")


def raw_text(at) -> list[str]:
    """Strings on the page that show a raw value or an unfilled placeholder."""
    found = [s for s in page_texts(at)
             if RAW_WORD.search(s) or (PLACEHOLDER.search(s) and not TEMPLATE.search(s))]
    for frame in at.dataframe:  # the grid writes an empty cell as "None"
        df = frame.value
        for column in df.columns:
            empty = df[column].isna()
            if empty.any():
                found.append(f"empty cell in column {column!r} ({int(empty.sum())} rows)")
    return found


def test_the_scan_finds_a_none_cell(tmp_path, monkeypatch):
    """The check can fail: a bare grid of a column with an empty number shows None."""
    from streamlit.testing.v1 import AppTest

    script = tmp_path / "app.py"
    script.write_text("import pandas as pd, streamlit as st\n"
                      "st.dataframe(pd.DataFrame({'a': [1.0, None]}))\nst.caption('{path}')\n")
    at = AppTest.from_file(str(script)).run(timeout=30)
    found = raw_text(at)
    assert "{path}" in found and any("empty cell" in f for f in found)


@pytest.mark.parametrize("lang", ["en", "ru", "uz"])
@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("data", ["curated", "dashboard"])
def test_no_raw_text_on_any_page(data, page, lang, tmp_path, monkeypatch):
    monkeypatch.setenv("COOP_DATA", str(DATASETS[data]))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "no-store"))
    at = run_dashboard(None if page == "overview" else page, lang=lang)
    # the rows behind the first card too (Sessions and amounts are often empty there)
    keys = [b.key for b in at.button if (b.key or "").startswith("ev-")]
    found = raw_text(at)
    for key in keys:
        at.button(key=key).click().run(timeout=30)
        found += raw_text(at)
    assert sorted({f[:300] for f in found}) == []


def test_quality_page_names_tables_and_columns_in_the_language(tmp_path, monkeypatch):
    """The Russian Data quality page showed the codes ``partners`` and ``city`` alone."""
    monkeypatch.setenv("COOP_DATA", str(DATASETS["curated"]))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "no-store"))
    at = run_dashboard("quality", lang="ru")
    [problems] = [d.value for d in at.dataframe if text("page.quality.col.column", "ru") in d.value.columns]
    tables = set(problems[text("page.quality.col.table", "ru")])
    columns = set(problems[text("page.quality.col.column", "ru")])
    assert "partners" not in tables and "Партнёры (partners)" in tables
    assert "city" not in columns and "Город (city)" in columns


def test_data_page_says_where_the_hashes_are_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("COOP_DATA", str(DATASETS["dashboard"]))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("COOP_SECRETS", str(tmp_path / "no-secrets.toml"))
    at = run_dashboard("data", lang="en")
    [info] = [i.value for i in at.info if "No editor is configured" in i.value]
    assert "{path}" not in info and info.endswith("stores only its hash in coop.db.")
