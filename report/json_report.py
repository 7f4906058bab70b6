"""The report model: the JSON shape of docs/interfaces.md, built from a dataset and a scope.

The exports (xlsx, pptx, pdf) read this dict plus ``apply_scope`` frames. Example::

    >>> report = build_report(load_dataset("data"), Scope(as_of=date(2025, 6, 30)))
    >>> report["kpis"]["partners"], report["problems"]
    (9, {'errors': 0, 'warnings': 3})
"""

from __future__ import annotations

import math
from typing import Any

from loaders.privacy import Privacy
from metrics.cache import DatasetCache
from metrics.compare import by_institution_with_notes, year_over_year
from metrics.engine import compute_kpis_with_notes
from metrics.evidence import evidence
from metrics.figure import figures
from metrics.quota import use_against_quota, use_json
from metrics.rankings import rankings_json
from metrics.registry import KPI_BY_NAME
from metrics.scope import Scope, apply_scope
from report.rankings import rankings_for


def json_value(name: str, value: Any) -> int | float | None:
    """A KPI value as the JSON wants it: int for counts, float otherwise, None undefined.

    Not finite (NaN, inf) is undefined too: JSON has no ``Infinity``.
    """
    if value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if KPI_BY_NAME[name].unit == "count":
        return int(value)
    return float(value)


def json_kpis(values: dict[str, Any]) -> dict[str, int | float | None]:
    return {name: json_value(name, value) for name, value in values.items()}


def scope_dict(scope: Scope) -> dict[str, Any]:
    """The scope as the JSON shows it; regions appear expanded into countries."""
    years = None if scope.all_years else [scope.year_from, scope.year_to]
    return {
        "institutions": sorted(scope.institutions),
        "years": years,
        "countries": sorted(scope.country_set),
        "faculties": sorted(scope.faculties),
        "partner_types": sorted(scope.partner_types),
    }


def _comparison(comparison: Any) -> dict:
    """The year-over-year block: per figure its own two years and the change (null where
    the figure has none), the pair most figures share, or why no figure is compared."""
    out: dict[str, Any] = {
        "year": comparison.year,
        "previous": comparison.previous,
        "partial": comparison.partial,
        "period_end": comparison.period_end.isoformat() if comparison.period_end else None,
        "reason": comparison.reason,
    }
    changes = comparison.changes or {}
    out["delta"] = {name: json_value(name, change.delta if change.compared else None)
                    for name, change in changes.items()}
    out["years"] = {name: [change.year, change.previous] for name, change in changes.items()}
    return out


def _public_ids(ids: dict[str, list[str]], tables: Any, public: bool) -> dict[str, list[str]]:
    """The evidence ids, neutral where the public edition needs it (sorted again)."""
    if not public:
        return ids
    privacy = Privacy.for_tables(tables, True)
    return {name: sorted((privacy.any_id(str(i)) for i in found), key=_natural)
            for name, found in ids.items()}


def _natural(text: str) -> tuple:
    """``visits:9`` before ``visits:10``."""
    head, _, tail = text.rpartition(":")
    return (head, int(tail), "") if tail.isdigit() else (text, -1, text)


def build_report(dataset: Any, scope: Scope, public: bool = False, lang: str = "en",
                 research: Any = None) -> dict:
    """The report dict of docs/interfaces.md for a loaded dataset (``loaders.Dataset``).

    The dict holds no text; ``public`` shows the evidence ids as the public edition does
    (``loaders.privacy``: a visit, or an id made from a name, by its neutral row id
    ``visits:3``, the same as in the pack's annex). ``lang`` changes nothing.
    """
    tables = dataset.tables
    cache = DatasetCache(tables)  # the dataset's index and row facts, built once for the whole report
    scoped = apply_scope(tables, scope, cache)  # filtered once, for the KPIs and each institution
    values, notes = compute_kpis_with_notes(tables, scope, scoped, cache)
    comparison = year_over_year(tables, scope, cache)
    figs = figures(values, notes, comparison.changes)
    inst_values, inst_notes = by_institution_with_notes(tables, scope, scoped, cache)
    inst_figs = {i: figures(inst_values[i], inst_notes[i]) for i in inst_values}
    problems = list(getattr(dataset, "problems", []) or [])
    return {
        "as_of": scope.as_of.isoformat(),
        "scope": scope_dict(scope),
        "kpis": json_kpis(values),
        "lecture_sessions_unknown": int(notes["lecture_sessions_unknown"]),
        "grants_amount_unknown": int(notes["grants_amount_unknown"]),
        "grants_without_rate": int(notes["grants_without_rate"]),
        "agreements_expiry_unknown": int(notes["agreements_expiry_unknown"]),
        # v3: each figure with its state ("known", "at_least", "unknown", "undefined",
        # "cannot_tell"), its unknown inputs and its own change (docs/metrics.md).
        "figures": {name: fig.as_json() for name, fig in figs.items()},
        # The rows behind each figure (docs/metrics.md "Evidence"): len == value for counts.
        "evidence": _public_ids(evidence(tables, scope, scoped, cache), tables, public),
        "year_over_year": _comparison(comparison),
        # The value where the figure shows one, null where it is unknown, undefined or
        # cannot be told; the state of each in ``by_institution_figures``.
        "by_institution": {
            institution: {name: fig.as_json()["value"] for name, fig in per.items()}
            for institution, per in inst_figs.items()
        },
        "by_institution_figures": {
            institution: {name: fig.as_json() for name, fig in per.items()}
            for institution, per in inst_figs.items()
        },
        # Planned mobilities against actual ones, per agreement term and academic year
        # (docs/metrics.md, "Use against quota"), with the visits behind each actual.
        "agreements_use": use_json(use_against_quota(tables, scope.as_of, scope.institutions)),
        # The ratios rankings start from (docs/metrics.md, "Ranking indicators"); the
        # publication figures in it need ``research`` (python -m report passes it).
        "rankings": rankings_json(rankings_for(tables, scope, research)),
        "problems": {
            # the counts include problems found but not listed (loaders keeps 1000 a kind)
            "errors": getattr(dataset, "error_count",
                              sum(1 for p in problems if p.severity == "error")),
            "warnings": getattr(dataset, "warning_count",
                                sum(1 for p in problems if p.severity == "warning")),
        },
    }
