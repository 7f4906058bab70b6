"""Values are stored in their clean form, whatever the editor typed (docs/datastore.md).

A date is kept as ISO text of its precision (``2024-03-05``, ``2024-03``, ``2024``), a
country as its ISO alpha-3 code, a coded value as its code word (``in_person`` for
"очно"), a currency as its ISO code, an academic year as ``2024/2025``, a number as plain
digits with a ``.`` for decimals (``1500000``, ``0.5``). The reading is the loaders' own
(``loaders.types``, ``places.countries``), so what is stored is exactly what the
dashboard reads. A value the loaders cannot read is kept as typed (the check reports it).
What was typed, where it differs, is kept with the version (``extra["typed"]``) and
shown in the row's history.

    >>> rows, typed = clean_records("visits", [{"start_date": "05.03.2024", "mode": "очно"}])
    >>> rows[0]["start_date"], rows[0]["mode"], typed[0]["start_date"]
    ('2024-03-05', 'in_person', '05.03.2024')
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from loaders.schema import TABLES
from loaders.types import (
    parse_academic_year,
    parse_currency,
    parse_date,
    parse_enum,
    parse_number,
)
from loaders.words import enum_label_index
from places.countries import normalize_country

_NUMBER_KINDS = {"int": True, "year": True, "amount": False, "float": False}
_CLEANED_KINDS = {"date", "country", "enum", "currency", "academic_year", *_NUMBER_KINDS}


def _dates(values: pd.Series) -> pd.Series:
    dates, precision, bad = parse_date(values)
    width = precision.map({"day": 10, "month": 7, "year": 4})
    iso = dates.dt.strftime("%Y-%m-%d")
    out = [text[: int(w)] if isinstance(text, str) and pd.notna(w) else None
           for text, w in zip(iso, width, strict=True)]
    return pd.Series(out, index=values.index, dtype=object)


def _numbers(values: pd.Series, integer: bool) -> pd.Series:
    numbers, bad = parse_number(values, integer)
    out = [None if bad_one or np.isnan(v) else (
        str(int(v)) if float(v).is_integer() else np.format_float_positional(v, trim="-"))
        for v, bad_one in zip(numbers.to_numpy(), bad, strict=True)]
    return pd.Series(out, index=values.index, dtype=object)


def _clean_column(table: str, column: str, kind: str, values: pd.Series) -> pd.Series | None:
    """The clean form of each value (None where it cannot be read), or None for a kind
    kept as typed (text, keys, lists)."""
    if kind == "date":
        return _dates(values)
    if kind == "country":
        uniques = {v: normalize_country(v) for v in values.unique()}
        return values.map(uniques)
    if kind == "enum":
        allowed = TABLES[table].column(column).allowed
        words, _bad = parse_enum(values, allowed, enum_label_index(table, column))
        return words.astype(object).where(words.notna(), None)
    if kind == "currency":
        codes, _bad = parse_currency(values)
        return codes.astype(object).where(codes.notna(), None)
    if kind == "academic_year":
        labels, _starts, _bad = parse_academic_year(values)
        return labels.astype(object).where(labels.notna(), None)
    if kind in _NUMBER_KINDS:
        return _numbers(values, _NUMBER_KINDS[kind])
    return None


def clean_records(table: str, records: list[dict[str, str]]
                  ) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The rows in their stored form, and per row {column: as typed} where that differs."""
    out = list(records)  # a row is copied only when one of its values changes
    typed: list[dict[str, str]] = [{} for _ in records]
    spec = TABLES.get(table)
    if spec is None or not records:
        return out, typed
    for col in spec.columns:
        if col.kind not in _CLEANED_KINDS:
            continue
        raw = [r.get(col.name, "") for r in records]
        if not any(raw):
            continue
        values = pd.Series(raw, dtype=object).fillna("").astype(str).str.strip()
        clean = _clean_column(table, col.name, col.kind, values)
        if clean is None:
            continue
        now = clean.fillna("").astype(str).to_numpy()
        given = values.to_numpy()
        differs = (given != "") & (now != "") & (now != given)
        for i in np.flatnonzero(differs):
            if out[i] is records[i]:
                out[i] = dict(records[i])
            out[i][col.name] = now[i]
            typed[i][col.name] = records[i].get(col.name, "")
    return out, typed


def clean_rows(table: str, rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Only the clean rows (for comparing stored rows with a file's). Stored versions are
    compared again and again (a file's base is often the current version; the Data page
    plans, then publishes): the last few results are kept, keyed on the rows' content."""
    key = (table, hash(tuple(tuple(sorted(r.items())) for r in rows)))
    found = _CLEANED.get(key)
    if found is None:
        found = clean_records(table, rows)[0]
        if len(_CLEANED) >= _CLEANED_KEEP:
            _CLEANED.pop(next(iter(_CLEANED)))
        _CLEANED[key] = found
    return [dict(r) for r in found]


_CLEANED: dict[tuple[str, int], list[dict[str, str]]] = {}
_CLEANED_KEEP = 16  # two versions of every table


__all__ = ["clean_records", "clean_rows"]
