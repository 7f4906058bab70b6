"""The pack's use-against-quota sections: one per institution with agreement terms
(planned mobilities beside actual ones per academic year; docs/metrics.md)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from i18n import fmt, t
from metrics.quota import latest_started_year, use_against_quota
from metrics.scope import Scope
from report.parts import Chart, Section, Series, Table


def quota_sections(tables: Mapping[str, pd.DataFrame], scope: Scope, lang: str,
                   partner_names: dict[str, str], short: dict[str, str]) -> list[Section]:
    """A section per institution in scope whose agreements have terms; [] when none has."""
    uses = use_against_quota(tables, scope.as_of, scope.institutions)
    latest = latest_started_year(scope.as_of)
    out = []
    for institution in sorted({u.institution_id for u in uses}):
        mine = [u for u in uses if u.institution_id == institution]
        years = sorted({u.year_start for u in mine})
        labels = [f"{y}/{y + 1}" for y in years]
        planned = [sum(u.planned or 0 for u in mine if u.year_start == y) for y in years]
        actual = [sum(u.actual for u in mine if u.year_start == y) for y in years]
        chart = Chart("column", t("pack.quota.chart", lang), labels, [
            Series(t("pack.quota.planned", lang), planned, "quota.planned"),
            Series(t("pack.quota.actual", lang), actual, "count")])
        rows = []
        for u in sorted(mine, key=lambda u: (-u.year_start, partner_names.get(u.partner_id, u.partner_id),
                                             u.mobility_type, u.direction)):
            rows.append([
                partner_names.get(u.partner_id, u.partner_id), u.academic_year,
                t(f"enum.mobility_type.{u.mobility_type}", lang),
                t(f"enum.term_direction.{u.direction}", lang),
                t("page.agreements.use.not_defined", lang) if u.planned is None else fmt.integer(u.planned, lang),
                fmt.integer(u.actual, lang) if not u.unplaced else t(
                    "page.agreements.use.at_least", lang, n=fmt.integer(u.actual, lang), u=u.unplaced),
                t(f"enum.use_state.{u.state}", lang)])
        current = [u for u in mine if u.year_start == latest]
        lead = t("pack.quota.lead", lang, year=f"{latest}/{latest + 1}",
                 planned=fmt.integer(sum(u.planned or 0 for u in current), lang),
                 actual=fmt.integer(sum(u.actual for u in current), lang),
                 under=fmt.integer(sum(u.state == "under_used" for u in current), lang))
        headers = [t("export.col.partner", lang), t("common.col.academic_year", lang),
                   t("page.agreements.use.col.mobility_type", lang), t("common.col.direction", lang),
                   t("page.agreements.use.col.planned", lang), t("page.agreements.use.col.actual", lang),
                   t("page.agreements.use.col.state", lang)]
        out.append(Section(
            f"quota-{institution}", t("pack.quota.title", lang, institution=short.get(institution, institution)),
            lead, [chart], Table(headers, rows, (False, False, False, False, True, True, False),
                                 (26, 10, 20, 18, 8, 10, 12)),
            t("page.agreements.use.rule", lang)))
    return out
