"""The KPI engine: every KPI and note of a scope, by the fast path when it can answer
(``metrics.columnar``: row facts built once per dataset, each figure as its registry entry's
``Fast`` says) else by each ``KpiDef``'s rows; ``compute_kpis_with_path`` says which ran."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from metrics import columnar
from metrics.cache import DatasetCache
from metrics.kpis import KpiContext
from metrics.registry import KPI_BY_NAME, KPIS, NOTE_DEFS, Value
from metrics.scope import Scope


def compute_kpis(
    tables: Mapping[str, pd.DataFrame],
    scope: Scope,
    scoped: Mapping[str, pd.DataFrame] | None = None,
    cache: DatasetCache | None = None,
) -> dict[str, Value]:
    """Every KPI for one scope, in registry order.

    ``scoped`` may pass frames already made by ``apply_scope(tables, scope)``;
    ``cache`` the dataset's cache (``metrics.cache.DatasetCache``, see ``KpiContext``).
    """
    ctx = KpiContext(tables, scope, scoped, cache)
    fast = columnar.figures_of(ctx)
    if fast is not None:
        return {kpi.name: fast[0][0][kpi.name] for kpi in KPIS}
    return {kpi.name: kpi.func(ctx) for kpi in KPIS}


def compute_kpis_with_notes(
    tables: Mapping[str, pd.DataFrame],
    scope: Scope,
    scoped: Mapping[str, pd.DataFrame] | None = None,
    cache: DatasetCache | None = None,
) -> tuple[dict[str, Value], dict[str, int]]:
    """The KPIs plus the notes shown beside them (``NOTE_DEFS``)."""
    values, notes, _ = compute_kpis_with_path(tables, scope, scoped, cache)
    return values, notes


def compute_kpis_with_path(
    tables: Mapping[str, pd.DataFrame],
    scope: Scope,
    scoped: Mapping[str, pd.DataFrame] | None = None,
    cache: DatasetCache | None = None,
) -> tuple[dict[str, Value], dict[str, int], str]:
    """``compute_kpis_with_notes`` and which engine answered (``KpiContext.path``):
    ``general`` without the dataset's ``cache``, ``indexed`` when the dataset's
    ``ScopeIndex`` picks the scope's rows (institutions and years filters only, no
    scoped frames given), else ``facts``."""
    ctx = KpiContext(tables, scope, scoped, cache)
    fast = columnar.figures_of(ctx)  # the same figures from row facts built once per dataset
    if fast is not None:
        return ({kpi.name: fast[0][0][kpi.name] for kpi in KPIS},
                {note.name: fast[1][0][note.name] for note in NOTE_DEFS}, ctx.path)
    rows = {kpi.name: kpi.rows(ctx) for kpi in KPIS}
    values = {kpi.name: kpi.reduce(rows[kpi.name]) for kpi in KPIS}
    notes = {note.name: note.reduce(rows[note.kpi]) for note in NOTE_DEFS}
    return values, notes, "general"


def compute_kpi(name: str, tables: Mapping[str, pd.DataFrame], scope: Scope) -> Value:
    """One KPI by name (KeyError for an unknown name)."""
    return KPI_BY_NAME[name].func(KpiContext(tables, scope))
