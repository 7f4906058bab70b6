"""How figures read on screen, in the interface language. "None" is an em dash, never 0.

Thin names over ``i18n.fmt`` (pure: no streamlit)::

    >>> format_value(0.3333, "share")
    '33.3%'
    >>> format_value(1234567.8, "usd")
    '$1,234,568'
    >>> format_value(1234567.8, "usd", "ru")
    '1\\xa0234\\xa0568\\xa0$'
    >>> format_value(None, "count")
    '—'
"""

from __future__ import annotations

from i18n import fmt

DASH = fmt.DASH


def format_value(value: object, unit: str, lang: str = "en") -> str:
    """A KPI value as shown on a card (count, share, index, usd)."""
    return fmt.value(value, unit, lang)


def format_delta(value: object, unit: str, lang: str = "en") -> str | None:
    """A year-over-year change with its sign, or None (no delta shown)."""
    return fmt.delta(value, unit, lang)
