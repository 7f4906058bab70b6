"""Words the editors see for tables, columns and coded values (no streamlit).

    >>> enum_group("visits", "mode")
    'mode'
    >>> column_label("visits", "start_date", "en")   # doctest: +SKIP
    'Start'
"""

from __future__ import annotations

from i18n import strings, t
from loaders.words import ENUM_GROUPS

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


def table_label(table: str, lang: str) -> str:
    key = f"data.table.{table}"
    text = strings(lang).get(key)
    return text or table


def column_labels(table: str, columns, lang: str) -> dict[str, str]:
    """Each column's name for people, made unique within the table (a frame's headers)."""
    out: dict[str, str] = {}
    for column in columns:
        label = column_label(table, column, lang)
        out[column] = label if label not in out.values() else f"{label} ({column})"
    return out


def column_label(table: str, column: str, lang: str) -> str:
    """A column's name for people (``common.col.*`` when there is one), else the code."""
    for key in (_COLUMN_KEYS.get(column), f"common.col.{column}", f"data.field.{column}"):
        if key and key in strings(lang):
            return t(key, lang)
    return column
