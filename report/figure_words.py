"""A ``metrics.figure.Figure`` in words: the one way every surface prints a figure.

Cards, the "Show rows" heading, by-institution tables (screen, pack, annex), the pack's
big numbers and change lines all call ``figure_words`` (or ``value_text``), so a figure
reads the same everywhere: "unknown", "≥ 15", "cannot tell", "—", "1 of 1" or a number,
and a change only where the figure has one (docs/metrics.md "One figure, one state").

    >>> figure_words(fig, "en").value, figure_words(fig, "en").change
    ('783', '2024: 783 · 2023: 684, +99')
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from i18n import fmt, strings, t
from metrics.figure import Change, Figure


@dataclass(frozen=True)
class FigureWords:
    value: str  # the headline: a number, "≥ N", "unknown", "cannot tell", "—", "1 of 1"
    note: str | None = None  # why it is not a plain number (unknown inputs), or None
    delta: str | None = None  # "+99" when the figure has a change, else None
    change: str | None = None  # "2024: 783 · 2023: 684, +99", else None
    no_change: str | None = None  # why there is no change, when it has a comparison at all


def _number(fig: Figure, value: object, lang: str) -> str:
    return fmt.value(value, fig.unit, lang)


def value_text(fig: Figure, lang: str) -> str:
    """The figure's headline alone (a table cell, a heading)."""
    if fig.state == "unknown":
        return t("figure.unknown", lang)
    if fig.state == "cannot_tell":
        return t("figure.cannot_tell", lang)
    if fig.state == "undefined":
        return fmt.DASH
    if fig.small_share:
        return t(f"figure.of.{fig.name}", lang, part=fmt.integer(fig.part, lang), base=fmt.integer(fig.base, lang))
    text = _number(fig, fig.value, lang)
    return "≥ " + text if fig.state == "at_least" else text


def note_text(fig: Figure, lang: str) -> str | None:
    """The line under the figure: how many inputs are unknown, and what."""
    kind = {"unknown": "unknown_why", "cannot_tell": "cannot_tell_why", "at_least": "unknown_some"}.get(fig.state)
    if kind is None:
        return None
    key = f"figure.{kind}.{fig.name}"
    if f"{key}.other" in strings(lang):  # a plural entry (i18n.fmt.plural)
        return fmt.plural(key, fig.unknown, lang)
    return t(key, lang, n=fmt.integer(fig.unknown, lang))


def year_label(change: Change, year: int | None) -> str:
    """A year as the change names it: ``2024``, or ``2024/2025`` for an academic year."""
    if year is None:
        return ""
    return f"{year}/{year + 1}" if change.academic else str(year)


def change_text(fig: Figure, lang: str, style: str = "long") -> str | None:
    """"2024: 783 · 2023: 684, +99" (both values, then the change), or None; ``style``: of
    the date a year in progress is cut at (the pack's is "medium")."""
    change = fig.change
    if change is None or not change.compared:
        return None
    delta = fmt.delta(change.delta, fig.unit, lang)
    text = t("figure.change", lang, year=year_label(change, change.year),
             current=_number(fig, change.current, lang),
             previous=year_label(change, change.previous), before=_number(fig, change.before, lang),
             delta=delta)
    if change.partial and change.period_end is not None:
        text += " " + t("figure.change_period", lang, end=fmt.date_text(change.period_end, lang, style=style))
    return text


def no_change_text(fig: Figure, lang: str) -> str | None:
    """Why the figure has no change (None when it has one, or no comparison was asked)."""
    change = fig.change
    if change is None or change.compared:
        return None
    reason = change.reason or "undefined"
    return t(f"figure.no_change.{reason}", lang, year=year_label(change, change.year),
             previous=year_label(change, change.previous))


def figure_words(fig: Figure, lang: str) -> FigureWords:
    """Everything a surface prints of ``fig`` in ``lang``."""
    change = fig.change
    delta = fmt.delta(change.delta, fig.unit, lang) if change is not None and change.compared else None
    return FigureWords(value_text(fig, lang), note_text(fig, lang), delta, change_text(fig, lang),
                       no_change_text(fig, lang))


def domestic_words(partners: pd.DataFrame, foreign: Iterable[str], lang: str) -> str:
    """" (+ 1 domestic partner: Uzbekistan)" for partners outside the foreign countries
    (docs/metrics.md v3: domestic partners are shown apart, never in a country count)."""
    home = partners[~partners["country"].astype(str).isin(set(foreign)).to_numpy()]
    home = home[home["country"].notna().to_numpy()]
    if home.empty:
        return ""
    names = ", ".join(sorted({fmt.country(c, lang) for c in home["country"]}))
    return fmt.plural("pack.countries.domestic", len(home), lang, countries=names)
