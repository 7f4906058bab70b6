"""The evidence pack (pptx, pdf) and the Excel annex, written for a small CSV fixture.

Figures expected by hand for the fixture at as_of 2025-06-30, whole scope:
partners 5 (p-kor, p-deu, p-rus, p-tur, p-kaz), incoming visits 3 (v1, v3, v4), of which
1 remote -> remote_share 1/3, international students 55 (2024/2025: 35 KOR + 12 IND +
8 TJK), partner countries 5.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pptx import Presentation
from pypdf import PdfReader

import report.__main__ as cli
from loaders import load_dataset
from metrics import KPIS, Scope
from report import build_report
from report.model import build_pack, file_stem
from report.pdf import write_pdf
from report.pptx import write_pptx
from report.xlsx import write_xlsx

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2025, 6, 30)
HYPERLINK = '=HYPERLINK("http://x","y")'
PERSONS = ("Kim Min-jun", "Anvar Karimov", "Иван Петров", "Oʻlmas Toʻxtayev")
SURNAMES = ("Karimov", "Петров", "Toʻxtayev")
TITLES = ("Head of the Oncology Centre",)
EXTRA_PERSONS = ("Lee Ji-eun", "Hong Gil-dong")  # in person.1 and lecturer columns
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
a1,samsmu,p-kor,mou,MoU,Medicine,,2022,2025-09-30,,,report 2024
a2,samsmu,p-deu,cooperation_agreement,Cooperation,,,2020-03-01,2024-12-31,,,
a3,admi,p-rus,academic_mobility,Mobility,Pediatrics,,2023-05,,,,
a4,admi,p-tur,mou,"=HYPERLINK(""http://x"",""y"")",,,2026-01-01,,,,
""",
    "visits": """visit_id,institution_id,partner_id,country,person,person_title,direction,mode,activity,faculty,department,start_date,end_date,sessions,participants,audience,source
v1,samsmu,p-kor,,Kim Min-jun,Head of the Oncology Centre,incoming,in_person,lectures,,,2024-03-01,,10,,,Article: Prof. Kim Min-jun lectured
v2,samsmu,p-deu,,Anvar Karimov,Dr.,outgoing,in_person,training,,,2023-10-01,,,,,Karimov trained in Berlin
v3,admi,p-rus,,Иван Петров,Prof.,incoming,remote,lectures,,,2024-11-05,,5,,,
v4,admi,p-kaz,,Oʻlmas Toʻxtayev,Prof.,incoming,in_person,masterclass,,,2025-02-01,,,,,
""",
    "grants": """grant_id,institution_id,partner_ids,title,funder,program,faculty,department,theme,status,start_date,end_date,amount,currency,source
g1,samsmu,p-kor,Joint oncology 서울 北京,KOICA,,,,,active,2024-01-01,2026-12-31,100000,USD,
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


SCOPE = Scope(as_of=AS_OF)


@pytest.fixture(scope="module")
def report(dataset):
    return build_report(dataset, SCOPE)


_PACKS: dict = {}


def pack_of(dataset, lang="en", public=False, scope=SCOPE):
    """The pack of that dataset, built once per module (keyed on the dataset object itself,
    held here, so a later dataset can never be served another's pack)."""
    key = (lang, public, scope)
    cached = _PACKS.get(key)
    if cached is None or cached[0] is not dataset:
        _PACKS[key] = (dataset, build_pack(dataset, scope, lang, public))
    return _PACKS[key][1]


def test_fixture_figures_are_the_hand_counted_ones(report):
    kpis = report["kpis"]
    assert (kpis["partners"], kpis["partner_countries"], kpis["visits_incoming"]) == (5, 5, 3)
    assert kpis["remote_share"] == 1 / 3
    assert kpis["international_students"] == 55
    assert kpis["grant_funding_usd"] == 152_500  # 100,000 USD + 50,000 EUR x 1.05


def _json(lang: str) -> dict:
    import json

    return json.loads((ROOT / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))


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


def _slide_text(slide) -> str:
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts += [cell.text for row in shape.table.rows for cell in row.cells]
        if shape.has_chart:
            plot = shape.chart.plots[0]
            parts += [str(c) for c in plot.categories] + [s.name for s in plot.series]
    return "\n".join(parts)


def _deck_text(path) -> str:
    deck = Presentation(path)
    return "\n".join([_slide_text(s) for s in deck.slides]
                     + [s.notes_slide.notes_text_frame.text for s in deck.slides
                        if s.has_notes_slide])


def _table_cells(path) -> list[list[str]]:
    rows = []
    for slide in Presentation(path).slides:
        for shape in slide.shapes:
            if shape.has_table:
                rows += [[c.text for c in row.cells] for row in shape.table.rows]
    return rows


@pytest.mark.parametrize("lang", ["en", "ru", "uz"])
def test_every_slide_has_a_title_placeholder(tmp_path, dataset, lang):
    deck = Presentation(write_pptx(tmp_path / "pack.pptx", pack_of(dataset, lang)))
    titles = [slide.shapes.title.text_frame.text if slide.shapes.title is not None else None
              for slide in deck.slides]
    assert len(titles) >= 12 and all(titles), titles
    # The big-number slide, the agreements list, the appendix and the sources exist.
    strings_of = _json(lang)
    for key in ("export.kpis.title", "pack.agreements.active_list", "pack.appendix.title",
                "pack.sources.title", "export.section.map"):
        assert any(title.startswith(strings_of[key]) for title in titles), key


# Figures of the fixture as each language writes them (worked out by hand).
BIG = {
    "en": {"partners": "5", "visits_incoming": "3", "grant_funding_usd": "$152,500",
           "international_students": "55"},
    "ru": {"partners": "5", "visits_incoming": "3", "grant_funding_usd": "152\u00a0500\u00a0$",
           "international_students": "55"},
    "uz": {"partners": "5", "visits_incoming": "3", "grant_funding_usd": "152\u00a0500\u00a0$",
           "international_students": "55"},
}
# v3: a share of fewer than 5 visits reads as its counts (1 remote of 3 incoming)
REMOTE = {"en": "1 of 3 remote", "ru": "1 из 3 дистанционно", "uz": "3 tadan 1 tasi masofaviy"}


@pytest.mark.parametrize("lang", ["en", "ru", "uz"])
def test_big_numbers_equal_the_report_formatted_for_the_language(tmp_path, dataset, lang):
    deck = Presentation(write_pptx(tmp_path / "pack.pptx", pack_of(dataset, lang)))
    big_slide = _slide_text(deck.slides[2]).split("\n")  # after the summary (issue 29)
    labels = _json(lang)
    for name, value in BIG[lang].items():
        pairs = list(zip(big_slide, big_slide[1:], strict=False))  # the figure, then its label
        assert (value, labels[f"kpi.{name}.label"]) in pairs, name
    all_figures = _slide_text(deck.slides[3]).split("\n")
    at = all_figures.index(labels["kpi.remote_share.label"])
    assert all_figures[at + 1] == REMOTE[lang]
    # Each count's own change, as the JSON report has it: its two years and both values
    # (2025 against 2024, both cut at 30 June, for the dated tables of this fixture).
    report = build_report(dataset, SCOPE)
    for name in ("partners", "partner_countries", "agreements_active", "visits_incoming"):
        change = report["figures"][name]["change"]
        at = big_slide.index(labels[f"kpi.{name}.label"])
        assert big_slide[at + 1].startswith(
            f"{change['year']}: {change['current']} · {change['previous']}: {change['before']}"), name
    assert report["figures"]["partners"]["change"]["year"] == 2025


def test_the_slides_list_the_active_agreements_and_the_annex_every_one(tmp_path, dataset, report):
    cells = _table_cells(write_pptx(tmp_path / "pack.pptx", pack_of(dataset)))
    listed = {row[0] for row in cells}
    # issue 29: the slides keep the active agreements (a1, a3); a2 expired, a4 is planned
    assert {"a1", "a3"} <= listed and not {"a2", "a4"} & listed
    book = load_workbook(write_xlsx(tmp_path / "annex.xlsx", pack_of(dataset)))
    assert sorted(r[0].value for r in book["Agreements"].iter_rows(min_row=2)) == ["a1", "a2", "a3", "a4"]
    rows = {row[0]: row for row in cells if row[0] in {"a1", "a3"}}
    assert rows["a1"][4] == "2022"  # year precision: never 1 Jan 2022
    assert rows["a3"][4] == "May 2023"  # month precision


def test_year_and_month_dates_in_russian(tmp_path, dataset):
    cells = _table_cells(write_pptx(tmp_path / "pack.pptx", pack_of(dataset, "ru")))
    rows = {row[0]: row for row in cells if row[0] in {"a1", "a3"}}
    assert rows["a1"][4] == "2022" and rows["a3"][4] == "Май 2023"


def test_appendix_row_counts_equal_the_evidence_sets(tmp_path, dataset, report):
    pack = pack_of(dataset)
    for entry in pack.appendix:
        assert entry.rows == len(report["evidence"][entry.name]), entry.name
        assert sum(n for _, n, _ in entry.by_document) >= entry.rows
    deck = Presentation(write_pptx(tmp_path / "pack.pptx", pack))
    appendix = [s for s in deck.slides
                if s.shapes.title.text_frame.text.startswith("Where each figure comes from")]
    assert appendix
    rows = [r for s in appendix for sh in s.shapes if sh.has_table
            for r in [[c.text for c in row.cells] for row in sh.table.rows]]
    by_label = {r[0]: r for r in rows if r[0]}
    assert by_label["Incoming visits"][2] == "3"  # v1, v3, v4
    assert by_label["Partners"][2] == "5"
    notes = "\n".join(s.notes_slide.notes_text_frame.text for s in appendix)
    assert _json("en")["kpi.partners.definition"] in notes


def test_one_colour_per_meaning_across_the_deck(tmp_path, dataset):
    from lxml import etree

    path = write_pptx(tmp_path / "pack.pptx", pack_of(dataset))
    colours: dict[str, set[str]] = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if not re.match(r"ppt/charts/chart\d+\.xml", name):
                continue
            root = etree.fromstring(archive.read(name))
            ns = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
                  "a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
            for ser in root.iterfind(".//c:ser", ns):
                label = "".join(ser.xpath("./c:tx//c:v/text()", namespaces=ns))
                fill = ser.xpath("./c:spPr/a:solidFill/a:srgbClr/@val", namespaces=ns)
                if fill:
                    colours.setdefault(label, set()).add(fill[0])
    assert colours["Incoming"] == {"1F4E79"} and colours["Outgoing"] == {"E08E2B"}
    assert colours["Remote"] == {"8E6CB5"} and colours["In person"] == {"4C9A6A"}
    meaning_of = {}
    for label, fills in colours.items():
        for fill in fills:
            meaning_of.setdefault(fill, set()).add(label)
    assert not meaning_of["E08E2B"] - {"Outgoing"}  # orange never means "Remote"


@pytest.mark.parametrize("lang", ["ru", "uz"])
def test_pptx_chart_words_are_translated(tmp_path, dataset, lang):
    """No English enum word (status, partner type, mode...) is left on a ru/uz chart."""
    path = write_pptx(tmp_path / "pack.pptx", pack_of(dataset, lang))
    english = {value for key, value in _json("en").items() if key.startswith("enum.")}
    english -= {value for key, value in _json(lang).items() if key.startswith("enum.")}
    words = set()
    for chart in _charts(path).values():
        words |= set(chart["_categories"]) | {name for name in chart if name != "_categories"}
    assert not words & english, words & english


def test_pptx_empty_scope_says_no_data(tmp_path, dataset):
    pack = pack_of(dataset, scope=Scope(as_of=AS_OF, countries={"BRA"}))
    path = write_pptx(tmp_path / "empty.pptx", pack)
    assert _charts(path) == {}
    # the sections without data are left out and the summary slide names them (issue 29)
    text = _deck_text(path)
    line = next(line for line in text.splitlines()
                if line.startswith("Not in this pack (no data in the selection): "))
    for title in ("Partners on the map", "Mobility", "Grants and joint projects"):
        assert title in line
    assert "Every grant in scope" not in text


def test_branding_folder_sets_logo_colour_and_footer(tmp_path, dataset_dir):
    import shutil

    from PIL import Image

    folder = tmp_path / "branded"
    shutil.copytree(dataset_dir, folder)
    (folder / "branding").mkdir()
    Image.new("RGB", (40, 20), "#7a1f2b").save(folder / "branding" / "logo.png")
    (folder / "branding" / "branding.toml").write_text(
        'colour = "#7a1f2b"\nfooter = "International Office"\n', encoding="utf-8")
    pack = build_pack(load_dataset(folder), SCOPE)
    deck = Presentation(write_pptx(tmp_path / "b.pptx", pack))
    cover = deck.slides[0]
    assert any(shape.shape_type == 13 for shape in cover.shapes)  # the logo picture
    title_run = deck.slides[1].shapes.title.text_frame.paragraphs[0].font
    assert str(title_run.color.rgb) == "7A1F2B"
    assert "International Office" in _slide_text(deck.slides[3])


# ---------------------------------------------------------------- PDF


def _pdf_text(path) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    # fpdf2 writes a fallback-font glyph (CJK) with a NUL before it in the text layer.
    text = text.replace("\x00", "")
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " "))


