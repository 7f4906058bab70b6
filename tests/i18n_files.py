"""The translation files read straight from disk, for expected values in tests.

Tests must not build their expected text with ``i18n.t()``: it falls back to English, so
a key missing in Russian would pass. ``text(key, lang)`` raises KeyError instead.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

I18N = Path(__file__).resolve().parent.parent / "i18n"


@cache
def catalog(lang: str) -> dict[str, str]:
    """Every string of ``i18n/<lang>.json``, as json.load reads it."""
    with (I18N / f"{lang}.json").open(encoding="utf-8") as handle:
        return json.load(handle)


def text(key: str, lang: str, **fmt: object) -> str:
    """The string of ``key`` in that language's file (KeyError if it lacks it), formatted."""
    value = catalog(lang)[key]
    if not value:
        raise KeyError(f"{key} is empty in {lang}.json")
    return value.format(**fmt) if fmt else value
