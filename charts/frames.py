"""Small pure reshapes that turn clean (scoped) tables into what a chart draws.

They count and group only; every KPI comes from ``metrics``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from metrics.columnar import positions_in

COUNT = "count"


def explode_list(df: pd.DataFrame, column: str, empty_label: str | None = None) -> pd.DataFrame:
    """One row per item of a list column; rows with an empty list get ``empty_label`` (or go).

    ``[{"faculty": ["A", "B"]}]`` -> ``[{"faculty": "A"}, {"faculty": "B"}]``.
    """
    fast = _explode_str_lists(df, column, empty_label)
    if fast is not None:
        return fast
    out = df.copy()
    out[column] = out[column].map(_as_list)
    if empty_label is not None:
        out[column] = out[column].map(lambda items: items or [empty_label])
    out = out.explode(column)
    return out[out[column].notna()].reset_index(drop=True)


def _explode_str_lists(df: pd.DataFrame, column: str, empty_label: str | None) -> pd.DataFrame | None:
    """``explode_list`` without a Python call per row, for the clean tables' list[str] cells.

    None when a cell holds anything but a list or tuple of str (the general path handles it).
    """
    values = df[column].to_numpy(dtype=object)
    kinds = set(map(type, values))
    if float in kinds:
        floats = [v for v in values if type(v) is float]
        if not np.isnan(floats).all():
            return None
    if not kinds <= {list, tuple, float, type(None), type(pd.NA)}:
        return None  # scalar cells: the general path
    items = pd.Series(values, index=np.arange(len(df))).explode()
    known = items[items.notna().to_numpy()]
    if pd.api.types.infer_dtype(known, skipna=False) not in ("string", "empty"):
        return None
    known = known[(known != "").to_numpy()]
    if empty_label is not None:
        listed = np.zeros(len(df), dtype=bool)
        listed[known.index.to_numpy()] = True
        missing = np.flatnonzero(~listed)
        if len(missing):
            known = pd.concat([known, pd.Series(empty_label, index=missing, dtype=object)])
            known = known.sort_index(kind="stable")
    out = df.iloc[known.index.to_numpy()].reset_index(drop=True)
    out[column] = known.to_numpy(dtype=object)
    return out


class ExplodedColumn:
    """``explode_list`` of one list column of a whole table, done once: per item, the
    position of its row and the item. ``of(part, columns)`` gives
    ``explode_list(part[columns], column, empty_label)`` for rows of that table (a scoped
    copy) without exploding them again; None when it cannot (rows in another order or
    not the table's own, or cells only the general path reads), and the caller explodes."""

    def __init__(self, frame: pd.DataFrame, column: str, empty_label: str | None) -> None:
        self.column = column
        self.index = frame.index
        numbered = pd.DataFrame({"_pos": np.arange(len(frame)), column: frame[column].to_numpy(dtype=object)})
        exploded = _explode_str_lists(numbered, column, empty_label)
        self.usable = exploded is not None
        self.pos = exploded["_pos"].to_numpy(dtype=np.int64) if exploded is not None else np.empty(0, np.int64)
        self.items = exploded[column].to_numpy(dtype=object) if exploded is not None else np.empty(0, object)

    def of(self, part: pd.DataFrame, columns: list[str]) -> pd.DataFrame | None:
        if not self.usable or self.column not in columns:
            return None
        positions = positions_in(self.index, part.index)
        if positions is None:
            return None
        if len(positions) > 1 and not (np.diff(positions) > 0).all():
            return None  # explode_list keeps the part's own row order: only the table's order here
        chosen = np.zeros(len(self.index), dtype=bool)
        chosen[positions] = True
        keep = chosen[self.pos]
        rows = np.searchsorted(positions, self.pos[keep])
        out = part[columns].iloc[rows].reset_index(drop=True)
        out[self.column] = self.items[keep]
        return out


def _as_list(value: object) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(v) for v in value if v is not None and str(v) != ""]
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return []
    return [str(value)]


def year_of(df: pd.DataFrame, *date_columns: str) -> pd.Series:
    """The calendar year of the first known date among ``date_columns`` (Int64, NA when none)."""
    years = pd.Series(pd.NA, index=df.index, dtype="Int64")
    for column in date_columns:
        if column in df.columns:
            col_years = pd.to_datetime(df[column], errors="coerce").dt.year.astype("Int64")
            years = years.fillna(col_years)
    return years