def test_pdf_text_has_kpi_figures_chart_titles_and_every_script(tmp_path, dataset):
    text = _pdf_text(write_pdf(tmp_path / "pack.pdf", pack_of(dataset)))
    for expected in ("Partners 5", "Incoming visits 3", "Remote share 1 of 3 remote",
                     "International students 55", "$152,500",
                     "Distinct foreign countries of those partners", "서울", "北京"):
        assert expected in text, expected
    for key in ("export.chart.grants_by_funder", "export.chart.agreements_by_status",
                "export.chart.agreements_expiring_by_year", "export.chart.mobility"):
        assert _json("en")[key] in text, key  # chart titles are whole text, never cut


@pytest.mark.parametrize("lang", ["ru", "uz"])
def test_pdf_in_russian_and_uzbek_has_no_english_formatted_figure(tmp_path, dataset, lang):
    text = _pdf_text(write_pdf(tmp_path / f"pack_{lang}.pdf", pack_of(dataset, lang)))
    assert re.findall(r"\d\.\d|\d,\d{3}\b|USD \d|\$\d", text) == []
    assert REMOTE[lang].replace("\u00a0", " ") in text
    assert "152 500 $" in text
    titles = [_json(lang)[k] for k in ("export.chart.grants_by_funder",
                                       "export.chart.agreements_by_status")]
    for title in titles:
        assert title in text


