"""How figures read on screen (pure: no streamlit). "None" is an em dash, never 0.

    >>> format_value(0.3333, "share")
    '33.3%'
    >>> format_value(1234567.8, "usd")
    '$1,234,568'
    >>> format_value(None, "count")
    '—'
"""

from __future__ import annotations

import math

DASH = "—"


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_value(value: object, unit: str) -> str:
    """A KPI value as shown on a card (count, share, index, usd)."""
    if _missing(value):
        return DASH
    number = float(value)
    if unit == "share":
        return f"{number * 100:.1f}%"
    if unit == "index":
        return f"{number:.1f}"
    if unit == "usd":
        return f"${number:,.0f}"
    return f"{int(round(number)):,}"


def format_delta(value: object, unit: str) -> str | None:
    """A year-over-year change with its sign, or None (no delta shown)."""
    if _missing(value):
        return None
    number = float(value)
    if unit == "share":
        return f"{number * 100:+.1f} pp"
    if unit == "index":
        return f"{number:+.1f}"
    if unit == "usd":
        sign = "+" if number >= 0 else "-"
        return f"{sign}${abs(number):,.0f}"
    return f"{int(round(number)):+,}"
