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
