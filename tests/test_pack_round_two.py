"""The pack, round two (issue 29): what a panel reads first must be right. Expected texts
are written by hand from i18n/*.json."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from i18n import t
from loaders import load_dataset
from metrics.scope import Scope
from report.model import build_pack
from tests.i18n_files import text

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2025, 6, 30)


@pytest.fixture(scope="module")
def curated():
    return load_dataset(ROOT / "data")


@pytest.fixture(scope="module")
def pack_of(tmp_path_factory):
    """``pack_of(dataset, lang)``: the normal-edition pack of all of ``dataset`` on AS_OF;
    ``pack_of(dataset, lang, "pdf")`` (or "pptx", "xlsx"): that pack written to a file. Each
    built once per (dataset object, language, format) for this module: the tests only read
    a pack (a frozen dataclass) and its files, so building them again would test nothing more."""
    from report.pdf import write_pdf
    from report.pptx import write_pptx
    from report.xlsx import write_xlsx

    writers = {"pdf": write_pdf, "pptx": write_pptx, "xlsx": write_xlsx}
    folder = tmp_path_factory.mktemp("packs")
    built: list = []  # (dataset, lang, format, pack or path): keyed on the object itself

    def get(dataset, lang, fmt=None):
        for ds, lg, kind, made in built:
            if ds is dataset and lg == lang and kind == fmt:
                return made
        if fmt is None:
            made = build_pack(dataset, Scope(as_of=AS_OF), lang, False)
        else:
            made = writers[fmt](folder / f"{len(built)}_{lang}.{fmt}", get(dataset, lang))
        built.append((dataset, lang, fmt, made))
        return made

    return get


@pytest.fixture(scope="module")
def rub(curated):
    """The curated data with its first grant at 3 435 239 RUB (a whole amount), and that
    grant's id."""
    return _with_grant_amount(curated, 3435239, "RUB")


@pytest.mark.parametrize("lang, expected", [
    ("en", "ADMI: all years, all countries"),
    ("ru", "АГМИ: все годы, все страны"),  # data/institutions.csv short_name_ru
])
def test_an_institution_alone_is_not_all_institutions_data(curated, pack_of, lang, expected):
    pack = build_pack(curated, Scope(as_of=AS_OF, institutions={"admi"}), lang, False)
    assert pack.scope_words == expected
    everything = pack_of(curated, lang)
    assert everything.scope_words == text("pack.scope.everything", lang)


def test_a_date_that_ends_a_sentence_takes_the_full_stop():
    # ru medium dates end in "г.": the sentence must not end in "г.."
    line = t("pack.section.agreements.lead.many", "ru", n="21", date="30 июн. 2025 г.")
    assert line == "21 соглашений в выборке; статус на 30 июн. 2025 г."
    assert t("pack.section.agreements.lead.many", "ru", n="21", date="2025") == "21 соглашений в выборке; статус на 2025."


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_pdf_opens_with_bookmarks_and_contents(curated, pack_of, lang):
    from pypdf import PdfReader

    pack = pack_of(curated, lang)
    reader = PdfReader(pack_of(curated, lang, "pdf"))
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    # every section of the pack is a bookmark, in order
    assert titles[:2] == [text("pack.summary.title", lang), text("export.kpis.title", lang)]
    assert text("pack.sources.title", lang) in titles
    assert [s.title for s in pack.sections if s.title in titles] == [s.title for s in pack.sections if s.title in titles]
    assert len(titles) >= 6
    contents = reader.pages[2].extract_text()  # after the summary
    assert text("pack.toc.title", lang) in contents.splitlines()[:2]  # under the running header
    assert text("export.kpis.title", lang) in reader.pages[3].extract_text().splitlines()[:2]  # no blank page
    for title in titles[:4]:
        assert title.split()[0] in contents
    # the contents give each bookmark's page
    first_page = reader.get_destination_page_number(reader.outline[0]) + 1
    assert f"{titles[0]}" in contents and str(first_page) in contents


# ---------------------------------------------------------------- defect 7: the annex


