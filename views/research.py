"""Research: co-publications from the dataset's Scopus / Web of Science / OpenAlex exports."""

import pandas as pd
import streamlit as st

import charts
import research
from i18n import fmt, t
from research import figures
from ui import start_page, table_with_download
from ui.tables import display_frame

ctx = start_page("research")
lang, scope = ctx.lang, ctx.scope
res = ctx.research()
if res is None:
    st.info(t("page.research.no_exports", lang, folder=str(research.publications_dir(ctx.path))),
            icon=":material/menu_book:")
    st.markdown(t("page.research.how_to", lang))
    st.stop()

tables = ctx.tables
lookups = ctx.lookups()
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


def paper_table(ids, key: str) -> None:
    """The papers behind a figure (the evidence rows), with a CSV download."""
    papers = res.papers[res.papers["paper_id"].isin(set(ids))].sort_values(["year", "paper_id"])
    frame = display_frame(papers.assign(sources=papers["sources"].map(lambda s: "; ".join(s))), [
        ("paper_id", "page.research.col.paper", "text"), ("year", "common.col.year", "int"),
        ("title", "common.col.title", "text"), ("sources", "page.research.col.sources", "text"),
        ("files", "page.research.col.files", "list")], lang)
    table_with_download(frame, f"research-{key}", lang, key=f"papers-{key}")


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
    long = pd.concat([
        years.assign(kind="international", count=years["international"]),
        years.assign(kind="domestic", count=years["papers"] - years["international"]),
    ])[["year", "kind", "count"]]
    long["year"] = long["year"].astype(str)
    st.plotly_chart(charts.bar_chart(
        long, "year", "count", group="kind", category_order=[str(y) for y in years["year"]],
        group_order=["international", "domestic"],
        group_labels={"international": t("page.research.kind.international", lang),
                      "domestic": t("page.research.kind.domestic", lang)},
        category_title=t("common.axis.year", lang), value_title=t("page.research.axis.papers", lang),
        presenting=ctx.presenting, lang=lang), key="research-years")
    shown = years.assign(share_text=years["share"].map(lambda s: fmt.percent(s, lang)))
    table_with_download(display_frame(shown, [
        ("year", "common.col.year", "int"), ("papers", "page.research.col.papers", "int"),
        ("international", "page.research.col.international", "int"),
        ("share_text", "page.research.col.share", "text"),
        ("international_ids", "page.research.col.evidence", "list")], lang), "research-per-year", lang, key="years")

# Institutions and countries ------------------------------------------------------------------
left, right = st.columns(2)
with left:
    st.subheader(t("page.research.institutions", lang))
    table_with_download(display_frame(institutions, [
        ("org_name", "page.research.col.institution", "text"), ("country", "common.col.country", "country"),
        ("partner_id", "common.col.partner", "partner"), ("papers", "page.research.col.papers", "int"),
        ("paper_ids", "page.research.col.evidence", "list")], lang, lookups=lookups), "research-institutions", lang,
        key="institutions")
with right:
    st.subheader(t("page.research.countries", lang))
    table_with_download(display_frame(countries, [
        ("country", "common.col.country", "country"), ("papers", "page.research.col.papers", "int"),
        ("paper_ids", "page.research.col.evidence", "list")], lang, lookups=lookups), "research-countries", lang,
        key="countries")

# QS IRN ------------------------------------------------------------------------------------
st.subheader(t("page.research.irn", lang))
st.caption(t("page.research.irn_note", lang))
if irn["institutions"].empty:
    st.info(t("page.research.irn_none", lang), icon=":material/info:")
else:
    table_with_download(display_frame(irn["institutions"], [
        ("org_name", "page.research.col.institution", "text"), ("country", "common.col.country", "country"),
        ("partner_id", "common.col.partner", "partner"), ("papers", "page.research.col.papers_window", "int"),
        ("paper_ids", "page.research.col.evidence", "list")], lang, lookups=lookups), "research-irn-p", lang, key="irn")

# Gap ---------------------------------------------------------------------------------------
st.subheader(t("page.research.gap", lang))
left, right = st.columns(2)
with left:
    st.markdown("**" + t("page.research.gap_agreements", lang) + "**")
    idle = figures.agreements_without_papers(res, tables, scope)
    table_with_download(display_frame(idle, [
        ("agreement_id", "page.research.col.agreement", "text"), ("institution_id", "common.col.institution", "institution"),
        ("partner_id", "common.col.partner", "partner"), ("kind", "common.col.kind", "enum:agreement_kind"),
        ("signed_on", "common.col.signed_on", "date")], lang, lookups=lookups), "research-agreements-no-papers", lang,
        key="gap-agreements")
with right:
    st.markdown("**" + t("page.research.gap_candidates", lang) + "**")
    candidates = figures.sustained_without_agreement(res, tables, scope, irn)
    table_with_download(display_frame(candidates, [
        ("org_name", "page.research.col.institution", "text"), ("country", "common.col.country", "country"),
        ("papers", "page.research.col.papers_window", "int"), ("paper_ids", "page.research.col.evidence", "list")],
        lang, lookups=lookups), "research-mou-candidates", lang, key="gap-candidates")
st.markdown("**" + t("page.research.side_by_side", lang) + "**")
side = figures.partner_side_by_side(res, tables, scope)
table_with_download(display_frame(side, [
    ("partner_id", "common.col.partner", "partner"), ("country", "common.col.country", "country"),
    ("agreements", "common.col.agreements", "int"), ("visits", "common.col.visits", "int"),
    ("grants", "common.col.grants", "int"), ("papers", "page.research.col.papers", "int"),
    ("agreement_ids", "page.research.col.agreement", "list"), ("paper_ids", "page.research.col.evidence", "list")],
    lang, lookups=lookups), "research-partners", lang, key="side")

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
table_with_download(display_frame(uncertain, [
    ("org", "page.research.col.affiliation", "text"), ("country", "common.col.country", "country"),
    ("candidate_name", "page.research.col.candidate", "text"), ("reason_text", "page.research.col.reason", "text"),
    ("papers", "page.research.col.papers", "int"), ("paper_ids", "page.research.col.evidence", "list")],
    lang, lookups=lookups), "research-to-confirm", lang, key="uncertain")
if len(res.unattributed):
    st.caption(fmt.plural("page.research.unattributed", len(res.unattributed), lang))
if res.problems:
    with st.expander(t("page.research.problems", lang, errors=fmt.plural("problem.errors_count", len(errors), lang),
                         warnings=fmt.plural("problem.warnings_count", len(warnings), lang))):
        probs = pd.DataFrame([{"severity": t(f"problem.severity.{p.severity}", lang), "table": p.table, "row": p.row,
                               "column": p.column or "", "value": p.value,
                               "message": t(f"problem.{p.code}", lang, **p.params)} for p in res.problems])
        table_with_download(display_frame(probs, [
            ("severity", "page.research.col.severity", "text"), ("table", "page.research.col.file", "text"),
            ("row", "page.research.col.row", "int"), ("column", "page.research.col.column", "text"),
            ("value", "page.research.col.value", "text"), ("message", "page.research.col.message", "text")], lang),
            "research-problems", lang, key="problems")
