"""Value parsers of the data contract, vectorised over a pandas column.

Each ``parse_*`` takes a column of raw text (``str``, empty or NA = unknown) and returns
the parsed values plus a boolean ``bad`` mask (True where a non-empty cell could not be
read). The work is done once per distinct value (``pd.factorize``) with pandas string
methods, so a million-row column with a few thousand distinct dates parses in well under
a second. The ``to_*`` helpers parse one value, for tests and callers with a single cell.

>>> to_number("1 200,50")
1200.5
>>> to_date("03.2024")
Traceback (most recent call last):
...
ValueError: not a date: '03.2024'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

import numpy as np
import pandas as pd

from core.missing import is_missing

APOSTROPHES = "ʻʼ'‘’`"
_APOSTROPHE_RE = re.compile(f"[{APOSTROPHES}]")
_SPACE_RE = re.compile(r"\s+")
YEAR_MIN, YEAR_MAX = 1900, 2100


def fold_name(text: object) -> str:
    """A name as compared: no case, accents, Uzbek apostrophe variants or extra space.

    >>> fold_name("  O‘zbekiston  Tibbiyot ") == fold_name("o'zbekiston tibbiyot")
    True
    """
    if is_missing(text):
        return ""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHE_RE.sub("", text.casefold())
    return _SPACE_RE.sub(" ", text).strip()


def _clean(series: pd.Series) -> pd.Series:
    """Raw cells as stripped text; NA becomes ''."""
    s = pd.Series(series, copy=False)
    if s.dtype != object and not isinstance(s.dtype, pd.StringDtype):
        s = s.astype(object)
    if s.hasnans:
        s = s.where(s.notna(), "")
    if s.dtype != "str":
        s = s.astype(str)
    return s.str.strip()


def _by_unique(series: pd.Series, func: Callable[[pd.Series], tuple]) -> tuple:
    """Apply ``func`` to the distinct values only and spread its arrays back over the rows."""
    s = _clean(series)
    codes, uniques = pd.factorize(s)
    results = func(pd.Series(np.asarray(uniques, dtype=object), dtype=str))
    return tuple(np.asarray(r)[codes] if len(codes) else np.asarray(r)[:0] for r in results)


# ---------------------------------------------------------------- text, list, enum


def parse_text(series: pd.Series) -> pd.Series:
    """Trimmed text; empty cells become NA."""
    s = _clean(series)
    return s.where(s != "", pd.NA)


def _split_list(text: str) -> list[str]:
    return [item.strip() for item in text.split(";") if item.strip()]


def parse_list(series: pd.Series) -> pd.Series:
    """Items separated by ``;`` (trimmed, empties dropped); an empty cell is ``[]``."""

    def one(u: pd.Series) -> tuple:
        out = np.empty(len(u), dtype=object)
        out[:] = [_split_list(x) for x in u]
        return (out,)

    (values,) = _by_unique(series, one)
    return pd.Series(values, index=series.index, dtype=object)


def normalize_enum(series: pd.Series) -> pd.Series:
    """Lower case, spaces and ``-`` read as ``_``."""

    def one(u: pd.Series) -> tuple:
        words = u.str.lower().str.replace(r"[\s\-_]+", "_", regex=True).str.strip("_")
        return (words.to_numpy(dtype=object),)

    (words,) = _by_unique(series, one)
    return pd.Series(words, index=series.index, dtype=str)


def parse_enum(series: pd.Series, allowed, labels: dict[str, str] | None = None
               ) -> tuple[pd.Series, np.ndarray]:
    """The canonical word (or NA) and the mask of filled cells not in ``allowed``.

    ``labels`` maps a folded label (``fold_name``) to its word, e.g. ``{"очно": "in_person"}``.
    """
    words = normalize_enum(series)
    if labels:
        unknown = ~words.isin(list(allowed)) & (words != "")
        if unknown.any():
            folded = series[unknown.to_numpy()].map(fold_name)
            words = words.copy()
            words[unknown.to_numpy()] = folded.map(labels).fillna(words[unknown.to_numpy()])
    empty = (words == "").to_numpy()
    ok = words.isin(list(allowed)).to_numpy()
    values = words.where(ok, pd.NA)
    return values.set_axis(series.index), ~empty & ~ok


# Yes/no cells (documents.public): the words people type in the three languages, folded.
_YES = ("yes", "y", "true", "1", "x", "да", "д", "ha", "xa", "ҳа", "ха")
_NO = ("no", "n", "false", "0", "нет", "н", "yo'q", "yoq", "йўқ", "йук", "йуқ")


def parse_bool(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """True / False / NA (empty), and the mask of filled cells that are neither a yes nor a
    no word (``yes``, ``no``, ``true``, ``1``, ``да``, ``нет``, ``ha``, ``yoʻq``, any case)."""
    yes, no = {fold_name(w) for w in _YES}, {fold_name(w) for w in _NO}
    text = parse_text(series)
    folded = text.map(fold_name, na_action="ignore")
    values = pd.Series(pd.NA, index=series.index, dtype=object)
    is_yes = folded.isin(yes).to_numpy()
    is_no = folded.isin(no).to_numpy()
    values[is_yes] = True
    values[is_no] = False
    bad = text.notna().to_numpy() & ~is_yes & ~is_no
    return values, bad


# ---------------------------------------------------------------- digits in any script


@lru_cache(maxsize=1)
def _digit_table() -> dict[int, str]:
    """Every Unicode decimal digit (Arabic-Indic, Devanagari, full-width...) -> ASCII."""
    import sys

    table = {}
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        if code > 127 and unicodedata.category(ch) == "Nd":
            table[code] = str(unicodedata.digit(ch))
    table[0x066B] = "."  # ARABIC DECIMAL SEPARATOR
    table[0x066C] = ","  # ARABIC THOUSANDS SEPARATOR
    return table


def _as_ascii_digits(text: str, table: dict[int, str]) -> str:
    """One text's digits as ASCII; a text with a superscript, fraction or other "number"
    that is not a decimal digit (``10²``, ``½``) is left as it is, so it reads as no
    number at all instead of NFKC's ``102``."""
    if text.isascii():
        return text
    if any(unicodedata.category(ch) == "No" for ch in text):
        return text
    return unicodedata.normalize("NFKC", text).translate(table)


