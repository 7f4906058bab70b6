"""Whether a cell holds a value: one answer for every floor (loaders, formatting, tables,
maps, the pack).

A cell is missing when it is None, a float NaN, ``pd.NA``, ``NaT`` or text that is empty
or only spaces (a blank cell of a spreadsheet is read as ``""``). Anything else is a
value: 0, ``"0"``, ``False``, the word ``"nan"`` (text someone typed), a list (even an
empty one: its items are the caller's to read).

    >>> [is_missing(v) for v in (None, float("nan"), "", "  ", "0", 0, "nan", [])]
    [True, True, True, True, False, False, False, False]
"""

from __future__ import annotations

import pandas as pd


def is_missing(value: object) -> bool:
    """True for None, NaN, ``pd.NA``, ``NaT`` and blank text; False for any other value."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | set | dict):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # an array or another object pandas cannot call NA
        return False
