"""The evidence pack's research section, on a hand-made dataset whose every figure is
worked out below from the hand-made Web of Science fixture (tests/data/research/wos_plain.txt),
and on the demo dataset with the two real exports (the pack says what the JSON report says)."""

from __future__ import annotations

import io
import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from loaders import load_dataset
from metrics import Scope
from report.model import build_pack
from report.pdf import write_pdf
from report.xlsx import write_xlsx

DATA = Path(__file__).parent / "data" / "research"
AS_OF = date(2025, 6, 30)  # IRN window 2021–2025


@pytest.fixture(scope="module")
def samarkand(tmp_path_factory) -> Path:
    """SamSMU with agreements with Oxford (matched by name: "Univ Oxford") and Kazan; the
    WoS fixture is SamSMU's own export."""
    folder = tmp_path_factory.mktemp("samarkand")
    (folder / "institutions.csv").write_text(
        "institution_id,name,short_name,city,country\n"
        "samsmu,Samarkand State Medical University,SamSMU,Samarkand,UZB\n", encoding="utf-8")
    (folder / "partners.csv").write_text(
        "partner_id,name,type,country,city\n"
        "p-ox,University of Oxford,university,GBR,Oxford\n"
        "p-kazan,Kazan Federal University,university,RUS,Kazan\n", encoding="utf-8")
    (folder / "agreements.csv").write_text(
        "agreement_id,institution_id,partner_id,kind,signed_on,expires_on\n"
        "a-ox,samsmu,p-ox,mou,2022-01-10,2030-01-10\n"
        "a-kazan,samsmu,p-kazan,mou,2022-03-01,2030-03-01\n", encoding="utf-8")
    (folder / "visits.csv").write_text(
        "visit_id,institution_id,partner_id,direction,activity,start_date\n", encoding="utf-8")
    (folder / "publications" / "samsmu").mkdir(parents=True)
    shutil.copy(DATA / "wos_plain.txt", folder / "publications" / "samsmu" / "wos_plain.txt")
    return folder


def test_the_research_section_says_what_the_export_holds(samarkand):
    pack = build_pack(load_dataset(samarkand), Scope(as_of=AS_OF), "en")
    main, irn, gap, candidates = pack.research
    assert [s.title for s in pack.research] == [
        "Research collaboration: joint papers", "QS IRN from joint papers: the institutions behind P",
        "Agreements without joint papers", "Co-authors without an agreement"]
    # 6 records, the one without a year left out: 2023 (UZB, CHN, GBR), 2021 (UZB, USA),
    # 1994 (USA only), 2022 (no address), 2022 (unknown country). International = papers
    # whose affiliations span 2+ countries: 2023 and 2021, so 2 of 5 = 40%.
    assert main.lead == (
        "5 papers in 1 export file; 2 with a co-author in another country (40.0%). "
        "QS IRN from joint papers: not defined (P = 0: foreign institutions "
        "with 3 or more joint papers in 2021–2025; L = 0: countries).")
    per_year, countries = main.charts
    assert per_year.categories == ["1994", "2021", "2022", "2023"]
    assert [s.values for s in per_year.series] == [[1, 0, 2, 0], [0, 1, 0, 1]]
    # Foreign co-authors: the USA on two papers (UCSF 2021, Harvard 1994), China and the UK on one
    assert countries.categories == ["United States", "China", "United Kingdom"]
    assert countries.series[0].values == [2, 1, 1]
    assert main.table is None
    assert irn.table.rows == []  # no foreign institution with 3+ joint papers
    assert irn.table.note == "No foreign institution has 3 or more joint papers in these 5 years."
    # Oxford has a 2023 joint paper; Kazan none in 2021–2025
    assert gap.table.rows == [["a-kazan", "SamSMU", "Kazan Federal University", "Memorandum of understanding"]]
    assert gap.lead == "1 active agreement without a joint paper with the partner in 2021–2025."
    assert candidates.table.rows == []
    assert [r[:3] for r in pack.research_papers.rows] == [
        ["wos:WOS:A1994NB12300001", "1994", "no"], ["10.1000/wos.0002", "2021", "yes"],
        ["wos:WOS:000100000000005", "2022", "no"], ["wos:WOS:000100000000006", "2022", "no"],
        ["10.1000/wos.0001", "2023", "yes"]]
    assert pack.research_papers.rows[0][3] == "wos_plain.txt:33"