def test_pdf_long_name_is_cut_with_an_ellipsis_and_does_not_crash(tmp_path, dataset):
    from types import SimpleNamespace

    tables = {name: frame.copy() for name, frame in dataset.tables.items()}
    partners = tables["partners"]
    partners.loc[partners["partner_id"] == "p-deu", "name"] = "Charité " + "x" * 10_000
    long = SimpleNamespace(tables=tables, problems=[], path=None)
    text = _pdf_text(write_pdf(tmp_path / "long.pdf", build_pack(long, SCOPE)))
    assert "Charité xxxx" in text and "…" in text
    assert "x" * 500 not in text


# ---------------------------------------------------------------- Excel annex


def _kpi_cells(book) -> dict[str, object]:
    """KPI name -> figure (column B, a number) from the KPI sheet, found by its label
    (column A) in English or Russian."""
    names = {words[f"kpi.{k.name}.label"]: k.name for lang in ("en", "ru")
             for words in [_json(lang)] for k in KPIS}
    sheet = book.worksheets[0]
    return {names[row[0].value]: row[1].value for row in sheet.iter_rows(min_row=1)
            if len(row) > 3 and row[0].value in names}


def test_xlsx_figures_equal_the_pack(tmp_path, dataset):
    book = load_workbook(write_xlsx(tmp_path / "annex.xlsx", pack_of(dataset, "ru")))
    cells = _kpi_cells(book)
    # numbers an expert can sum (issue 29), not the text "5" or "152 500 $"
    assert cells["partners"] == 5 and cells["remote_share"] == pytest.approx(1 / 3)
    assert cells["grant_funding_usd"] == 152500