def ascii_digits(u: pd.Series) -> pd.Series:
    """Distinct cell texts with digits in any script as ASCII (NFKC first: ``１２`` -> ``12``)."""
    if not len(u) or not u.str.contains(r"[^\x00-\x7f]", regex=True).any():
        return u
    table = _digit_table()
    return pd.Series([_as_ascii_digits(x, table) for x in u], index=u.index, dtype=str)


# ---------------------------------------------------------------- numbers

_NUMBER_RE = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_THOUSANDS_COMMA_RE = r",(?=\d{3}(?!\d))"
_LEADING_ZERO_COMMA_RE = r"^([+-]?0),(?=\d)"  # "0,011": a decimal comma, never thousands
# Where commas may stand: thousands groups of exactly three digits after the first group,
# then at most one decimal comma, last ("1,500,000", "1,000,5", "1200,50"). Any other
# use ("1,50,000" in Indian grouping, "0,5,000") would be misread: it is no number.
_COMMAS_RE = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:,\d+)?(?:\.\d*)?(?:[eE][+-]?\d+)?"
NUMBER_LIMIT = 1e15  # above this (or not finite) a number is an error, never a figure


def _number_uniques(u: pd.Series) -> tuple:
    text = ascii_digits(u).str.replace(r"[\s\u00a0\u202f\u2009\u2007]", "", regex=True)
    text = text.str.replace(_LEADING_ZERO_COMMA_RE, r"\1.", regex=True)
    commas = text.str.contains(",", regex=False).to_numpy(dtype=bool)
    if commas.any():
        misplaced = commas & ~text.str.fullmatch(_COMMAS_RE).fillna(False).to_numpy(dtype=bool)
        text = text.where(~misplaced, "?")
    text = text.str.replace(_THOUSANDS_COMMA_RE, "", regex=True).str.replace(",", ".")
    ok = text.str.fullmatch(_NUMBER_RE).fillna(False).to_numpy(dtype=bool)
    values = np.full(len(u), np.nan)
    if ok.any():
        # float() of the text: a 400-digit integer becomes inf (then out of range),
        # where pandas would build a Python int that no float can hold
        values[ok] = text[ok].to_numpy(dtype=object).astype(float)
    huge = ok & ~(np.abs(np.nan_to_num(values, nan=0.0, posinf=np.inf, neginf=np.inf))
                  <= NUMBER_LIMIT)
    values[huge] = np.nan
    bad = (u != "").to_numpy() & ~ok
    return values, bad, huge


