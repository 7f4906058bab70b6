"""A table's columns come from the schema (issue 27 item 4): each contract column knows its
header key and how its cells are written, a page names columns, and one helper
(``ui.panels.show_table``) shows them in the page's language, hides what presentation
mode hides and offers the CSV."""

from __future__ import annotations

import pytest
from i18n_files import text
from streamlit.testing.v1 import AppTest

from loaders.schema import TABLES
from ui.tables import columns, visible

NBSP = "\u00a0"


@pytest.mark.parametrize(("table", "column", "header", "display"), [
    ("agreements", "agreement_id", "common.col.id", "text"),  # a table's key: "Id"
    ("agreements", "partner_id", "common.col.partner", "partner"),  # a ref: named by lookup
    ("agreements", "status", "common.col.status_written", "enum:agreement_status"),
    ("agreements", "expires_on", "common.col.expires_on", "date"),
    ("agreements", "faculty", "common.col.faculty", "list"),
    ("visits", "start_date", "common.col.start", "date"),
    ("visits", "sessions", "common.col.sessions", "int"),
    ("grants", "partner_ids", "common.col.partners", "partner"),
    ("grants", "amount", "common.col.amount", "float"),
    ("grants", "currency", "common.col.currency", "text"),
    ("students", "count", "common.col.students", "int"),
    ("students", "academic_year", "common.col.academic_year", "text"),
    ("partners", "name", "common.col.partner", "text"),
    ("partners", "country", "common.col.country", "country"),
    ("agreement_terms", "direction", "common.col.direction", "enum:term_direction"),
    ("agreement_terms", "agreement_id", "common.col.agreement_id", "text"),
    ("institution_facts", "metric", "common.col.metric", "enum:fact_metric"),
    ("targets", "year", "common.col.year", "int"),
])
def test_a_schema_column_knows_its_header_and_kind(table, column, header, display):
    col = TABLES[table].column(column)
    assert (col.header_key, col.display) == (header, display)


@pytest.mark.parametrize("lang", ["en", "ru", "uz"])
def test_every_contract_column_has_its_header_in_every_language(lang):
    missing = [(t.name, c.name, c.header_key) for t in TABLES.values() for c in t.columns
               if not _has(c.header_key, lang)]
    assert missing == []


def _has(key: str, lang: str) -> bool:
    try:
        return bool(text(key, lang))
    except KeyError:
        return False


def test_columns_reads_the_schema_then_the_derived_columns_then_a_page_own_spec():
    assert columns("agreements", "agreement_id", "partner_id", "expires_on", "days_left",
                   ("use_text", "page.agreements.renewal.col.use", "text")) == [
        ("agreement_id", "common.col.id", "text"),
        ("partner_id", "common.col.partner", "partner"),
        ("expires_on", "common.col.expires_on", "date"),
        ("days_left", "common.col.days_left", "int"),
        ("use_text", "page.agreements.renewal.col.use", "text"),
    ]
    # the schema wins over a derived name: partners.partner_id is the table's key
    assert columns("partners", "partner_id") == [("partner_id", "common.col.id", "text")]
    assert columns(None, "partner_id") == [("partner_id", "common.col.partner", "partner")]


def test_a_misspelt_column_fails_instead_of_showing_a_blank_one():
    with pytest.raises(KeyError):
        columns("agreements", "expires")


def test_presentation_mode_leaves_out_people_and_quotes():
    specs = columns("visits", "visit_id", "person", "person_title", "start_date", "quote", "_row")
    assert [s[0] for s in visible(specs, presenting=False)] == [
        "visit_id", "person", "person_title", "start_date", "quote", "_row"]
    assert [s[0] for s in visible(specs, presenting=True)] == ["visit_id", "start_date", "_row"]
    assert [s[0] for s in visible(specs, presenting=True, hidden=("visit_id",))] == ["start_date", "_row"]
    holder = columns("agreements", "stage", "holder", "notes")
    assert [s[0] for s in visible(holder, presenting=True)] == ["stage"]


def _script(lang: str, presenting: bool) -> None:
    import pandas as pd

    from ui.panels import show_table
    from ui.tables import columns

    class Ctx:  # what show_table reads of a PageContext
        def lookups(self):
            return {"partner": {"p-1": "Seoul National University"}.get}

    ctx = Ctx()
    ctx.lang, ctx.presenting = lang, presenting  # type: ignore[attr-defined]
    frame = pd.DataFrame({
        "visit_id": ["v-1", "v-2"],
        "partner_id": ["p-1", "p-1"],
        "person": ["Kim Min-jun", "Lee"],
        "start_date": pd.to_datetime(["2024-03-04", "2024-05-01"]),
        "start_date_precision": ["day", "month"],
        "direction": ["incoming", "outgoing"],
        "sessions": [1200, None],
        "quote": ["led by Kim", ""],
    })
    show_table(ctx, frame, columns("visits", "visit_id", "partner_id", "person", "start_date", "direction",
                                   "sessions", "quote"), key="visits", file_stem="visits")


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_show_table_writes_headers_and_cells_in_the_language(lang):
    at = AppTest.from_function(_script, args=(lang, False)).run(timeout=30)
    assert not at.exception
    shown = at.dataframe[0].value
    assert list(shown.columns) == [text(k, lang) for k in (
        "common.col.id", "common.col.partner", "common.col.person", "common.col.start", "common.col.direction",
        "common.col.sessions", "common.col.quote")]
    rows = shown.astype(str).values.tolist()
    thousands = "1,200" if lang == "en" else f"1{NBSP}200"
    assert rows == [
        ["v-1", "Seoul National University", "Kim Min-jun", "2024-03-04", text("enum.direction.incoming", lang),
         thousands, "led by Kim"],
        ["v-2", "Seoul National University", "Lee", "2024-05", text("enum.direction.outgoing", lang), "", ""],
    ]
    button = at.get("download_button")[0].proto
    assert button.label == text("common.download_csv", lang)


def test_show_table_in_presentation_mode_leaves_out_the_person_and_the_quote():
    at = AppTest.from_function(_script, args=("ru", True)).run(timeout=30)
    assert not at.exception
    assert list(at.dataframe[0].value.columns) == [text(k, "ru") for k in (
        "common.col.id", "common.col.partner", "common.col.start", "common.col.direction", "common.col.sessions")]


def test_the_mobility_visits_table_shows_each_rows_document(monkeypatch, tmp_path):
    """The visits table has the rows-behind-the-figures columns, Document and Quote among
    them: they were blank (the page never looked the documents up)."""
    from pathlib import Path

    from app_fixtures import run_dashboard

    monkeypatch.setenv("COOP_DATA", str(Path(__file__).resolve().parent.parent / "data"))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "no-store"))
    at = run_dashboard("mobility", lang="en")
    table = next(d.value for d in at.dataframe if text("common.col.document", "en") in d.value.columns
                 and text("common.col.sessions", "en") in d.value.columns)
    first = table.iloc[0]
    # data/visits.csv row 2 cites 000_22ea42b7b3877478.txt, titled so in data/documents.csv
    assert first[text("common.col.row", "en")] == 2
    assert first[text("common.col.document", "en")] == "International Cooperation Relations"
    assert first[text("common.col.quote", "en")].startswith('"the head of the center')