def test_xlsx_in_russian_has_russian_headers_words_and_ids_in_their_column(tmp_path, dataset):
    ru = _json("ru")
    book = load_workbook(write_xlsx(tmp_path / "annex.xlsx", pack_of(dataset, "ru")))
    visits = book[ru["export.sheet.visits"]]
    headers = [c.value for c in visits[1]]
    assert headers[:5] == [ru["pack.column.visit_id"], ru["pack.column.institution_id"],
                           ru["pack.col.institution_name"], ru["pack.column.partner_id"],
                           ru["pack.col.partner_name"]]
    rows = [[c.value for c in row] for row in visits.iter_rows(min_row=2)]
    v3 = next(r for r in rows if r[0] == "v3")
    assert v3[3] == "p-rus" and v3[4] == "Pirogov University"
    assert ru["enum.direction.incoming"] in v3 and ru["enum.mode.remote"] in v3
    assert "Россия" in v3 and "incoming" not in v3 and "RUS" not in v3
    evidence = book[f"Строки – {ru['kpi.visits_incoming.label']}"[:31]]
    ids = [r[0].value for r in evidence.iter_rows(min_row=4)]
    assert ids == ["v1", "v3", "v4"]


def test_xlsx_formula_from_data_is_plain_text(tmp_path, dataset):
    path = write_xlsx(tmp_path / "annex.xlsx", pack_of(dataset))
    sheet = load_workbook(path)["Agreements"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == HYPERLINK]
    assert len(cells) == 1
    assert cells[0].data_type == "s" and cells[0].quotePrefix
    with zipfile.ZipFile(path) as archive:
        xml = "".join(archive.read(n).decode() for n in archive.namelist() if "worksheets" in n)
    assert "<f>" not in xml and "<f " not in xml  # no formula anywhere in the workbook


