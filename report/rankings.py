"""Ranking indicators with their research inputs, and the pack's section of them.

``rankings_for`` joins the institution's records (``metrics.rankings``) with the
publication exports (``research``) and the partner-based index (the KPI ``irn_index``);
the Rankings page, the JSON report and the pack all call it (docs/metrics.md, "Ranking
indicators").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from i18n import fmt, t
from metrics.cache import DatasetCache
from metrics.kpis import KpiContext
from metrics.rankings import (
    INDICATORS,
    Indicator,
    Rankings,
    ResearchInputs,
    institutions_of,
    rankings,
    to_reach,
)
from metrics.registry import KPI_BY_NAME
from metrics.scope import Scope
from report.parts import Section, Table
from research import Research
from research import figures as research_figures


def _research_inputs(research: Research | None, tables: Mapping[str, pd.DataFrame], scope: Scope) -> ResearchInputs:
    if research is None:
        return ResearchInputs()
    window = research_figures.irn_window(scope)
    windowed = scope.replace(year_from=window[0], year_to=window[1], countries=frozenset(), regions=frozenset(),
                             partner_types=frozenset())
    summary = research_figures.summary(research, dict(tables), windowed)
    irn = research_figures.irn(research, dict(tables), scope)
    return ResearchInputs(summary["papers"], summary["international"], tuple(summary["evidence"]["papers"]),
                          tuple(summary["evidence"]["international"]), irn["irn"], window, True)


def _partner_index(tables: Mapping[str, pd.DataFrame], scope: Scope) -> float | None:
    value = KPI_BY_NAME["irn_index"].func(KpiContext(tables, scope.replace(year_from=None, year_to=None), None,
                                                         DatasetCache(tables)))
    return None if value is None else float(value)


def rankings_for(tables: Mapping[str, pd.DataFrame], scope: Scope, research: Research | None) -> Rankings:
    """Every indicator for the scope's institutions (its year, country and type filters do
    not apply: rankings count the whole institution)."""
    chosen = institutions_of(tables, scope.institutions)
    whole = Scope(institutions=frozenset(chosen), as_of=scope.as_of)
    per_research = {i: _research_inputs(research, tables, whole.replace(institutions=frozenset({i}))) for i in chosen}
    per_index = {i: _partner_index(tables, whole.replace(institutions=frozenset({i}))) for i in chosen}
    return rankings(tables, scope.as_of, chosen, _research_inputs(research, tables, whole),
                    _partner_index(tables, whole), per_research, per_index)


def value_text(indicator: Indicator, lang: str) -> str:
    """The indicator as a reader sees it: a share in %, a per-100 figure, an index, a count;
    "unknown" or "—" when it is not known."""
    if indicator.state == "unknown":
        return t("export.unknown", lang)
    if indicator.state != "known" or indicator.value is None:
        return t("common.none", lang)
    if indicator.unit == "share":
        return fmt.percent(indicator.value, lang)
    if indicator.unit == "count":
        return fmt.integer(int(indicator.value), lang)
    return fmt.number(indicator.value, lang, 2)


def formula_text(indicator: Indicator, lang: str) -> str:
    """The numbers in the formula: "46 / 1,200 = 3.8 %" (a "?" for the missing one)."""
    if indicator.unit in ("index", "count") or (indicator.numerator is None and indicator.denominator is None):
        return ""
    num = "?" if indicator.numerator is None else fmt.number(indicator.numerator, lang, 0)
    den = "?" if indicator.denominator is None else fmt.number(indicator.denominator, lang, 0)
    scale = " × 100" if indicator.unit == "per100" else ""
    return f"{num} / {den}{scale} = {value_text(indicator, lang)}"


def targets_of(tables: Mapping[str, pd.DataFrame], institutions: list[str], year_start: int) -> dict[tuple[str, str], float]:
    """(institution, indicator) -> target, for targets naming an indicator in ``year_start``
    (a target for year Y is read as the academic year that starts in Y)."""
    targets = tables.get("targets")
    if targets is None or targets.empty:
        return {}
    hit = targets[targets["metric"].isin(list(INDICATORS)) & targets["institution_id"].isin(institutions)
                  & (pd.to_numeric(targets["year"], errors="coerce") == year_start)]
    return {(str(r.institution_id), str(r.metric)): float(r.target) for r in hit.itertuples()}


def reach_text(indicator: Indicator, target: float, lang: str) -> str:
    """What it takes: "+ 14 students at today's total", "met", or why it cannot be said."""
    more = to_reach(indicator, target)
    if more is None:
        return t("ranking.reach.unknown", lang)
    if more == 0:
        return t("ranking.reach.met", lang)
    from metrics.rankings import NUMERATOR_WORD

    return t("ranking.reach.more", lang, n=fmt.integer(int(more), lang),
             what=t(f"ranking.unit.{NUMERATOR_WORD.get(indicator.name, 'item')}", lang))


def target_text(indicator: Indicator, target: float, lang: str) -> str:
    scaled = Indicator(indicator.name, target, "known")
    return value_text(scaled, lang)


def rankings_section(result: Rankings, tables: Mapping[str, pd.DataFrame], lang: str,
                     short: dict[str, str]) -> Section:
    """The pack's section: each indicator for the scope with its formula, and per institution."""
    headers = [t("ranking.col.indicator", lang), t("ranking.col.value", lang), t("ranking.col.formula", lang)]
    institutions = list(result.by_institution)
    headers += [short.get(i, i) for i in institutions]
    rows: list[list[Any]] = []
    for name, indicator in result.figures.items():
        rows.append([t(f"ranking.{name}.label", lang), value_text(indicator, lang), formula_text(indicator, lang),
                     *[value_text(result.by_institution[i][name], lang) for i in institutions]])
    widths = (30, 10, 22, *([10] * len(institutions)))
    return Section("rankings", t("ranking.section.title", lang),
                   t("ranking.section.lead", lang, year=result.academic_year),
                   [], Table(headers, rows, (False, True, False, *([True] * len(institutions))), widths,
                             t("ranking.honest", lang)),
                   "\n".join(t(f"ranking.{n}.definition", lang) for n in INDICATORS))