def test_the_section_is_in_russian_and_uzbek_too(samarkand):
    ru = build_pack(load_dataset(samarkand), Scope(as_of=AS_OF), "ru").research[0]
    uz = build_pack(load_dataset(samarkand), Scope(as_of=AS_OF), "uz").research[0]
    assert ru.lead.startswith("5 статей в 1 файле выгрузки; 2 — с соавтором из другой страны (40,0")
    assert uz.lead.startswith("1 ta eksport faylida 5 ta maqola; 2 tasida boshqa mamlakatdan hammuallif bor (40,0")
    assert ru.charts[1].categories == ["США", "Китай", "Великобритания"]


def test_pdf_and_excel_carry_the_section(samarkand):
    pack = build_pack(load_dataset(samarkand), Scope(as_of=AS_OF), "en")
    buffer = io.BytesIO()
    write_pdf(buffer, pack)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(buffer.getvalue())).pages)
    text = " ".join(text.split())
    assert "Research collaboration: joint papers" in text
    assert "5 papers in 1 export file; 2 with a co-author in another country (40.0%)." in text
    assert "Kazan Federal University" in text
    book = io.BytesIO()
    write_xlsx(book, pack)
    from openpyxl import load_workbook

    sheets = load_workbook(io.BytesIO(book.getvalue()), read_only=True)
    papers = [list(r) for r in sheets["Joint papers"].iter_rows(values_only=True)]
    assert papers[2] == ["Paper (DOI or source id)", "Year", "International", "File:row"]
    assert [r[0] for r in papers[3:]] == ["wos:WOS:A1994NB12300001", "10.1000/wos.0002",
                                          "wos:WOS:000100000000005", "wos:WOS:000100000000006",
                                          "10.1000/wos.0001"]


def test_no_exports_no_section(tmp_path):
    shutil.copytree(DATA / "demo", tmp_path / "demo", ignore=shutil.ignore_patterns("publications"))
    pack = build_pack(load_dataset(tmp_path / "demo"), Scope(as_of=AS_OF), "en")
    assert pack.research == [] and pack.research_papers is None


def test_the_pack_and_the_json_report_agree_on_the_real_exports(tmp_path):
    from report.__main__ import main

    out = tmp_path / "r.json"
    assert main([str(DATA / "demo"), "--as-of", AS_OF.isoformat(), "--out", str(out)]) == 0
    block = json.loads(out.read_text(encoding="utf-8"))["publications"]
    pack = build_pack(load_dataset(DATA / "demo"), Scope(as_of=AS_OF), "en")
    main_section, irn = pack.research[:2]
    share = f"{block['international_share'] * 100:.1f}%"
    assert main_section.lead.startswith(
        f"{block['papers']} papers in 2 export files; {block['international']} with a co-author "
        f"in another country ({share}).")
    assert len(pack.research_papers.rows) == block["papers"]
    assert sorted(r[0] for r in irn.table.rows) == block["irn_p"]


def test_more_than_ten_years_chart_the_earlier_ones_as_one_bar():
    import pandas as pd

    from report.coauthors import _year_bars

    years = pd.DataFrame({"year": list(range(2010, 2022)), "papers": [1] * 11 + [4],
                          "international": [0, 1] + [0] * 9 + [3]})
    labels, domestic, international = _year_bars(years, "en")
    # 12 years: 2010 and 2011 (2 papers, 1 international) in one bar, then 2012..2021
    assert labels == ["before 2012", *map(str, range(2012, 2022))]
    assert domestic == [1] + [1] * 9 + [1]
    assert international == [1] + [0] * 9 + [3]


def test_a_changed_export_makes_the_built_pack_stale_on_the_export_page(samarkand, tmp_path, monkeypatch):
    """The Export page keeps the files it built for the filters; a publication export
    replaced meanwhile must not leave the old pack downloadable."""
    import os

    from streamlit.testing.v1 import AppTest

    folder = tmp_path / "sam"
    shutil.copytree(samarkand, folder)
    monkeypatch.setenv("COOP_DATA", str(folder))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "store"))
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "views" / "export.py"),
                           default_timeout=120).run()
    at.button(key="export_build").click().run()
    assert len(at.get("download_button")) == 4  # the three files, and the zip with their documents
    export = folder / "publications" / "samsmu" / "wos_plain.txt"
    export.write_text(export.read_text(encoding="utf-8").replace("PY 2021", "PY 2020"), encoding="utf-8")
    stat = export.stat()
    os.utime(export, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    at.run()
    assert at.get("download_button") == []  # build again: the pack would say other figures
