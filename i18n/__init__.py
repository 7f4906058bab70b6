"""User-facing strings: one JSON file per language, looked up by key.

Example: ``t("common.app_title", "ru")``. A key missing in a language falls back to
English (the completeness test keeps that from shipping); a key missing everywhere
returns the key itself so a gap is visible, never a crash.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LANGUAGES = ("en", "ru", "uz")
DEFAULT_LANG = "en"
# Each language by its own name, as the language picker and the pack show it.
LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "uz": "Oʻzbekcha"}
_DIR = Path(__file__).resolve().parent


@cache
def strings(lang: str) -> dict[str, str]:
    """All strings of one language (cached; the files are read once)."""
    path = _DIR / f"{lang}.json"
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def fill(text: str, values: dict[str, object]) -> str:
    """``text`` with its ``{placeholders}`` filled; a value that ends a sentence itself
    (``30 июн. 2025 г.``) takes the place of the full stop after it, so a sentence never
    ends in two."""
    for name, value in values.items():
        if isinstance(value, str) and value.endswith(".") and "{" + name + "}." in text:
            text = text.replace("{" + name + "}.", "{" + name + "}")
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        return text


def t(key: str, lang: str | None = None, **fmt: object) -> str:
    """The text for ``key`` in ``lang``, formatted with ``fmt``."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANG
    text = strings(lang).get(key) or strings(DEFAULT_LANG).get(key) or key
    return fill(text, fmt) if fmt else text
