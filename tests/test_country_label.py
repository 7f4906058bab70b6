"""One country label (i18n.fmt.country) with one output for "no country", used everywhere."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from i18n import fmt

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("code", "lang", "expected"), [
    ("DEU", "en", "Germany"),
    ("DEU", "ru", "Германия"),
    ("DEU", "uz", "Germaniya"),
    ("KOR", "ru", "Южная Корея"),
    ("ZZZ", "en", "ZZZ"),  # a code no table knows reads as itself
])
def test_country_names(code, lang, expected):
    assert fmt.country(code, lang) == expected


@pytest.mark.parametrize("missing", [None, "", "  ", float("nan")])
def test_no_country_is_one_dash_in_every_language(missing):
    assert {fmt.country(missing, lang) for lang in ("en", "ru", "uz")} == {"—"}


def test_the_page_context_labels_countries_the_same_way():
    from ui.context import PageContext
    from ui.state import ViewState

    ctx = PageContext("uz", False, ViewState(lang="uz"), None, "", ())
    assert ctx.country_name("DEU") == "Germaniya"
    assert ctx.country_name(None) == "—"


def test_the_pack_writes_the_scope_countries_with_it():
    from metrics import Scope
    from report.scope_words import scope_lines

    institutions = pd.DataFrame(
        {"institution_id": ["sam"], "name": ["Samarkand"], "short_name": ["SamSMU"], "country": ["UZB"]})
    lines = dict(scope_lines(Scope(countries=frozenset({"DEU", "KOR"})), {"institutions": institutions}, "ru"))
    label = json.loads((ROOT / "i18n" / "ru.json").read_text(encoding="utf-8"))["export.scope.countries"]
    assert lines[label] == "Германия, Южная Корея"


def test_no_other_country_label_function():
    """Outside the country tables and i18n.fmt nothing names countries itself (or imports them)."""
    offenders = []
    for folder in ("ui", "views", "charts", "report", "datastore", "research"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            if re.search(r"(?m)^def country_(label|name)\b|^\s*from \S+ import [^\n]*\bcountry_name\b", text):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
