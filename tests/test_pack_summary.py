"""The pack's words (issue 29, defect 6 and item 5): one date style per language, counts
with group separators, the dormant agreements named as having no recorded activity, and
the institutions' names in the pack's language. Expected texts by hand or from
i18n/*.json with ``text()``."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from loaders import load_dataset
from metrics.scope import Scope
from report.model import build_pack
from tests.i18n_files import text

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2025, 6, 30)
NBSP = "\u00a0"

EN_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
EN_SHORT = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
RU_LONG = "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря"


@pytest.fixture(scope="module")
def curated():
    return load_dataset(ROOT / "data")


def _pdf_text(pack, tmp_path: Path) -> str:
    from report.pdf import write_pdf

    path = write_pdf(tmp_path / f"pack-{pack.lang}.pdf", pack)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.replace(NBSP, " ").split())


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils")
def test_one_date_style_in_the_english_pdf(curated, tmp_path):
    """"Jun 30, 2025" and "30 June 2025" were both in one PDF: every day is "30 Jun 2025"."""
    words = _pdf_text(build_pack(curated, Scope(as_of=AS_OF), "en"), tmp_path)
    assert re.findall(rf"\b(?:{EN_SHORT}) \d{{1,2}}, \d{{4}}", words) == []  # "Jun 30, 2025"
    assert re.findall(rf"\b\d{{1,2}} (?:{EN_MONTHS}) \d{{4}}", words) == []  # "30 June 2025"
    days = re.findall(rf"\b\d{{1,2}} (?:{EN_SHORT}) \d{{4}}", words)
    assert "30 Jun 2025" in days and len(days) > 3


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils")
def test_one_date_style_in_the_russian_pdf(curated, tmp_path):
    words = _pdf_text(build_pack(curated, Scope(as_of=AS_OF), "ru"), tmp_path)
    assert re.findall(rf"\b\d{{1,2}} (?:{RU_LONG}) \d{{4}}", words) == []  # "30 июня 2025 г."
    assert "30 июн. 2025 г." in words


def test_counts_in_the_pack_have_group_separators(curated, tmp_path):
    """"Rows 2063" beside "2 063": the appendix's counts are written as the language does."""
    from pptx import Presentation

    from report.pptx import write_pptx

    big = curated.tables["visits"]
    many = pd.concat([big] * (1 + 1100 // max(len(big), 1)), ignore_index=True)
    many["visit_id"] = [f"v{i:05d}" for i in range(len(many))]
    many["direction"] = "incoming"
    dataset = type(curated)(**{**curated.__dict__, "tables": {**curated.tables, "visits": many}})
    pack = build_pack(dataset, Scope(as_of=AS_OF), "ru")
    incoming = next(e for e in pack.appendix if e.name == "visits_incoming")
    assert incoming.rows > 999
    written = f"{incoming.rows // 1000}{NBSP}{incoming.rows % 1000:03d}"
    deck = Presentation(write_pptx(tmp_path / "d.pptx", pack))
    cells = [c.text for s in deck.slides for sh in s.shapes if sh.has_table
             for row in sh.table.rows for c in row.cells]
    assert written in cells and str(incoming.rows) not in cells
    words = _pdf_text(pack, tmp_path).replace(" ", "")
    assert f"{incoming.rows}из{incoming.rows}" not in words


@pytest.mark.parametrize("lang", ["ru", "uz"])
def test_dormant_agreements_are_said_to_have_no_recorded_activity(lang):
    """"Неактивные соглашения" beside "Действующие соглашения" read as "not in force"."""
    label = text("kpi.agreements_dormant.label", lang)
    expected = {"ru": "Соглашения без активности", "uz": "Faoliyat qayd etilmagan shartnomalar"}[lang]
    assert label == expected
    assert text("page.agreements.dormant", lang) == expected
    for key in ("kpi.agreements_dormant.label", "page.agreements.dormant", "page.agreements.no_dormant",
                "page.agreements.lead", "filters.as_of_help"):
        assert not re.search("неактивн|faoliyatsiz|nofaol", text(key, lang), re.I), key


def test_every_date_of_the_pack_is_written_in_its_one_style():
    """Every ``fmt.date_text`` call under report/ names its style (the pack's one,
    ``report.cells.DATE_STYLE``), so no new call falls back to another."""
    calls = []
    for path in (ROOT / "report").glob("*.py"):
        for match in re.finditer(r"date_text\(([^()]*(?:\([^()]*\)[^()]*)*)\)", path.read_text()):
            if "style=" not in match.group(1):
                calls.append(f"{path.name}: {match.group(0)}")
    assert calls == []


# ---------------------------------------------------------------- localised institution names

NAMES = {  # data/institutions.csv: name_ru / name_uz, short_name_ru / short_name_uz
    "en": ("Andijan State Medical Institute", "ADMI"),
    "ru": ("Андижанский государственный медицинский институт", "АГМИ"),
    "uz": ("Andijon davlat tibbiyot instituti", "ADTI"),
}


@pytest.mark.parametrize("lang", ["ru", "uz", "en"])
def test_the_cover_names_the_institution_in_the_packs_language(curated, tmp_path, lang):
    from pptx import Presentation

    from report.pptx import write_pptx

    full, short = NAMES[lang]
    pack = build_pack(curated, Scope(as_of=AS_OF, institutions={"admi"}), lang)
    assert pack.institutions == [full] and pack.institution_short == [short]
    cover = Presentation(write_pptx(tmp_path / "d.pptx", pack)).slides[0]
    words = [p.text for s in cover.shapes if s.has_text_frame for p in s.text_frame.paragraphs]
    assert full in words
    if lang != "en":
        assert NAMES["en"][0] not in words
    # tables and charts: the agreements list names the institution in the language
    assert {row[1] for row in pack.agreements.table.rows} == {short}


def test_a_name_in_the_language_falls_back_to_the_main_name(curated):
    homes = curated.tables["institutions"].assign(name_ru=[None, ""], short_name_ru=[None, None])
    dataset = type(curated)(**{**curated.__dict__, "tables": {**curated.tables, "institutions": homes}})
    pack = build_pack(dataset, Scope(as_of=AS_OF), "ru")
    assert sorted(pack.institutions) == ["Andijan State Medical Institute", "Samarkand State Medical University"]


def test_each_headline_figure_of_the_summary_cites_its_documents(curated):
    """data/ has two documents: SamSMU's web page (cited first, by the samsmu institution
    row: [1]) and ADMI's article ([2]). Outgoing visits and the students are ADMI's alone,
    the one grant is SamSMU's; partners come from both."""
    from report.model import summary_table

    table = summary_table(build_pack(curated, Scope(as_of=AS_OF), "en"))
    assert table.headers[-1] == text("pack.sources.title", "en")
    sources = {row[0]: row[-1] for row in table.rows}
    assert sources[text("kpi.partners.label", "en")] == "[1], [2]"
    assert sources[text("kpi.visits_outgoing.label", "en")] == "[2]"
    assert sources[text("kpi.international_students.label", "en")] == "[2]"
    assert sources[text("kpi.grant_funding_usd.label", "en")] == "[1]"
