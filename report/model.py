"""What the evidence pack says, built once from ``metrics`` and the evidence sets.

The PowerPoint, PDF and Excel renderers only lay this out, so the three files agree with
each other and with the JSON report. Every number, date and word goes through
``i18n.fmt`` and the translation files; the public edition goes through
``loaders.privacy``. Example::

    pack = build_pack(dataset, Scope(as_of=date(2025, 6, 30)), "ru", public=True)
    pack.big_numbers[0].value       # '28'
    pack.agreements.rows[0]         # ['a-samsmu-aristotle', 'SamSMU', ...]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import pandas as pd

import metrics
from i18n import LANGUAGE_NAMES, fmt, t
from loaders.privacy import Privacy, row_label
from loaders.schema import Dataset
from metrics import KPI_BY_NAME, KPIS, Scope, apply_scope
from metrics.compare import YearFigures
from metrics.figure import Figure
from metrics.tables import EVIDENCE_TABLE
from report.annex import localise_frame
from report.appendix import EvidenceEntry, appendix_entry
from report.branding import Branding, load_branding
from report.cells import DATE_STYLE
from report.coauthors import research_part
from report.figure_words import domestic_words
from report.headline import (
    by_institution_table,
    comparison,
    institution_figures,
    kpi_parts,
    kpi_table,
    report_figures,
)
from report.json_report import build_report
from report.outcomes import outcomes_part
from report.parts import Chart, Section, Series, Table
from report.quota import quota_sections
from report.rankings import rankings_for, rankings_section
from report.scope_words import file_stem, institution_names, scope_lines, scope_words
from report.sections import (
    agreements_section,
    grants_section,
    mobility_section,
    partner_links,
    partners_section,
    students_section,
    trends_section,
)
from report.sources import Register, build_register, cites_of
from report.summary import (
    HEADLINE,
    scope_line,
    summary_sentences,
    target_figures_of,
    targets_met,
    targets_sentence,
)
from report.targets import targets_part
from research import Research, dataset_research

BIG_NUMBERS = HEADLINE  # the key-figure cards and the summary's figures


@dataclass(frozen=True)
class BigNumber:
    name: str
    label: str
    value: str
    change: str  # "+3 on 2023" or "no comparison"
    definition: str
    note: str = ""  # unknown inputs beside the figure


@dataclass(frozen=True)
class Pack:
    lang: str
    public: bool
    title: str
    institutions: list[str]  # full names
    institution_short: list[str]
    scope_lines: list[tuple[str, str]]
    scope_words: str  # the scope in one line
    as_of: str
    as_of_default: bool  # as-of not chosen: today
    generated: str
    language: str
    big_numbers: list[BigNumber]
    comparison_note: str
    kpi_table: Table
    by_institution: Table | None
    trends: Section | None
    map: Section
    map_partners: pd.DataFrame
    map_institutions: pd.DataFrame
    map_links: list[tuple[str, str]]
    map_counts: dict[str, int]
    sections: list[Section]  # partners, mobility, grants, students
    agreements: Section
    renewals: Table
    dormant: Section | None  # the agreements_dormant rows on their own slide (report.outcomes)
    appendix: list[EvidenceEntry]
    sources: Table
    evidence_tables: dict[str, Table]  # KPI name -> its evidence rows, for the annex
    data_tables: dict[str, Table]  # the scoped tables in the pack's language, for the annex
    branding: Branding | None
    no_data: str
    file_stem: str
    research: list[Section] = field(default_factory=list)  # joint papers (report.coauthors)
    research_papers: Table | None = None  # the papers behind them, for the annex
    changes: dict[str, str] = field(default_factory=dict)  # KPI -> its change line, where the JSON has one
    register: Register | None = None  # the numbered sources (report.sources)
    cites: dict[str, list[int]] = field(default_factory=dict)  # part -> its documents' numbers
    figures: dict[str, Figure] = field(default_factory=dict)  # KPI -> its figure (the annex's numbers)
    # (institution's short name, KPI -> its figure) when the pack has two or more institutions
    institution_figures: list[tuple[str, dict[str, Figure]]] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)  # the summary's sentences (summary_sentences)
    # targets against actual (metrics.compare.targets_vs_actual + "result"), for the annex
    targets: pd.DataFrame | None = None
    # the headline figures by year per institution (metrics.compare.figures_by_year)
    year_figures: YearFigures | None = None
    short_names: dict[str, str] = field(default_factory=dict)  # institution id -> short name
    targets_met: str = ""  # "3 of 5 targets for 2024 met ..." (report.summary.targets_sentence)

    def cites_line(self, part: str) -> str:
        """"Sources: [1], [2]" for a slide or page of ``part`` ("" when it cites none)."""
        if self.register is None:
            return ""
        return self.register.cites_line(self.cites.get(part, []))

    def label(self, key: str, **params: object) -> str:
        return t(key, self.lang, **params)

    def short_name(self, institution: str) -> str:
        """An institution's short name (its id when the pack does not name it)."""
        return self.short_names.get(institution, institution)

    def targets_rows(self) -> list[dict]:
        """The targets against actual as records, in the slides' order (institution's short
        name, year, registry order of the figures), each with its short name ``_name``."""
        if self.targets is None or self.targets.empty:
            return []
        order = {k.name: n for n, k in enumerate(KPIS)}
        rows = [{**r, "_name": self.short_name(str(r["institution_id"]))}
                for r in self.targets.to_dict("records")]
        return sorted(rows, key=lambda r: (r["_name"], int(r["year"]), order.get(str(r["metric"]), 99)))

    def count(self, n: int) -> str:
        """A count as the pack's language writes it ("2 063", never "2063")."""
        return fmt.integer(n, self.lang)