def test_a_sheet_name_is_shortened_by_whole_words():
    from report.xlsx import _title

    used: set[str] = set()
    # 43 characters: cut at the last whole word within 31, never "… research n"
    assert _title("Rows – International research network index", used) == "Rows – International research"
    assert _title("Rows – International research network index", used) == "Rows – International (2)"
    assert _title("Rows – International research network", used) == "Rows – International (3)"
    assert _title("Partners", used) == "Partners"
    assert _title("a" * 40, set()) == "a" * 31  # one word longer than a sheet name: cut


def _annex(curated, pack_of, lang):
    from openpyxl import load_workbook

    return load_workbook(pack_of(curated, lang, "xlsx"))


def _header_row(sheet, first: str):
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if row and row[0] == first:
            return number, list(row)
    raise AssertionError(f"no header {first!r} on {sheet.title}")


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_annex_figures_are_numbers_with_their_state_apart(curated, pack_of, lang):
    book = _annex(curated, pack_of, lang)
    sheet = book[text("export.sheet.kpis", lang)]
    at, header = _header_row(sheet, text("export.col.kpi", lang))
    assert header[:4] == [text("export.col.kpi", lang), text("export.col.value", lang),
                          text("pack.annex.col.state", lang), text("pack.annex.col.note", lang)]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=at + 1) if r[0].value}
    partners = rows[text("kpi.partners.label", lang)]
    assert partners[1].value == 28 and partners[1].number_format == "#,##0"
    assert partners[2].value == text("pack.annex.state.known", lang)
    share = rows[text("kpi.remote_share.label", lang)]
    assert share[1].value == pytest.approx(0.6) and share[1].number_format == "0.0%"
    irn = rows[text("kpi.irn_index.label", lang)]
    assert isinstance(irn[1].value, float) and irn[1].number_format == "0.0"
    sessions = rows[text("kpi.lecture_sessions.label", lang)]  # every input unknown: no number
    assert sessions[1].value is None
    assert sessions[2].value == text("pack.annex.state.unknown", lang)
    assert sessions[3].value == text("figure.unknown_why.lecture_sessions", lang).replace("{n}", "10")
    expiring = rows[text("kpi.agreements_expiring.label", lang)]
    assert expiring[1].value is None and expiring[2].value == text("pack.annex.state.cannot_tell", lang)
    # the by-institution sheet: numbers too, the state beside each
    by = book[text("export.sheet.by_institution", lang)]
    at, header = _header_row(by, text("export.col.kpi", lang))
    names = {"en": ("ADMI", "SamSMU"), "ru": ("АГМИ", "СамГМУ")}[lang]  # short_name_ru in the Russian annex
    assert header[1:5] == [names[0], text("pack.annex.col.state", lang), names[1], text("pack.annex.col.state", lang)]
    values = [r[1] for r in by.iter_rows(min_row=at + 1, values_only=True) if r[0]]
    assert not any(isinstance(v, str) for v in values)
    assert any(isinstance(v, int) for v in values)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_sheet_name_and_header_of_the_annex_is_in_words(curated, pack_of, lang):
    import re

    book = _annex(curated, pack_of, lang)
    raw = re.compile(r"^[a-z0-9_.]+$")  # a column or key of the data, not a word of the language
    for sheet in book.worksheets:
        assert len(sheet.title) <= 31
        assert not raw.match(sheet.title) and "_" not in sheet.title, sheet.title
        assert not sheet.title.startswith("export."), sheet.title
        for row in sheet.iter_rows(max_row=4, values_only=True):
            if row and sum(1 for c in row if c) > 2:  # the header row
                bad = [c for c in row if isinstance(c, str) and (raw.match(c) or "_" in c)]
                assert not bad, (sheet.title, bad)
                break
    names = [s.title for s in book.worksheets]
    assert text("export.sheet.fx_rates", lang) in names
    assert text("export.sheet.targets", lang) in names
    if lang == "en":
        assert "Exchange rates" in names and "Targets" in names


def test_the_targets_sheet_names_its_figures_in_words(tmp_path):
    from openpyxl import load_workbook

    from report.xlsx import write_xlsx

    ds = load_dataset(ROOT / "tests" / "data" / "dashboard")
    pack = build_pack(ds, Scope(as_of=AS_OF), "ru", False)
    book = load_workbook(write_xlsx(tmp_path / "t.xlsx", pack))
    sheet = book[text("export.sheet.targets", "ru")]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    metric = header.index(text("pack.column.metric", "ru"))
    assert {r[metric] for r in rows[1:]} == {"Входящие визиты", "Партнёры"}


