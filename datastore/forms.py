"""What the one-row forms need, without streamlit: choices, ids, dates, readable diffs.

    >>> date_text("month", 2024, 3, None)
    '2024-03'
    >>> split_date("2024-03")
    ('month', 2024, 3, None)
"""

from __future__ import annotations

import secrets
from datetime import date

import pandas as pd

from datastore.labels import column_label, column_labels, enum_label, table_label
from i18n import fmt, t
from loaders.schema import TABLES
from loaders.types import to_date

KEY_PREFIX = {"agreements": "a", "visits": "v", "grants": "g", "partners": "p",
              "institutions": "i"}


def new_id(table: str, institution: str = "") -> str:
    """A fresh id for a new row, e.g. ``v-samsmu-3f9a1c``."""
    prefix = KEY_PREFIX.get(table, table[:1])
    middle = f"{institution}-" if institution else ""
    return f"{prefix}-{middle}{secrets.token_hex(3)}"


def date_text(precision: str, year: int | None, month: int | None, day: date | None) -> str:
    """The date as stored: '' (unknown), ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
    if precision == "day" and day is not None:
        return day.isoformat()
    if precision == "month" and year and month:
        return f"{int(year):04d}-{int(month):02d}"
    if precision == "year" and year:
        return f"{int(year):04d}"
    return ""


def split_date(text: str) -> tuple[str, int | None, int | None, date | None]:
    """(precision, year, month, day) of a stored date, read as the loaders read it
    (``05.03.2024``, ``март 2024`` too); ('none', ...) when empty, ('text', ...) when the
    value is no date the loaders can read (the form shows it as typed).

    >>> split_date("05 марта 2024")
    ('day', 2024, 3, datetime.date(2024, 3, 5))
    """
    text = (text or "").strip()
    if not text:
        return ("none", None, None, None)
    try:
        when, precision = to_date(text)
    except ValueError:
        return ("text", None, None, None)
    if when is None or precision not in ("day", "month", "year"):
        return ("text", None, None, None)
    if precision == "day":
        return ("day", when.year, when.month, when.date())
    return ("month", when.year, when.month, None) if precision == "month" else ("year", when.year, None, None)


def kept_cells(original: dict[str, str], opened: dict[str, str], now: dict[str, str]) -> dict[str, str]:
    """The cells to save: a field the editor left as the form showed it keeps the stored
    text (``05.03.2024`` stays as typed, a value the form cannot show is not lost); a
    changed field takes the form's value.

    ``original``: the row's stored cells; ``opened``: what each field held when the form
    was opened; ``now``: what each field holds.

    >>> kept_cells({"start_date": "05.03.2024", "person": "A"},
    ...            {"start_date": "2024-03-05", "person": "A"},
    ...            {"start_date": "2024-03-05", "person": "B"})
    {'start_date': '05.03.2024', 'person': 'B'}
    """
    return {column: (original.get(column, "") if column in opened and value == opened[column]
                     else value)
            for column, value in now.items()}


def row_title(table: str, cells: dict, lang: str, names: dict[str, str] | None = None) -> str:
    """A row as a person picks it from a list: its key and what it is about."""
    names = names or {}
    spec = TABLES[table]
    key = cells.get(spec.key, "") if spec.key else " · ".join(cells.get(c, "") for c in spec.unique)
    bits = []
    for column in ("name", "person", "title", "start_date", "academic_year", "country", "count"):
        value = cells.get(column, "")
        if value and column in spec.names:
            bits.append(value)
    if cells.get("partner_id"):
        bits.append(names.get(cells["partner_id"], cells["partner_id"]))
    if table == "students":
        key = " · ".join(cells.get(c, "") for c in ("institution_id", "academic_year", "country"))
    return " — ".join([key, ", ".join(bits[:3])]) if bits else key


def summary_line(before: dict[str, int], after: dict[str, int], lang: str) -> str:
    """``Partners 28 → 29, Visits 40 → 41`` for the tables whose row count changed."""
    parts = [f"{table_label(t, lang)} {before.get(t, 0)} → {after.get(t, 0)}"
             for t in TABLES if before.get(t, 0) != after.get(t, 0)]
    return ", ".join(parts)


def restore_summary(diffs: dict, before: dict[str, int], lang: str) -> str:
    """What restoring a version does, in one line: row counts that change and, per table,
    how many rows get other field values (``Visits 40 → 41; Visits: rows with changed
    fields — 3``); '' when nothing changes."""
    after = {**before, **{name: before.get(name, 0) + len(d.added) - len(d.removed)
                          for name, d in diffs.items()}}
    counts = summary_line(before, after, lang)
    parts = [counts] if counts else []
    parts += [t("data.rollback.changed_rows", lang, table=table_label(name, lang),
                count=len(diffs[name].changed))
              for name in TABLES if name in diffs and diffs[name].changed]
    return "; ".join(parts)


def readable_changes(table: str, diff, lang: str) -> pd.DataFrame:
    """Changed cells with labels, not column codes: row, field, before, after."""
    rows = []
    for change in diff.changed:
        for column, (old, new) in change.fields.items():
            rows.append({"row": change.key, "field": column_label(table, column, lang),
                         "old": _show(table, column, old, lang),
                         "new": _show(table, column, new, lang)})
    return pd.DataFrame(rows, columns=["row", "field", "old", "new"])


REF_NAMES = {"institution_id": "institutions", "partner_id": "partners", "partner_ids": "partners"}


def readable_rows(table: str, frame: pd.DataFrame, lang: str,
                  names: dict[str, dict[str, str]] | None = None) -> pd.DataFrame:
    """Rows with labelled headers and coded values shown as words; with ``names``
    ({"institutions": {id: name}, "partners": {...}}) institutions and partners by name."""
    out = frame.copy()
    for column in out.columns:
        lookup = (names or {}).get(REF_NAMES.get(column, ""), {})
        if lookup and column != TABLES[table].key:
            out[column] = ["; ".join(lookup.get(v.strip(), v.strip()) for v in str(cell).split(";"))
                           if cell else cell for cell in out[column]]
        else:
            out[column] = [_show(table, column, v, lang) for v in out[column]]
    return out.rename(columns=column_labels(table, out.columns, lang))


def _show(table: str, column: str, value: str, lang: str) -> str:
    """A stored cell as people read it: coded words and country codes in words."""
    if not value:
        return value
    spec = TABLES.get(table)
    if spec is not None and column in spec.names and spec.column(column).kind == "country":
        return fmt.country(value, lang) or value
    return enum_label(table, column, value, lang)
