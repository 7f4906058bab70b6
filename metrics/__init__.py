"""Metrics: the scope, the rules, one row selection and reduction per KPI, evidence, comparisons.

Definitions: docs/metrics.md.

>>> from metrics import Scope, compute_kpis, evidence
>>> compute_kpis(dataset.tables, Scope(institutions={"samsmu"}))["partners"]
>>> evidence(dataset.tables, Scope())["partners"]          # the partner ids counted
"""

from metrics import rules
from metrics.cache import DatasetCache
from metrics.compare import (
    YearComparison,
    all_institutions,
    by_institution,
    comparison_years,
    dating_summary,
    delta,
    institution_year_scope,
    targets_vs_actual,
    year_over_year,
    yoy_frame,
)
from metrics.engine import compute_kpi, compute_kpis, compute_kpis_with_notes
from metrics.evidence import evidence, evidence_frame, ids_of
from metrics.kpis import KpiContext, agreement_status
from metrics.regions import REGIONS, find_region, region_countries, region_label_key
from metrics.registry import (
    KPI_BY_NAME,
    KPI_NAMES,
    KPIS,
    NOTE_DEFS,
    UNITS,
    KpiDef,
    figure_state,
)
from metrics.scope import AS_OF_MAX, AS_OF_MIN, Scope, ScopeIndex, apply_scope, as_of_supported

__all__ = [
    "KPIS",
    "DatasetCache",
    "KPI_BY_NAME",
    "KPI_NAMES",
    "NOTE_DEFS",
    "REGIONS",
    "UNITS",
    "KpiContext",
    "KpiDef",
    "Scope",
    "ScopeIndex",
    "YearComparison",
    "agreement_status",
    "all_institutions",
    "AS_OF_MAX",
    "AS_OF_MIN",
    "apply_scope",
    "as_of_supported",
    "by_institution",
    "comparison_years",
    "compute_kpi",
    "compute_kpis",
    "compute_kpis_with_notes",
    "dating_summary",
    "delta",
    "evidence",
    "evidence_frame",
    "figure_state",
    "find_region",
    "ids_of",
    "institution_year_scope",
    "region_countries",
    "region_label_key",
    "rules",
    "targets_vs_actual",
    "year_over_year",
    "yoy_frame",
]
