"""Value parsers of the data contract, one table of cases each (expected values by hand)."""

import math

import numpy as np
import pandas as pd
import pytest

from loaders import types as vt

NAN = float("nan")


@pytest.mark.parametrize(("text", "expected"), [
    ("80000", 80000.0),
    ("80,000", 80000.0),           # , + exactly three digits: thousands
    ("1 200,50", 1200.5),          # space thousands, decimal comma
    ("1\u00a0200", 1200.0),        # non-breaking space
    ("1\u202f200", 1200.0),        # narrow non-breaking space
    ("1,234,567.5", 1234567.5),
    ("1,5", 1.5),                  # one digit after , : decimal comma
    ("1,2345", 1.2345),            # four digits after , : decimal comma
    ("1,000,5", 1000.5),
    ("  42 ", 42.0),
    ("0", 0.0),
    (".5", 0.5),
    ("8.72e-05", 0.0000872),       # Excel writes small floats this way
    ("-3", -3.0),                  # read as is; the loader flags negatives
    ("", None),
    ("   ", None),
    (None, None),
    (NAN, None),
    (pd.NA, None),
])
def test_to_number(text, expected):
    assert vt.to_number(text) == expected


@pytest.mark.parametrize("text", ["abc", "nan", "inf", "1.2.3", "12a", "1 2 3,4,5", "--1", ","])
def test_to_number_rejects(text):
    with pytest.raises(ValueError):
        vt.to_number(text)


@pytest.mark.parametrize(("text", "expected"), [("3", 3.0), ("3.0", 3.0), ("1 200", 1200.0)])
def test_to_number_integer(text, expected):
    assert vt.to_number(text, integer=True) == expected


def test_to_number_integer_rejects_fraction():
    with pytest.raises(ValueError):
        vt.to_number("3.5", integer=True)


@pytest.mark.parametrize(("text", "date", "precision"), [
    ("2024-03-05", "2024-03-05", "day"),
    ("2024-3-5", "2024-03-05", "day"),
    ("2024-03-05 00:00:00", "2024-03-05", "day"),   # an Excel cell written out
    ("05.03.2024", "2024-03-05", "day"),
    ("5.3.2024", "2024-03-05", "day"),
    ("2024-03", "2024-03-01", "month"),
    ("2024", "2024-01-01", "year"),
    (" 2024 ", "2024-01-01", "year"),
    ("2024-02-29", "2024-02-29", "day"),
])
def test_to_date(text, date, precision):
    assert vt.to_date(text) == (pd.Timestamp(date), precision)


@pytest.mark.parametrize(("text", "date", "precision"), [
    # issue 25, defect 4: month names (CLDR through Babel), month precision without a day
    ("март 2024", "2024-03-01", "month"),          # Russian nominative
    ("апрель 2024", "2024-04-01", "month"),
    ("05 марта 2024", "2024-03-05", "day"),        # Russian genitive
    ("5 мая 2024 г.", "2024-05-05", "day"),
    ("дек. 2023", "2023-12-01", "month"),          # abbreviated
    ("mart 2024", "2024-03-01", "month"),          # Uzbek, Latin script
    ("5-mart 2024-yil", "2024-03-05", "day"),
    ("sentyabr 2024", "2024-09-01", "month"),      # the Latin spelling of "сентябрь"
    ("январ 2025", "2025-01-01", "month"),         # Uzbek, Cyrillic script
    ("March 2024", "2024-03-01", "month"),
    ("March 5, 2024", "2024-03-05", "day"),
    ("2024 May", "2024-05-01", "month"),
    ("٥ March 2024", "2024-03-05", "day"),          # a day in Arabic-Indic digits
])
def test_to_date_month_names(text, date, precision):
    assert vt.to_date(text) == (pd.Timestamp(date), precision)


@pytest.mark.parametrize("text", [None, "", "  ", NAN, pd.NA, pd.NaT])
def test_to_date_empty(text):
    assert vt.to_date(text) == (None, None)


@pytest.mark.parametrize("text", ["2023-02-29", "31.02.2024", "2024-13", "03.2024", "1850",
                                  "24", "2024/03/05", "2024-03-05T", "yesterday",
                                  "весна 2024", "Март-апрель 2024", "31 февраля 2024",
                                  "March", "март 24", "5 6 марта 2024"])
def test_to_date_rejects(text):
    with pytest.raises(ValueError):
        vt.to_date(text)


