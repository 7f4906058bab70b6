"""Research: co-publications from the dataset's Scopus / Web of Science / OpenAlex exports."""

import pandas as pd
import streamlit as st

import charts
import research
from charts.papers import papers_per_year
from i18n import fmt, t
from research import figures
from ui import show_table, start_page
from ui.tables import columns

ctx = start_page("research")
lang, scope = ctx.lang, ctx.scope
res = ctx.research()
if res is None:
    st.info(t("page.research.no_exports", lang, folder=str(research.publications_dir(ctx.path))),
            icon=":material/menu_book:")
    st.markdown(t("page.research.how_to", lang))
    st.stop()

tables = ctx.tables
partner_names = ctx.partner_names()
errors = [p for p in res.problems if p.severity == "error"]
warnings = [p for p in res.problems if p.severity == "warning"]
years = res.papers["year"].dropna()
if len(years):  # the papers' own years: the year slider spans the dataset's tables, not them
    st.caption(fmt.plural("page.research.files_years", len(res.files), lang,
                          papers=fmt.plural("page.research.distinct_papers", len(res.papers), lang),
                          first=int(years.min()), last=int(years.max()),
                          errors=fmt.plural("problem.errors_count", len(errors), lang),
                          warnings=fmt.plural("problem.warnings_count", len(warnings), lang)))
else:
    st.caption(fmt.plural("page.research.files", len(res.files), lang,
                          papers=fmt.plural("page.research.distinct_papers", len(res.papers), lang),
                          errors=fmt.plural("problem.errors_count", len(errors), lang),
                          warnings=fmt.plural("problem.warnings_count", len(warnings), lang)))


# The research frames' own columns (research.figures), each header said once.
ORG = ("org_name", "page.research.col.institution", "text")
PAPERS = ("papers", "page.research.col.papers", "int")
PAPERS_WINDOW = ("papers", "page.research.col.papers_window", "int")
EVIDENCE = ("paper_ids", "page.research.col.evidence", "list")
AGREEMENT_IDS = ("agreement_ids", "page.research.col.agreement", "list")


def paper_table(ids, key: str) -> None:
    """The papers behind a figure (the evidence rows), with a CSV download."""
    papers = res.papers[res.papers["paper_id"].isin(set(ids))].sort_values(["year", "paper_id"])
    show_table(ctx, papers.assign(sources=papers["sources"].map(lambda s: "; ".join(s))), columns(
        None, ("paper_id", "page.research.col.paper", "text"), "year", "title",
        ("sources", "page.research.col.sources", "text"), ("files", "page.research.col.files", "list")),
        key=f"papers-{key}", file_stem=f"research-{key}")


# Key figures --------------------------------------------------------------------------
summary = figures.summary(res, tables, scope)
irn = figures.irn(res, tables, scope)
proxy = ctx.kpis()[0].get("irn_index")
cols = st.columns(5)
cols[0].metric(t("page.research.kpi.papers", lang), fmt.number(summary["papers"], lang))
cols[1].metric(t("page.research.kpi.international", lang), fmt.number(summary["international"], lang))
cols[2].metric(t("page.research.kpi.share", lang), fmt.percent(summary["international_share"], lang))
cols[3].metric(t("page.research.kpi.irn", lang), "—" if irn["irn"] is None else fmt.number(irn["irn"], lang, 2),
               help=t("page.research.irn_help", lang))
cols[4].metric(t("page.research.kpi.proxy", lang), "—" if proxy is None else fmt.number(proxy, lang, 2),
               help=t("page.research.proxy_help", lang))
st.caption(t("page.research.irn_line", lang, p=irn["p"], l=irn["l"], start=irn["window"][0], end=irn["window"][1]))

# Map ------------------------------------------------------------------------------------
institutions = figures.foreign_institutions(res, tables, scope)
countries = figures.foreign_countries(res, tables, scope)
st.subheader(t("page.research.map", lang))
point_frame = figures.institution_points(res, tables, institutions)
homes = ctx.localised_institutions(ctx.scoped()["institutions"])  # named in the page's language
links = pd.DataFrame([(h, k) for h in homes["institution_id"] for k in point_frame["partner_id"]],
                     columns=["institution_id", "partner_id"])
names = {c: ctx.country_name(c) for c in countries["country"]}
papers = dict(zip(point_frame["partner_id"].astype(str), point_frame["activity"], strict=True))
deck = charts.partner_map(
    point_frame, homes, links, lang=lang, country_names=names, presenting=ctx.presenting,
    country_counts=dict(zip(countries["country"], countries["papers"], strict=True)),
    country_noun_key="page.research.map_country_tip", clickable=False,
    point_details={pid: fmt.plural("page.research.map_point_tip", n, lang) for pid, n in papers.items()},
)
st.pydeck_chart(deck, height=560, key="research-map")
st.caption(t("page.research.map_note", lang))

# Per year ---------------------------------------------------------------------------------
st.subheader(t("page.research.per_year", lang))
years = figures.per_year(res, tables, scope)
if years.empty:
    st.info(t("common.empty", lang), icon=":material/filter_alt_off:")
