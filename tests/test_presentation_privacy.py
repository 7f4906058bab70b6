"""Presentation mode hides every person, on every page and in every table it offers for
download, and keeps "Show rows" (masked): issue 24 defect 7, issue 26 item 12.

Two datasets: the curated data/ (the issue's reproduction: /mobility?present=1&lang=ru
showed v-samsmu-togizbaev and quotes naming Togizbaev, Narzullaeva, Kasimova, Hafezi),
and tests/data/dashboard with a grant and an agreement whose titles name people, and a
person cell the loader reports on the Data quality page.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from app_fixtures import run_dashboard
from test_i18n_pages import page_texts

ROOT = Path(__file__).resolve().parent.parent
CURATED = ROOT / "data"
DASHBOARD = ROOT / "tests" / "data" / "dashboard"
PAGES = ["overview", "summary", "partners", "mobility", "grants", "agreements", "students", "rankings",
         "documents", "quality"]
# data/visits.csv: the people and the ids made from their names.
CURATED_PEOPLE = ["togizbaev", "narzullaeva", "kasimova", "hafezi", "тогизбаев", "нарзуллаева",
                  "касимова", "хафези", "doctor of medical sciences", "head of the center",
                  "mamasolieva"]  # the author of a document (documents.csv)


def _open_every_show_rows(at):
    """Press each "Show rows" of the page in turn, collecting the texts of every panel."""
    texts = page_texts(at)
    keys = [b.key for b in at.button if (b.key or "").startswith("ev-")]
    for key in keys:
        at.button(key=key).click().run(timeout=30)
        assert not at.exception, [e.value for e in at.exception]
        texts += page_texts(at)
    return texts, keys


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_curated_data_in_presentation_mode_names_no_one(page, lang, monkeypatch, tmp_path):
    monkeypatch.setenv("COOP_DATA", str(CURATED))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "no-store"))
    at = run_dashboard(None if page == "overview" else page, present="1", lang=lang)
    texts, _ = _open_every_show_rows(at)
    folded = "\n".join(texts).casefold()
    assert [p for p in CURATED_PEOPLE if p in folded] == []
    assert "v-samsmu-" not in folded and "v-admi-hafezi" not in folded


def test_show_rows_stays_in_presentation_mode_with_neutral_ids(monkeypatch, tmp_path):
    monkeypatch.setenv("COOP_DATA", str(CURATED))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "no-store"))
    at = run_dashboard("mobility", present="1", lang="ru")
    keys = [b.key for b in at.button if (b.key or "").startswith("ev-")]
    assert "ev-visits_incoming" in keys and "ev-lecture_sessions" in keys
    at.button(key="ev-visits_incoming").click().run(timeout=30)
    panel = [d.value for d in at.dataframe if "visits:2" in d.value.iloc[:, 0].tolist()]
    assert panel, "the incoming visits' rows, v-samsmu-togizbaev shown as visits:2"
    rows = panel[0]
    # the source by its document only (its title from documents.csv), no quote, no person column
    assert "International Cooperation Relations" in rows.to_csv() and "Head of the center" not in rows.to_csv()
    assert "Персона" not in rows.columns and "Person" not in rows.columns


def test_the_visits_table_offers_the_masked_rows_for_download(monkeypatch, tmp_path):
    """The CSV of a table is the table shown (ui.panels._table): its cells are masked."""
    monkeypatch.setenv("COOP_DATA", str(CURATED))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "no-store"))
    at = run_dashboard("mobility", present="1", lang="ru")
    ids = [v for d in at.dataframe for v in d.value.iloc[:, 0].astype(str).tolist()]
    assert "visits:2" in ids and "visits:3" in ids and "visits:18" in ids
    assert not [i for i in ids if "togizbaev" in i or "hafezi" in i]


@pytest.fixture
def named_titles(tmp_path, monkeypatch):
    """tests/data/dashboard with titles that name people and a person cell the loader
    reports (a control character: a warning that shows the cell)."""
    folder = tmp_path / "data"
    shutil.copytree(DASHBOARD, folder)
    grants = folder / "grants.csv"
    grants.write_text(grants.read_text(encoding="utf-8")
                      + "g5,samsmu,p-snu,Joint residency led by Kim Min-jun,KOICA,,,,,active,"
                        "2024-01-01,2026-01-01,1000,USD,\n", encoding="utf-8")
    agreements = folder / "agreements.csv"
    agreements.write_text(agreements.read_text(encoding="utf-8")
                          + "a8,admi,p-pirogov,mou,MoU signed by Prof. Tursunov,,,2024-02-01,,,,\n"
                            "a9,admi,p-kazmed,mou,Проект под руководством Иванова И.И.,,,2024-02-01,,,,\n",
                          encoding="utf-8")
    visits = folder / "visits.csv"
    visits.write_text(visits.read_text(encoding="utf-8")
                      + "v10,admi,p-pirogov,,Rustam\x07 Tursunov,Dean of Surgery,incoming,in_person,"
                        "lectures,,,2024-04-01,,,,,\n", encoding="utf-8")
    (folder / "documents.csv").write_text(
        "doc_id,title,kind,author,published_on,url,file,language,public,attached_to,note\n"
        "d1,Lecture notes of Kim Min-jun,report,Prof. Tursunov,2024-05-01,,,en,yes,,\n", encoding="utf-8")
    monkeypatch.setenv("COOP_DATA", str(folder))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "no-store"))


def _pick_document(at):
    if at.selectbox and any(s.key == "document-detail" for s in at.selectbox):
        at.selectbox(key="document-detail").select("d1").run(timeout=30)
    return at


NAMED = ["Kim Min-jun", "Tursunov", "Иванова", "Dean of Surgery", "Prof.", "Rustam"]


@pytest.mark.parametrize("page", ["grants", "agreements", "quality", "mobility", "overview", "documents"])
def test_titles_and_quality_values_name_no_one_in_presentation_mode(page, named_titles):
    at = _pick_document(run_dashboard(None if page == "overview" else page, present="1", lang="en"))
    texts, _ = _open_every_show_rows(at)
    joined = "\n".join(texts)
    assert [n for n in NAMED if n in joined] == []


@pytest.mark.parametrize("page", ["grants", "agreements", "quality", "documents"])
def test_the_same_pages_name_them_outside_presentation_mode(page, named_titles):
    """The check above can fail: without presentation mode the names are on the page."""
    at = _pick_document(run_dashboard(page, lang="en"))
    joined = "\n".join(page_texts(at))
    assert any(n in joined for n in NAMED)


def test_the_data_page_is_closed_in_presentation_mode(monkeypatch, tmp_path):
    """The Data page lists rows as typed (names included): closed when presenting."""
    monkeypatch.setenv("COOP_DATA", str(CURATED))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "no-store"))
    at = run_dashboard("data", present="1", lang="ru")
    assert [i.value for i in at.info] == [
        "В режиме презентации эта страница не показывается: на ней строки в том виде, как их ввели, "
        "с именами, и журнал редакторов. Чтобы изменить данные, выключите режим презентации на боковой панели."]
    assert not at.text_input and not at.code


def test_the_public_pack_of_the_curated_data_names_no_one(tmp_path):
    """Issue 24 build item 3: the public pack goes through the same module: no person,
    no title, no id made from a name in any part of the PDF, PPTX or XLSX."""
    import zipfile
    from datetime import date

    from pypdf import PdfReader

    from loaders import load_dataset
    from metrics import Scope
    from report.model import build_pack
    from report.pdf import write_pdf
    from report.pptx import write_pptx
    from report.xlsx import write_xlsx

    pack = build_pack(load_dataset(CURATED), Scope(as_of=date(2025, 6, 30)), "ru", public=True)
    parts = {}
    for kind, write in (("pptx", write_pptx), ("xlsx", write_xlsx)):
        with zipfile.ZipFile(write(tmp_path / f"p.{kind}", pack)) as archive:
            parts[kind] = "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    parts["pdf"] = "\n".join(p.extract_text() for p in PdfReader(write_pdf(tmp_path / "p.pdf", pack)).pages)
    for kind, text in parts.items():
        folded = text.casefold()
        assert [p for p in CURATED_PEOPLE if p in folded] == [], kind
        assert "v-samsmu-togizbaev" not in folded and "v-admi-hafezi" not in folded, kind
    assert "visits:2" in parts["xlsx"]  # the same neutral id as on screen and in the JSON


def test_documents_feed_the_same_figures_in_presentation_mode(monkeypatch, tmp_path):
    """Neutral ids are shown, the loaded ones matched: a document feeds the same figures."""
    monkeypatch.setenv("COOP_DATA", str(CURATED))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "no-store"))
    normal, presenting = (run_dashboard("documents", present=p, lang="en").dataframe[0].value for p in ("0", "1"))
    assert normal["Figures fed (current filters)"].tolist() == presenting["Figures fed (current filters)"].tolist()
    assert "Incoming visits" in presenting["Figures fed (current filters)"].tolist()[0]


def test_the_timeline_hover_carries_neutral_ids(tmp_path, monkeypatch):
    """Issue 26 item 12: the timeline's hover ids named people (v-samsmu-togizbaev)."""
    import json

    folder = tmp_path / "data"
    shutil.copytree(DASHBOARD, folder)
    visits = folder / "visits.csv"
    visits.write_text(visits.read_text(encoding="utf-8").replace("\nv1,", "\nv-samsmu-kim-min-jun,"),
                      encoding="utf-8")
    monkeypatch.setenv("COOP_DATA", str(folder))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "no-store"))
    for presenting, wanted, unwanted in (("1", "visits:2", "kim"), ("0", "v-samsmu-kim-min-jun", "visits:2")):
        at = run_dashboard("mobility", present=presenting, lang="en")
        [timeline] = [json.loads(c.proto.spec) for c in at.get("plotly_chart") if "visit-timeline" in c.proto.id]
        ids = [i for trace in timeline["data"] for i in trace.get("customdata") or []]
        hovers = " ".join(str(h) for trace in timeline["data"] for h in trace.get("hovertext") or [])
        assert wanted in ids, presenting
        assert not any(unwanted in str(i).casefold() for i in ids) and unwanted not in hovers.casefold(), presenting
