"""The string tables (every key in every language) and the per-language formats."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from i18n import LANGUAGES, fmt, strings, t

I18N = Path(__file__).resolve().parent.parent / "i18n"
PLACEHOLDER = re.compile(r"\{(\w*)\}")
NBSP = "\u00a0"


def table(lang: str) -> dict[str, str]:
    # Read the file itself, not the cached ``strings``: other tests must not mask a gap.
    return json.loads((I18N / f"{lang}.json").read_text(encoding="utf-8"))


EN = table("en")


# ----------------------------------------------------------------- completeness


@pytest.mark.parametrize("lang", ["ru", "uz"])
def test_every_english_key_is_translated(lang):
    other = table(lang)
    missing = [key for key in EN if not str(other.get(key, "")).strip()]
    assert missing == []


PLURAL_EXTRA = re.compile(r"\.(zero|two|few|many)$")


@pytest.mark.parametrize("lang", ["ru", "uz"])
def test_no_key_exists_only_in_a_translation(lang):
    """Except the plural categories a language has and English has not (Russian
    ``.few`` / ``.many`` beside English ``.one`` / ``.other``; i18n.fmt.plural)."""
    extra = set(table(lang)) - set(EN)
    stray = [k for k in extra if not (PLURAL_EXTRA.search(k) and PLURAL_EXTRA.sub(".other", k) in EN)]
    assert sorted(stray) == []


@pytest.mark.parametrize("lang", ["ru", "uz"])
def test_plural_categories_keep_the_placeholders(lang):
    other = table(lang)
    differ = [k for k in other if PLURAL_EXTRA.search(k) and k not in EN
              and sorted(PLACEHOLDER.findall(other[k])) != sorted(PLACEHOLDER.findall(EN[PLURAL_EXTRA.sub(".other", k)]))]
    assert differ == []


def test_every_plural_key_has_the_categories_its_language_needs():
    """CLDR (babel): ru one/few/many, en and uz one/other: each plural base (``.one`` and
    ``.other``) has each category its language uses for whole numbers."""
    needs = {"en": ("one", "other"), "ru": ("one", "few", "many", "other"), "uz": ("one", "other")}
    for lang, categories in needs.items():
        keys = table(lang)
        bases = {k[: -len(".other")] for k in keys if k.endswith(".other") and k[: -len("other")] + "one" in keys}
        missing = [f"{b}.{c}" for b in bases for c in categories if f"{b}.{c}" not in keys]
        assert missing == [], lang


# Hand-written: what a person writes for 1, 2, 5 and 21 things (issue 24: "The 1 rows
# counted", "21 соглашений", "1 грантов").
@pytest.mark.parametrize(("key", "lang", "expected"), [
    ("evidence.what.count", "en", ["The 1 row counted.", "The 2 rows counted.", "The 5 rows counted.",
                                   "The 21 rows counted."]),
    ("evidence.what.count", "ru", ["Учтена 1 строка.", "Учтены 2 строки.", "Учтено 5 строк.", "Учтена 21 строка."]),
    ("evidence.what.count", "uz", ["Sanalgan qatorlar: 1.", "Sanalgan qatorlar: 2.", "Sanalgan qatorlar: 5.",
                                   "Sanalgan qatorlar: 21."]),
    ("pack.section.grants.lead", "ru", [
        "1 грант или совместный проект в выборке (все статусы).",
        "2 гранта и совместных проекта в выборке (все статусы).",
        "5 грантов и совместных проектов в выборке (все статусы).",
        "21 грант или совместный проект в выборке (все статусы)."]),
    ("pack.section.grants.lead", "en", [
        "1 grant or joint project in this scope (all statuses).",
        "2 grants and joint projects in this scope (all statuses).",
        "5 grants and joint projects in this scope (all statuses).",
        "21 grants and joint projects in this scope (all statuses)."]),
    ("pack.section.grants.lead", "uz", [
        "Tanlovda 1 ta grant va qoʻshma loyiha (barcha holatlar).",
        "Tanlovda 2 ta grant va qoʻshma loyiha (barcha holatlar).",
        "Tanlovda 5 ta grant va qoʻshma loyiha (barcha holatlar).",
        "Tanlovda 21 ta grant va qoʻshma loyiha (barcha holatlar)."]),
    ("pack.days", "ru", ["1 день", "2 дня", "5 дней", "21 день"]),
    ("pack.days", "en", ["1 day", "2 days", "5 days", "21 days"]),
    ("pack.days", "uz", ["1 kun", "2 kun", "5 kun", "21 kun"]),
    ("page.mobility.undated", "ru", [
        "**1 визит без даты** (не показан на хронологии):", "**2 визита без даты** (не показаны на хронологии):",
        "**5 визитов без даты** (не показаны на хронологии):", "**21 визит без даты** (не показан на хронологии):"]),
])
def test_plurals_follow_the_cldr_rules(key, lang, expected):
    assert [fmt.plural(key, n, lang) for n in (1, 2, 5, 21)] == expected


def test_pack_agreements_lead_for_21_in_russian():
    got = fmt.plural("pack.section.agreements.lead", 21, "ru", date="30.06.2025")
    assert got == "21 соглашение в выборке; статус на 30.06.2025."


def test_plural_counts_are_written_as_the_language_writes_numbers():
    assert fmt.plural("pack.days", 1001, "ru") == "1\u00a0001 день"
    assert fmt.plural("pack.days", 12000, "en") == "12,000 days"


@pytest.mark.parametrize("lang", ["ru", "uz"])
def test_placeholders_are_kept(lang):
    other = table(lang)
    differ = {
        key: (sorted(PLACEHOLDER.findall(text)), sorted(PLACEHOLDER.findall(other[key])))
        for key, text in EN.items()
        if key in other and sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(other[key]))
    }
    assert differ == {}


@pytest.mark.parametrize("lang", ["ru", "uz"])
def test_translations_are_not_left_in_english(lang):
    """A translation equal to the English text is a forgotten one, except for the few
    words both languages write the same way (codes, brand names, the dash)."""
    same_everywhere = {"—", "USD", "PhD", "CSV"}
    other = table(lang)
    untranslated = [
        key for key, text in EN.items()
        if other.get(key) == text and text not in same_everywhere and re.search("[A-Za-z]{4}", text)
    ]
    assert untranslated == []


def test_russian_is_cyrillic():
    latin_only = [key for key, text in table("ru").items() if re.search("[A-Za-z]", text)
                  and not re.search("[А-Яа-яЁё]", text) and EN.get(key) != text]
    assert latin_only == []


def test_uzbek_uses_the_proper_letters():
    """oʻ and gʻ with U+02BB, the tutuq belgisi with U+02BC: never a typewriter apostrophe
    between letters, and never Cyrillic (the app writes Uzbek in Latin script)."""
    uz = table("uz")
    wrong = [key for key, text in uz.items() if re.search(r"[A-Za-z]['‘’`][A-Za-z]", text)]
    cyrillic = [key for key, text in uz.items() if re.search("[\u0400-\u04ff]", text)]
    assert (wrong, cyrillic) == ([], [])
    assert "oʻ" in uz["page.overview.nav"]  # "Umumiy koʻrinish"
    assert "Maʼ" in uz["page.quality.title"]  # "Maʼlumotlar sifati"


@pytest.mark.parametrize(("key", "lang", "expected"), [
    ("common.app_title", "ru", "Международное сотрудничество"),
    ("common.app_title", "uz", "Xalqaro hamkorlik"),
    ("page.mobility.title", "ru", "Академическая мобильность"),
    ("page.mobility.title", "uz", "Akademik mobillik"),
    ("enum.direction.incoming", "ru", "Входящие"),
    ("enum.mode.remote", "uz", "Masofaviy"),
])
def test_register_of_key_terms(key, lang, expected):
    assert t(key, lang) == expected


def test_t_formats_and_falls_back():
    assert t("page.partners.tab_visits", "ru", n=3) == "Визиты (3)"
    assert t("page.partners.tab_visits", "xx", n=3) == "Visits (3)"  # unknown language: English
    assert t("no.such.key", "uz") == "no.such.key"  # a gap shows, never a crash
    assert t("page.partners.tab_visits", "uz") == "Tashriflar ({n})"  # no arguments: as written


def test_strings_cover_every_language():
    assert all(strings(lang) for lang in LANGUAGES)


# ----------------------------------------------------------------- formats


@pytest.mark.parametrize(("value", "lang", "digits", "expected"), [
    (1234.5, "en", None, "1,234.5"),
    (1234.5, "ru", None, f"1{NBSP}234,5"),
    (1234.5, "uz", None, f"1{NBSP}234,5"),
    (1234567, "en", 0, "1,234,567"),
    (1234567, "ru", 0, f"1{NBSP}234{NBSP}567"),
    (2.5, "en", 0, "3"),  # half away from zero, not to even
    (0.25, "ru", 1, "0,3"),
    (None, "en", None, "—"),
    (float("nan"), "ru", 0, "—"),
    (pd.NA, "uz", 0, "—"),
])
def test_number(value, lang, digits, expected):
    assert fmt.number(value, lang, digits) == expected


@pytest.mark.parametrize(("share", "lang", "expected"), [
    (0.4, "en", "40.0%"),
    (0.4, "ru", f"40,0{NBSP}%"),
    (0.4, "uz", "40,0%"),
    (None, "ru", "—"),
])
def test_percent(share, lang, expected):
    assert fmt.percent(share, lang) == expected


@pytest.mark.parametrize(("amount", "lang", "expected"), [
    (162100, "en", "$162,100"),
    (162100, "ru", f"162{NBSP}100{NBSP}$"),
    (162100, "uz", f"162{NBSP}100{NBSP}$"),
    (-5.4, "en", "-$5"),
    (None, "en", "—"),
])
def test_money(amount, lang, expected):
    assert fmt.money(amount, lang) == expected


@pytest.mark.parametrize(("change", "unit", "lang", "expected"), [
    (3, "count", "en", "+3"),
    (-1200, "count", "ru", f"-1{NBSP}200"),  # ASCII minus: st.metric colours it red
    (0, "count", "en", "0"),
    (0.05, "share", "en", "+5.0 pp"),
    (-0.05, "share", "ru", f"-5,0{NBSP}п.{NBSP}п."),
    (1500, "usd", "en", "+$1,500"),
    (1500, "usd", "uz", f"+1{NBSP}500{NBSP}$"),
    (None, "count", "en", None),
])
def test_delta(change, unit, lang, expected):
    assert fmt.delta(change, unit, lang) == expected


@pytest.mark.parametrize(("value", "unit", "lang", "expected"), [
    (6, "count", "ru", "6"),
    (12000, "count", "uz", f"12{NBSP}000"),
    (0.4, "share", "ru", f"40,0{NBSP}%"),
    (2.885, "index", "ru", "2,9"),
    (None, "index", "uz", "—"),
])
def test_kpi_value(value, unit, lang, expected):
    assert fmt.value(value, unit, lang) == expected


@pytest.mark.parametrize(("value", "lang", "precision", "expected"), [
    (date(2025, 3, 5), "en", "day", "5 March 2025"),
    (date(2025, 3, 5), "ru", "day", "5 марта 2025\u202fг."),
    (date(2025, 3, 5), "uz", "day", "5-mart, 2025"),
    (pd.Timestamp("2025-03-05"), "ru", "month", "Март 2025"),  # stand-alone, not "марта"
    (date(2025, 3, 5), "uz", "month", "Mart 2025"),
    (date(2025, 3, 5), "ru", "year", "2025"),
    (pd.NaT, "en", "day", "—"),
    ("2024-11-30", "en", "day", "30 November 2024"),
])
def test_date_text(value, lang, precision, expected):
    assert fmt.date_text(value, lang, precision) == expected


@pytest.mark.parametrize(("month", "lang", "expected"), [
    (1, "en", "January"), (5, "ru", "Май"), (8, "uz", "Avgust"), (12, "ru", "Декабрь"),
])
def test_month_name(month, lang, expected):
    assert fmt.month_name(month, lang) == expected


@pytest.mark.parametrize(("a3", "lang", "expected"), [
    ("KOR", "en", "South Korea"),
    ("KOR", "ru", "Южная Корея"),
    ("KOR", "uz", "Janubiy Koreya"),
    ("DEU", "ru", "Германия"),
    ("KAZ", "uz", "Qozogʻiston"),
    ("TUR", "uz", "Turkiya"),
    ("BHS", "uz", "Bagama orollari"),  # from CLDR: the uz gettext catalog lacks it
    (None, "ru", "—"),
])
def test_country(a3, lang, expected):
    assert fmt.country(a3, lang) == expected


def test_every_country_has_a_russian_name():
    import pycountry

    from places.countries import country_name

    english = [c.alpha_3 for c in pycountry.countries
               if country_name(c.alpha_3, "ru") == country_name(c.alpha_3, "en")]
    assert english == []


@pytest.mark.parametrize(("key", "lang", "expected"), [
    ("page.research.map_point_tip", "en", ["1 joint paper", "2 joint papers", "5 joint papers", "21 joint papers"]),
    ("page.research.map_point_tip", "ru", ["1 совместная статья", "2 совместные статьи", "5 совместных статей",
                                           "21 совместная статья"]),
    ("page.research.map_point_tip", "uz", ["1 ta qoʻshma maqola", "2 ta qoʻshma maqola", "5 ta qoʻshma maqola",
                                           "21 ta qoʻshma maqola"]),
    ("page.documents.feeds", "en", ["Feeds 1 figure:", "Feeds 2 figures:", "Feeds 5 figures:", "Feeds 21 figures:"]),
])
def test_more_plurals_follow_the_cldr_rules(key, lang, expected):
    assert [fmt.plural(key, n, lang) for n in (1, 2, 5, 21)] == expected
