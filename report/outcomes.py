"""Agreement outcomes for the pack (issue 29, item 3): per agreement its visits, grants and
joint papers; the active agreements on the slides, the dormant ones on a slide of their
own, the full registry (every status) in the annex with the same outcome columns.

The rows are the figures' own: the active list is the ``agreements_active`` evidence, the
dormant list the ``agreements_dormant`` evidence (``metrics.evidence_frame``). What links
a visit or a grant to an agreement is ``metrics.outcomes``; joint papers are
``research.figures.joint_papers_by_pair`` (the dataset's publication exports).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from i18n import fmt, t
from loaders.privacy import Privacy
from metrics import Scope
from metrics.outcomes import agreement_outcomes
from report.cells import column_or_blank, date_cell
from report.parts import Section, Table, enum_label
from research import Research
from research.figures import joint_papers_by_pair


@dataclass(frozen=True)
class OutcomesPart:
    active: Table  # the slides' list: the active agreements with their outcomes
    dormant: Section | None  # its own slide; None when no agreement is dormant
    registry: Table  # the annex's agreements sheet, the outcome columns appended


def _papers(research: Research | None, tables: Mapping[str, pd.DataFrame], scope: Scope
            ) -> dict[tuple[str, str], set[str]] | None:
    if research is None:
        return None
    return joint_papers_by_pair(research, dict(tables), scope)


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    """By institution, expiry (unknown last) and id, as the agreements section lists them."""
    expires = pd.to_datetime(column_or_blank(frame, "expires_on"), errors="coerce")
    return frame.assign(_expires=expires).sort_values(
        ["institution_id", "_expires", "agreement_id"], na_position="last").drop(columns="_expires")


def outcomes_part(tables: Mapping[str, pd.DataFrame], scoped: Mapping[str, pd.DataFrame], scope: Scope,
                  lang: str, privacy: Privacy, partner_names: Mapping[str, str], short: Mapping[str, str],
                  active: pd.DataFrame, dormant: pd.DataFrame, registry: Table,
                  research: Research | None) -> OutcomesPart:
    """``active`` and ``dormant``: the evidence rows of ``agreements_active`` and
    ``agreements_dormant``; ``registry``: the annex's agreements table (the rows of
    ``scoped["agreements"]`` in their order)."""
    papers = _papers(research, tables, scope)
    # in scope: the visits and grants of the scope (its years, countries, faculties)
    found = agreement_outcomes(scoped["agreements"], scoped["visits"], scoped.get("grants"))
    by_id = {str(r["agreement_id"]): r for r in found.to_dict("records")}
    # dormancy is judged on the whole dataset: the last visit of the pair in it
    everything = agreement_outcomes(tables["agreements"], tables["visits"], tables.get("grants"))
    last_visit = dict(zip(everything["agreement_id"], everything["last_visit"], strict=True))

    def counts(row: Mapping[str, object]) -> list[str]:
        mine = by_id.get(str(row["agreement_id"]), {"visit_ids": [], "grant_ids": []})
        cells = [fmt.integer(len(mine["visit_ids"]), lang), fmt.integer(len(mine["grant_ids"]), lang)]
        if papers is not None:
            pair = (str(row["institution_id"]), str(row["partner_id"]))
            cells.append(fmt.integer(len(papers.get(pair, ())), lang))
        return cells

    def described(row: Mapping[str, object]) -> list[str]:
        return [privacy.row_id("agreements", row["agreement_id"], row.get("_row")),
                short.get(str(row["institution_id"]), str(row["institution_id"])),
                privacy.text(partner_names.get(str(row["partner_id"]), row["partner_id"])),
                enum_label("agreement_kind", row.get("kind"), lang),
                date_cell(row.get("signed_on"), row.get("signed_on_precision"), lang),
                date_cell(row.get("expires_on"), row.get("expires_on_precision"), lang)]

    head = [t("pack.col.id", lang), t("export.col.institution", lang), t("export.col.partner", lang),
            t("export.col.kind", lang), t("pack.col.signed_on", lang), t("export.col.expires_on", lang)]
    outcome_heads = [t("pack.outcomes.col.visits", lang), t("pack.outcomes.col.grants", lang)] + (
        [t("pack.outcomes.col.papers", lang)] if papers is not None else [])
    note = " ".join([t("pack.agreements.active_lead", lang), t("pack.outcomes.note", lang)]
                    + ([] if papers is not None else [t("pack.outcomes.no_papers", lang)]))
    n_out = len(outcome_heads)
    widths = (14, 9, 25, 14, 10, 10) + (18 / n_out,) * n_out
    numeric = (False,) * 6 + (True,) * n_out
    active_rows = [described(r) + counts(r) for r in _sorted(active).to_dict("records")] if len(active) else []
    active_table = Table(head + outcome_heads, active_rows, numeric, widths, note)

    dormant_section = None
    if len(dormant):
        rows = []
        for row in _sorted(dormant).to_dict("records"):
            day = last_visit.get(str(row["agreement_id"]), pd.NaT)
            rows.append(described(row) + [t("pack.dormant.none", lang) if pd.isna(day)
                                          else fmt.date_text(day, lang, "day", style="medium")])
        dormant_section = Section(
            "dormant", t("pack.dormant.title", lang),
            fmt.plural("pack.dormant.lead", len(rows), lang,
                       date=fmt.date_text(scope.as_of, lang, "day", style="medium")),
            table=Table(head + [t("pack.dormant.col.last_visit", lang)], rows, (False,) * 7,
                        (14, 9, 27, 14, 11, 11, 14)),
            notes=t("kpi.agreements_dormant.definition", lang), table_title=t("pack.dormant.title", lang))

    # the annex: every agreement in scope, its outcomes as numbers
    ids = list(scoped["agreements"]["agreement_id"].astype(str))
    extra = []
    for aid, row in zip(ids, scoped["agreements"].to_dict("records"), strict=True):
        mine = by_id.get(aid, {"visit_ids": [], "grant_ids": []})
        cells: list[object] = [len(mine["visit_ids"]), len(mine["grant_ids"])]
        if papers is not None:
            cells.append(len(papers.get((str(row["institution_id"]), str(row["partner_id"])), ())))
        extra.append(cells)
    registry = Table(registry.headers + outcome_heads,
                     [list(r) + e for r, e in zip(registry.rows, extra, strict=True)],
                     registry.numeric, registry.widths, registry.note)
    return OutcomesPart(active_table, dormant_section, registry)


__all__ = ["OutcomesPart", "outcomes_part"]