def parse_number_checked(series: pd.Series, integer: bool = False
                         ) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Like :func:`parse_number`, plus the mask of numbers out of range (kept apart)."""
    values, bad, huge = _by_unique(series, _number_uniques)
    values = values.astype(float)
    if integer:
        fractional = np.isfinite(values) & (values != np.floor(values))
        bad = bad | fractional
        values = np.where(fractional, np.nan, values)
    return (pd.Series(values, index=series.index, dtype=float), bad.astype(bool),
            huge.astype(bool))


def parse_number(series: pd.Series, integer: bool = False) -> tuple[pd.Series, np.ndarray]:
    """Numbers as float (NaN when empty or bad) and the mask of unreadable cells.

    Digits in any script count (``１２``, ``٨٠٠٠٠``), superscripts and fractions do not
    (``10²`` is bad, not 102). Spaces (also non-breaking) separate thousands; a ``,``
    followed by exactly three digits is a thousands separator unless only ``0`` stands
    before it (``0,011`` = 0.011), any other ``,`` a decimal comma, which must be the last
    comma: ``1,50,000`` and ``0,5,000`` (groups that are not thousands) are bad. With
    ``integer`` a value with a fraction is bad. A number that is not finite or above
    10^15 is bad too (so every value fits a 64-bit integer). Negative values are returned
    as read (the caller decides).
    """
    values, bad, huge = parse_number_checked(series, integer)
    return values, bad | huge


def to_int_series(values: pd.Series) -> pd.Series:
    """Floats holding whole numbers (NaN = unknown) as nullable ``Int64``."""
    return values.round().astype("Int64")


# ---------------------------------------------------------------- dates

_DAY_ISO = r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
_DAY_DOTS = r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"
_MONTH = r"^(\d{4})-(\d{1,2})$"
_YEAR = r"^(\d{4})$"


# Words around a date that say nothing more: "5 марта 2024 г.", "2024-yil mart", "the 5th of".
_DATE_FILLERS = frozenset(fold_name(w) for w in (
    "г", "гг", "год", "года", "году", "го", "числа", "месяц", "месяца",
    "yil", "yilning", "yili", "y", "oyi", "oy", "йил", "йилнинг", "йили", "ойи",
    "of", "the", "st", "nd", "rd", "th", "year", "month",
))
_DATE_TOKEN_RE = re.compile(r"[^\W\d_]+|\d+")
_LETTER_RE = r"[^\W\d_]"


@lru_cache(maxsize=1)
def month_words() -> dict[str, int]:
    """Every way a month is written, folded (``fold_name``) -> its number.

    From CLDR through Babel: English, Russian, Uzbek in Latin and in Cyrillic script, wide
    and abbreviated, the format context (Russian genitive: "марта") and the stand-alone one
    (nominative: "март"); plus the Latin spellings offices type for Cyrillic names
    ("sentyabr", "oktyabr"). A word that would name two months is left out.
    """
    from babel.dates import get_month_names

    from places.names import to_latin

    found: dict[str, set[int]] = {}

    def add(word: str, number: int) -> None:
        key = fold_name(word.strip().rstrip("."))
        if key:
            found.setdefault(key, set()).add(number)

    for locale in ("en", "ru", "uz", "uz_Cyrl"):
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in get_month_names(width, context, locale).items():
                    add(name, number)
                    if locale in ("ru", "uz_Cyrl"):
                        add(to_latin(name, "uz"), number)
                        add(to_latin(name, "ru"), number)
    return {word: next(iter(numbers)) for word, numbers in found.items() if len(numbers) == 1}


def _month_name_date(text: str) -> tuple[int, int, int, str] | None:
    """(year, month, day, precision) of a date with a month name, or None.

    One month word, one four-digit year, at most one day of one or two digits, in any
    order, with fillers ("г.", "yil") and punctuation around: "март 2024", "05 марта 2024",
    "5-mart 2024-yil", "March 5, 2024". Without a day the precision is the month.
    """
    words = month_words()
    year = month = day = None
    for token in _DATE_TOKEN_RE.findall(fold_name(text)):
        if token.isdigit():
            if len(token) == 4 and year is None:
                year = int(token)
            elif len(token) <= 2 and day is None:
                day = int(token)
            else:
                return None
        elif token in words and month is None:
            month = words[token]
        elif token not in _DATE_FILLERS:
            return None
    if year is None or month is None:
        return None
    return (year, month, day or 1, "day" if day else "month")


def _date_uniques(u: pd.Series) -> tuple:
    n = len(u)
    year = np.full(n, np.nan)
    month = np.full(n, np.nan)
    day = np.full(n, np.nan)
    precision = np.full(n, None, dtype=object)

    def fill(mask, y, m, d, prec):
        mask = mask & np.isnan(year)
        year[mask], month[mask], day[mask] = y[mask], m[mask], d[mask]
        precision[mask] = prec

    def num(frame, col):
        return pd.to_numeric(frame[col]).to_numpy(dtype=float)

    ones = np.ones(n)
    u = ascii_digits(u)
    iso = u.str.extract(_DAY_ISO)
    fill(iso[0].notna().to_numpy(), num(iso, 0), num(iso, 1), num(iso, 2), "day")
    dots = u.str.extract(_DAY_DOTS)
    fill(dots[0].notna().to_numpy(), num(dots, 2), num(dots, 1), num(dots, 0), "day")
    mon = u.str.extract(_MONTH)
    fill(mon[0].notna().to_numpy(), num(mon, 0), num(mon, 1), ones, "month")
    yr = u.str.extract(_YEAR)
    fill(yr[0].notna().to_numpy(), num(yr, 0), ones, ones, "year")
    named = np.isnan(year) & u.str.contains(_LETTER_RE, regex=True).to_numpy(dtype=bool)
    for i in np.flatnonzero(named):
        found = _month_name_date(u.iloc[i])
        if found is not None:
            year[i], month[i], day[i], precision[i] = found

    in_range = (year >= YEAR_MIN) & (year <= YEAR_MAX)
    year = np.where(in_range, year, np.nan)
    parts = pd.DataFrame({"year": year, "month": month, "day": day})
    dates = pd.to_datetime(parts, errors="coerce").astype("datetime64[ns]").to_numpy()
    valid = ~np.isnat(dates)
    precision = np.where(valid, precision, np.array(None, dtype=object))
    bad = (u != "").to_numpy() & ~valid
    return dates, precision, bad


def parse_date(series: pd.Series) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """Dates (``datetime64[ns]``, NaT when unknown), their precision, and the bad mask.

    ``YYYY-MM-DD`` (optionally with a time, as Excel cells are written), ``DD.MM.YYYY``:
    day; ``YYYY-MM``: month; ``YYYY``: year (the first day of that month or year). A month
    written as a word in English, Russian or Uzbek (``05 марта 2024``: day; ``mart 2024``,
    ``March 2024``: month; see :func:`month_words`).
    """
    dates, precision, bad = _by_unique(series, _date_uniques)
    idx = series.index
    return (pd.Series(dates, index=idx, dtype="datetime64[ns]"),
            pd.Series(precision, index=idx, dtype=object),
            bad.astype(bool))


# The words an agreement's ``expires_on`` takes when it has no end (docs/data-contract.md v3).
OPEN_ENDED_WORDS = frozenset({"open-ended", "open ended", "openended", "бессрочно", "бессрочный",
                              "muddatsiz"})


def open_ended(series: pd.Series) -> np.ndarray:
    """True where a cell says the agreement has no end (``open-ended``, ``бессрочно``,
    ``muddatsiz``; any case, spaces around ignored)."""
    text = series.astype(object).where(series.notna(), "").astype(str).str.strip().str.lower()
    return text.isin(OPEN_ENDED_WORDS).to_numpy(dtype=bool)


# ---------------------------------------------------------------- academic year, currency

_ACADEMIC_RE = r"^(\d{4})(?:\s*[/\-\u2013]\s*(\d{4}|\d{2}))?$"


def _academic_uniques(u: pd.Series) -> tuple:
    u = ascii_digits(u)
    parts = u.str.extract(_ACADEMIC_RE)
    start = pd.to_numeric(parts[0]).to_numpy(dtype=float)
    end_text = parts[1].fillna("")
    end = pd.to_numeric(end_text.where(end_text != "", None)).to_numpy(dtype=float)
    short = (end_text.str.len() == 2).to_numpy()
    # "1999/00": two digits name the year after the start, whatever its century
    end = np.where(short, np.where(end == (start + 1) % 100, start + 1, np.nan), end)
    end = np.where(np.isnan(end), start + 1, end)
    ok = ~np.isnan(start) & (end == start + 1) & (start >= YEAR_MIN) & (start <= YEAR_MAX)
    labels = np.full(len(u), None, dtype=object)
    labels[ok] = [f"{int(s)}/{int(s) + 1}" for s in start[ok]]
    starts = np.where(ok, start, np.nan)
    bad = (u != "").to_numpy() & ~ok
    return labels, starts, bad


def parse_academic_year(series: pd.Series) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """``YYYY/YYYY`` (consecutive; ``YYYY-YYYY`` and ``YYYY/YY`` read too) or ``YYYY``.

    Returns the normalised label ``"2024/2025"``, the start year (Int64) and the bad mask.
    """
    labels, starts, bad = _by_unique(series, _academic_uniques)
    idx = series.index
    return (pd.Series(labels, index=idx, dtype=object).where(pd.notna(labels), pd.NA),
            pd.Series(starts, index=idx, dtype=float).astype("Int64"),
            bad.astype(bool))


@lru_cache(maxsize=1)
def currency_codes() -> frozenset[str]:
    """Every ISO 4217 alphabetic code known to pycountry."""
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.currencies)


def parse_currency(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Upper-case ISO 4217 code (or NA) and the mask of filled cells that are not codes."""
    codes = _clean(series).str.upper()
    empty = (codes == "").to_numpy()
    ok = codes.isin(list(currency_codes())).to_numpy()
    return codes.where(ok, pd.NA).set_axis(series.index), ~empty & ~ok


