"""Evidence documents in the data contract (issue 28): the documents table, how a source
cites a document, the rows each document proves, and the warnings. Hand-made data in
tests/documents_fixtures.py; every expected value is read off those rows."""

from __future__ import annotations

from datetime import date

import documents_fixtures as fx
import pandas as pd
import pytest

from loaders import load_dataset
from metrics.documents import DocumentIndex, cited, unresolved


@pytest.fixture()
def dataset(tmp_path):
    return load_dataset(fx.write(tmp_path / "ds"))


def test_documents_table_is_read(dataset):
    docs = dataset.tables["documents"]
    assert list(docs["doc_id"]) == ["web", "minutes", "mou", "letter"]
    assert list(docs["kind"]) == ["web_page", "report", "agreement", "letter"]
    assert docs["published_on"].iloc[0].date() == date(2024, 2, 7)
    assert list(docs["published_on_precision"]) == ["day", "month", "day", "year"]
    # public: web page without a file -> yes; a report file -> no; written yes; a letter -> no
    assert list(docs["public"]) == [True, False, True, False]


def test_unknown_document_is_a_row_warning(dataset):
    found = [(p.severity, p.table, p.row, p.column, p.code, p.params.get("document"))
             for p in dataset.problems]
    assert found == [("warning", "visits", 3, "source", "unknown_document", "Annual plan")]
    assert "v2" in set(dataset.tables["visits"]["visit_id"])  # the row is kept


def test_sources_resolve_by_id_and_by_file_name(dataset):
    index = DocumentIndex(dataset.tables["documents"])
    assert index.resolve('web: "x"') == "web"
    assert index.resolve('minutes-2024.pdf: "agreement with Kazan"') == "minutes"
    assert index.resolve('MINUTES-2024.PDF: "x"') == "minutes"  # no case
    assert index.resolve("Minutes of the international council") == "minutes"  # by title
    assert index.resolve('Annual plan: "x"') is None
    assert index.resolve(None) is None
    assert cited('doc 7: «цитата»') == "doc 7"
    assert cited("a note with no quote") == "a note with no quote"


def test_rows_each_document_proves(dataset):
    index = DocumentIndex(dataset.tables["documents"])
    rows = index.citing_rows(dataset.tables)
    assert rows == {"web": [("agreements", "a1"), ("visits", "v1")],
                    "minutes": [("agreements", "a2")],
                    "mou": [("agreements", "a1")],
                    "letter": [("students", "students:2")]}
    assert index.of_row("agreements", "a1", 'web: "x"') == ["web", "mou"]


def test_unresolved_lists_no_source_and_unknown_documents(dataset):
    found = unresolved(dataset.tables, DocumentIndex(dataset.tables["documents"]))
    got = sorted(zip(found["table"], found["id"], found["problem"], strict=True))
    # institutions and partners have no source column here: every row is "no source";
    # the students row is proved by its attached letter, so it is not listed.
    assert got == [("institutions", "sam", "no_source"), ("partners", "p1", "no_source"),
                   ("partners", "p2", "no_source"), ("visits", "v2", "unknown_document"),
                   ("visits", "v3", "no_source")]


def test_missing_file_and_unknown_attachment_row(tmp_path):
    folder = fx.write(tmp_path / "ds")
    (folder / "documents" / "mou-a1.pdf").unlink()
    text = (folder / "documents.csv").read_text()
    text = text.replace("students:2", "students:9").replace(
        "mou-a1.pdf,en,yes,agreements:a1", "mou-a1.pdf,en,yes,agreements:a1\n"
        "evil,Escape,other,,,,../institutions.csv,,,")
    (folder / "documents.csv").write_text(text)
    ds = load_dataset(folder)
    found = sorted((p.table, p.row, p.column, p.code) for p in ds.problems)
    assert found == [("documents", 4, "file", "missing_document_file"),
                     ("documents", 5, "file", "missing_document_file"),
                     ("documents", 6, "attached_to", "unknown_attached_row"),
                     ("visits", 3, "source", "unknown_document")]


def test_without_documents_table_sources_stay_free_text(tmp_path):
    folder = fx.write(tmp_path / "ds")
    (folder / "documents.csv").unlink()
    ds = load_dataset(folder)
    assert ds.problems == []
    assert ds.tables["documents"].empty
    found = unresolved(ds.tables, DocumentIndex(ds.tables["documents"]))
    assert "unknown_document" not in set(found["problem"])


def test_public_words_in_three_languages(tmp_path):
    folder = fx.write(tmp_path / "ds")
    text = (folder / "documents.csv").read_text()
    text = text.replace("en,yes,agreements:a1", "en,Нет,agreements:a1").replace(
        "ko,,students:2", "ko,ha,students:2").replace(",en,,\n", ",en,maybe,\n", 1)
    (folder / "documents.csv").write_text(text)
    ds = load_dataset(folder)
    docs = ds.tables["documents"].set_index("doc_id")
    assert docs.loc["mou", "public"] is False
    assert docs.loc["letter", "public"] is True
    assert [(p.row, p.code) for p in ds.errors] == [(2, "bad_enum")]
    assert "web" not in docs.index  # a row with an error is left out


def test_kind_accepts_labels_of_three_languages(tmp_path):
    folder = fx.write(tmp_path / "ds")
    text = (folder / "documents.csv").read_text().replace(",report,", ",Отчёт,").replace(
        ",letter,Seoul", ",Xat,Seoul")
    (folder / "documents.csv").write_text(text)
    docs = load_dataset(folder).tables["documents"]
    assert list(docs["kind"]) == ["web_page", "report", "agreement", "letter"]


def test_clean_frame_types(dataset):
    docs = dataset.tables["documents"]
    assert pd.api.types.is_datetime64_any_dtype(docs["published_on"])