def test_parse_date_column_types():
    dates, precision, bad = vt.parse_date(pd.Series(["2024-01-02", "", "x", "2024"], dtype=str))
    assert str(dates.dtype) == "datetime64[ns]"
    assert dates.isna().tolist() == [False, True, True, False]
    assert precision.tolist() == ["day", None, None, "year"]
    assert bad.tolist() == [False, False, True, False]


@pytest.mark.parametrize(("text", "allowed", "expected"), [
    ("In Person", ("in_person", "remote"), "in_person"),
    (" in-person ", ("in_person", "remote"), "in_person"),
    ("IN  PERSON", ("in_person", "remote"), "in_person"),
    ("Remote", ("in_person", "remote"), "remote"),
    ("research-center", ("research_center",), "research_center"),
    ("", ("remote",), None),
    (None, ("remote",), None),
    (NAN, ("remote",), None),
])
def test_to_enum(text, allowed, expected):
    assert vt.to_enum(text, allowed) == expected


@pytest.mark.parametrize("text", ["online", "in_person!", "remote work"])
def test_to_enum_rejects(text):
    with pytest.raises(ValueError):
        vt.to_enum(text, ("in_person", "remote"))


@pytest.mark.parametrize(("text", "expected"), [
    ("a; b", ["a", "b"]),
    (" cardiac surgery ;; oncology ; ", ["cardiac surgery", "oncology"]),
    ("one", ["one"]),
    (";", []),
    ("", []),
    (None, []),
    (NAN, []),
])
def test_to_list(text, expected):
    assert vt.to_list(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("2024/2025", ("2024/2025", 2024)),
    ("2024", ("2024/2025", 2024)),
    ("2024-2025", ("2024/2025", 2024)),
    ("2024/25", ("2024/2025", 2024)),
    ("1999/00", ("1999/2000", 1999)),
    (" 2024 / 2025 ", ("2024/2025", 2024)),
    ("", (None, None)),
    (None, (None, None)),
])
def test_to_academic_year(text, expected):
    assert vt.to_academic_year(text) == expected


@pytest.mark.parametrize("text", ["2024/2026", "2025/2024", "24/25", "year 2024", "2024/"])
def test_to_academic_year_rejects(text):
    with pytest.raises(ValueError):
        vt.to_academic_year(text)


@pytest.mark.parametrize(("cells", "values", "bad"), [
    (["usd", " EUR ", "", "XYZ", "euro"], ["USD", "EUR", None, None, None],
     [False, False, False, True, True]),
])
def test_parse_currency(cells, values, bad):
    parsed, mask = vt.parse_currency(pd.Series(cells, dtype=str))
    assert [None if pd.isna(v) else v for v in parsed] == values
    assert mask.tolist() == bad


@pytest.mark.parametrize(("text", "expected"), [
    ("  O‘zbekiston  Tibbiyot ", "ozbekiston tibbiyot"),
    ("Oʻzbekiston", "ozbekiston"),
    ("Oʼzbekiston", "ozbekiston"),
    ("O`zbekiston", "ozbekiston"),
    ("O’zbekiston", "ozbekiston"),
    ("Démo Université", "demo universite"),
    ("", ""),
    (None, ""),
    (NAN, ""),
])
def test_fold_name(text, expected):
    assert vt.fold_name(text) == expected


def test_parse_number_column_keeps_index_and_marks_bad():
    series = pd.Series(["1", "", "x", "2,5"], index=[10, 11, 12, 13], dtype=str)
    values, bad = vt.parse_number(series)
    assert values.index.tolist() == [10, 11, 12, 13]
    assert values.iloc[0] == 1.0 and math.isnan(values.iloc[1]) and values.iloc[3] == 2.5
    assert bad.tolist() == [False, False, True, False]


def test_parse_text_empty_is_na():
    out = vt.parse_text(pd.Series([" a ", "", "  ", None], dtype=object))
    assert out.iloc[0] == "a"
    assert out.iloc[1:].isna().all()


def test_parsers_accept_empty_column():
    empty = pd.Series([], dtype=str)
    assert len(vt.parse_date(empty)[0]) == 0
    assert len(vt.parse_number(empty)[0]) == 0
    assert len(vt.parse_list(empty)) == 0
    assert np.asarray(vt.parse_enum(empty, ("a",))[1]).shape == (0,)