# ---------------------------------------------------------------- one value at a time


def _one(value: object) -> pd.Series:
    return pd.Series(["" if is_missing(value) else str(value)], dtype=object)


def to_number(value: object, integer: bool = False) -> float | None:
    """One number, or None when empty; ValueError when unreadable."""
    values, bad = parse_number(_one(value), integer)
    if bad[0]:
        raise ValueError(f"not a number: {value!r}")
    return None if np.isnan(values.iloc[0]) else float(values.iloc[0])


def to_date(value: object) -> tuple[pd.Timestamp | None, str | None]:
    """One date and its precision, or (None, None) when empty; ValueError when unreadable."""
    dates, precision, bad = parse_date(_one(value))
    if bad[0]:
        raise ValueError(f"not a date: {value!r}")
    if pd.isna(dates.iloc[0]):
        return None, None
    return dates.iloc[0], precision.iloc[0]


def to_enum(value: object, allowed) -> str | None:
    """One enum word, or None when empty; ValueError when not allowed."""
    values, bad = parse_enum(_one(value), allowed)
    if bad[0]:
        raise ValueError(f"not one of {list(allowed)}: {value!r}")
    return None if pd.isna(values.iloc[0]) else values.iloc[0]


def to_list(value: object) -> list[str]:
    """One list cell."""
    return parse_list(_one(value)).iloc[0]


def to_academic_year(value: object) -> tuple[str | None, int | None]:
    """One academic year label and its start year; ValueError when unreadable."""
    labels, starts, bad = parse_academic_year(_one(value))
    if bad[0]:
        raise ValueError(f"not an academic year: {value!r}")
    if pd.isna(labels.iloc[0]):
        return None, None
    return labels.iloc[0], int(starts.iloc[0])
