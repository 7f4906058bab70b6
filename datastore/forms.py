"""What the one-row forms need, without streamlit: choices, ids, dates, readable diffs.

    >>> date_text("month", 2024, 3, None)
    '2024-03'
    >>> split_date("2024-03")
    ('month', 2024, 3, None)
"""

from __future__ import annotations

import re
import secrets
from datetime import date

import pandas as pd

from datastore.labels import column_label, enum_label, table_label
from i18n import t
from loaders.schema import TABLES

KEY_PREFIX = {"agreements": "a", "visits": "v", "grants": "g", "partners": "p",
              "institutions": "i"}
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


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
    """(precision, year, month, day) of a stored date; ('none', ...) when empty or unusual."""
    match = _DATE_RE.match((text or "").strip())
    if not match:
        return ("none", None, None, None)
    year, month, day = (int(g) if g else None for g in match.groups())
    if year is not None and month is not None and day is not None:  # the regex's groups nest
        try:
            return ("day", year, month, date(year, month, day))
        except ValueError:
            return ("none", None, None, None)
    return ("month", year, month, None) if month else ("year", year, None, None)


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


def readable_rows(table: str, frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Rows with labelled headers and coded values shown as words."""
    out = frame.copy()
    for column in out.columns:
        out[column] = [_show(table, column, v, lang) for v in out[column]]
    return out.rename(columns={c: column_label(table, c, lang) for c in out.columns})


def _show(table: str, column: str, value: str, lang: str) -> str:
    return enum_label(table, column, value, lang) if value else value
