"""Tables as shown on screen: chosen columns, translated headers and values (pure pandas).

    >>> display_frame(visits, [("start_date", "common.col.start", "date"),
    ...                        ("direction", "common.col.direction", "enum:direction")], "en")
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from i18n import t


def date_text(value: object, precision: object = "day") -> str:
    """A date as precise as it is known: 2024-03-04, 2024-03 or 2024 ("" when unknown)."""
    if value is None or value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):
        return ""
    stamp = pd.Timestamp(value)
    if precision == "year":
        return f"{stamp.year}"
    if precision == "month":
        return f"{stamp.year}-{stamp.month:02d}"
    return stamp.strftime("%Y-%m-%d")


def _text(value: object) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and pd.isna(value):
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
