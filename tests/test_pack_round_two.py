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


@pytest.mark.parametrize("lang, expected", [
    ("en", "ADMI: all years, all countries"),
    ("ru", "ADMI: все годы, все страны"),
])
def test_an_institution_alone_is_not_all_institutions_data(curated, lang, expected):
    pack = build_pack(curated, Scope(as_of=AS_OF, institutions={"admi"}), lang, False)
    assert pack.scope_words == expected
    everything = build_pack(curated, Scope(as_of=AS_OF), lang, False)
    assert everything.scope_words == text("pack.scope.everything", lang)


def test_a_date_that_ends_a_sentence_takes_the_full_stop():
    # ru medium dates end in "г.": the sentence must not end in "г.."
    line = t("pack.section.agreements.lead.many", "ru", n="21", date="30 июн. 2025 г.")
    assert line == "21 соглашений в выборке; статус на 30 июн. 2025 г."
    assert t("pack.section.agreements.lead.many", "ru", n="21", date="2025") == "21 соглашений в выборке; статус на 2025."


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_pdf_opens_with_bookmarks_and_contents(curated, tmp_path, lang):
    from pypdf import PdfReader

    from report.pdf import write_pdf

    pack = build_pack(curated, Scope(as_of=AS_OF), lang, False)
    reader = PdfReader(write_pdf(tmp_path / "p.pdf", pack))
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    # every section of the pack is a bookmark, in order
    assert titles[0] == text("export.kpis.title", lang)
    assert text("pack.sources.title", lang) in titles
    assert [s.title for s in pack.sections if s.title in titles] == [s.title for s in pack.sections if s.title in titles]
    assert len(titles) >= 6
    contents = reader.pages[1].extract_text()
    assert text("pack.toc.title", lang) in contents.splitlines()[:2]  # under the running header
    assert text("export.kpis.title", lang) in reader.pages[2].extract_text().splitlines()[:2]  # no blank page
    for title in titles[:4]:
        assert title.split()[0] in contents
    # the contents give each bookmark's page
    first_page = reader.get_destination_page_number(reader.outline[0]) + 1
    assert f"{titles[0]}" in contents and str(first_page) in contents
