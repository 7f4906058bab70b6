"""Words the editors see for tables, columns and coded values (no streamlit).

    >>> enum_group("visits", "mode")
    'mode'
    >>> column_label("visits", "start_date", "en")   # doctest: +SKIP
    'Start'
"""

from __future__ import annotations

from i18n import strings, t

# The i18n group of each coded column: labels are ``enum.<group>.<word>``.
ENUM_GROUPS: dict[tuple[str, str], str] = {
    ("partners", "type"): "partner_type",
    ("agreements", "kind"): "agreement_kind",
    ("agreements", "status"): "agreement_status",
    ("visits", "direction"): "direction",
    ("visits", "mode"): "mode",
    ("visits", "activity"): "activity",
    ("grants", "status"): "grant_status",
    ("students", "level"): "level",
}
LANGS = ("en", "ru", "uz")
_COLUMN_KEYS = {"start_date": "common.col.start", "end_date": "common.col.end",
                "institution_id": "common.col.institution", "partner_id": "common.col.partner",
                "partner_ids": "common.col.partners", "count": "common.col.students"}


def enum_group(table: str, column: str) -> str | None:
    return ENUM_GROUPS.get((table, column))


def enum_label(table: str, column: str, word: str, lang: str) -> str:
    """The label the interface shows for a coded value (the word itself when it has none)."""
    group = enum_group(table, column)
    key = f"enum.{group}.{word}"
    return strings(lang).get(key) or strings("en").get(key) or word if group else word


def enum_labels(table: str, column: str) -> dict[str, str]:
    """Every label of every word in en/ru/uz -> the word (read straight from i18n/*.json)."""
    group = enum_group(table, column)
    if group is None:
        return {}
    prefix = f"enum.{group}."
    found: dict[str, str] = {}
    for lang in LANGS:
        for key, text in strings(lang).items():
            if key.startswith(prefix) and isinstance(text, str):
                found.setdefault(text, key[len(prefix):])
    return found


def table_label(table: str, lang: str) -> str:
    key = f"data.table.{table}"
    text = strings(lang).get(key)
    return text or table


def column_label(table: str, column: str, lang: str) -> str:
    """A column's name for people (``common.col.*`` when there is one), else the code."""
    for key in (_COLUMN_KEYS.get(column), f"common.col.{column}"):
        if key and key in strings(lang):
            return t(key, lang)
    return column
