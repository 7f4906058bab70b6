"""Issue 24 item 6: the counted strings that wrote "(s)" go through the CLDR plural rules
(i18n.fmt.plural). Expected texts are written by hand for 1, 2, 5 and 21."""

from __future__ import annotations

import re

import pytest

from i18n import fmt
from tests.i18n_files import catalog

NBSP = "\u00a0"


@pytest.mark.parametrize(("key", "lang", "expected"), [
    ("pack.countries.domestic", "en", [" (+ 1 domestic partner: Uzbekistan)", " (+ 2 domestic partners: Uzbekistan)",
                                       " (+ 5 domestic partners: Uzbekistan)", " (+ 21 domestic partners: Uzbekistan)"]),
    ("pack.countries.domestic", "ru", [" (+ 1 отечественный партнёр: Uzbekistan)",
                                       " (+ 2 отечественных партнёра: Uzbekistan)",
                                       " (+ 5 отечественных партнёров: Uzbekistan)",
                                       " (+ 21 отечественный партнёр: Uzbekistan)"]),
    ("pack.countries.domestic", "uz", [" (+ 1 ta mahalliy hamkor: Uzbekistan)", " (+ 2 ta mahalliy hamkor: Uzbekistan)",
                                       " (+ 5 ta mahalliy hamkor: Uzbekistan)",
                                       " (+ 21 ta mahalliy hamkor: Uzbekistan)"]),
])
def test_domestic_partners(key, lang, expected):
    assert [fmt.plural(key, n, lang, countries="Uzbekistan") for n in (1, 2, 5, 21)] == expected


@pytest.mark.parametrize(("key", "lang", "expected"), [
    ("pack.renewals.unknown", "en", ["Cannot tell for 1 active agreement: it has no expiry date.",
                                     "Cannot tell for 2 active agreements: they have no expiry date.",
                                     "Cannot tell for 5 active agreements: they have no expiry date.",
                                     "Cannot tell for 21 active agreements: they have no expiry date."]),
    ("pack.renewals.unknown", "ru", ["Нельзя сказать для 1 действующего соглашения: у него нет даты окончания.",
                                     "Нельзя сказать для 2 действующих соглашений: у них нет даты окончания.",
                                     "Нельзя сказать для 5 действующих соглашений: у них нет даты окончания.",
                                     "Нельзя сказать для 21 действующего соглашения: у него нет даты окончания."]),
    ("figure.cannot_tell_why.agreements_expiring", "ru", [
        "У 1 действующего соглашения нет даты окончания.", "У 2 действующих соглашений нет даты окончания.",
        "У 5 действующих соглашений нет даты окончания.", "У 21 действующего соглашения нет даты окончания."]),
    ("figure.cannot_tell_why.agreements_expiring", "en", [
        "1 active agreement has no expiry date.", "2 active agreements have no expiry date.",
        "5 active agreements have no expiry date.", "21 active agreements have no expiry date."]),
    ("page.partners.map_country_tip", "ru", ["1 партнёр", "2 партнёра", "5 партнёров", "21 партнёр"]),
    ("page.partners.map_country_tip", "en", ["1 partner", "2 partners", "5 partners", "21 partners"]),
    ("page.partners.map_country_tip", "uz", ["1 ta hamkor", "2 ta hamkor", "5 ta hamkor", "21 ta hamkor"]),
    ("page.students.map_tip", "ru", ["1 студент", "2 студента", "5 студентов", "21 студент"]),
    ("page.partners.map_point_agreements", "ru", ["1 соглашение", "2 соглашения", "5 соглашений", "21 соглашение"]),
    ("page.partners.map_point_links", "ru", ["1 связь в выборке", "2 связи в выборке", "5 связей в выборке",
                                             "21 связь в выборке"]),
    ("page.partners.map_point_links", "en", ["1 link in view", "2 links in view", "5 links in view",
                                             "21 links in view"]),
])
def test_counted_strings_follow_the_cldr_rules(key, lang, expected):
    assert [fmt.plural(key, n, lang) for n in (1, 2, 5, 21)] == expected


