"""Comparisons: year over year, by institution, target vs actual (docs/metrics.md "Comparisons")."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd

from metrics import columnar, rules
from metrics.cache import DatasetCache
from metrics.engine import compute_kpis_with_notes
from metrics.figure import Change
from metrics.grouped import figures_per_institution, kpis_per_institution
from metrics.kpis import KpiContext
from metrics.registry import KPI_BY_NAME, KPIS, NOTE_DEFS, KpiDef
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
                   cache: DatasetCache | None = None) -> dict[str, tuple[int, int]]:
    """``{table: (dated rows, rows)}`` in the scope with every year (the sidebar's note).

    ``scoped``: ``apply_scope(tables, scope with every year)`` when already at hand;
    ``cache``: the dataset's cache (``metrics.cache``: the row facts of ``metrics.columnar``)."""
    fast = _dated_counts(tables, scope, scoped, cache)
    if fast is not None:
        return {name: (dated, rows) for name, (_, dated, rows) in fast.items()}
    if scoped is None:
        scoped = apply_scope(tables, scope.replace(year_from=None, year_to=None), cache)
    out = {}
    for name in rules.DATED_TABLES:
        frame = scoped.get(name)
        if frame is None:
            continue
        years = rules.dated_years(name, frame)
        out[name] = (int(years.notna().sum()), len(frame))
    return out


def _dated_counts(tables: Mapping[str, pd.DataFrame], scope: Scope, scoped: Mapping[str, pd.DataFrame] | None,
                  cache: DatasetCache | None) -> dict[str, tuple[set[int], int, int]] | None:
    """``columnar.dated_counts`` of the scope with every year (None: no row facts)."""
    if cache is None:
        return None
    every = scope.replace(year_from=None, year_to=None)
    return columnar.dated_counts(KpiContext(tables, every, scoped, cache))


def same_day(year: int, day: date) -> date:
    """``day``'s month and day in ``year`` (28 February for 29 February in a common year)."""
    try:
        return day.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


@dataclass(frozen=True)
class YearComparison:
    """Each figure's own year over year (docs/metrics.md v3 "Year over year, per figure").

    ``changes``: per KPI, its ``metrics.figure.Change`` (its own Y and Y-1 and both
    values, or the reason there is none). ``year``, ``previous``, ``partial`` and
    ``period_end`` are those most figures share (a caption's default); ``reason`` is set
    only when no figure at all is compared (``no_dated_rows`` or ``one_year_only``).
    ``frame``: one row per KPI: metric, unit, year, previous_year, current, previous,
    delta (None unless compared), partial, reason.
    """

    year: int | None
    previous: int | None
    partial: bool = False
    period_end: date | None = None
    reason: str | None = None
    frame: pd.DataFrame | None = field(default=None, compare=False)
    # The tables with dated rows in both periods of the shared pair of years.
    dated_both: frozenset[str] = frozenset()
    changes: Mapping[str, Change] = field(default_factory=dict, compare=False)

    @property
    def deltas(self) -> dict[str, Value]:
        return {name: change.delta for name, change in self.changes.items() if change.compared}


def _kpi_years(kpi_dated_by: tuple[str, ...], table_years: Mapping[str, set[int]]) -> set[int]:
    return set().union(*(table_years.get(name, set()) for name in kpi_dated_by))


def _table_years(tables: Mapping[str, pd.DataFrame], scope: Scope,
                 scoped: Mapping[str, pd.DataFrame] | None = None, cache: DatasetCache | None = None) -> dict[str, set[int]]:
    """Per dated table, the years its in-scope rows (years filter aside) are dated in."""
    fast = _dated_counts(tables, scope, scoped, cache)
    if fast is not None:
        return {name: set(years) for name, (years, _, _) in fast.items()}
    if scoped is None:
        scoped = apply_scope(tables, scope.replace(year_from=None, year_to=None), cache)
    out: dict[str, set[int]] = {}
    for name in rules.DATED_TABLES:
        frame = scoped.get(name)
        out[name] = set() if frame is None or frame.empty else {
            int(y) for y in rules.dated_years(name, frame).dropna().unique()}
    return out


def _own_years(kpi: KpiDef, table_years: Mapping[str, set[int]], scope: Scope,
               so_far: set[str] | None = None) -> Change:
    """A figure's own Y and Y-1 (values not yet filled), or the reason there is none.

    ``so_far``: the tables with rows dated in the as-of year up to as_of; a figure none
    of whose tables is among them does not take the as-of year as Y (its rows that year
    are all after as_of: nothing to compare yet)."""
    years = _kpi_years(kpi.dated_by, table_years)
    if so_far is not None and not so_far & set(kpi.dated_by) and kpi.dated_by != ("students",):
        years = years - {scope.as_of.year}
    academic = kpi.dated_by == ("students",)
    # students: the latest academic year that has started by as_of
    last = rules.started_academic_year(scope.as_of) if academic else scope.as_of.year
    if scope.year_to is not None:
        last = min(last, scope.year_to)
    candidates = [y for y in years if y <= last and (scope.year_from is None or y >= scope.year_from)]
    if not candidates:
        return Change(reason="no_dated_rows", academic=academic)
    year = max(candidates)
    if year - 1 not in years:
        return Change(year, reason="one_year_only", academic=academic)
    partial = (not academic and year == scope.as_of.year
               and (scope.as_of.month, scope.as_of.day) != (12, 31))
    return Change(year, year - 1, partial=partial, period_end=scope.as_of if partial else None,
                  academic=academic)


def comparison_years(tables: Mapping[str, pd.DataFrame], scope: Scope,
                     scoped: Mapping[str, pd.DataFrame] | None = None, cache: DatasetCache | None = None) -> YearComparison:
    """Which years each figure compares (no KPI computed): the rule of docs/metrics.md.

    Per figure, Y is the latest calendar year up to the as-of year (for students: the
    latest academic year started by as_of), within the years filter, in which the
    figure's own tables have dated rows; Y-1 must have dated rows too. When Y is the
    as-of year and that year is not over, both years are cut at the as-of day.
    """
    table_years = _table_years(tables, scope, scoped, cache)
    so_far = _so_far(tables, scope, cache)
    own = {kpi.name: _own_years(kpi, table_years, scope, so_far) for kpi in KPIS}
    return _summary(own)


def _so_far(tables: Mapping[str, pd.DataFrame], scope: Scope, cache: DatasetCache | None) -> set[str]:
    """The tables with in-scope rows dated in the as-of year up to as_of."""
    year = scope.as_of.year
    if (scope.year_from is not None and year < scope.year_from) or (scope.year_to is not None and year > scope.year_to):
        return set()
    return _dated_tables(tables, scope, year, scope.as_of, cache)


def _summary(changes: Mapping[str, Change], frame: pd.DataFrame | None = None,
             dated_both: frozenset[str] = frozenset()) -> YearComparison:
    """The ``YearComparison`` of per-figure changes: the pair most figures share."""
    pairs = Counter((c.year, c.previous, c.partial, c.period_end) for c in changes.values()
                    if c.previous is not None and not c.academic)
    pairs_any = pairs or Counter((c.year, c.previous, c.partial, c.period_end) for c in changes.values()
                                 if c.previous is not None)
    if not pairs_any:
        reasons = {c.reason for c in changes.values()}
        reason = "one_year_only" if "one_year_only" in reasons else "no_dated_rows"
        years = [c.year for c in changes.values() if c.year is not None]
        return YearComparison(max(years) if years else None, None, reason=reason, frame=frame,
                              changes=dict(changes))
    (year, previous, partial, end), _ = pairs_any.most_common(1)[0]
    return YearComparison(year, previous, partial, end, None, frame, dated_both, dict(changes))


def year_over_year(
    tables: Mapping[str, pd.DataFrame], scope: Scope, cache: DatasetCache | None = None,
    kpis_of: Callable[[Scope, date | None], tuple[Mapping[str, Value], Mapping[str, int]]] | None = None,
    scoped: Mapping[str, pd.DataFrame] | None = None,
) -> YearComparison:
    """Every KPI for its own Y beside its own Y-1 (``comparison_years``), the scope
    otherwise kept, with both values.

    ``kpis_of(one_year_scope, cutoff)`` computes (KPIs, notes) of one year, counting only
    events up to ``cutoff`` when it is not None (default: ``cut_at`` + ``compute_kpis``;
    the dashboard passes a cached one). Each distinct pair of years is computed once.
    ``scoped``: as for ``comparison_years``.
    """
    from metrics.figure import SMALL_BASE, share_base, state_of

    table_years = _table_years(tables, scope, scoped, cache)
    cache = DatasetCache(tables) if cache is None else cache  # one for every year's figures
    so_far = _so_far(tables, scope, cache)
    own = {kpi.name: _own_years(kpi, table_years, scope, so_far) for kpi in KPIS}

    def default(one_year: Scope, cutoff: date | None) -> tuple[Mapping[str, Value], Mapping[str, int]]:
        if cutoff is None:
            return compute_kpis_with_notes(tables, one_year, None, cache)
        return kpis_up_to(tables, one_year, cutoff, cache)

    kpis_of = kpis_of or default
    done: dict[tuple, tuple] = {}
    changes: dict[str, Change] = {}
    both_of_main: frozenset[str] = frozenset()
    for kpi in KPIS:
        years = own[kpi.name]
        if years.previous is None:
            changes[kpi.name] = years
            continue
        year, prior, end = years.year, years.previous, years.period_end
        assert year is not None and prior is not None
        key = (year, end)
        if key not in done:
            prior_end = same_day(prior, end) if end else None
            current = kpis_of(scope.replace(year_from=year, year_to=year), end)
            previous = kpis_of(scope.replace(year_from=prior, year_to=prior), prior_end)
            # the tables with dated rows in both periods (a year cut at as_of may have none)
            both = (_dated_tables(tables, scope, year, end, cache)
                    & _dated_tables(tables, scope, prior, prior_end, cache))
            done[key] = (current, previous, frozenset(both))
        (now, now_notes), (before, before_notes), both = done[key]
        a, b = now[kpi.name], before[kpi.name]
        if not both & set(kpi.dated_by):
            changes[kpi.name] = replace(years, current=a, before=b, reason="one_year_only")
            continue
        if (kpi.unit == "share" and a is not None and b is not None
                and min(share_base(now, kpi.name), share_base(before, kpi.name)) < SMALL_BASE):
            # a share of a handful of rows is shown as its counts: no percentage-point change
            changes[kpi.name] = replace(years, current=a, before=b, reason="small_base")
            continue
        states = {state_of(kpi.name, now, now_notes)[0], state_of(kpi.name, before, before_notes)[0]}
        if states != {"known"}:  # never compare what is not known in both years
            reason = "undefined" if states <= {"known", "undefined"} else "not_known"
            changes[kpi.name] = replace(years, current=a, before=b, reason=reason)
            continue
        changes[kpi.name] = replace(years, current=a, before=b, delta=delta(a, b))
    pairs = Counter(key for key in done)
    if pairs:
        both_of_main = done[pairs.most_common(1)[0][0]][2]
    frame = _changes_frame(changes)
    return _summary(changes, frame, both_of_main)


def _changes_frame(changes: Mapping[str, Change]) -> pd.DataFrame:
    rows = [{"metric": kpi.name, "unit": kpi.unit, "year": changes[kpi.name].year,
             "previous_year": changes[kpi.name].previous, "current": changes[kpi.name].current,
             "previous": changes[kpi.name].before,
             "delta": changes[kpi.name].delta if changes[kpi.name].compared else None,
             "partial": changes[kpi.name].partial, "reason": changes[kpi.name].reason}
            for kpi in KPIS]
    return pd.DataFrame(rows, dtype=object)


def kpis_up_to(tables: Mapping[str, pd.DataFrame], scope: Scope, cutoff: date,
               cache: DatasetCache | None = None) -> tuple[dict[str, Value], dict[str, int]]:
    """``compute_kpis_with_notes(cut_at(tables, cutoff), scope)``: the KPIs and notes
    counting only the events up to ``cutoff``. With ``cache`` (the dataset's cache)
    from the row facts of ``metrics.columnar``, the same figures without cutting
    and scoping the tables again."""
    if cache is not None:
        fast = columnar.figures_of(KpiContext(tables, scope, None, cache), cutoff=cutoff)
        if fast is not None:
            return ({kpi.name: fast[0][0][kpi.name] for kpi in KPIS},
                    {note.name: fast[1][0][note.name] for note in NOTE_DEFS})
    return compute_kpis_with_notes(cut_at(tables, cutoff), scope)


def _dated_tables(tables: Mapping[str, pd.DataFrame], scope: Scope, year: int, cutoff: date | None,
                  cache: DatasetCache | None = None) -> set[str]:
    """The tables with rows dated in ``year`` (up to ``cutoff``) in the scope."""
    if cache is not None:
        fast = columnar.dated_in(KpiContext(tables, scope.replace(year_from=year, year_to=year), None, cache),
                                 year, cutoff)
        if fast is not None:
            return fast
    source = cut_at(tables, cutoff) if cutoff is not None else tables
    scoped = apply_scope(source, scope.replace(year_from=year, year_to=year), cache if cutoff is None else None)
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
    cache: DatasetCache | None = None,
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
    return kpis_per_institution(KpiContext(tables, scope, parent, cache), ids)


def by_institution_with_notes(
    tables: Mapping[str, pd.DataFrame], scope: Scope, scoped: Mapping[str, pd.DataFrame] | None = None,
    cache: DatasetCache | None = None,
) -> tuple[dict[str, dict[str, Value]], dict[str, dict[str, int]]]:
    """``by_institution`` (the scope's institutions) with each institution's notes, so
    its figures have their own state (``metrics.figure.figures``)."""
    ids = institutions_in_scope(tables, scope)
    if not ids:
        return {}, {}
    parent = apply_scope(tables, scope) if scoped is None else scoped
    return figures_per_institution(KpiContext(tables, scope, parent, cache), ids)


# ----------------------------------------------------------------------------- targets


def institution_year_scope(scope: Scope, institution: str, year: int) -> Scope:
    """The scope a target's actual is computed in: that institution and year alone,
    whatever the country, region, faculty or partner-type filters (same as_of)."""
    return Scope(institutions=frozenset({institution}), year_from=year, year_to=year, as_of=scope.as_of)


def targets_vs_actual(
    tables: Mapping[str, pd.DataFrame], scope: Scope, cache: DatasetCache | None = None
) -> pd.DataFrame:
    """Each target of the scope's institutions and years beside its actual.

    Targets are institution-wide: the actual is the KPI for that institution and year
    alone (``institution_year_scope``). Columns: institution_id, year, metric, target,
    actual, share_reached (None when the actual is undefined or the target is 0), and the
    actual's figure state (``metrics.figure.state_of``: ``unknown`` when every input is
    unknown, so a 0 there is no 0) with its count of unknown inputs.
    """
    from metrics.figure import state_of

    columns = ["institution_id", "year", "metric", "target", "actual", "share_reached",
               "state", "unknown"]
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
    cache = DatasetCache(tables) if cache is None else cache  # one for every year's figures
    per_year: dict[int, tuple[dict[str, dict[str, Value]], dict[str, dict[str, int]]]] = {}
    rows = []
    for target_row in shown.itertuples(index=False):
        institution, year = str(target_row.institution_id), int(target_row.year)
        if year not in per_year:
            wanted = sorted({str(i) for i, y in zip(shown["institution_id"], pd.to_numeric(shown["year"]),
                                                     strict=True) if int(y) == year})
            year_scope = Scope(year_from=year, year_to=year, as_of=scope.as_of)
            per_year[year] = figures_per_institution(KpiContext(tables, year_scope, None, cache), wanted)
        values, notes = per_year[year][0][institution], per_year[year][1][institution]
        state, unknown = state_of(target_row.metric, values, notes)
        actual = values[target_row.metric] if state in ("known", "at_least") else None
        target = float(target_row.target)
        share = None if actual is None or not target else actual / target
        rows.append(dict(zip(columns, [institution, year, target_row.metric, target, actual, share,
                                       state, unknown], strict=True)))
    return pd.DataFrame(rows, columns=columns, dtype=object)


# ----------------------------------------------------------------------------- by year

YEARS_SHOWN = 5  # the headline figures by year: the last five dated years


@dataclass(frozen=True)
class YearFigures:
    """Figures per institution and calendar year: ``figures[(institution_id, year)]`` is
    ``{kpi: Figure}``. ``years``: the last dated years up to the as-of year (oldest
    first); ``partial``: the as-of date when the last year is counted only up to it."""

    years: list[int]
    institutions: list[str]
    figures: Mapping[tuple[str, int], Mapping[str, object]] = field(default_factory=dict, compare=False)
    partial: date | None = None


def figures_by_year(tables: Mapping[str, pd.DataFrame], scope: Scope, names: tuple[str, ...],
                    cache: DatasetCache | None = None, years_shown: int = YEARS_SHOWN) -> YearFigures:
    """The figures ``names`` for each institution of the scope and each of the last
    ``years_shown`` calendar years with dated rows of those figures' tables (up to the
    as-of year and within the scope's years). Each is the KPI of that institution and
    year computed as year over year computes a year (``scope`` with that year alone; the
    as-of year only up to as_of): the same engine, the same states."""
    from metrics.figure import figures

    cache = DatasetCache(tables) if cache is None else cache  # one for every year's figures
    table_years = _table_years(tables, scope, None, cache)
    dated = set().union(*(_kpi_years(KPI_BY_NAME[n].dated_by, table_years) for n in names))
    last = scope.as_of.year if scope.year_to is None else min(scope.as_of.year, scope.year_to)
    years = sorted(y for y in dated if y <= last and (scope.year_from is None or y >= scope.year_from))
    years = years[-years_shown:]
    ids = institutions_in_scope(tables, scope)
    partial = (scope.as_of if years and years[-1] == scope.as_of.year
               and (scope.as_of.month, scope.as_of.day) != (12, 31) else None)
    found: dict[tuple[str, int], Mapping[str, object]] = {}
    for year in years:
        for institution in ids:
            one = scope.replace(institutions=frozenset({institution}), year_from=year, year_to=year)
            if partial is not None and year == scope.as_of.year:
                values, notes = kpis_up_to(tables, one, scope.as_of, cache)
            else:
                values, notes = compute_kpis_with_notes(tables, one, None, cache)
            every = figures(values, notes)
            found[(institution, year)] = {n: every[n] for n in names}
    return YearFigures(years, ids, found, partial)
