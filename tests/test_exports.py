"""The evidence pack (pptx, pdf) and the Excel annex, written for a small CSV fixture.

Figures expected by hand for the fixture at as_of 2025-06-30, whole scope:
partners 5 (p-kor, p-deu, p-rus, p-tur, p-kaz), incoming visits 3 (v1, v3, v4), of which
1 remote -> remote_share 1/3, international students 55 (2024/2025: 35 KOR + 12 IND +
8 TJK), partner countries 5.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest
from browser_fixtures import browser, serve
from openpyxl import load_workbook
from pptx import Presentation
from pypdf import PdfReader

from i18n import strings
from loaders import load_dataset
from metrics import Scope, apply_scope
from report import build_report
from report.pdf import write_pdf
from report.pptx import write_pptx
from report.xlsx import write_xlsx

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2025, 6, 30)
HYPERLINK = '=HYPERLINK("http://x","y")'
PERSONS = ("Kim Min-jun", "Anvar Karimov", "Иван Петров", "Oʻlmas Toʻxtayev")
SURNAMES = ("Karimov", "Петров", "Toʻxtayev")
CHART_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"

FIXTURE = {
    "institutions": """institution_id,name,short_name,city,country,lat,lon
samsmu,Samarkand State Medical University,SamSMU,Samarkand,UZB,39.65,66.96
admi,Andijan State Medical Institute,ADMI,Andijan,UZB,40.78,72.34
""",
    "partners": """partner_id,name,type,country,city,lat,lon,website,source
p-kor,Seoul National University,university,KOR,Seoul,37.57,126.98,,
p-deu,Charité Berlin,hospital,DEU,Berlin,52.52,13.40,,
p-rus,Pirogov University,university,RUS,Moscow,55.75,37.62,,
p-tur,Istanbul University,university,TUR,Istanbul,41.01,28.98,,
p-kaz,Kazakh Rheumatology Center,research_center,KAZ,Almaty,43.24,76.89,,
""",
    "agreements": """agreement_id,institution_id,partner_id,kind,title,faculty,department,signed_on,expires_on,status,areas,source
a1,samsmu,p-kor,mou,MoU,Medicine,,2022-01-10,2025-09-30,,,report 2024
a2,samsmu,p-deu,cooperation_agreement,Cooperation,,,2020-03-01,2024-12-31,,,
a3,admi,p-rus,academic_mobility,Mobility,Pediatrics,,2023-05-01,,,,
a4,admi,p-tur,mou,"=HYPERLINK(""http://x"",""y"")",,,2026-01-01,,,,
""",
    "visits": """visit_id,institution_id,partner_id,country,person,person_title,direction,mode,activity,faculty,department,start_date,end_date,sessions,participants,audience,source
v1,samsmu,p-kor,,Kim Min-jun,Prof.,incoming,in_person,lectures,,,2024-03-01,,10,,,Article: Prof. Kim Min-jun lectured
v2,samsmu,p-deu,,Anvar Karimov,Dr.,outgoing,in_person,training,,,2023-10-01,,,,,Karimov trained in Berlin
v3,admi,p-rus,,Иван Петров,Prof.,incoming,remote,lectures,,,2024-11-05,,5,,,
v4,admi,p-kaz,,Oʻlmas Toʻxtayev,Prof.,incoming,in_person,masterclass,,,2025-02-01,,,,,
""",
    "grants": """grant_id,institution_id,partner_ids,title,funder,program,faculty,department,theme,status,start_date,end_date,amount,currency,source
g1,samsmu,p-kor,Joint oncology,KOICA,,,,,active,2024-01-01,2026-12-31,100000,USD,
g2,admi,p-rus; p-kaz,Neuro,Erasmus+,,,,,applied,2025-01-01,,20000,EUR,
g3,samsmu,p-deu,Training,DAAD,,,,,completed,,,50000,EUR,
""",
    "students": """institution_id,academic_year,country,level,faculty,program,count,source
admi,2023/2024,KOR,,,,30,
admi,2024/2025,KOR,,,,35,
admi,2024/2025,IND,,,,12,
samsmu,2024/2025,TJK,,,,8,
""",
    "fx_rates": """currency,year,usd_per_unit
