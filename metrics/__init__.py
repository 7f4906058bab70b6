"""Metrics: the scope, one pure function per KPI, the registry and comparisons.

>>> from metrics import Scope, apply_scope, compute_kpis, KPIS
>>> compute_kpis(dataset.tables, Scope(institutions={"samsmu"}))["partners"]
"""

from metrics.compare import by_institution, delta, targets_vs_actual, year_over_year, yoy_frame
from metrics.kpis import KpiContext, agreement_status
from metrics.regions import REGIONS, find_region, region_countries, region_label_key
from metrics.registry import (
    KPI_BY_NAME,
    KPI_NAMES,
    KPIS,
    UNITS,
    KpiDef,
    compute_kpi,
    compute_kpis,
    compute_kpis_with_notes,
)
from metrics.scope import Scope, apply_scope

__all__ = [
    "KPIS",
    "KPI_BY_NAME",
    "KPI_NAMES",
    "REGIONS",
    "UNITS",
    "KpiContext",
    "KpiDef",
    "Scope",
    "agreement_status",
    "apply_scope",
    "by_institution",
    "compute_kpi",
    "compute_kpis",
    "compute_kpis_with_notes",
    "delta",
    "find_region",
    "region_countries",
    "region_label_key",
    "targets_vs_actual",
    "year_over_year",
    "yoy_frame",
]
