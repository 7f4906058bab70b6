"""The evidence pack's research section: joint papers from the dataset's publication exports.

The figures are ``research.figures``' (the Research page and the JSON report's
``publications`` block call the same functions; definitions: docs/research.md). The
section says how many papers the exports hold and how many have an international
co-author, per year; the QS International Research Network index with the institutions
behind its P; and the agreement / co-authorship gap. Papers are named by DOI (or the
database's id) and year only: no author and no title, so the public edition needs nothing
hidden. A dataset without exports has no research section.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from i18n import fmt, t
from metrics import Scope
from report.parts import Chart, Section, Series, Table, enum_label
from research import Research, figures

RECENT_YEARS = 10  # years charted one by one; earlier papers are one bar ("before ...")
TOP_COUNTRIES = 12  # countries in the pack's chart; the table and annex have them all
IDS_SHOWN = 6  # paper ids beside an institution in the pack; the annex lists every paper


@dataclass(frozen=True)
class ResearchPart:
    """What the pack says about co-publications: its sections and the annex's paper list."""

    sections: list[Section]
    papers: Table


def _year_bars(years: pd.DataFrame, lang: str) -> tuple[list[str], list[int], list[int]]:
    """Per year (the last ``RECENT_YEARS`` with papers; earlier ones summed in one bar):
    labels, papers without and with an international co-author."""
    domestic = [int(p - i) for p, i in zip(years["papers"], years["international"], strict=True)]
    international = [int(v) for v in years["international"]]
    labels = [str(y) for y in years["year"]]
    if len(labels) <= RECENT_YEARS:
        return labels, domestic, international
    cut = len(labels) - RECENT_YEARS
    first = t("pack.research.before", lang, year=labels[cut])
    return ([first, *labels[cut:]], [sum(domestic[:cut]), *domestic[cut:]],
            [sum(international[:cut]), *international[cut:]])


def _ids(ids: list[str]) -> str:
    shown = ", ".join(ids[:IDS_SHOWN])
    return shown + (f" (+{len(ids) - IDS_SHOWN})" if len(ids) > IDS_SHOWN else "")


def research_part(res: Research | None, tables: dict[str, pd.DataFrame], scope: Scope, lang: str,
                  partner_names: dict[str, str], short: dict[str, str]) -> ResearchPart | None:
    """The research sections for ``res`` (a ``research.Research``), or None without exports."""
    if res is None:
        return None
    summary = figures.summary(res, tables, scope)
    irn = figures.irn(res, tables, scope)
    years = figures.per_year(res, tables, scope)
    countries = figures.foreign_countries(res, tables, scope)
    share = summary["international_share"]
    start, end = irn["window"]
    irn_text = t("pack.research.irn_undefined", lang) if irn["irn"] is None else fmt.number(irn["irn"], lang, 2)
    lead = fmt.plural("pack.research.lead", len(res.files), lang, files=fmt.integer(len(res.files), lang),
                      papers=fmt.plural("pack.research.papers", summary["papers"], lang),
             international=fmt.integer(summary["international"], lang),
             share=fmt.DASH if share is None else fmt.percent(share, lang),
             irn=irn_text, p=fmt.integer(irn["p"], lang), l=fmt.integer(irn["l"], lang),
             start=start, end=end)
    labels, domestic, international = _year_bars(years, lang)
    top = countries.head(TOP_COUNTRIES)
    charts = [
        Chart("column", t("page.research.per_year", lang), labels,
              [Series(t("page.research.kind.domestic", lang), domestic, "research.domestic"),
               Series(t("page.research.kind.international", lang), international,
                      "research.international")]),
        Chart("bar", t("page.research.countries", lang),
              [fmt.country(c, lang) for c in top["country"]],
              [Series(t("page.research.col.papers", lang), [int(v) for v in top["papers"]], "count")]),
    ]
    institutions = irn["institutions"]
    irn_rows = [[str(r["org_name"]), fmt.country(r["country"], lang), fmt.integer(r["papers"], lang),
                 t("pack.research.yes", lang) if isinstance(r["partner_id"], str) else t("pack.research.no", lang),
                 _ids(list(r["paper_ids"]))]
                for r in institutions.to_dict("records")]
    irn_table = Table([t("page.research.col.institution", lang), t("export.col.country", lang),
                       t("page.research.col.papers_window", lang), t("pack.research.col.partner", lang),
                       t("page.research.col.evidence", lang)],
                      irn_rows, (False, False, True, False, False), (30, 14, 12, 10, 34),
                      note="" if irn_rows else t("page.research.irn_none", lang))
    definitions = "\n".join([t("page.research.irn_help", lang), t("page.research.proxy_help", lang)])
    main = Section("research", t("page.research.title", lang), lead, charts, None, definitions)
    irn_section = Section(
        "research_irn", t("pack.research.irn_title", lang),
        t("page.research.irn_line", lang, p=irn["p"], l=irn["l"], start=start, end=end),
        table=irn_table, notes=definitions)

    gap = figures.agreements_without_papers(res, tables, scope)
    gap_rows = [[str(r["agreement_id"]), short.get(r["institution_id"], r["institution_id"]),
                 partner_names.get(r["partner_id"], r["partner_id"]), enum_label("agreement_kind", r["kind"], lang)]
                for r in gap.to_dict("records")]
    gap_section = Section(
        "research_gap", t("pack.research.gap_title", lang),
        fmt.plural("pack.research.gap_lead", len(gap_rows), lang, start=start, end=end),
        table=Table([t("page.research.col.agreement", lang), t("export.col.institution", lang),
                     t("export.col.partner", lang), t("export.col.kind", lang)],
                    gap_rows, (), (22, 14, 44, 20),
                    note="" if gap_rows else t("pack.research.gap_none", lang)))
    candidates = figures.sustained_without_agreement(res, tables, scope, irn)
    cand_rows = [[str(r["org_name"]), fmt.country(r["country"], lang), fmt.integer(r["papers"], lang),
                  _ids(list(r["paper_ids"]))] for r in candidates.to_dict("records")]
    cand_section = Section(
        "research_candidates", t("pack.research.candidates_title", lang),
        fmt.plural("pack.research.candidates_lead", len(cand_rows), lang, start=start, end=end),
        table=Table([t("page.research.col.institution", lang), t("export.col.country", lang),
                     t("page.research.col.papers_window", lang), t("page.research.col.evidence", lang)],
                    cand_rows, (False, False, True, False), (34, 16, 14, 36),
                    note="" if cand_rows else t("pack.research.candidates_none", lang)))

    intl = set(summary["evidence"]["international"])
    papers = res.papers[res.papers["paper_id"].isin(set(summary["evidence"]["papers"]))]
    papers = papers.sort_values(["year", "paper_id"], kind="stable")
    paper_rows = [[str(pid), str(int(year)), t("pack.research.yes", lang) if pid in intl else t("pack.research.no", lang),
                   "; ".join(files)]
                  for pid, year, files in zip(papers["paper_id"], papers["year"], papers["files"], strict=True)]
    paper_table = Table([t("page.research.col.paper", lang), t("common.col.year", lang),
                         t("page.research.col.international", lang), t("page.research.col.files", lang)],
                        paper_rows, (False, True, False, False), (40, 10, 14, 36))
    return ResearchPart([main, irn_section, gap_section, cand_section], paper_table)


__all__ = ["ResearchPart", "research_part"]
