"""Comparisons of METRICS.md: year over year, by institution, target vs actual."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from metrics.grouped import kpis_per_institution
from metrics.kpis import KpiContext
from metrics.registry import KPI_BY_NAME, KPIS, compute_kpis
from metrics.scope import Scope, apply_scope, narrow_scope

Value = int | float | None


def delta(current: Value, previous: Value) -> Value:
    """current - previous, or None when either is undefined."""
    if current is None or previous is None:
        return None
    return current - previous


def year_over_year(
    tables: Mapping[str, pd.DataFrame], scope: Scope, year: int, shared: dict | None = None
) -> pd.DataFrame:
    """Every KPI for ``year`` beside the same KPI for ``year - 1``, the scope otherwise kept.

    One row per KPI: metric, unit, year, current, previous, delta (None unless both
    are defined).
    """
    # Both years are narrower than the two-year scope: filter the dataset once.
    both = apply_scope(tables, scope.replace(year_from=year - 1, year_to=year))
    shared = {} if shared is None else shared
    kpis_of = {}
    for when in (year, year - 1):
        one = scope.replace(year_from=when, year_to=when)
        kpis_of[when] = compute_kpis(tables, one, narrow_scope(tables, both, one), shared)
    return yoy_frame(kpis_of[year], kpis_of[year - 1], year)


def yoy_frame(current: Mapping[str, Value], previous: Mapping[str, Value], year: int) -> pd.DataFrame:
    """The ``year_over_year`` table from the KPIs of ``year`` and of ``year - 1``."""
    rows = [
        {
            "metric": kpi.name,
            "unit": kpi.unit,
            "year": year,
            "current": current[kpi.name],
            "previous": previous[kpi.name],
            "delta": delta(current[kpi.name], previous[kpi.name]),
        }
        for kpi in KPIS
    ]
    return pd.DataFrame(rows, dtype=object)


def institutions_in_scope(tables: Mapping[str, pd.DataFrame], scope: Scope) -> list[str]:
    """The institution ids a by-institution view shows: the filter's, else all."""
    if scope.institutions:
        return sorted(scope.institutions)
    institutions = tables.get("institutions")
    if institutions is None or institutions.empty:
        return []
    return sorted(institutions["institution_id"].dropna().astype(str).unique())


def by_institution(
    tables: Mapping[str, pd.DataFrame],
    scope: Scope,
    scoped: Mapping[str, pd.DataFrame] | None = None,
    shared: dict | None = None,
) -> dict[str, dict[str, Value]]:
    """Every KPI for each institution alone (the rest of the scope kept).

    ``scoped`` may pass ``apply_scope(tables, scope)`` when the caller has it already;
    ``shared`` a dict reused across calls on the same tables (see ``KpiContext``).
    """
    institutions = institutions_in_scope(tables, scope)
    if not institutions:
        return {}
    parent = apply_scope(tables, scope) if scoped is None else scoped
    # One grouped pass over the scope's frames (same values as a context per institution).
    return kpis_per_institution(KpiContext(tables, scope, parent, shared), institutions)


def targets_vs_actual(
    tables: Mapping[str, pd.DataFrame], scope: Scope, shared: dict | None = None
) -> pd.DataFrame:
    """Each in-scope target beside the actual figure for its institution and year.

    Columns: institution_id, year, metric, target, actual, share_reached (actual /
    target; None when the actual is undefined or the target is 0). The actual uses the
    scope's other filters and its as_of.
    """
    columns = ["institution_id", "year", "metric", "target", "actual", "share_reached"]
    targets = tables.get("targets")
    if targets is None or targets.empty:
        return pd.DataFrame(columns=columns, dtype=object)
    keep = targets["metric"].isin(KPI_BY_NAME).fillna(False)
    if scope.institutions:
        keep &= targets["institution_id"].isin(scope.institutions).fillna(False)
    years = pd.to_numeric(targets["year"], errors="coerce")
    if scope.year_from is not None:
        keep &= years >= scope.year_from
    if scope.year_to is not None:
        keep &= years <= scope.year_to
    rows = []
    shown = targets[keep.fillna(False).to_numpy()]
    if shown.empty:
        return pd.DataFrame(columns=columns, dtype=object)
    # Every (institution, year) scope is narrower than the span of the years shown: filter
    # the dataset once, then each year, and split each year by institution in one pass.
    shown_years = pd.to_numeric(shown["year"], errors="coerce")
    span = scope.replace(year_from=int(shown_years.min()), year_to=int(shown_years.max()))
    parent = apply_scope(tables, span)
    shared = {} if shared is None else shared
    per_year: dict[int, dict[str, dict[str, Value]]] = {}
    for target_row in shown.itertuples(index=False):
        key = (str(target_row.institution_id), int(target_row.year))
        if key[1] not in per_year:
            year_scope = scope.replace(year_from=key[1], year_to=key[1])
            wanted = sorted({str(i) for i, y in zip(shown["institution_id"], shown_years, strict=True)
                             if int(y) == key[1]})
            ctx = KpiContext(tables, year_scope, narrow_scope(tables, parent, year_scope), shared)
            per_year[key[1]] = kpis_per_institution(ctx, wanted)
        actual = per_year[key[1]][key[0]][target_row.metric]
        target = float(target_row.target)
        share = None if actual is None or not target else actual / target
        rows.append(
            dict(
                zip(
                    columns, [key[0], key[1], target_row.metric, target, actual, share], strict=True
                )
            )
        )
    return pd.DataFrame(rows, columns=columns, dtype=object)
