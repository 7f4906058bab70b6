"""Tables as shown on screen: chosen columns, translated headers and values (pure pandas).

A column is named once: a contract column's header key and display kind come from
``loaders.schema`` (``Column.header_key``, ``Column.display``), a column the app derives
(a count, a status on the date, a row's document) from ``DERIVED`` here; a page only
lists names, and spells out (name, header key, kind) for a column only it has.

    >>> columns("visits", "start_date", "direction")
    [('start_date', 'common.col.start', 'date'), ('direction', 'common.col.direction', 'enum:direction')]
    >>> display_frame(visits, columns("visits", "start_date", "direction"), "en")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from core.missing import is_missing
from i18n import t
from loaders.privacy import PERSONAL_COLUMNS, PERSONAL_NOTES
from loaders.schema import TABLES

# (column name, i18n key of its header, display kind): what display_frame reads.
Spec = tuple[str, str, str]

# Columns the app adds to the contract's tables, each with its header key and kind once.
DERIVED: dict[str, tuple[str, str]] = {
    # a row's source (ui.documents.with_documents) and where it is in the user's file
    "document": ("common.col.document", "text"),
    "documents": ("common.col.document", "text"),
    "quote": ("common.col.quote", "text"),
    "_row": ("common.col.row", "int"),
    # the loader's map position of a place (loaders.geo)
    "geo_precision": ("common.col.position", "enum:geo_precision"),
    # an agreement's status on the reference date (metrics.rules.agreement_status)
    "derived_status": ("common.col.status", "enum:agreement_status"),
    "status_at_as_of": ("common.col.status", "enum:agreement_status"),
    "days_left": ("common.col.days_left", "int"),
    "partner_country": ("common.col.country", "country"),
    "partner_label": ("common.col.partner", "text"),
    "country_name": ("common.col.country", "text"),
    "institutions": ("common.col.institution", "institution"),
    "row_id": ("common.col.id", "text"),
    # a grant's amount in US dollars (metrics grant_funding_usd)
    "usd": ("common.col.usd", "float"),
    # how many rows link to a partner (charts.frames.partner_activity) or back a figure
    "agreements": ("common.col.agreements", "int"),
    "visits": ("common.col.visits", "int"),
    "grants": ("common.col.grants", "int"),
    "rows": ("common.col.rows", "int"),
    "ids": ("common.col.ids", "text"),
    # contract columns in a frame that is no contract table (research's rows): as there
    "country": ("common.col.country", "country"),
    "institution_id": ("common.col.institution", "institution"),
    "partner_id": ("common.col.partner", "partner"),
    "year": ("common.col.year", "int"),
    "title": ("common.col.title", "text"),
}

# Columns a table leaves out in presentation mode: the contract's person columns and
# notes that may name one (loaders.privacy), and a source's quote.
PRESENT_HIDDEN = frozenset(
    {c for group in (PERSONAL_COLUMNS, PERSONAL_NOTES) for names in group.values() for c in names}
    | {"quote"})


def columns(table: str | None, *names: str | Spec) -> list[Spec]:
    """The specs of ``names`` for ``display_frame``: a column of ``table`` in the schema
    (its header key and display kind), else a ``DERIVED`` column; a (name, header key,
    kind) tuple is taken as it is (a column only one page has). KeyError for a name
    neither knows (a typo fails on the first run, not as a blank column)."""
    contract = {c.name: c for c in TABLES[table].columns} if table else {}
    out: list[Spec] = []
    for name in names:
        if isinstance(name, tuple):
            out.append(name)
        elif name in contract:
            out.append((name, contract[name].header_key, contract[name].display))
        elif name in DERIVED:
            out.append((name, *DERIVED[name]))
        else:
            raise KeyError(f"{name!r} is neither a column of {table!r} nor in ui.tables.DERIVED")
    return out


def visible(specs: Sequence[Spec], presenting: bool, hidden: Sequence[str] = ()) -> list[Spec]:
    """``specs`` without the columns presentation mode hides (``PRESENT_HIDDEN`` and
    ``hidden``) when ``presenting``."""
    if not presenting:
        return list(specs)
    drop = PRESENT_HIDDEN | set(hidden)
    return [s for s in specs if s[0] not in drop]


def date_text(value: object, precision: object = "day") -> str:
    """A date as precise as it is known: 2024-03-04, 2024-03 or 2024 ("" when unknown)."""
    if is_missing(value):
        return ""
    stamp = pd.Timestamp(value)
    if precision == "year":
        return f"{stamp.year}"
    if precision == "month":
        return f"{stamp.year}-{stamp.month:02d}"
    return stamp.strftime("%Y-%m-%d")


def _text(value: object) -> str:
    if is_missing(value):
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return str(value)


def _per_distinct(values: pd.Series, label: Callable[[object], str]) -> list[str]:
    """``[label(v) for v in values]``, calling ``label`` once per distinct value (a page's
    table repeats its countries, partners and enum words); cells that cannot be hashed
    (lists) and missing ones are labelled one by one."""
    # Text only: factorize would take 1, 1.0 and True in one object column for one value.
    if not (isinstance(values.dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(values.dtype)) \
            or pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty", "categorical"):
        return [label(v) for v in values]
    codes, uniques = pd.factorize(values)
    labels = [label(u) for u in uniques]
    cells = values.tolist()
    return [labels[c] if c >= 0 else label(cells[i]) for i, c in enumerate(codes.tolist())]


def display_frame(
    frame: pd.DataFrame,
    columns: Sequence[tuple[str, str, str]],
    lang: str,
    *,
    lookups: dict[str, Callable[[object], str]] | None = None,
) -> pd.DataFrame:
    """The frame's ``columns`` (name, header key, kind) formatted for reading.

    Kinds: ``text``, ``list``, ``int``, ``float``, ``date`` (uses ``<col>_precision``),
    ``enum:<group>`` (``enum.<group>.<value>``), or a name in ``lookups`` (e.g.
    ``country``, ``institution``, ``partner``, ``partners``) mapping a value to a label.
    """
    lookups = lookups or {}
    out = {}
    for name, header_key, kind in columns:
        header = t(header_key, lang)
        if name not in frame.columns:
            out[header] = pd.Series([""] * len(frame), dtype=object)
            continue
        values = frame[name]
        if kind == "date":
            precisions = frame.get(f"{name}_precision", pd.Series(["day"] * len(frame), index=frame.index))
            memo: dict = {}
            col = [memo[key] if key in memo else memo.setdefault(key, date_text(*key))
                   for key in zip(values, precisions, strict=True)]
            if name == "expires_on":  # v3: an agreement without end is written so, not left blank
                words = t("pack.open_ended", lang)
                col = [words if p == "open_ended" else c for c, p in zip(col, precisions, strict=True)]
        elif kind.startswith("enum:"):
            group = kind.split(":", 1)[1]
            col = _per_distinct(values, lambda v, g=group: t(f"enum.{g}.{v}", lang) if _text(v) else "")
        elif kind == "int":
            col = pd.array([None if pd.isna(v) else int(v) for v in values], dtype="Int64")
        elif kind == "float":
            col = [None if pd.isna(v) else float(v) for v in values]
        elif kind in lookups:
            lookup = lookups[kind]
            col = _per_distinct(values, lambda v, f=lookup: (
                "; ".join(f(x) for x in v) if isinstance(v, list | tuple) else (f(v) if _text(v) else "")))
        else:
            col = _per_distinct(values, _text)
        out[header] = list(col) if not isinstance(col, pd.api.extensions.ExtensionArray) else col
    return pd.DataFrame(out)
