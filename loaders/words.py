"""Coded words in three languages: a coded column accepts the label the interface shows.

The labels are the interface's own (``enum.<group>.<word>`` in ``i18n/en|ru|uz.json``), so
``Очно``, ``In person`` and ``Masofaviy`` are read as ``in_person`` / ``remote`` in
``visits.mode``; they are matched like names (no case, accents or apostrophe variants).

    >>> enum_label_index("visits", "mode")[fold_name("ОЧНО")]
    'in_person'
"""

from __future__ import annotations

from functools import cache

from loaders.schema import TABLES
from loaders.types import fold_name

# The i18n group of each coded column: its labels are ``enum.<group>.<word>`` (the schema's).
ENUM_GROUPS: dict[tuple[str, str], str] = {
    (table.name, column.name): column.group
    for table in TABLES.values() for column in table.columns if column.group
}
LANGS = ("en", "ru", "uz")


@cache
def enum_label_index(table: str, column: str) -> dict[str, str]:
    """Folded label (any of en/ru/uz) -> word, for one coded column ({} when it has none)."""
    from i18n import strings

    group = ENUM_GROUPS.get((table, column))
    if group is None:
        return {}
    prefix = f"enum.{group}."
    index: dict[str, str] = {}
    for lang in LANGS:
        for key, text in strings(lang).items():
            if key.startswith(prefix) and isinstance(text, str) and fold_name(text):
                index.setdefault(fold_name(text), key[len(prefix):])
    return index
