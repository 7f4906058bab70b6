"""Comparisons of METRICS.md: year over year, by institution, target vs actual."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from metrics.kpis import KpiContext
from metrics.registry import KPI_BY_NAME, KPIS, compute_kpis
from metrics.scope import Scope

Value = int | float | None


def delta(current: Value, previous: Value) -> Value:
    """current - previous, or None when either is undefined."""
    if current is None or previous is None:
        return None
    return current - previous


def year_over_year(tables: Mapping[str, pd.DataFrame], scope: Scope, year: int) -> pd.DataFrame:
    """Every KPI for ``year`` beside the same KPI for ``year - 1``, the scope otherwise kept.

    One row per KPI: metric, unit, year, current, previous, delta (None unless both
    are defined).
    """
    current = compute_kpis(tables, scope.replace(year_from=year, year_to=year))
    previous = compute_kpis(tables, scope.replace(year_from=year - 1, year_to=year - 1))
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


def by_institution(tables: Mapping[str, pd.DataFrame], scope: Scope) -> dict[str, dict[str, Value]]:
    """Every KPI for each institution alone (the rest of the scope kept)."""
    return {
        institution: compute_kpis(tables, scope.replace(institutions=frozenset({institution})))
        for institution in institutions_in_scope(tables, scope)
    }


def targets_vs_actual(tables: Mapping[str, pd.DataFrame], scope: Scope) -> pd.DataFrame:
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
    contexts: dict[tuple[str, int], KpiContext] = {}
    for target_row in targets[keep.fillna(False).to_numpy()].itertuples(index=False):
        key = (str(target_row.institution_id), int(target_row.year))
        if key not in contexts:
            contexts[key] = KpiContext(
                tables,
                scope.replace(institutions=frozenset({key[0]}), year_from=key[1], year_to=key[1]),
            )
        actual = KPI_BY_NAME[target_row.metric].func(contexts[key])
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