def count_by(
    df: pd.DataFrame, columns: Iterable[str], weight: str | None = None
) -> pd.DataFrame:
    """Rows (or the sum of ``weight``) per combination of ``columns``, largest first.

    Rows with an unknown value in any column are left out.
    """
    columns = list(columns)
    if df.empty:
        return pd.DataFrame({**{c: pd.Series(dtype="object") for c in columns}, COUNT: []})
    fast = _count_by_codes(df, columns, weight)
    if fast is not None:
        return fast
    # Only the columns counted (and the weight): dropna on the whole frame copied every
    # column of every row (docs/performance.md).
    data = df[columns + ([weight] if weight is not None and weight not in columns else [])].dropna(subset=columns)
    if weight is None:
        out = data.groupby(columns, dropna=True).size().reset_index(name=COUNT)
    else:
        values = pd.to_numeric(data[weight], errors="coerce").fillna(0)
        out = (
            data.assign(**{COUNT: values})
            .groupby(columns, dropna=True)[COUNT]
            .sum()
            .reset_index()
        )
    return out.sort_values(COUNT, ascending=False, kind="stable").reset_index(drop=True)


def _count_by_codes(df: pd.DataFrame, columns: list[str], weight: str | None) -> pd.DataFrame | None:
    """``count_by`` on integer codes: each column factorised (sorted, as groupby sorts its
    keys) into one code per combination, counted with numpy (a weight summed by a groupby
    on that one integer key, so its dtype and rounding are pandas' own). The same frame as
    the groupby on the columns, quicker on a page's few-row results (docs/performance.md).

    A categorical column counts on its own codes (groupby's order is the categories'
    order, its result column categorical, and only the categories seen are kept, as
    pandas' ``observed=True``).

    None (the caller's general path) for mixed-type columns, or when no row has every
    column known.
    """
    codes: list[np.ndarray] = []
    uniques: list[pd.Index] = []
    categorical: dict[str, pd.CategoricalDtype] = {}
    size = 1
    for column in columns:
        values = df[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            categorical[column] = values.dtype
            categories = values.dtype.categories
            size *= max(len(categories), 1)
            if size >= 2**62:
                return None
            codes.append(values.cat.codes.to_numpy().astype("int64"))
            uniques.append(pd.RangeIndex(len(categories)))
            continue
        try:
            code, unique = pd.factorize(values, sort=True)
        except TypeError:
            return None
        if not isinstance(unique, pd.Index):
            return None
        if unique.dtype == object:
            if pd.api.types.infer_dtype(unique, skipna=False) != "string":
                return None
            unique = pd.Index(unique.to_numpy(dtype=object))  # text: groupby's keys are "str"
        size *= max(len(unique), 1)
        if size >= 2**62:
            return None
        codes.append(code.astype("int64", copy=False))
        uniques.append(unique)
    valid = np.logical_and.reduce([code >= 0 for code in codes])
    if not valid.any():
        return None
    combined = codes[0]
    for code, unique in zip(codes[1:], uniques[1:], strict=True):
        combined = combined * len(unique) + code
    combined = combined[valid]
    if weight is None:
        keys, counts = np.unique(combined, return_counts=True)
        count_values: object = counts.astype("int64")
    else:
        weights = pd.to_numeric(df[weight][valid], errors="coerce").fillna(0)
        keys, inverse = np.unique(combined, return_inverse=True)
        count_values = _group_sums(weights, inverse, len(keys))
    # Largest first, ties in key order: what a stable sort_values(ascending=False) gives
    # (a stable argsort of the negated counts; NaN sums, which pandas puts last, too).
    order = _descending(count_values)
    if order is None:
        return None
    out: dict = {}
    rest = keys[order]
    for column, unique in zip(reversed(columns), reversed(uniques), strict=True):
        rest, level = np.divmod(rest, len(unique))
        if column in categorical:
            out[column] = pd.Categorical.from_codes(level, dtype=categorical[column])
        else:
            out[column] = unique.take(level)
    frame = pd.DataFrame({column: out[column] for column in columns})
    frame[COUNT] = count_values[order]
    return frame


def _descending(values: object) -> np.ndarray | None:
    """The stable order of ``values`` largest first (NaN last), or None for values that
    are not plain numbers without NA (the caller's general path)."""
    array = np.asarray(values) if isinstance(values, np.ndarray) else None
    if array is None:
        try:
            array = values.to_numpy(dtype="float64")  # type: ignore[attr-defined]
        except (TypeError, ValueError, AttributeError):
            return None
        if np.isnan(array).any():
            return None
    if array.dtype.kind not in "iuf":
        return None
    if array.dtype.kind == "f":
        keyed = np.where(np.isnan(array), np.inf, -array)
    else:
        keyed = -array.astype("int64")
    return np.argsort(keyed, kind="stable")


def _group_sums(weights: pd.Series, group: np.ndarray, groups: int) -> object:
    """Per group (0..groups-1) the sum of ``weights``, as ``weights.groupby(group).sum()``
    gives it: whole numbers added exactly with numpy, fractions by pandas (its compensated
    sum, to the last digit)."""
    dtype = weights.dtype
    if pd.api.types.is_integer_dtype(dtype) and not weights.hasnans:
        values = weights.to_numpy(dtype="int64")
        if len(values) == 0 or int(np.abs(values).max()) * len(values) < 2**53:
            sums = np.bincount(group, weights=values, minlength=groups).astype("int64")
            return pd.array(sums, dtype=dtype) if isinstance(dtype, pd.api.extensions.ExtensionDtype) else sums
    return weights.groupby(group).sum().array


def largest_first(counts: pd.DataFrame, category: str) -> list:
    """The categories of a ``count_by`` frame by their total, largest first (ties in the
    frame's order): the order a stacked bar chart draws them in."""
    totals = counts.groupby(category, sort=False)[COUNT].sum()
    return totals.sort_values(ascending=False, kind="stable").index.tolist()


def years_as_text(counts: pd.DataFrame, column: str = "year") -> pd.DataFrame:
    """``counts`` in year order with its years as text ("2024", not 2024.0): a chart's
    category axis then shows each year once, as written."""
    counts = counts.sort_values(column, kind="stable")
    return counts.assign(**{column: counts[column].astype(int).astype(str)})


def top_n(df: pd.DataFrame, category: str, n: int, other_label: str) -> pd.DataFrame:
    """Keep the ``n`` categories with the largest total; fold the rest into ``other_label``."""
    if df.empty or df[category].nunique() <= n:
        return df
    totals = df.groupby(category)[COUNT].sum().sort_values(ascending=False, kind="stable")
    keep = set(totals.index[:n])
    out = df.copy()
    out[category] = out[category].where(out[category].isin(keep), other_label)
    group_cols = [c for c in out.columns if c != COUNT]
    return out.groupby(group_cols, sort=False)[COUNT].sum().reset_index()



def partner_activity(
    partners: pd.DataFrame,
    agreements: pd.DataFrame,
    visits: pd.DataFrame,
    grants: pd.DataFrame,
) -> pd.DataFrame:
    """Partners with how many agreements, visits and grants link to each (and the sum).

    Adds columns ``agreements``, ``visits``, ``grants``, ``activity`` (all int).
    """
    out = partners.copy()
    ids = out["partner_id"]
    n_agreements = agreements["partner_id"].value_counts() if len(agreements) else pd.Series(dtype=int)
    n_visits = visits["partner_id"].value_counts() if len(visits) else pd.Series(dtype=int)
    n_grants = (
        grants["partner_ids"].explode().value_counts() if len(grants) else pd.Series(dtype=int)
    )
    out["agreements"] = ids.map(n_agreements).fillna(0).astype(int)
    out["visits"] = ids.map(n_visits).fillna(0).astype(int)
    out["grants"] = ids.map(n_grants).fillna(0).astype(int)
    out["activity"] = out["agreements"] + out["visits"] + out["grants"]
    return out.sort_values(["activity", "name"], ascending=[False, True], kind="stable").reset_index(drop=True)


def partner_links(
    agreements: pd.DataFrame, visits: pd.DataFrame, grants: pd.DataFrame, partner_ids: Iterable[str]
) -> pd.DataFrame:
    """Distinct (institution_id, partner_id) pairs among the given rows, for map arcs."""
    pieces = [agreements[["institution_id", "partner_id"]], visits[["institution_id", "partner_id"]]]
    if len(grants):
        pieces.append(
            grants[["institution_id", "partner_ids"]]
            .explode("partner_ids")
            .rename(columns={"partner_ids": "partner_id"})
        )
    # Each piece without its repeats first (a visit table repeats its pairs thousands of
    # times): the same first occurrences, in the same order, as one drop_duplicates after.
    pieces = [piece.dropna().drop_duplicates() for piece in pieces]
    links = pd.concat(pieces, ignore_index=True).drop_duplicates()
    return links[links["partner_id"].isin(set(partner_ids))].reset_index(drop=True)