# ---------------------------------------------------------------- defect 4: two IRN figures


@pytest.mark.parametrize("lang, partners_index, joint_papers", [
    ("en", "Partner network index", "QS IRN from joint papers"),
    ("ru", "Индекс сети партнёров", "QS IRN по совместным статьям"),
    ("uz", "Hamkorlar tarmogʻi indeksi", "Qoʻshma maqolalar boʻyicha QS IRN"),
])
def test_the_two_network_indexes_have_different_names(curated, pack_of, lang, partners_index, joint_papers):
    assert text("kpi.irn_index.label", lang) == partners_index
    assert text("ranking.partner_network_index.label", lang) == partners_index
    assert text("ranking.qs_irn_joint_papers.label", lang) == joint_papers
    # the research page's card and the pack's research lead name the joint-paper figure so
    assert text("page.research.kpi.irn", lang) == joint_papers
    assert all(f"{joint_papers}: {{irn}}" in text(f"pack.research.lead.{c}", lang) for c in ("one", "other"))
    assert text("pack.research.irn_title", lang).startswith(joint_papers)
    pack = pack_of(curated, lang)
    assert [b.label for b in pack.big_numbers if b.name == "irn_index"] == [partners_index]
    assert partners_index in [r[0] for r in pack.kpi_table.rows]


# ---------------------------------------------------------------- defect 3: words and amounts


def _with_grant_amount(curated, amount, currency):
    import dataclasses

    tables = dict(curated.tables)
    grants = tables["grants"].copy()
    grants.loc[grants.index[0], ["amount", "currency"]] = [amount, currency]
    tables["grants"] = grants
    return dataclasses.replace(curated, tables=tables), str(grants.iloc[0]["grant_id"])


@pytest.mark.parametrize("lang, amount, expected", [
    ("ru", 242784094.5, "242\u00a0784\u00a0094,50\u00a0UZS"),  # its decimals kept
    ("en", 242784094.5, "242,784,094.50 UZS"),
    ("ru", 3435239, "3\u00a0435\u00a0239\u00a0RUB"),  # whole: no ",00"
])
def test_an_amount_in_its_own_currency_keeps_its_decimals(curated, pack_of, rub, lang, amount, expected):
    currency = "UZS" if expected.endswith("UZS") else "RUB"
    dataset, grant = rub if (amount, currency) == (3435239, "RUB") else _with_grant_amount(curated, amount, currency)
    pack = pack_of(dataset, lang)
    grants = next(s for s in pack.sections if s.key == "grants")
    at = grants.table.headers.index(text("pack.col.amount", lang))
    assert [r[at] for r in grants.table.rows if r[0] == grant] == [expected]


def _unbroken(pdf, table, widths, size) -> list[str]:
    """The words (runs without a breaking space) wider than their column at ``size``."""
    bad = []
    for row_no, cells in enumerate([table.headers] + table.rows):
        pdf.set_font("DejaVu", "B" if row_no == 0 else "", size)
        for c, value in enumerate(cells):
            for word in str(value).split(" "):
                if pdf.get_string_width(word) + 2 > widths[c] + 0.01:  # padding 1 mm each side
                    bad.append(word)
    return bad


@pytest.mark.parametrize("lang", ["ru", "uz"])
def test_no_table_of_the_pdf_breaks_a_word(rub, pack_of, lang):
    from report.pdf import PackPdf, _layout

    pack = pack_of(rub[0], lang)
    pdf = PackPdf(pack)
    pdf.add_page()
    tables = [pack.agreements.table, pack.renewals, pack.kpi_table] + [
        s.table for s in pack.sections if s.table is not None]
    assert any("3\u00a0435\u00a0239\u00a0RUB" in r for t_ in tables for r in t_.rows)
    for table in tables:
        for size in (8.5, 7.5):
            widths, chosen = _layout(pdf, table, size)
            assert _unbroken(pdf, table, widths, chosen) == [], (table.headers, size)