def test_agreements_expiry_warning_in_russian():
    got = [fmt.plural("page.agreements.expiry_unknown", n, "ru").split(".")[0] for n in (1, 2, 5, 21)]
    assert got == ["Нельзя сказать, какие истекают: у 1 действующего соглашения нет даты окончания",
                   "Нельзя сказать, какие истекают: у 2 действующих соглашений нет даты окончания",
                   "Нельзя сказать, какие истекают: у 5 действующих соглашений нет даты окончания",
                   "Нельзя сказать, какие истекают: у 21 действующего соглашения нет даты окончания"]


def test_students_domestic_note_is_plural_by_rows():
    assert fmt.plural("page.students.domestic_note", 1, "en", rows="1", n=40).startswith(
        "1 row (students: 40) comes from the institution's own country")
    assert fmt.plural("page.students.domestic_note", 3, "ru", rows="3", n=40).startswith("3 строки (студентов: 40)")
    assert fmt.plural("page.students.domestic_note", 11, "ru", rows="11", n=40).startswith("11 строк (студентов: 40)")


def test_russian_counts_keep_grouped_thousands():
    assert fmt.plural("page.students.map_tip", 1021, "ru") == f"1{NBSP}021 студент"


def test_no_english_string_writes_a_plural_as_s_in_brackets():
    """Every counted noun goes through i18n.fmt.plural: none writes "row(s)"."""
    left = sorted(k for k, v in catalog("en").items() if re.search(r"\w\((s|es|ies)\)", v))
    assert left == []


@pytest.mark.parametrize(("key", "lang", "expected"), [
    ("problem.errors_count", "ru", ["1 ошибка", "2 ошибки", "5 ошибок", "21 ошибка"]),
    ("problem.warnings_count", "ru", ["1 предупреждение", "2 предупреждения", "5 предупреждений",
                                      "21 предупреждение"]),
    ("problem.errors_count", "en", ["1 error", "2 errors", "5 errors", "21 errors"]),
    ("problem.warnings_count", "uz", ["1 ta ogohlantirish", "2 ta ogohlantirish", "5 ta ogohlantirish",
                                      "21 ta ogohlantirish"]),
    ("page.research.distinct_papers", "ru", ["1 различная статья", "2 различные статьи", "5 различных статей",
                                             "21 различная статья"]),
    ("pack.research.papers", "en", ["1 paper", "2 papers", "5 papers", "21 papers"]),
])
def test_problem_and_paper_counts(key, lang, expected):
    assert [fmt.plural(key, n, lang) for n in (1, 2, 5, 21)] == expected


def test_merge_rows_in_russian():
    got = [fmt.plural("data.merge.rows", n, "ru", table="Визиты", count=n) for n in (1, 2, 5, 21)]
    assert got == ["Визиты: 1 строка", "Визиты: 2 строки", "Визиты: 5 строк", "Визиты: 21 строка"]


def test_store_errors_with_a_count_are_plural():
    """ui.text.t_plain picks the plural entry of data.store.merge_conflict by its count."""
    from ui.text import t_plain

    one = t_plain("data.store.merge_conflict", "en", count=1, rows="visits v1", base=3)
    assert one.startswith("1 row was changed meanwhile both in your file and in the store (visits v1")
    ru = [t_plain("data.store.merge_conflict", "ru", count=n, rows="x", base=3).split(" и в вашем")[0] for n in (1, 2, 5, 21)]
    assert ru == ["1 строка тем временем изменена", "2 строки тем временем изменены", "5 строк тем временем изменено",
                  "21 строка тем временем изменена"]


def test_loader_cli_summary():
    from loaders.__main__ import problems_summary

    assert problems_summary(1, 0) == "1 error, 0 warnings"
    assert problems_summary(24, 3) == "24 errors, 3 warnings"
