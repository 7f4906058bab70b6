"""Every KPI for each institution of one scope, from the same rows as the whole scope.

``kpis_per_institution(ctx, ids)`` takes each KPI's rows once for the parent scope
(``KpiDef.select``), splits them by ``institution_id`` and applies the KPI's own
``refine`` and ``reduce`` to each part: the same rules as ``compute_kpis`` run with
``institutions={id}``, without a context per institution. Definitions: docs/metrics.md.

With the dataset's cache (``metrics.cache``) the figures come from ``metrics.columnar`` instead (row
facts built once per dataset, one grouped count per figure): the same values.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from metrics import columnar
from metrics.kpis import KpiContext
from metrics.registry import KPIS, NOTE_DEFS, Value


def _kpi_order(values: dict[str, Value]) -> dict[str, Value]:
    return {kpi.name: values[kpi.name] for kpi in KPIS}


def _note_order(notes: dict[str, int]) -> dict[str, int]:
    return {note.name: notes[note.name] for note in NOTE_DEFS}


def _split(rows: pd.DataFrame, ids: list[str]) -> dict[str, pd.DataFrame]:
    """The rows of each institution (an empty frame for an institution without rows)."""
    empty = rows.iloc[0:0]
    if rows.empty:
        return dict.fromkeys(ids, empty)
    positions = rows["institution_id"].astype(str).groupby(rows["institution_id"].astype(str).to_numpy()).indices
    return {i: rows.iloc[positions[i]] if i in positions else empty for i in ids}


def rows_per_institution(ctx: KpiContext, institutions: Iterable[str]) -> dict[str, dict[str, pd.DataFrame]]:
    """``{kpi: {institution_id: rows}}``: each KPI's evidence rows, institution by institution."""
    ids = [str(i) for i in institutions]
    return {kpi.name: {i: kpi.refine(part) for i, part in _split(kpi.select(ctx), ids).items()} for kpi in KPIS}


def kpis_per_institution(ctx: KpiContext, institutions: Iterable[str],
                         rows: dict[str, dict[str, pd.DataFrame]] | None = None) -> dict[str, dict[str, Value]]:
    """``{institution_id: {kpi: value}}`` for each id (registry order of KPIs);
    ``rows``: ``rows_per_institution(ctx, institutions)`` when already at hand."""
    ids = [str(i) for i in institutions]
    if rows is None:
        fast = columnar.figures_of(ctx, ids)
        if fast is not None:
            return {i: _kpi_order(v) for i, v in zip(ids, fast[0], strict=True)}
        rows = rows_per_institution(ctx, ids)
    return {i: {kpi.name: kpi.reduce(rows[kpi.name][i]) for kpi in KPIS} for i in ids}


def notes_per_institution(ctx: KpiContext, institutions: Iterable[str],
                          rows: dict[str, dict[str, pd.DataFrame]] | None = None) -> dict[str, dict[str, int]]:
    """``{institution_id: {note: value}}`` (unknown inputs), like ``kpis_per_institution``
    (``rows``: the same, to reuse the split rows of both)."""
    ids = [str(i) for i in institutions]
    if rows is None:
        fast = columnar.figures_of(ctx, ids)
        if fast is not None:
            return {i: _note_order(n) for i, n in zip(ids, fast[1], strict=True)}
    by_kpi = {kpi.name: kpi for kpi in KPIS}
    out: dict[str, dict[str, int]] = {i: {} for i in ids}
    for note in NOTE_DEFS:
        kpi = by_kpi[note.kpi]
        parts = rows[kpi.name] if rows is not None else {
            i: kpi.refine(part) for i, part in _split(kpi.select(ctx), ids).items()}
        for i in ids:
            out[i][note.name] = note.reduce(parts[i])
    return out


def figures_per_institution(ctx: KpiContext, institutions: Iterable[str]) -> tuple[dict[str, dict[str, Value]],
                                                                                   dict[str, dict[str, int]]]:
    """(``kpis_per_institution``, ``notes_per_institution``) in one pass: by the row facts
    of ``metrics.columnar`` when the context has them (one grouped count per figure), else
    by the split rows, shared by both."""
    ids = [str(i) for i in institutions]
    fast = columnar.figures_of(ctx, ids)
    if fast is not None:
        return ({i: _kpi_order(v) for i, v in zip(ids, fast[0], strict=True)},
                {i: _note_order(n) for i, n in zip(ids, fast[1], strict=True)})
    rows = rows_per_institution(ctx, ids)
    return kpis_per_institution(ctx, ids, rows), notes_per_institution(ctx, ids, rows)
