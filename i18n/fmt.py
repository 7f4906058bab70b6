"""Numbers, money, percentages, dates and country names as each language writes them.

English groups thousands with a comma; Russian and Uzbek with a non-breaking space and
use a decimal comma. Missing values are an em dash, never 0. Examples::

    >>> number(1234.5, "en"), number(1234.5, "ru")
    ('1,234.5', '1\\xa0234,5')
    >>> percent(0.333, "en"), percent(0.333, "ru"), percent(0.333, "uz")
    ('33.3%', '33,3\\xa0%', '33,3%')
    >>> money(1234567.8, "en"), money(1234567.8, "uz")
    ('$1,234,568', '1\\xa0234\\xa0568\\xa0$')
    >>> date_text(date(2025, 3, 5), "en"), date_text(date(2025, 3, 5), "uz", "month")
    ('5 March 2025', 'Mart 2025')

Built on babel (CLDR data), which has ru and uz (Latin) locales.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_skeleton, get_month_names
from babel.numbers import format_decimal

from core.missing import is_missing
from i18n import DEFAULT_LANG, LANGUAGES, fill, strings
from places.countries import country_name

DASH = "—"
NBSP = "\u00a0"


def _lang(lang: str | None) -> str:
    return lang if lang in LANGUAGES else DEFAULT_LANG


def number(value: object, lang: str | None = DEFAULT_LANG, digits: int | None = None) -> str:
    """A number with the language's separators; ``digits`` fixes the decimals.

    Example: ``number(1234567, "uz") == "1\\xa0234\\xa0567"``; ``number(2.5, "ru", 0) == "3"``
    (half away from zero, as people round).
    """
    if is_missing(value) or (isinstance(value, float) and not math.isfinite(value)):
        return DASH
    if type(value) in (int, float) and type(digits) in (int, type(None)):  # the common case, kept
        return _number(value, _lang(lang), digits)
    return _number.__wrapped__(value, _lang(lang), digits)


@lru_cache(maxsize=16384, typed=True)
def _number(value: object, lang: str, digits: int | None) -> str:
    """``number`` of a known value (kept for ints and floats: maps and tables repeat them)."""
    if digits is None:
        return format_decimal(value, locale=lang)
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    # babel rounds half to even (2.5 -> 2); people expect half away from zero.
    exact = Decimal(str(value))
    if not exact.is_finite():
        return DASH
    with localcontext() as context:  # enough digits for any finite value (1e30 has 31)
        context.prec = max(28, exact.adjusted() + digits + 2)
        rounded = exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
        return format_decimal(rounded, format=pattern, locale=lang, decimal_quantization=True)


# CLDR plural categories (babel): en and uz one/other, ru one/few/many/other.
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")


@lru_cache(maxsize=8)
def _plural_rule(lang: str):  # babel.plural.PluralRule
    return Locale.parse(lang).plural_form


def plural_category(count: float, lang: str | None = DEFAULT_LANG) -> str:
    """The CLDR plural category of ``count`` in ``lang``: ``plural_category(21, "ru") == "one"``."""
    return str(_plural_rule(_lang(lang))(abs(count)))


def plural(key: str, count: float, lang: str | None = DEFAULT_LANG, /, **values: object) -> str:
    """The text of ``key`` for ``count`` things, chosen by the language's CLDR plural rule
    from the catalog entries ``<key>.one`` / ``.few`` / ``.many`` / ``.other`` (``.other``
    when the language has no entry of that category). ``{n}`` is the count written as
    the language writes numbers unless given. ``key``, ``count`` and ``lang`` are positional
    only, so a string may have its own ``{count}`` placeholder::

        plural("pack.section.grants.lead", 21, "ru")  # '21 грант или совместный проект …'
    """
    lang = _lang(lang)
    values.setdefault("n", integer(count, lang))
    category = plural_category(count, lang)
    for language in (lang, DEFAULT_LANG):
        table = strings(language)
        for name in (f"{key}.{plural_category(count, language)}" if language != lang else f"{key}.{category}",
                     f"{key}.other"):
            text = table.get(name)
            if text:
                return fill(text, values)
    return key


def integer(value: object, lang: str | None = DEFAULT_LANG) -> str:
    """A whole number with grouped thousands: ``integer(12000, "ru") == "12\\xa0000"``."""
    return number(value, lang, 0)


@lru_cache(maxsize=8)
def _percent_pattern(lang: str, digits: int) -> str:
    # CLDR: en "#,##0%", ru "#,##0 %" (a non-breaking space before the sign), uz "#,##0%".
    base = Locale.parse(lang).percent_formats[None].pattern
    return base.replace("#,##0", "#,##0" + ("." + "0" * digits if digits > 0 else ""), 1)


def percent(share: object, lang: str | None = DEFAULT_LANG, digits: int = 1) -> str:
    """A share (0..1) as a percentage: ``percent(0.25, "en") == "25.0%"``."""
    if is_missing(share):
        return DASH
    lang = _lang(lang)
    # The "%" in the pattern makes babel multiply by 100.
    return format_decimal(float(share), format=_percent_pattern(lang, digits), locale=lang,
                          decimal_quantization=True)


def money(value: object, lang: str | None = DEFAULT_LANG, currency: str = "USD", digits: int = 0) -> str:
    """An amount of money: en "$1,234", ru/uz "1 234 $"; other currencies by their code
    ("€" and "$" only where people read them unambiguously)."""
    if is_missing(value) or not math.isfinite(float(value)):
        return DASH
    lang = _lang(lang)
    amount = number(abs(float(value)), lang, digits)
    sign = "-" if float(value) < 0 else ""
    symbol = {"USD": "$", "EUR": "€"}.get(currency.upper(), currency.upper())
    if lang == "en":
        return f"{sign}{symbol}{amount}" if len(symbol) == 1 else f"{sign}{amount} {symbol}"
    return f"{sign}{amount}{NBSP}{symbol}"


def signed(value: object, lang: str | None = DEFAULT_LANG, digits: int = 0) -> str:
    """A change with its sign: ``signed(12, "en") == "+12"``; ``signed(-1200, "ru") == "-1\\xa0200"``.

    An ASCII minus on purpose: ``st.metric`` colours a delta red when it starts with "-".
    """
    if is_missing(value):
        return DASH
    number_value = float(value)
    text = number(abs(number_value), lang, digits)
    if text.strip("0,. \u00a0") == "":  # rounds to zero: no sign
        return text
    return ("+" if number_value > 0 else "-") + text


def _as_date(value: object) -> date | None:
    if is_missing(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    to_pydatetime = getattr(value, "to_pydatetime", None)  # pandas Timestamp
    if to_pydatetime is not None:
        return to_pydatetime().date()
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def date_text(value: object, lang: str | None = DEFAULT_LANG, precision: str | None = "day",
              style: str = "long") -> str:
    """A date as the language writes it, no more precise than it is known.

    ``precision``: "day" (default), "month" or "year" (the loaders' ``*_precision``).
    ``style``: "long" ("5 March 2025") or "medium" ("5 Mar 2025", "5 мар. 2025 г."); the
    pack writes every date "medium" (one style per language, ``report.cells.DATE_STYLE``).
    Example: ``date_text(date(2025, 3, 5), "en", "month") == "March 2025"``.
    """
    day = _as_date(value)
    if day is None:
        return DASH
    return _date_text(day, _lang(lang), precision, style)


@lru_cache(maxsize=8192)
def _date_text(day: date, lang: str, precision: str | None, style: str) -> str:
    """``date_text`` of a known day (kept: a timeline writes the same days every rerun)."""
    if precision == "year":
        return str(day.year)
    if precision == "month":
        # "LLLL" = the stand-alone month name (ru "март", not the genitive "марта").
        return format_date(day, "LLLL y", locale=lang).capitalize()
    if lang == "en" and style in ("long", "medium"):  # day first, as "5 March 2025"
        return format_date(day, "d MMMM y" if style == "long" else "d MMM y", locale=lang)
    return format_date(day, style, locale=lang)


def day_month(value: object, lang: str | None = DEFAULT_LANG) -> str:
    """A day and month without the year, as the language abbreviates them ("30 Jun",
    "30 июн.", "30-iyn"): a column headed by its year says "to 30 Jun". English puts the
    day first, as its dates do (``_date_text``)."""
    day = _as_date(value)
    if day is None:
        return DASH
    if _lang(lang) == "en":
        return format_date(day, "d MMM", locale="en")
    return format_skeleton("MMMd", day, locale=_lang(lang))


def month_name(month: int, lang: str | None = DEFAULT_LANG, width: str = "wide") -> str:
    """The month's name standing alone: ``month_name(3, "ru") == "Март"``."""
    name = get_month_names(width, context="stand-alone", locale=_lang(lang))[int(month)]
    return name[:1].upper() + name[1:]


def country(a3: object, lang: str | None = DEFAULT_LANG) -> str:
    """A country's name in the language (ISO alpha-3 in): ``country("DEU", "uz") == "Germaniya"``.

    The one country label of the app, the pack and the report: no code is ``DASH``, a
    code no table knows is the code itself (``country("ZZZ", "en") == "ZZZ"``).
    """
    if is_missing(a3) or not str(a3).strip():
        return DASH
    return country_name(str(a3), _lang(lang))


def value(amount: object, unit: str, lang: str | None = DEFAULT_LANG) -> str:
    """A KPI value as shown on a card, by its unit: count, share, index or usd."""
    if unit == "share":
        return percent(amount, lang)
    if unit == "index":
        return number(amount, lang, 1)
    if unit == "usd":
        return money(amount, lang)
    return integer(amount, lang)


def delta(change: object, unit: str, lang: str | None = DEFAULT_LANG) -> str | None:
    """A year-over-year change with its sign, or None (no change shown).

    Shares change in percentage points: ``delta(0.05, "share", "en") == "+5.0 pp"``.
    """
    if is_missing(change):
        return None
    lang = _lang(lang)
    if unit == "share":
        points = {"en": " pp", "ru": f"{NBSP}п.{NBSP}п.", "uz": f"{NBSP}foiz punkti"}[lang]
        return f"{signed(float(change) * 100, lang, 1)}{points}"
    if unit == "index":
        return signed(change, lang, 1)
    if unit == "usd":
        text = signed(change, lang, 0)
        sign, digits_text = (text[0], text[1:]) if text[:1] in "+-" else ("", text)
        return f"{sign}${digits_text}" if lang == "en" else f"{sign}{digits_text}{NBSP}$"
    return signed(change, lang, 0)


def isced(code: object, lang: str | None = DEFAULT_LANG) -> str:
    """An ISCED-F 2013 field as a reader names it: ``isced("0912", "ru") == "Медицина (0912)"``;
    a detailed field with no name of its own here takes its narrow or broad field's."""
    text = str(code or "").strip()
    table = strings(_lang(lang))
    for prefix in (text, text[:3], text[:2]):
        name = table.get(f"isced.{prefix}") or strings(DEFAULT_LANG).get(f"isced.{prefix}")
        if name and prefix:
            return f"{name} ({text})"
    return text