def test_xlsx_splits_a_table_longer_than_a_sheet(tmp_path, dataset):
    """Past the sheet's row limit (Excel: 1,048,576; 3 here) the table goes on."""
    path = write_xlsx(tmp_path / "annex.xlsx", pack_of(dataset), rows_per_sheet=3)
    book = load_workbook(path)
    parts = [book[n] for n in ("Visits", "Visits (2)")]
    ids = [r[0].value for sheet in parts for r in sheet.iter_rows(min_row=2)]
    assert ids == ["v1", "v2", "v3", "v4"]
    assert all(sheet[1][0].value == "Visit id" for sheet in parts)


# ---------------------------------------------------------------- public edition


def _with_extra_person_columns(dataset):
    """The fixture plus a duplicated person header (read as person.1) and a lecturer."""
    from types import SimpleNamespace

    tables = {name: frame.copy() for name, frame in dataset.tables.items()}
    visits = tables["visits"]
    visits["person.1"] = ["Lee Ji-eun", None, None, None]
    visits["lecturer"] = [None, "Hong Gil-dong", None, None]
    visits.loc[visits["visit_id"] == "v2", "visit_id"] = "v-samsmu-karimov"
    return SimpleNamespace(tables=tables, problems=[], path=None)


def _every_xml_part(path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "\n".join(archive.read(n).decode("utf-8", "replace")
                         for n in archive.namelist())


def test_public_edition_holds_no_name_or_title_in_any_part(tmp_path, dataset):
    data = _with_extra_person_columns(dataset)
    pack = build_pack(data, SCOPE, "en", public=True)
    files = {
        "pptx": _every_xml_part(write_pptx(tmp_path / "p.pptx", pack)),
        "xlsx": _every_xml_part(write_xlsx(tmp_path / "p.xlsx", pack)),
        "pdf": _pdf_text(write_pdf(tmp_path / "p.pdf", pack)),
    }
    for name in PERSONS + SURNAMES + TITLES + EXTRA_PERSONS:
        for kind, text in files.items():
            assert name.lower() not in text.lower(), (kind, name)
    book = load_workbook(tmp_path / "p.xlsx")
    headers = [c.value for c in book["Visits"][1]]
    assert not {"Person", "Position", "person.1", "lecturer"} & set(headers)
    ids = [r[0].value for r in book["Visits"].iter_rows(min_row=2)]
    # in the public edition every visit is named by its row in the file ("visits:<row>")
    assert ids == ["visits:2", "visits:3", "visits:4", "visits:5"]
    assert not any("[name hidden]" in str(i) for i in ids)
    assert "Seoul National University" in files["pptx"]  # organisations are kept
    core = zipfile.ZipFile(tmp_path / "p.pptx").read("docProps/core.xml").decode()
    assert "<dc:creator>" not in core or "<dc:creator></dc:creator>" in core


def test_the_normal_edition_keeps_ids_and_names(tmp_path, dataset):
    pack = pack_of(dataset)
    book = load_workbook(write_xlsx(tmp_path / "n.xlsx", pack))
    ids = [r[0].value for r in book["Visits"].iter_rows(min_row=2)]
    assert ids == ["v1", "v2", "v3", "v4"]
    assert "Иван Петров" in [c.value for row in book["Visits"].iter_rows() for c in row]


# ---------------------------------------------------------------- names and command line


def test_file_names_say_institutions_scope_language_and_date(dataset):
    tables = dataset.tables
    assert file_stem(SCOPE, tables, "en", False) == "ADMI-SamSMU_all_en_2025-06-30"
    scope = Scope(institutions={"samsmu"}, year_from=2023, year_to=2024, countries={"KOR"},
                  as_of=AS_OF)
    assert file_stem(scope, tables, "ru", True) == "SamSMU_2023-2024-KOR_ru_2025-06-30_public"


@pytest.mark.parametrize("suffix", [".pptx", ".pdf", ".xlsx"])
def test_cli_writes_each_format(tmp_path, dataset_dir, suffix):
    # In process: the exit status of the real subprocess is tested in test_report_cli.py.
    out = tmp_path / f"pack{suffix}"
    code = cli.main([str(dataset_dir), "--out", str(out), "--as-of", "2025-06-30",
                     "--institution", "admi", "--public"])
    assert code == 0
    data = out.read_bytes()
    assert len(data) > 1000
    assert "Иван Петров".encode() not in data
    if suffix == ".xlsx":
        kpis = _kpi_cells(load_workbook(io.BytesIO(data)))
        assert kpis["visits_incoming"] == 2 and kpis["partners"] == 3


def test_cli_names_the_file_in_a_folder(tmp_path, dataset_dir):
    code = cli.main([str(dataset_dir), "--out", str(tmp_path), "--format", "xlsx",
                     "--as-of", "2025-06-30", "--lang", "uz"])
    assert code == 0
    assert (tmp_path / "ADMI-SamSMU_all_uz_2025-06-30.xlsx").exists()


# ---------------------------------------------------------------- Export page


def test_export_page_builds_with_progress_and_names_files(dataset_dir, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("COOP_DATA", str(dataset_dir))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "store"))
    at = AppTest.from_file(str(ROOT / "views" / "export.py"), default_timeout=120).run()
    assert not at.exception
    assert "python -m report" in at.code[0].value and "--as-of" in at.code[0].value
    assert at.get("download_button") == []
    at.button(key="export_build").click().run()
    assert not at.exception
    buttons = at.get("download_button")
    assert len(buttons) == 4
    assert [b.label for b in buttons] == ["Evidence pack (PowerPoint)", "Evidence pack (PDF)",
                                          "Data annex (Excel)", "The three files with their documents (.zip)"]


def test_the_annex_partner_sheet_keeps_its_columns(dataset):
    """The loader's geo_note (like the precisions) is not an annex column."""
    headers = pack_of(dataset).data_tables["partners"].headers
    assert headers == ["Partner id", "Partner name", "Name", "Type", "Country", "City",
                       "Latitude", "Longitude", "Website", "Source", "EWP id", "Erasmus code",
                       "Row in the data file"]
