"""The KPI registry: what pages, the report and the translations read.

Each entry names the KPI (the name ``targets.metric`` and the JSON export use), its
unit (``count``, ``share``, ``index`` or ``usd``), its i18n keys and its function.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from metrics import kpis
from metrics.kpis import KpiContext
from metrics.scope import Scope

UNITS = ("count", "share", "index", "usd")


@dataclass(frozen=True)
class KpiDef:
    name: str
    unit: str
    label_key: str
    definition_key: str
    func: Callable[[KpiContext], int | float | None]


def _kpi(name: str, unit: str) -> KpiDef:
    return KpiDef(name, unit, f"kpi.{name}.label", f"kpi.{name}.definition", getattr(kpis, name))


KPIS: tuple[KpiDef, ...] = (
    _kpi("partners", "count"),
    _kpi("partner_countries", "count"),
    _kpi("agreements_active", "count"),
    _kpi("agreements_expiring", "count"),
    _kpi("agreements_dormant", "count"),
    _kpi("visits_incoming", "count"),
    _kpi("visits_outgoing", "count"),
    _kpi("remote_share", "share"),
    _kpi("lecture_sessions", "count"),
    _kpi("mobility_countries", "count"),
    _kpi("grants_active", "count"),
    _kpi("grant_funding_usd", "usd"),
    _kpi("international_students", "count"),
    _kpi("student_countries", "count"),
    _kpi("irn_index", "index"),
)
KPI_BY_NAME: dict[str, KpiDef] = {kpi.name: kpi for kpi in KPIS}
KPI_NAMES: tuple[str, ...] = tuple(KPI_BY_NAME)

# Figures shown beside the KPIs (not KPIs themselves, never targets).
NOTES = {
    "lecture_sessions_unknown": kpis.lecture_sessions_unknown,
    "grants_without_rate": kpis.grants_without_rate,
    "grants_amount_unknown": kpis.grants_amount_unknown,
}


def compute_kpis(
    tables: Mapping[str, pd.DataFrame],
    scope: Scope,
    scoped: Mapping[str, pd.DataFrame] | None = None,
    shared: dict | None = None,
) -> dict[str, int | float | None]:
    """Every KPI for one scope, in registry order; shared frames computed once.

    ``scoped`` may pass frames already made by ``apply_scope(tables, scope)``;
    ``shared`` a dict reused across calls on the same tables (see ``KpiContext``).
    """
    ctx = KpiContext(tables, scope, scoped, shared)
    return {kpi.name: kpi.func(ctx) for kpi in KPIS}


def compute_kpis_with_notes(
    tables: Mapping[str, pd.DataFrame],
    scope: Scope,
    scoped: Mapping[str, pd.DataFrame] | None = None,
    shared: dict | None = None,
) -> tuple[dict[str, int | float | None], dict[str, int]]:
    """The KPIs plus the notes shown beside them (lecture_sessions_unknown, grants_without_rate, grants_amount_unknown)."""
    ctx = KpiContext(tables, scope, scoped, shared)
    values = {kpi.name: kpi.func(ctx) for kpi in KPIS}
    notes = {name: func(ctx) for name, func in NOTES.items()}
    return values, notes


def compute_kpi(name: str, tables: Mapping[str, pd.DataFrame], scope: Scope) -> int | float | None:
    """One KPI by name (KeyError for an unknown name)."""
    return KPI_BY_NAME[name].func(KpiContext(tables, scope))