EUR,2022,1.05
""",
}


@pytest.fixture(scope="module")
def dataset_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("dataset")
    for name, text in FIXTURE.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def dataset(dataset_dir):
    ds = load_dataset(dataset_dir)
    assert ds.fatal is None
    return ds


def _inputs(dataset, **scope_fields):
    scope = Scope(as_of=AS_OF, **scope_fields)
    return build_report(dataset, scope), apply_scope(dataset.tables, scope)


@pytest.fixture(scope="module")
def report_and_tables(dataset):
    return _inputs(dataset)


def test_fixture_figures_are_the_hand_counted_ones(report_and_tables):
    kpis = report_and_tables[0]["kpis"]
    assert (kpis["partners"], kpis["partner_countries"], kpis["visits_incoming"]) == (5, 5, 3)
    assert kpis["remote_share"] == 1 / 3
    assert kpis["international_students"] == 55


# ---------------------------------------------------------------- Excel annex


def _kpi_cells(book) -> dict[str, object]:
    """KPI key (column D) -> figure (column B) from the KPI sheet."""
    sheet = book.worksheets[0]
    return {row[3].value: row[1].value for row in sheet.iter_rows(min_row=1)
            if isinstance(row[3].value, str) and len(row) > 3}


def test_xlsx_kpi_sheet_equals_report(tmp_path, report_and_tables):
    report, tables = report_and_tables
    path = write_xlsx(tmp_path / "annex.xlsx", report, tables, "en", False)
    book = load_workbook(path)
    cells = _kpi_cells(book)
    for name, value in report["kpis"].items():
        # openpyxl writes 16 significant digits (Excel keeps 15): equal to that precision.
        expected = pytest.approx(value, rel=1e-15) if value is not None else "—"
        assert cells[name] == expected, name
    assert cells["partners"] == 5 and cells["international_students"] == 55


def test_xlsx_tables_keep_source_freeze_header_and_size_columns(tmp_path, report_and_tables):
    report, tables = report_and_tables
    book = load_workbook(write_xlsx(tmp_path / "annex.xlsx", report, tables, "en", False))
    visits = book["visits"]
    headers = [c.value for c in visits[1]]
    assert "source" in headers and "person" in headers
    assert visits.freeze_panes == "A2"
    assert visits.max_row == 1 + 4
    assert visits.column_dimensions["A"].width > 8
    assert [c.value for c in book["partners"]["B"][1:]] == [
        "Seoul National University", "Charité Berlin", "Pirogov University",
        "Istanbul University", "Kazakh Rheumatology Center",
    ]


def test_xlsx_formula_from_data_is_plain_text(tmp_path, report_and_tables):
    report, tables = report_and_tables
    path = write_xlsx(tmp_path / "annex.xlsx", report, tables, "en", False)
    sheet = load_workbook(path)["agreements"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == HYPERLINK]
    assert len(cells) == 1
    assert cells[0].data_type == "s" and cells[0].quotePrefix
    with zipfile.ZipFile(path) as archive:
        xml = "".join(archive.read(n).decode() for n in archive.namelist() if "worksheets" in n)
    assert "<f>" not in xml and "<f " not in xml  # no formula anywhere in the workbook


# ---------------------------------------------------------------- PowerPoint


def _charts(path) -> dict[str, dict[str, list[float]]]:
    """Chart title -> {series name: values} of every native chart of the deck."""
    charts = {}
    for slide in Presentation(path).slides:
        for shape in slide.shapes:
            if shape.has_chart:
                chart = shape.chart
                title = chart.chart_title.text_frame.text
                charts[title] = {s.name: list(s.values) for s in chart.plots[0].series}
                charts[title]["_categories"] = list(chart.plots[0].categories)
    return charts


def _deck_text(path) -> str:
    parts = []
    for slide in Presentation(path).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts += [cell.text for row in shape.table.rows for cell in row.cells]
            if shape.has_chart:
                plot = shape.chart.plots[0]
                parts += [str(c) for c in plot.categories] + [s.name for s in plot.series]
    return "\n".join(parts)


def test_pptx_native_chart_figures_equal_report(tmp_path, report_and_tables):
    report, tables = report_and_tables
    kpis = report["kpis"]
    path = write_pptx(tmp_path / "pack.pptx", report, tables, "en", False)
    with zipfile.ZipFile(path) as archive:
        content_types = archive.read("[Content_Types].xml").decode()
        chart_parts = [n for n in archive.namelist() if re.match(r"ppt/charts/chart\d+\.xml", n)]
    assert CHART_CONTENT_TYPE in content_types and len(chart_parts) >= 8
    charts = _charts(path)
    assert sum(charts["Partners by country"]["Partners"]) == kpis["partners"] == 5
    assert len(charts["Partners by country"]["_categories"]) == kpis["partner_countries"]
    mobility = charts["Visits per year"]
    assert mobility["_categories"] == ["2023", "2024", "2025"]
    assert mobility["Incoming"] == [0, 2, 1] and sum(mobility["Incoming"]) == kpis["visits_incoming"]
    assert sum(mobility["Outgoing"]) == kpis["visits_outgoing"] == 1
    in_person, remote = charts["Incoming visits by mode"]["Incoming"]
    assert remote / (in_person + remote) == kpis["remote_share"]
    students = charts["Students by country, 2024/2025"]["Students"]
    assert sum(students) == kpis["international_students"] == 55
    assert charts["Grants by status"]["Grants"] == [1, 0, 1, 1, 0]
    assert charts["Agreements by status"]["Agreements"] == [2, 1, 1, 0]
    text = _deck_text(path)
    assert "33.3 %" in text and "Samarkand State Medical University" in text
    assert "Иван Петров" in text  # the visits slide names people in the full edition


@pytest.mark.parametrize("lang", ["ru", "uz"])
def test_pptx_chart_words_are_translated(tmp_path, report_and_tables, lang):
    """No English enum word (status, partner type, mode...) is left on a ru/uz chart."""
    report, tables = report_and_tables
    path = write_pptx(tmp_path / "pack.pptx", report, tables, lang, False)
    english = {value for key, value in strings("en").items() if key.startswith("enum.")}
    translated = {value for key, value in strings(lang).items() if key.startswith("enum.")}
    english -= translated  # words spelled the same in both languages (e.g. "PhD")
    words = set()
    for chart in _charts(path).values():
        words |= set(chart["_categories"]) | {name for name in chart if name != "_categories"}
    assert not words & english, words & english


def test_pptx_empty_scope_says_no_data(tmp_path, dataset):
    report, tables = _inputs(dataset, countries={"BRA"})
    path = write_pptx(tmp_path / "empty.pptx", report, tables, "en", False)
    assert _charts(path) == {}
    assert "No data in this scope" in _deck_text(path)


# ---------------------------------------------------------------- PDF


def _pdf_text(path) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    return re.sub(r"\s+", " ", text.replace("\u202f", " "))


def test_pdf_text_has_kpi_figures_and_cyrillic(tmp_path, report_and_tables):
    report, tables = report_and_tables
    text = _pdf_text(write_pdf(tmp_path / "pack.pdf", report, tables, "en", False))
    for expected in ("Partners 5", "Incoming visits 3", "Remote share 33.3 %",
                     "International students 55", "USD 152 500", "Иван Петров",
                     "Oʻlmas", "Distinct countries of those partners"):
        assert expected in text, expected


def test_pdf_in_russian_keeps_cyrillic_country_names(tmp_path, dataset):
    report, tables = _inputs(dataset)
    text = _pdf_text(write_pdf(tmp_path / "pack_ru.pdf", report, tables, "ru", False))
    assert "Россия" in text


def test_pdf_empty_scope_is_written(tmp_path, dataset):
    report, tables = _inputs(dataset, countries={"BRA"})
    text = _pdf_text(write_pdf(tmp_path / "empty.pdf", report, tables, "en", False))
    assert "No data in this scope" in text


# ---------------------------------------------------------------- public edition


def test_public_outputs_hold_no_personal_name(tmp_path, report_and_tables):
    report, tables = report_and_tables
    deck = _deck_text(write_pptx(tmp_path / "p.pptx", report, tables, "en", True))
    pdf = _pdf_text(write_pdf(tmp_path / "p.pdf", report, tables, "en", True))
    book = load_workbook(write_xlsx(tmp_path / "p.xlsx", report, tables, "en", True))
    annex = "\n".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row
                      if c.value is not None)
    for name in PERSONS + SURNAMES:
        for label, text in (("pptx", deck), ("pdf", pdf), ("xlsx", annex)):
            assert name.lower() not in text.lower(), (label, name)
    assert "person" not in [c.value for c in book["visits"][1]]
    assert "Seoul National University" in deck  # partners are organisations, kept


# ---------------------------------------------------------------- command line


@pytest.mark.parametrize("suffix", [".pptx", ".pdf", ".xlsx"])
def test_cli_writes_each_format(tmp_path, dataset_dir, suffix):
    out = tmp_path / f"pack{suffix}"
    result = subprocess.run(
        [sys.executable, "-m", "report", str(dataset_dir), "--out", str(out),
         "--as-of", "2025-06-30", "--institution", "admi", "--public"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    assert len(data) > 1000
    assert "Иван Петров".encode() not in data
    if suffix == ".xlsx":
        kpis = {k: v for k, v in _kpi_cells(load_workbook(io.BytesIO(data))).items()}
        assert kpis["visits_incoming"] == 2 and kpis["partners"] == 3


# ---------------------------------------------------------------- Export page


def test_export_page_smoke(dataset_dir, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("COOP_DATA", str(dataset_dir))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "store"))
    at = AppTest.from_file(str(ROOT / "pages" / "export.py"), default_timeout=60).run()
    assert not at.exception
    buttons = at.get("download_button")
    assert len(buttons) == 3
    assert "python -m report" in at.code[0].value and "--as-of" in at.code[0].value


@pytest.mark.browser
def test_export_page_downloads_in_chromium(dataset_dir, tmp_path):
    """Click each download on the Export page in real Chromium; the files open."""
    from playwright.sync_api import expect

    files = {}
    with (
        serve(dataset_dir, store=tmp_path / "store") as base_url,
        browser(width=1400, height=1000) as page,
    ):
        page.goto(base_url + "/export", timeout=60_000)
        for label, suffix in (("Evidence pack (PDF)", ".pdf"),
                              ("Data annex (Excel)", ".xlsx"),
                              ("Evidence pack (PowerPoint)", ".pptx")):
            button = page.get_by_role("button", name=label)
            expect(button).to_be_visible(timeout=60_000)
            with page.expect_download(timeout=120_000) as info:
                button.click()
            target = tmp_path / f"download{suffix}"
            info.value.save_as(target)
            assert info.value.suggested_filename.endswith(suffix)
            files[suffix] = target
    assert files[".pdf"].read_bytes().startswith(b"%PDF")
    assert _kpi_cells(load_workbook(files[".xlsx"]))["partners"] == 5
    assert sum(_charts(files[".pptx"])["Partners by country"]["Partners"]) == 5