def dataset_folder(dataset: Dataset) -> Path | None:
    """Where the dataset's ``documents/`` folder is: the dataset folder, or beside a workbook."""
    path = getattr(dataset, "path", None)
    if not path:
        return None
    return Path(path) if Path(path).is_dir() else Path(path).parent


def build_pack(dataset: Dataset, scope: Scope, lang: str = "en", public: bool = False,
               report: dict | None = None, as_of_default: bool = False,
               progress: Callable[[float], None] | None = None,
               research: Research | None = None) -> Pack:
    """Everything the three files say, for one dataset and scope.

    ``report`` may pass the JSON report already built for the scope; ``progress(share)``
    is called as the parts are built (the Export page's progress bar); ``research`` is
    the ``research.Research`` of the dataset's publication exports (None: read them from
    the dataset's ``publications/`` folder, when it has one).
    """
    step = progress or (lambda share: None)
    tables = dataset.tables
    scoped = apply_scope(tables, scope)
    report = report or build_report(dataset, scope)
    step(0.2)
    privacy = Privacy.for_tables(tables, public, lang)
    # Sources cited by number from here on (report.sources): "[1] Title: \"quote\"".
    register = build_register(tables, scoped, privacy, lang, dataset_folder(dataset))
    tables, scoped = register.cited_tables(tables), register.cited_tables(scoped)
    full, short = institution_names(tables, lang)
    partner_names = dict(zip(tables["partners"]["partner_id"].astype(str),
                             tables["partners"]["name"].astype(str), strict=False))
    changes, comparison_note = comparison(report, lang)
    step(0.35)
    big = [BigNumber(n, t(KPI_BY_NAME[n].label_key, lang), *kpi_parts(n, report, lang)[:1],
                     changes.get(n, t("pack.compare.no_comparison", lang)
                                 if report_figures(report)[n].state in ("known", "at_least") else ""),
                     t(KPI_BY_NAME[n].definition_key, lang), kpi_parts(n, report, lang)[1])
           for n in BIG_NUMBERS]
    cache = metrics.DatasetCache(tables)  # of the cited tables: the evidence's row facts, built once
    frames = {k.name: metrics.evidence_frame(tables, scope, k.name, scoped, cache)
              for k in KPIS}
    step(0.55)
    appendix = [appendix_entry(k, frames[k.name], report, privacy, lang) for k in KPIS]
    evidence_tables = {}
    for kpi in KPIS:
        table = EVIDENCE_TABLE.get(kpi.evidence_of, "countries")
        evidence_tables[kpi.name] = localise_frame(table, frames[kpi.name], lang, privacy,
                                                   partner_names, short)
    # the partners and foreign countries the figures count (their evidence in the JSON)
    partner_ids = sorted(str(p) for p in report["evidence"].get("partners", []))
    foreign = [str(c) for c in report["evidence"].get("partner_countries", [])]
    partners_part, counts = partners_section(scoped, partner_ids, foreign, lang)
    agreements, renewals = agreements_section(scoped, scope.as_of, lang, privacy, partner_names, short)
    sections = [partners_part, mobility_section(scoped, report, lang),
                grants_section(scoped, frames.get("grant_funding_usd"), lang, privacy, partner_names,
                        short),
                students_section(scoped, scope.as_of, lang),
                *quota_sections(tables, scope, lang, partner_names, short)]
    # targets against actual and the headline figures by year: first, where the scope has them
    goals = targets_part(tables, scope, lang, short, cache)
    sections[:0] = [s for s in (goals.section, goals.by_year) if s is not None]
    step(0.7)
    links = partner_links(scoped, partner_ids)
    homes = tables["institutions"]
    shown = sorted(scope.institutions) or sorted({i for i, _ in links}) or list(
        homes["institution_id"].astype(str))
    homes = homes[homes["institution_id"].astype(str).isin(shown)]
    lines = scope_lines(scope, tables, lang)
    data_tables = {name: localise_frame(name, frame, lang, privacy, partner_names, short)
                   for name, frame in scoped.items() if frame is not None and name != "documents"}
    step(0.8)
    map_partners = scoped["partners"][scoped["partners"]["partner_id"].astype(str).isin(
        partner_ids)]
    path = getattr(dataset, "path", None)
    if research is None and path:
        research = dataset_research(path, tables)
    coauthors = research_part(research, tables, scope, lang, partner_names, short)
    # the slides list the active agreements with their outcomes; the full registry (every
    # status, the same outcome columns) is the annex's agreements sheet
    outcomes = outcomes_part(tables, scoped, scope, lang, privacy, partner_names, short,
                             frames["agreements_active"], frames["agreements_dormant"],
                             data_tables["agreements"], research)
    agreements = replace(agreements, table=outcomes.active)
    data_tables["agreements"] = outcomes.registry
    sections.append(rankings_section(rankings_for(tables, scope, research), tables, lang, short))
    return Pack(
        lang=lang, public=public,
        title=t("export.pack_title", lang),
        institutions=[full.get(i, i) for i in shown],
        institution_short=[short.get(i, i) for i in shown],
        scope_lines=lines,
        scope_words=scope_words(lines, lang),
        as_of=fmt.date_text(scope.as_of, lang, "day", style=DATE_STYLE),
        as_of_default=as_of_default,
        generated=fmt.date_text(date.today(), lang, "day", style=DATE_STYLE),
        language=LANGUAGE_NAMES.get(lang, lang),
        big_numbers=big,
        comparison_note=comparison_note,
        kpi_table=kpi_table(report, lang),
        by_institution=by_institution_table(report, tables, lang),
        trends=trends_section(scoped, scope.as_of, lang),
        map=Section("map", t("export.section.map", lang),
                    t("export.section.map.lead", lang, n=fmt.integer(len(partner_ids), lang),
                      c=fmt.integer(len(foreign), lang),
                      domestic=domestic_words(map_partners, foreign, lang))),
        map_partners=map_partners,
        map_institutions=homes.assign(label=[short.get(str(i), str(i))
                                             for i in homes["institution_id"]]),
        map_links=links,
        map_counts=counts,
        sections=sections,
        agreements=agreements,
        renewals=renewals,
        dormant=outcomes.dormant,
        appendix=appendix,
        sources=register.table(scoped, lang),
        register=register,
        cites=cites_of(register, {
            "kpis": frames.values(), "appendix": frames.values(),
            "rankings": frames.values(),  # the ranking indicators are read off the figures
            "trends": [scoped[n] for n in ("visits", "agreements", "grants", "students")],
            "map": [scoped[n] for n in ("partners", "agreements", "visits", "grants")],
            "partners": [scoped[n] for n in ("partners", "agreements", "visits", "grants")],
            "mobility": [scoped["visits"]], "grants": [scoped["grants"]],
            "students": [scoped["students"]], "agreements": [scoped["agreements"]],
            "renewals": [frames.get("agreements_expiring")],
            "dormant": [frames.get("agreements_dormant")],
            "targets": [scoped["visits"], scoped["agreements"], scoped["grants"], scoped["students"]],
            "by_year": [scoped[n] for n in ("visits", "agreements", "grants", "students")],
            # each headline figure's own documents (the summary's Sources column)
            **{f"kpi:{name}": [frames[name]] for name in BIG_NUMBERS},
            "sources": [scoped[n] for n in ("institutions", "partners", "agreements", "visits",
                                            "grants", "students")],
            # use against quota: the agreements and the visits that used them
            **{s.key: [scoped["agreements"], scoped["visits"]] for s in sections if s.key.startswith("quota-")}}),
        evidence_tables=evidence_tables,
        data_tables=data_tables,
        branding=load_branding(Path(path)) if path else None,
        no_data=t("export.no_data", lang),
        file_stem=file_stem(scope, tables, lang, public),
        research=coauthors.sections if coauthors else [],
        research_papers=coauthors.papers if coauthors else None,
        changes=changes,
        figures=report_figures(report),
        summary=summary_sentences(report_figures(report), lang),
        institution_figures=institution_figures(report, tables, lang),
        targets=goals.frame if len(goals.frame) else None,
        year_figures=goals.years,
        short_names=dict(short),
        # the same targets the section shows, counted (report.summary)
        targets_met=targets_sentence(targets_met(target_figures_of(goals.frame), scope.as_of), lang),
    )


