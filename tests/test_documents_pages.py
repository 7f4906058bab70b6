"""Documents on screen (issue 28), on the hand-made dataset of tests/documents_fixtures.py:
"Show rows" names each row's document by title and offers its file; partner details do
the same; the Documents page lists every document with its rows and figures; Data quality
lists rows with no source and sources citing no known document."""

from __future__ import annotations

import documents_fixtures as fx
import pytest
from app_fixtures import run_dashboard

WEB = "International Cooperation Relations"
MINUTES = "Minutes of the international council"
MOU = "Memorandum with Seoul Clinic"
LETTER = "Invitation letter for Korean students"


@pytest.fixture()
def dataset(tmp_path, monkeypatch):
    folder = fx.write(tmp_path / "ds")
    monkeypatch.setenv("COOP_DATA", str(folder))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "no-store"))
    return folder


def test_show_rows_names_documents_by_title(dataset):
    at = run_dashboard(**{"as_of": "2025-06-30"})
    at.button(key="ev-agreements_active").click().run(timeout=30)
    table = at.dataframe[0].value
    by_id = dict(zip(table["Id"], table["Document"], strict=True))
    # a1 cites "web" and carries the attached memorandum; a2 cites "minutes-2024.pdf"
    assert by_id == {"a1": f"{WEB}; {MOU}", "a2": MINUTES}
    assert "minutes-2024.pdf" not in " ".join(table.astype(str).to_numpy().ravel())
    assert list(table["Quote"]) == ['"signed a memorandum with Seoul Clinic"', '"agreement with Kazan"']
    texts = " ".join(m.value for m in at.markdown)
    assert "[International Cooperation Relations](https://example.org/intl)" in texts
    # the two kept files open from the panel (the web page has no file, only its address)
    opens = [b for b in at.get("download_button") if b.proto.label == "Open the file"]
    assert len(opens) == 2


def test_unknown_document_shown_as_written(dataset):
    at = run_dashboard(**{"as_of": "2025-06-30"})
    at.button(key="ev-visits_outgoing").click().run(timeout=30)
    table = at.dataframe[0].value
    assert dict(zip(table["Id"], table["Document"], strict=True)) == {"v2": "Annual plan"}


def test_partner_details_show_titles(dataset):
    at = run_dashboard(page="partners", as_of="2025-06-30")
    at.selectbox(key="partner-detail").select("p2").run(timeout=30)
    agreements = next(d.value for d in at.dataframe if "Kind" in d.value.columns and "Document" in d.value.columns)
    assert list(agreements["Document"]) == [MINUTES]
    visits = next(d.value for d in at.dataframe if "Direction" in d.value.columns)
    assert sorted(visits["Document"]) == ["", "Annual plan"]


def test_documents_page_lists_rows_and_figures(dataset):
    at = run_dashboard(page="documents", as_of="2025-06-30")
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["Title"]) == [WEB, MINUTES, MOU, LETTER]
    assert list(table["Rows"]) == [2, 1, 1, 1]
    assert list(table["Public edition"]) == ["Yes", "No", "Yes", "No"]
    figures = dict(zip(table["Title"], table["Figures fed (current filters)"], strict=True))
    # a1 and v1 (web): active agreement, incoming visit, partner p1 (via nothing: partners
    # rows have no source), mobility country KOR through v1
    assert "Active agreements" in figures[WEB] and "Incoming visits" in figures[WEB]
    assert "International students" in figures[LETTER]
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Documents"], metrics["Rows citing them"], metrics["Kept files"]) == ("4", "4", "2")  # a1 counts once
    at.selectbox(key="document-detail").select("web").run(timeout=30)
    rows = at.dataframe[1].value
    assert list(rows["Id"]) == ["a1", "v1"]


def test_quality_lists_rows_without_a_document(dataset):
    at = run_dashboard(page="quality", as_of="2025-06-30")
    table = next(d.value for d in at.dataframe if "Source" in d.value.columns)
    got = sorted(zip(table["Id"], table["Message"], strict=True))
    assert got == [("p1", "No source"), ("p2", "No source"), ("sam", "No source"),
                   ("v2", "Cites no known document"), ("v3", "No source")]