@pytest.mark.parametrize("lang", ["ru"])
def test_no_table_of_the_slides_breaks_a_word(rub, pack_of, lang):
    """Every unbreakable run of a slide table's cell (a word; "3 435 239 RUB" with its
    no-break spaces) fits its column at the cell's size, measured with DejaVu Sans Bold
    (wider than the fonts PowerPoint and LibreOffice use)."""
    import matplotlib
    from PIL import ImageFont
    from pptx import Presentation
    from pptx.util import Pt

    bold = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans-Bold.ttf"
    deck = Presentation(pack_of(rub[0], lang, "pptx"))
    checked, bad = 0, []
    for number, slide in enumerate(deck.slides, start=1):
        for shape in slide.shapes:
            if not shape.has_table:
                continue
            table = shape.table
            for row in table.rows:
                for c, cell in enumerate(row.cells):
                    room = table.columns[c].width - cell.margin_left - cell.margin_right
                    for paragraph in cell.text_frame.paragraphs:
                        size = paragraph.font.size.pt
                        font = ImageFont.truetype(str(bold), 100)
                        for word in paragraph.text.split(" "):
                            checked += 1
                            if Pt(font.getlength(word) * size / 100) > room:
                                bad.append((number, word, size))
    assert checked > 100
    assert bad == []


# ---------------------------------------------------------------- item 1: the summary first


SUMMARY_EN = [
    "28 partners, the foreign ones in 11 countries.",
    "15 of 21 active agreements show no recorded activity in the last 3 years; cannot tell which are due "
    "to expire within 180 days: none has a known expiry date.",
    "10 incoming visits and 13 outgoing visits; 60.0% of the incoming ones were remote.",
    "1 active grant; funding is unknown: no funded grant has an amount in USD.",
    "30 international students in the latest academic year, from 1 country.",
]


def test_the_summary_says_the_headline_figures_in_sentences(curated, pack_of):
    pack = pack_of(curated, "en")
    assert pack.summary == SUMMARY_EN
    assert pack.targets_met == "No target is set for this selection."
    ru = pack_of(curated, "ru")
    # 28: "many", 11: "many" (by hand)
    assert ru.summary[0] == text("pack.summary.partners.many", "ru", n="28",
                                 countries=text("pack.summary.in_countries.many", "ru", n="11")) + "."
    assert ru.summary[2] == "10 входящих визитов и 13 исходящих визитов; из входящих дистанционно прошли 60,0\u00a0%."


def test_the_summary_is_the_page_after_the_cover_and_slide_two(curated, pack_of):
    from pptx import Presentation
    from pypdf import PdfReader

    page = PdfReader(pack_of(curated, "en", "pdf")).pages[1].extract_text()
    assert page.splitlines()[0] == "Summary"
    assert "All institutions' data, all years, all countries · Figures as of 30 Jun 2025" in page
    for sentence in SUMMARY_EN:
        assert sentence.split(";")[0] in " ".join(page.split())
    assert "No target is set for this selection." in " ".join(page.split())
    slide = Presentation(pack_of(curated, "en", "pptx")).slides[1]
    words = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
    assert slide.shapes.title.text == "Summary"
    for sentence in SUMMARY_EN:
        assert sentence in words


def test_a_big_number_card_never_breaks_its_value(curated, pack_of):
    """"неизвестно" on its card at a size where it fits (it wrapped as "неизвест/но")."""
    import matplotlib
    from PIL import ImageFont
    from pptx import Presentation
    from pptx.util import Pt

    bold = ImageFont.truetype(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans-Bold.ttf"), 100)
    deck = Presentation(pack_of(curated, "ru", "pptx"))
    slide = deck.slides[2]  # the key figures, after the cover and the summary
    values = [s for s in slide.shapes if s.has_text_frame and s.text_frame.text == "неизвестно"]
    assert values
    for shape in values:
        paragraph = shape.text_frame.paragraphs[0]
        room = shape.width - shape.text_frame.margin_left - shape.text_frame.margin_right
        assert Pt(bold.getlength("неизвестно") * paragraph.font.size.pt / 100) <= room
