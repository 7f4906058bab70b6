"""Comparisons: year over year, by institution, target vs actual (docs/metrics.md "Comparisons")."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from metrics import columnar, rules
from metrics.grouped import kpis_per_institution
from metrics.kpis import KpiContext
from metrics.registry import KPI_BY_NAME, KPIS, NOTE_DEFS, compute_kpis_with_notes, figure_state
from metrics.rules import cut_at  # re-exported: callers import it from here
from metrics.scope import Scope, apply_scope

Value = int | float | None


def delta(current: Value, previous: Value) -> Value:
    """current - previous, or None when either is undefined."""
    if current is None or previous is None:
        return None
    return current - previous


# ----------------------------------------------------------------------------- dating


def dating_summary(tables: Mapping[str, pd.DataFrame], scope: Scope,
                   scoped: Mapping[str, pd.DataFrame] | None = None,
                   shared: dict | None = None) -> dict[str, tuple[int, int]]:
    """``{table: (dated rows, rows)}`` in the scope with every year (the sidebar's note).

    ``scoped``: ``apply_scope(tables, scope with every year)`` when already at hand;
    ``shared``: the dataset's shared frames (the row facts of ``metrics.columnar``)."""
    fast = _dated_counts(tables, scope, scoped, shared)
    if fast is not None:
        return {name: (dated, rows) for name, (_, dated, rows) in fast.items()}
    if scoped is None:
        scoped = apply_scope(tables, scope.replace(year_from=None, year_to=None), shared)
    out = {}
    for name in rules.DATED_TABLES:
        frame = scoped.get(name)
        if frame is None:
            continue
        years = rules.dated_years(name, frame)
        out[name] = (int(years.notna().sum()), len(frame))
    return out


def _dated_counts(tables: Mapping[str, pd.DataFrame], scope: Scope, scoped: Mapping[str, pd.DataFrame] | None,
                  shared: dict | None) -> dict[str, tuple[set[int], int, int]] | None:
    """``columnar.dated_counts`` of the scope with every year (None: no row facts)."""
    if shared is None:
        return None
    every = scope.replace(year_from=None, year_to=None)
    return columnar.dated_counts(KpiContext(tables, every, scoped, shared))


def _years_with_rows(tables: Mapping[str, pd.DataFrame], scope: Scope,
                     scoped: Mapping[str, pd.DataFrame] | None = None, shared: dict | None = None) -> set[int]:
    """Calendar years in which the scope (years filter aside) has dated rows (``scoped``:
    the scope with every year applied, when already at hand; ``shared``: as for
    ``dating_summary``)."""
    fast = _dated_counts(tables, scope, scoped, shared)
    if fast is not None:
        return set().union(*(years for years, _, _ in fast.values()))
    if scoped is None:
        scoped = apply_scope(tables, scope.replace(year_from=None, year_to=None), shared)
    years: set[int] = set()
    for name in rules.DATED_TABLES:
        frame = scoped.get(name)
        if frame is not None and not frame.empty:
            years |= {int(y) for y in rules.dated_years(name, frame).dropna().unique()}
    return years


def same_day(year: int, day: date) -> date:
    """``day``'s month and day in ``year`` (28 February for 29 February in a common year)."""
    try:
        return day.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


@dataclass(frozen=True)
class YearComparison:
    """Year Y beside Y-1 under the year-over-year rule, or why there is none.

    ``reason``: None (compared), ``no_dated_rows`` (nothing in scope is dated up to the
    as-of year) or ``one_year_only`` (Y-1 has no dated rows). ``partial``: Y is the
    as-of year, so both years run from 1 January to ``period_end``'s day.
    """

    year: int | None
    previous: int | None
    partial: bool = False
    period_end: date | None = None
    reason: str | None = None
    frame: pd.DataFrame | None = field(default=None, compare=False)
    # The tables with dated rows in both periods: the figures they feed are compared.
    dated_both: frozenset[str] = frozenset()

    @property
    def deltas(self) -> dict[str, Value]:
        if self.frame is None:
            return {}
        return dict(zip(self.frame["metric"], self.frame["delta"], strict=True))


def comparison_years(tables: Mapping[str, pd.DataFrame], scope: Scope,
                     scoped: Mapping[str, pd.DataFrame] | None = None, shared: dict | None = None) -> YearComparison:
    """Which two years the scope can compare (no KPI computed): the rule of docs/metrics.md.

    Y is the latest calendar year up to the as-of year (and within the years filter) in
    which the scope has dated rows; Y-1 must have dated rows too. When Y is the as-of
    year and that year is not over, both years are cut at the as-of day. ``scoped``:
    ``apply_scope(tables, scope with every year)`` when already at hand; ``shared``: the
    dataset's shared frames.
    """
    years = _years_with_rows(tables, scope, scoped, shared)
    last = scope.as_of.year if scope.year_to is None else min(scope.as_of.year, scope.year_to)
    candidates = [y for y in years if y <= last and (scope.year_from is None or y >= scope.year_from)]
    if not candidates:
        return YearComparison(None, None, reason="no_dated_rows")
    year = max(candidates)
    if year - 1 not in years:
        return YearComparison(year, None, reason="one_year_only")
    partial = year == scope.as_of.year and (scope.as_of.month, scope.as_of.day) != (12, 31)
    return YearComparison(year, year - 1, partial=partial, period_end=scope.as_of if partial else None)


def year_over_year(
    tables: Mapping[str, pd.DataFrame], scope: Scope, shared: dict | None = None,
    kpis_of: Callable[[Scope, date | None], tuple[Mapping[str, Value], Mapping[str, int]]] | None = None,
    scoped: Mapping[str, pd.DataFrame] | None = None,
) -> YearComparison:
    """Every KPI for Y beside Y-1 (``comparison_years``), the scope otherwise kept.

    ``kpis_of(one_year_scope, cutoff)`` computes (KPIs, notes) of one year, counting only
    events up to ``cutoff`` when it is not None (default: ``cut_at`` + ``compute_kpis``;
    the dashboard passes a cached one). The frame has one row per KPI: metric, unit,
    year, current, previous, delta (None unless both are defined). ``scoped``: as for
    ``comparison_years``.

    The result depends on the years filter only through Y: it equals the comparison of
    the scope narrowed to Y alone (the dashboard caches it so).
    """
    years = comparison_years(tables, scope, scoped, shared)
    if years.reason is not None:
        return years
    shared = {} if shared is None else shared

    def default(one_year: Scope, cutoff: date | None) -> tuple[Mapping[str, Value], Mapping[str, int]]:
        if cutoff is None:
            return compute_kpis_with_notes(tables, one_year, None, shared)
        return kpis_up_to(tables, one_year, cutoff, shared)

    kpis_of = kpis_of or default
    y, p = years.year, years.previous
    assert y is not None and p is not None  # set whenever there is no reason
    end = years.period_end
    p_end = same_day(p, end) if end else None
    current, current_notes = kpis_of(scope.replace(year_from=y, year_to=y), end)
    previous, previous_notes = kpis_of(scope.replace(year_from=p, year_to=p), p_end)
    # A figure is compared only when its own tables have dated rows in both periods
    # (students of a year not yet started are an empty year, not a fall to 0).
    both = _dated_tables(tables, scope, y, end, shared) & _dated_tables(tables, scope, p, p_end, shared)
    # ... and never against a sum whose every input is unknown (Unknown is not zero).
    comparable = {kpi.name for kpi in KPIS if both & set(kpi.dated_by)
                  and figure_state(kpi.name, current_notes)[0] != "unknown"
                  and figure_state(kpi.name, previous_notes)[0] != "unknown"}
    return YearComparison(y, p, years.partial, end, None, yoy_frame(current, previous, y, comparable),
                          frozenset(both))


def kpis_up_to(tables: Mapping[str, pd.DataFrame], scope: Scope, cutoff: date,
               shared: dict | None = None) -> tuple[dict[str, Value], dict[str, int]]:
    """``compute_kpis_with_notes(cut_at(tables, cutoff), scope)``: the KPIs and notes
    counting only the events up to ``cutoff``. With ``shared`` (the dataset's shared
    frames) from the row facts of ``metrics.columnar``, the same figures without cutting
    and scoping the tables again."""
    if shared is not None:
        fast = columnar.figures_of(KpiContext(tables, scope, None, shared), cutoff=cutoff)
        if fast is not None:
            return ({kpi.name: fast[0][0][kpi.name] for kpi in KPIS},
                    {note.name: fast[1][0][note.name] for note in NOTE_DEFS})
    return compute_kpis_with_notes(cut_at(tables, cutoff), scope)


def _dated_tables(tables: Mapping[str, pd.DataFrame], scope: Scope, year: int, cutoff: date | None,
                  shared: dict | None = None) -> set[str]:
    """The tables with rows dated in ``year`` (up to ``cutoff``) in the scope."""
    if shared is not None:
        fast = columnar.dated_in(KpiContext(tables, scope.replace(year_from=year, year_to=year), None, shared),
                                 year, cutoff)
        if fast is not None:
            return fast
    source = cut_at(tables, cutoff) if cutoff is not None else tables
    scoped = apply_scope(source, scope.replace(year_from=year, year_to=year), shared if cutoff is None else None)
    return {name for name in rules.DATED_TABLES
            if scoped.get(name) is not None and (rules.dated_years(name, scoped[name]) == year).any()}


def yoy_frame(current: Mapping[str, Value], previous: Mapping[str, Value], year: int,
              comparable: set[str] | None = None) -> pd.DataFrame:
    """The year-over-year table from the KPIs of ``year`` and of ``year - 1``; the delta
    is None unless both are defined and the KPI is ``comparable`` (default: every KPI)."""
    rows = [
        {
            "metric": kpi.name,
            "unit": kpi.unit,
            "year": year,
            "current": current[kpi.name],
            "previous": previous[kpi.name],
            "delta": delta(current[kpi.name], previous[kpi.name])
            if comparable is None or kpi.name in comparable else None,
        }
        for kpi in KPIS
    ]
    return pd.DataFrame(rows, dtype=object)


# ----------------------------------------------------------------------------- institutions


def institutions_in_scope(tables: Mapping[str, pd.DataFrame], scope: Scope) -> list[str]:
    """The institution ids a by-institution view shows: the filter's, else all."""
    if scope.institutions:
        return sorted(scope.institutions)
    institutions = tables.get("institutions")
    if institutions is None or institutions.empty:
        return []
    return sorted(institutions["institution_id"].dropna().astype(str).unique())


def all_institutions(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    institutions = tables.get("institutions")
    if institutions is None or institutions.empty:
        return []
    return sorted(institutions["institution_id"].dropna().astype(str).unique())


def by_institution(
    tables: Mapping[str, pd.DataFrame],
    scope: Scope,
    scoped: Mapping[str, pd.DataFrame] | None = None,
    shared: dict | None = None,
    institutions: list[str] | None = None,
) -> dict[str, dict[str, Value]]:
    """Every KPI for each institution alone (the rest of the scope kept).

    ``institutions`` defaults to the scope's (all when none is picked); pass
    ``all_institutions(tables)`` to compare the picked one with the others.
    """
    ids = institutions if institutions is not None else institutions_in_scope(tables, scope)
    if not ids:
        return {}
    if institutions is not None and scope.institutions and not set(ids) <= scope.institutions:
        scope = scope.replace(institutions=frozenset())
        scoped = None
    parent = apply_scope(tables, scope) if scoped is None else scoped
    return kpis_per_institution(KpiContext(tables, scope, parent, shared), ids)


# ----------------------------------------------------------------------------- targets


def institution_year_scope(scope: Scope, institution: str, year: int) -> Scope:
    """The scope a target's actual is computed in: that institution and year alone,
    whatever the country, region, faculty or partner-type filters (same as_of)."""
    return Scope(institutions=frozenset({institution}), year_from=year, year_to=year, as_of=scope.as_of)


def targets_vs_actual(
    tables: Mapping[str, pd.DataFrame], scope: Scope, shared: dict | None = None
) -> pd.DataFrame:
    """Each target of the scope's institutions and years beside its actual.

    Targets are institution-wide: the actual is the KPI for that institution and year
    alone (``institution_year_scope``). Columns: institution_id, year, metric, target,
    actual, share_reached (None when the actual is undefined or the target is 0).
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
    shown = targets[keep.fillna(False).to_numpy()]
    if shown.empty:
        return pd.DataFrame(columns=columns, dtype=object)
    shared = {} if shared is None else shared
    per_year: dict[int, dict[str, dict[str, Value]]] = {}
    rows = []
    for target_row in shown.itertuples(index=False):
        institution, year = str(target_row.institution_id), int(target_row.year)
        if year not in per_year:
            wanted = sorted({str(i) for i, y in zip(shown["institution_id"], pd.to_numeric(shown["year"]),
                                                     strict=True) if int(y) == year})
            year_scope = Scope(year_from=year, year_to=year, as_of=scope.as_of)
            per_year[year] = kpis_per_institution(KpiContext(tables, year_scope, None, shared), wanted)
        actual = per_year[year][institution][target_row.metric]
        target = float(target_row.target)
        share = None if actual is None or not target else actual / target
        rows.append(dict(zip(columns, [institution, year, target_row.metric, target, actual, share], strict=True)))
    return pd.DataFrame(rows, columns=columns, dtype=object)