else:
    st.plotly_chart(papers_per_year(years, lang=lang, presenting=ctx.presenting), key="research-years")
    shown = years.assign(share_text=years["share"].map(lambda s: fmt.percent(s, lang)))
    show_table(ctx, shown, columns(
        None, "year", PAPERS, ("international", "page.research.col.international", "int"),
        ("share_text", "page.research.col.share", "text"), ("international_ids", "page.research.col.evidence", "list")),
        key="years", file_stem="research-per-year")

# Institutions and countries ------------------------------------------------------------------
left, right = st.columns(2)
with left:
    st.subheader(t("page.research.institutions", lang))
    show_table(ctx, institutions, columns(None, ORG, "country", "partner_id", PAPERS, EVIDENCE),
               key="institutions", file_stem="research-institutions")
with right:
    st.subheader(t("page.research.countries", lang))
    show_table(ctx, countries, columns(None, "country", PAPERS, EVIDENCE), key="countries",
               file_stem="research-countries")

# QS IRN ------------------------------------------------------------------------------------
st.subheader(t("page.research.irn", lang))
st.caption(t("page.research.irn_note", lang))
if irn["institutions"].empty:
    st.info(t("page.research.irn_none", lang), icon=":material/info:")
else:
    show_table(ctx, irn["institutions"], columns(None, ORG, "country", "partner_id", PAPERS_WINDOW, EVIDENCE),
               key="irn", file_stem="research-irn-p")

# Gap ---------------------------------------------------------------------------------------
st.subheader(t("page.research.gap", lang))
left, right = st.columns(2)
with left:
    st.markdown("**" + t("page.research.gap_agreements", lang) + "**")
    idle = figures.agreements_without_papers(res, tables, scope)
    show_table(ctx, idle, columns("agreements", ("agreement_id", "page.research.col.agreement", "text"),
                                  "institution_id", "partner_id", "kind", "signed_on"),
               key="gap-agreements", file_stem="research-agreements-no-papers")
with right:
    st.markdown("**" + t("page.research.gap_candidates", lang) + "**")
    candidates = figures.sustained_without_agreement(res, tables, scope, irn)
    show_table(ctx, candidates, columns(None, ORG, "country", PAPERS_WINDOW, EVIDENCE),
               key="gap-candidates", file_stem="research-mou-candidates")
st.markdown("**" + t("page.research.side_by_side", lang) + "**")
side = figures.partner_side_by_side(res, tables, scope)
show_table(ctx, side, columns(None, "partner_id", "country", "agreements", "visits", "grants", PAPERS, AGREEMENT_IDS,
                              EVIDENCE), key="side", file_stem="research-partners")

# Drill-down ------------------------------------------------------------------------------------
st.subheader(t("page.research.drill", lang))
choices = {"all": t("page.research.drill_all", lang)}
choices.update({f"y:{y}": str(y) for y in years["year"]} if not years.empty else {})
choices.update({f"i:{k}": n for k, n in zip(institutions["org_key"], institutions["org_name"], strict=True)})
choice = st.selectbox(t("page.research.drill_pick", lang), list(choices), format_func=choices.get, key="research-drill")
if choice == "all":
    paper_table(summary["evidence"]["papers"], "all")
elif choice.startswith("y:"):
    paper_table(years.loc[years["year"] == int(choice[2:]), "paper_ids"].iloc[0], "year")
else:
    paper_table(institutions.loc[institutions["org_key"] == choice[2:], "paper_ids"].iloc[0], "institution")

# To confirm ------------------------------------------------------------------------------------
st.subheader(t("page.research.uncertain", lang))
st.caption(t("page.research.uncertain_note", lang))
uncertain = res.uncertain.assign(reason_text=res.uncertain["reason"].map(lambda r: t(f"page.research.reason.{r}", lang)))
show_table(ctx, uncertain, columns(
    None, ("org", "page.research.col.affiliation", "text"), "country", ("candidate_name", "page.research.col.candidate", "text"),
    ("reason_text", "page.research.col.reason", "text"), PAPERS, EVIDENCE), key="uncertain", file_stem="research-to-confirm")
if len(res.unattributed):
    st.caption(fmt.plural("page.research.unattributed", len(res.unattributed), lang))
if res.problems:
    with st.expander(t("page.research.problems", lang, errors=fmt.plural("problem.errors_count", len(errors), lang),
                         warnings=fmt.plural("problem.warnings_count", len(warnings), lang))):
        probs = pd.DataFrame([{"severity": t(f"problem.severity.{p.severity}", lang), "table": p.table, "row": p.row,
                               "column": p.column or "", "value": p.value,
                               "message": t(f"problem.{p.code}", lang, **p.params)} for p in res.problems])
        show_table(ctx, probs, columns(
            None, ("severity", "page.research.col.severity", "text"), ("table", "page.research.col.file", "text"),
            ("row", "page.research.col.row", "int"), ("column", "page.research.col.column", "text"),
            ("value", "page.research.col.value", "text"), ("message", "page.research.col.message", "text")),
            key="problems", file_stem="research-problems")
