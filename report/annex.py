"""The scoped tables in the pack's language for the Excel annex: headers translated, codes
as words, dates at their precision, ids kept with the names beside them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import pandas as pd

from core.missing import is_missing as _missing
from i18n import fmt, t
from loaders.privacy import Privacy
from loaders.words import ENUM_GROUPS
from metrics import KPI_BY_NAME
from report.cells import ID_COLUMNS
from report.parts import Table, enum_label

# Columns shown as words of a list, by table.
# A coded column's words by its table first (``loaders.words.ENUM_GROUPS``: visits.direction
# and agreement_terms.direction read differently); by its name alone for a frame that is no
# contract table (the first table's group: the contract's order), and two the loaders and
# metrics add. A status is read by its table in ``_getter``.
_ENUMS: dict[str, str] = {}
for (_, _column), _group in ENUM_GROUPS.items():
    if _column != "status":
        _ENUMS.setdefault(_column, _group)
_ENUMS |= {"geo_precision": "geo_precision", "status_at_as_of": "agreement_status"}


def localise_frame(name: str, frame: pd.DataFrame, lang: str, privacy: Privacy,
                   partner_names: dict[str, str], institution_names: dict[str, str]) -> Table:
    """A table in the pack's language: headers translated, codes as words, dates at
    their precision, ids kept in their own column with the partner's name beside."""
    frame = privacy.table(name, frame) if name in ID_COLUMNS or name in (
        "students", "fx_rates", "targets") else frame
    # The loader's notes on a row (precisions, why a place is not at city level) stay out.
    columns = [c for c in frame.columns
               if not str(c).endswith("_precision") and c not in ("_row", "geo_note")]
    headers, getters = [], []
    for column in columns:
        headers.append(_header(column, lang))
        getters.append(_getter(name, column, frame, lang, privacy))
        if column == "partner_id":
            headers.append(t("pack.col.partner_name", lang))
            getters.append(lambda r: privacy.text(partner_names.get(str(r["partner_id"]), "")))
        if column == "institution_id" and name != "institutions":
            headers.append(t("pack.col.institution_name", lang))
            getters.append(lambda r: institution_names.get(str(r["institution_id"]), ""))
    if "_row" in frame.columns:
        headers.append(t("export.col.source_row", lang))
        getters.append(lambda r: None if _missing(r["_row"]) else int(r["_row"]))
    records = frame.to_dict("records")
    rows = [[get(record) for get in getters] for record in records]
    return Table(headers, rows)


def _header(column: str, lang: str) -> str:
    key = f"pack.column.{column}"
    text = t(key, lang)
    return column if text == key else text


def _getter(table: str, column: str, frame: pd.DataFrame, lang: str, privacy: Privacy
            ) -> Callable[[Mapping[str, Any]], object]:
    precision = f"{column}_precision"
    has_precision = precision in frame.columns
    if column in ID_COLUMNS.values() and ID_COLUMNS.get(table) == column:
        return lambda r: privacy.row_id(table, r[column], r.get("_row"))
    if column == "status":
        kind = "grant_status" if table == "grants" else "agreement_status"
        return lambda r: enum_label(kind, r[column], lang) if not _missing(r[column]) else ""
    if table == "targets" and column == "metric":  # a KPI or a ranking indicator, in words
        return lambda r: _metric_words(r[column], lang)
    group = ENUM_GROUPS.get((table, column)) or _ENUMS.get(column)
    if group:
        return lambda r: enum_label(group, r[column], lang) if not _missing(r[column]) else ""
    if column == "country":
        return lambda r: fmt.country(r[column], lang) if not _missing(r[column]) else ""
    if column in ("signed_on", "expires_on", "start_date", "end_date"):
        return lambda r: _annex_date(r[column], r.get(precision) if has_precision else None)
    if column == "source":
        return lambda r: privacy.source(r[column])
    if column == "sources":  # a country's sources, joined with " | "
        return lambda r: " | ".join(privacy.source(x) for x in str(r[column]).split(" | ")
                                    if x.strip()) if isinstance(r[column], str) else ""
    if column == "ids":  # a country's evidence ids, joined with "; "
        return lambda r: "; ".join(privacy.any_id(x.strip()) for x in str(r[column]).split(";")
                                   if x.strip()) if isinstance(r[column], str) else ""
    if column == "institutions":
        return lambda r: ", ".join(r[column]) if isinstance(r[column], list) else _plain(r[column])
    return lambda r: _plain(r[column])


def _metric_words(name: object, lang: str) -> str:
    """A target's figure by its label: a KPI's, else a ranking indicator's (the code when
    neither names it)."""
    if _missing(name):
        return ""
    if str(name) in KPI_BY_NAME:
        return t(KPI_BY_NAME[str(name)].label_key, lang)
    key = f"ranking.{name}.label"
    return t(key, lang) if t(key, lang) != key else str(name)


def _annex_date(value: object, precision: object) -> str | date:
    """A date for Excel: a real date when the day is known, else ``2023`` / ``2023-05``."""
    if _missing(value):
        return ""
    stamp = pd.Timestamp(value)
    if precision == "year":
        return str(stamp.year)
    if precision == "month":
        return f"{stamp.year}-{stamp.month:02d}"
    return stamp.date()


def _plain(value: object) -> object:
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    if _missing(value):
        return ""
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()
    return value