def summary_scope(pack: Pack) -> str:
    """The summary's first line: the scope (capitalised) and the as-of date."""
    return scope_line(pack.scope_words, pack.as_of, pack.lang)


def summary_table(pack: Pack) -> Table:
    """The headline figures of the summary: figure, value (as its state reads), change and
    the numbers of the documents it is computed from ("[1], [3]", the Sources page's)."""
    def sources(name: str) -> str:
        if pack.register is None:
            return ""
        return pack.register.numbers_text(pack.cites.get(f"kpi:{name}", []), limit=24)

    rows = [[b.label, b.value, b.change, sources(b.name)] for b in pack.big_numbers]
    return Table([pack.label("export.col.kpi"), pack.label("export.col.value"),
                  pack.label("pack.col.change"), pack.label("pack.sources.title")], rows,
                 (False, True, False, False), (30, 16, 38, 16))


def map_png(pack: Pack, width_px: int = 2000) -> bytes:
    """The partner map of the pack as PNG bytes (framed to the partners shown)."""
    from report.mapimage import render_partner_map

    return render_partner_map(
        pack.map_partners, pack.map_institutions, pack.map_links, pack.map_counts,
        legend_label=t("export.partners", pack.lang), width_px=width_px,
    )


__all__ = ["BigNumber", "Chart", "EvidenceEntry", "Pack", "Section", "Series", "Table",
           "build_pack", "file_stem", "map_png", "row_label"]
