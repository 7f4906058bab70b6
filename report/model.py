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

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

import metrics
from core.missing import is_missing as _missing
from i18n import LANGUAGE_NAMES, fmt, t
from loaders.privacy import Privacy, row_label, source_document
from loaders.schema import AGREEMENT_STATUSES, DIRECTIONS, GRANT_STATUSES, MODES, Dataset
from loaders.words import ENUM_GROUPS
from metrics import KPI_BY_NAME, KPIS, KpiDef, Scope, apply_scope, rules
from metrics.figure import Figure, from_json
from metrics.tables import EVIDENCE_TABLE
from report.branding import Branding, load_branding
from report.coauthors import research_part
from report.figure_words import change_text, domestic_words, note_text, value_text
from report.json_report import build_report
from report.parts import Chart, Section, Series, Table, enum_label
from report.quota import quota_sections
from report.rankings import rankings_for, rankings_section
from report.sources import Register, build_register, cites_of
from research import Research, dataset_research

RENEWAL_DAYS = rules.EXPIRING_DAYS  # renewals due: the agreements_expiring rows
BIG_NUMBERS = ("partners", "partner_countries", "agreements_active", "visits_incoming",
               "visits_outgoing", "grant_funding_usd", "international_students", "irn_index")
IDS_SHOWN = 12  # ids listed per source document in the appendix; the annex has them all
ID_COLUMNS = {"agreements": "agreement_id", "visits": "visit_id", "grants": "grant_id",
              "partners": "partner_id", "institutions": "institution_id"}
Tables = Mapping[str, pd.DataFrame]  # the clean tables, or their scoped copies


# ---------------------------------------------------------------- the model


@dataclass(frozen=True)
class BigNumber:
    name: str
    label: str
    value: str
    change: str  # "+3 on 2023" or "no comparison"
    definition: str
    note: str = ""  # unknown inputs beside the figure


@dataclass(frozen=True)
class EvidenceEntry:
    """Where one figure comes from: its rows, summarised per source document."""

    name: str
    label: str
    value: str
    definition: str
    rows: int
    by_document: list[tuple[str, int, str]]  # (document, rows, ids shown)


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

    def cites_line(self, part: str) -> str:
        """"Sources: [1], [2]" for a slide or page of ``part`` ("" when it cites none)."""
        if self.register is None:
            return ""
        return self.register.cites_line(self.cites.get(part, []))

    def label(self, key: str, **params: object) -> str:
        return t(key, self.lang, **params)


# ---------------------------------------------------------------- words and values


def date_cell(value: object, precision: object, lang: str) -> str:
    """A date no more precise than it is known: ``2023``, ``March 2023``, ``5 Mar 2023``."""
    if precision == rules.OPEN_ENDED:
        return t("pack.open_ended", lang)  # written so: an agreement without end
    if _missing(value):
        return ""
    precision = precision if precision in ("day", "month", "year") else "day"
    return fmt.date_text(value, lang, precision, style="medium")


def kpi_value(name: str, value: object, lang: str) -> str:
    return fmt.value(value, KPI_BY_NAME[name].unit, lang) if not _missing(value) else fmt.DASH


def _count(n: float, lang: str) -> str:
    return fmt.integer(n, lang)


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


# ---------------------------------------------------------------- scope and cover


def _institution_names(tables: Tables) -> tuple[dict[str, str], dict[str, str]]:
    institutions = tables["institutions"]
    ids = institutions["institution_id"].astype(str)
    full = dict(zip(ids, institutions["name"].astype(str), strict=False))
    short = _column(institutions, "short_name")
    short = short.where(short.notna(), institutions["name"]).astype(str)
    return full, dict(zip(ids, short, strict=False))


def scope_lines(scope: Scope, tables: Tables, lang: str) -> list[tuple[str, str]]:
    every = t("export.scope.all", lang)
    _, short = _institution_names(tables)
    if scope.all_years:
        years = t("pack.scope.all_years", lang)
    elif scope.year_from == scope.year_to:
        years = str(scope.year_from)
    else:
        years = f"{scope.year_from or '…'}–{scope.year_to or '…'}"
    regions = ", ".join(t(metrics.region_label_key(r), lang) for r in sorted(scope.regions))
    countries = ", ".join(fmt.country(c, lang) for c in sorted(scope.countries))
    places = "; ".join(p for p in (regions, countries) if p) or every
    return [
        (t("export.scope.institutions", lang),
         ", ".join(short.get(i, i) for i in sorted(scope.institutions)) or every),
        (t("export.scope.years", lang), years),
        (t("export.scope.countries", lang), places),
        (t("export.scope.faculties", lang), ", ".join(sorted(scope.faculties)) or every),
        (t("export.scope.partner_types", lang),
         ", ".join(enum_label("partner_type", p, lang) for p in sorted(scope.partner_types))
         or every),
    ]


def scope_words(lines: list[tuple[str, str]], lang: str) -> str:
    """The scope in one line: what is chosen (the institutions first), or "all ..." when
    nothing is; an institution alone is never called "all institutions' data"."""
    every = {t("export.scope.all", lang), t("pack.scope.all_years", lang)}
    chosen = [f"{name}: {value}" for name, value in lines if value not in every]
    if not chosen:
        return t("pack.scope.everything", lang)
    if len(chosen) == 1 and lines[0][1] not in every:
        return t("pack.scope.institutions_only", lang, institutions=lines[0][1])
    return "; ".join(chosen)


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")


def file_stem(scope: Scope, tables: Tables, lang: str, public: bool) -> str:
    """``<institutions>_<scope>_<lang>_<as-of>[_public]``, safe characters only."""
    _, short = _institution_names(tables)
    ids = sorted(scope.institutions) or sorted(short)
    institutions = "-".join(_slug(short.get(i, i)) or _slug(i) or "institution" for i in ids)
    if len(institutions) > 60:
        institutions = f"{len(ids)}-institutions"
    parts = []
    if not scope.all_years:
        parts.append(f"{scope.year_from or ''}-{scope.year_to or ''}".strip("-")
                     if scope.year_from != scope.year_to else str(scope.year_from))
    parts += sorted(scope.countries)
    parts += [_slug(r) for r in sorted(scope.regions)]
    parts += [_slug(f) for f in sorted(scope.faculties)]
    parts += [_slug(p) for p in sorted(scope.partner_types)]
    scope_part = "-".join(p for p in parts if p)[:60].strip("-") or "all"
    stem = f"{institutions or 'all'}_{scope_part}_{lang}_{scope.as_of.isoformat()}"
    return stem + ("_public" if public else "")


# ---------------------------------------------------------------- figures


def report_figures(report: dict) -> dict[str, Figure]:
    """The figures of the whole scope as the JSON report states them."""
    found = report.get("figures") or {}
    return {k.name: from_json(k.name, found.get(k.name, {"value": report["kpis"].get(k.name)})) for k in KPIS}


def _comparison(report: dict, lang: str) -> tuple[dict[str, str], str]:
    """(change text per KPI, note for the slide): a change only where the JSON has one
    (``figures[k].change`` compared), with both years' values."""
    changes = {}
    for name, fig in report_figures(report).items():
        text = change_text(fig, lang)
        if text is not None:
            changes[name] = text
    comparison = report.get("year_over_year") or {}
    reason = comparison.get("reason")
    if reason is not None or not changes:
        key = f"pack.compare.reason.{reason}"
        note = t(key, lang) if t(key, lang) != key else t("pack.compare.reason.other", lang)
        return changes, t("pack.compare.none", lang) + ": " + note
    year, previous = comparison.get("year"), comparison.get("previous")
    if comparison.get("partial"):
        end = date.fromisoformat(comparison["period_end"])
        note = t("pack.compare.partial", lang, year=year, previous=previous,
                 end=fmt.date_text(end, lang, "day", style="medium"))
    else:
        note = t("pack.compare.full", lang, year=year, previous=previous)
    return changes, note + " " + t("pack.compare.per_figure", lang)


def _kpi_parts(name: str, report: dict, lang: str) -> tuple[str, str]:
    """(the figure as its state reads, the count of unknown inputs beside it or "")."""
    fig = report_figures(report)[name]
    return value_text(fig, lang), note_text(fig, lang) or ""


def _kpi_text(name: str, report: dict, lang: str) -> str:
    value, note = _kpi_parts(name, report, lang)
    return f"{value} {note}" if note else value


def _kpi_table(report: dict, lang: str) -> Table:
    rows = [[t(k.label_key, lang), _kpi_text(k.name, report, lang), t(k.definition_key, lang)]
            for k in KPIS]
    return Table([t("export.col.kpi", lang), t("export.col.value", lang),
                  t("export.col.definition", lang)], rows, (False, True, False), (22, 14, 64))


def _by_institution(report: dict, tables: Tables, lang: str) -> Table | None:
    """Every KPI per institution, each cell as its figure's state reads ("unknown", not 0)."""
    values = report.get("by_institution") or {}
    states = report.get("by_institution_figures") or {}
    if len(values) < 2:
        return None
    _, short = _institution_names(tables)
    ids = list(values)

    def cell(i: str, name: str) -> str:
        found = states.get(i, {}).get(name)
        return value_text(from_json(name, found), lang) if found else kpi_value(name, values[i].get(name), lang)

    rows = [[t(k.label_key, lang)] + [cell(i, k.name) for i in ids] for k in KPIS]
    return Table([t("export.col.kpi", lang)] + [short.get(i, i) for i in ids], rows,
                 (False,) + (True,) * len(ids), (30,) + (70 / len(ids),) * len(ids))


def _institution_figures(report: dict, tables: Tables) -> list[tuple[str, dict[str, Figure]]]:
    """Every KPI's figure per institution (the annex writes their numbers), as
    ``_by_institution`` reads them."""
    values = report.get("by_institution") or {}
    states = report.get("by_institution_figures") or {}
    if len(values) < 2:
        return []
    _, short = _institution_names(tables)
    return [(short.get(i, i), {k.name: from_json(k.name, states.get(i, {}).get(k.name) or {
        "value": values[i].get(k.name)}) for k in KPIS}) for i in values]


def summary_sentences(figures: Mapping[str, Figure], lang: str) -> list[str]:
    """The summary's sentences, every number read off the pack's figures (as their state
    reads: "unknown", "cannot tell", "≥ 15" or the number)."""
    def v(name: str) -> str:
        return value_text(figures[name], lang)

    return [
        t("pack.summary.partners", lang, partners=v("partners"), countries=v("partner_countries")),
        t("pack.summary.agreements", lang, active=v("agreements_active"),
          dormant=v("agreements_dormant"), expiring=v("agreements_expiring")),
        t("pack.summary.visits", lang, incoming=v("visits_incoming"), outgoing=v("visits_outgoing"),
          remote=v("remote_share")),
        t("pack.summary.grants", lang, active=v("grants_active"), funding=v("grant_funding_usd")),
        t("pack.summary.students", lang, students=v("international_students"),
          countries=v("student_countries")),
    ]


# ---------------------------------------------------------------- per-year counts


def _year(frame: pd.DataFrame, *columns: str) -> pd.Series:
    years = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    for column in reversed(columns):  # the first column wins
        if column in frame.columns:
            found = pd.to_datetime(frame[column], errors="coerce").dt.year.astype("Int64")
            years = found.where(found.notna(), years)
    return years


def _per_year(years: pd.Series, groups: pd.Series | None, keys: Iterable[str], lang: str,
              colour_of: Callable[[str], str], label_of: Callable[[str], str]
              ) -> tuple[list[str], list[Series]]:
    """Categories (every year from first to last, undated last) and one series per key."""
    dated = sorted(int(y) for y in years.dropna().unique())
    cats: list[object] = list(range(dated[0], dated[-1] + 1)) if dated else []
    if years.isna().any():
        cats.append(None)
    series = []
    for key in keys:
        mask = pd.Series(True, index=years.index) if groups is None else (groups == key)
        values = []
        for cat in cats:
            in_year = years.isna() if cat is None else (years == cat)
            values.append(int((in_year.fillna(False) & mask.fillna(False)).sum()))
        series.append(Series(label_of(key), values, colour_of(key)))
    categories = [str(c) if c is not None else t("export.undated", lang) for c in cats]
    return categories, series


def _named(text: str) -> Callable[[object], str]:
    """The same text for every key (a chart of one series: its colour, its name)."""
    return lambda _key: text


def _trends(scoped: Tables, as_of: date, lang: str) -> Section | None:
    charts = []
    visits = scoped["visits"]
    years = _year(visits, "start_date", "end_date")
    if years.notna().any():
        dated = years.notna()
        cats, series = _per_year(years[dated], visits.loc[dated, "direction"], DIRECTIONS, lang,
                                 lambda d: f"direction.{d}",
                                 lambda d: enum_label("direction", d, lang))
        charts.append(Chart("stacked_column", t("pack.trend.visits", lang), cats, series))
    for table, column, noun, title in (
            ("agreements", "signed_on", "export.agreements", "pack.trend.agreements_signed"),
            ("grants", "start_date", "export.grants", "pack.trend.grants_started")):
        started = _year(scoped[table], column)
        if started.notna().any():  # one bar per year the rows start in
            cats, series = _per_year(started.dropna(), None, ["all"], lang, _named("count"),
                                     _named(t(noun, lang)))
            charts.append(Chart("column", t(title, lang), cats, series))
    # foreign students of the academic years started by as_of (what the figure counts)
    students = rules.started_students(rules.foreign_rows(scoped["students"], scoped["institutions"]), as_of)
    if len(students):
        per_year = pd.to_numeric(students["count"], errors="coerce").fillna(0).groupby(
            students["academic_year"]).sum().sort_index()
        if len(per_year) >= 1:
            charts.append(Chart("column", t("export.chart.students_by_year", lang),
                                [str(y) for y in per_year.index],
                                [Series(t("export.students", lang),
                                        [int(v) for v in per_year.to_numpy()], "count")]))
    if not charts:
        return None
    return Section("trends", t("pack.trend.title", lang), t("pack.trend.lead", lang), charts,
                   notes=t("pack.trend.notes", lang))


# ---------------------------------------------------------------- sections


def _partners(scoped: Tables, partner_ids: list[str], foreign: list[str], lang: str
              ) -> tuple[Section, dict[str, int]]:
    """The partners section: partners per country, the foreign countries counted as the
    ``partner_countries`` figure counts them (``foreign``: its evidence), domestic apart."""
    partners = scoped["partners"]
    partners = partners[partners["partner_id"].astype(str).isin(partner_ids)]
    by_country = partners.groupby("country", dropna=False).size()
    counts = {str(k): int(v) for k, v in by_country.items() if not _missing(k)}
    abroad = set(foreign)

    def country_label(code: object) -> str:
        name = fmt.country(code, lang)
        if _missing(code) or str(code) in abroad:
            return name
        return t("pack.countries.domestic_row", lang, country=name)

    rows = sorted(((country_label(k), int(v)) for k, v in by_country.items()),
                  key=lambda r: (-r[1], r[0]))
    by_type = partners.groupby("type", dropna=False).size()
    types = sorted(((enum_label("partner_type", k, lang), int(v)) for k, v in by_type.items()),
                   key=lambda r: (-r[1], r[0]))
    name = t("export.partners", lang)
    table = Table([t("export.col.country", lang), t("export.col.partners", lang)],
                  [[c, _count(n, lang)] for c, n in rows], (False, True), (70, 30))
    return Section(
        "partners", t("pack.section.partners", lang),
        t("export.section.partners_by_country.lead", lang, n=_count(len(partners), lang),
          c=_count(len(abroad), lang), domestic=domestic_words(partners, abroad, lang)),
        [Chart("bar", t("export.chart.partners_by_country", lang), [c for c, _ in rows],
               [Series(name, [n for _, n in rows], "count")]),
         Chart("bar", t("export.chart.partners_by_type", lang), [c for c, _ in types],
               [Series(name, [n for _, n in types], "count")])],
        table, t("kpi.partners.definition", lang),
    ), counts


def _mobility(scoped: Tables, report: dict, lang: str) -> Section:
    visits = scoped["visits"]
    years = _year(visits, "start_date", "end_date")
    cats, series = _per_year(years, visits["direction"], DIRECTIONS, lang,
                             lambda d: f"direction.{d}",
                             lambda d: enum_label("direction", d, lang))
    mode = rules.visit_mode(visits)
    mode_series = [
        Series(enum_label("mode", m, lang),
               [int(((visits["direction"] == d) & (mode == m)).sum()) for d in DIRECTIONS],
               f"mode.{m}")
        for m in MODES
    ]
    rows = [[c] + [_count(s.values[i], lang) for s in series] for i, c in enumerate(cats)]
    share = value_text(report_figures(report)["remote_share"], lang)
    return Section(
        "mobility", t("pack.section.mobility", lang),
        fmt.plural("pack.section.mobility.lead", len(visits), lang, share=share),
        [Chart("stacked_column", t("export.chart.mobility", lang), cats, series),
         Chart("stacked_bar", t("export.chart.remote_by_direction", lang),
               [enum_label("direction", d, lang) for d in DIRECTIONS], mode_series)],
        Table([t("export.col.year", lang)] + [s.name for s in series], rows,
              (False, True, True), (40, 30, 30)),
        "\n".join(t(f"kpi.{k}.definition", lang) for k in
                  ("visits_incoming", "visits_outgoing", "remote_share", "mobility_countries")),
    )


def _agreements(scoped: Tables, as_of: date, lang: str, privacy: Privacy,
                partner_names: dict[str, str], short: dict[str, str]) -> tuple[Section, Table]:
    agreements = scoped["agreements"]
    status = metrics.agreement_status(agreements, as_of) if len(agreements) else pd.Series(
        dtype=object)
    order = agreements.assign(status_now=status, expires_ts=pd.to_datetime(
        _column(agreements, "expires_on"), errors="coerce"))
    order = order.sort_values(["institution_id", "expires_ts", "agreement_id"],
                              na_position="last")
    at = pd.Timestamp(as_of)
    headers = [t("pack.col.id", lang), t("export.col.institution", lang),
               t("export.col.partner", lang), t("export.col.kind", lang),
               t("pack.col.signed_on", lang), t("export.col.expires_on", lang),
               t("pack.col.status_at_as_of", lang)]
    rows, due = [], []
    # Renewals due are the agreements_expiring rows themselves (metrics.rules).
    active_now = rules.active_agreements(agreements, as_of) if len(agreements) else agreements
    due_ids = set(rules.expiring_agreements(active_now, as_of)["agreement_id"].astype(str)) \
        if len(agreements) else set()
    # v3: active agreements whose expiry is unknown: "none due" cannot be said of them
    unknown_expiry = len(rules.expiry_unknown_agreements(active_now)) if len(agreements) else 0
    for row in order.to_dict("records"):
        cells = [
            privacy.row_id("agreements", row["agreement_id"], row.get("_row")),
            short.get(str(row["institution_id"]), str(row["institution_id"])),
            privacy.text(partner_names.get(str(row["partner_id"]), row["partner_id"])),
            enum_label("agreement_kind", row.get("kind"), lang),
            date_cell(row.get("signed_on"), row.get("signed_on_precision"), lang),
            date_cell(row.get("expires_on"), row.get("expires_on_precision"), lang),
            enum_label("agreement_status", row["status_now"], lang),
        ]
        rows.append(cells)
        expires = row["expires_ts"]
        if str(row["agreement_id"]) in due_ids:
            days = (expires - at).days
            due.append(cells[:6] + [fmt.plural("pack.days", days, lang)])
    widths = (16, 10, 28, 16, 10, 10, 10)
    numeric = (False,) * 7
    counts = Counter(status)
    status_chart = Chart(
        "column", t("export.chart.agreements_by_status", lang),
        [enum_label("agreement_status", s, lang) for s in AGREEMENT_STATUSES],
        [Series(t("export.agreements", lang), [counts.get(s, 0) for s in AGREEMENT_STATUSES],
                "count")])
    active_expiry = order.loc[(order["status_now"] == "active") & order["expires_ts"].notna(),
                              "expires_ts"].dt.year
    years = sorted(int(y) for y in active_expiry.unique())
    expiry_chart = Chart(
        "column", t("export.chart.agreements_expiring_by_year", lang),
        [str(y) for y in years],
        [Series(t("export.agreements", lang), [int((active_expiry == y).sum()) for y in years],
                "count")])
    section = Section(
        "agreements", t("pack.section.agreements", lang),
        fmt.plural("pack.section.agreements.lead", len(agreements), lang,
                   date=fmt.date_text(as_of, lang, "day", style="medium")),
        [status_chart, expiry_chart],
        Table(headers, rows, numeric, widths),
        "\n".join(t(f"kpi.{k}.definition", lang) for k in
                  ("agreements_active", "agreements_expiring", "agreements_dormant")),
    )
    note = (t("pack.renewals.note", lang, days=RENEWAL_DAYS) if due
            else "" if unknown_expiry else t("export.renewals.none", lang, days=RENEWAL_DAYS))
    if unknown_expiry:
        note = (note + " " + fmt.plural("pack.renewals.unknown", unknown_expiry, lang, n=_count(unknown_expiry, lang))).strip()
    renewals = Table(headers[:6] + [t("export.col.days_left", lang)], due, numeric, widths, note)
    return section, renewals


def _cents(amount: object) -> int:
    """Decimals of an amount in its own currency: 2 when it has cents (242 784 094,50
    UZS is not rounded), else none."""
    try:
        return 0 if float(str(amount)).is_integer() else 2
    except ValueError:
        return 0


def _grants(scoped: Tables, funded: pd.DataFrame | None, lang: str, privacy: Privacy,
            partner_names: dict[str, str], short: dict[str, str]) -> Section:
    grants = scoped["grants"]
    usd = {}
    if funded is not None and len(funded) and "usd" in funded.columns:
        usd = dict(zip(funded["grant_id"].astype(str), funded["usd"], strict=False))
    headers = [t("pack.col.id", lang), t("export.col.institution", lang),
               t("export.col.partner", lang), t("pack.col.title", lang),
               t("export.col.funder", lang), t("pack.col.status", lang),
               t("pack.col.start", lang), t("pack.col.amount", lang), t("pack.col.usd", lang)]
    rows = []
    for row in grants.sort_values("grant_id").to_dict("records"):
        ids = row.get("partner_ids") if isinstance(row.get("partner_ids"), list) else []
        amount = "" if _missing(row.get("amount")) else fmt.money(
            row["amount"], lang, str(row.get("currency") or ""), _cents(row["amount"]))
        value = usd.get(str(row["grant_id"]))
        rows.append([
            privacy.row_id("grants", row["grant_id"], row.get("_row")),
            short.get(str(row["institution_id"]), str(row["institution_id"])),
            privacy.text("; ".join(str(partner_names.get(str(p), p)) for p in ids)),
            privacy.text(row.get("title")),
            privacy.text(row.get("funder")) or t("export.not_stated", lang),
            enum_label("grant_status", row.get("status"), lang),
            date_cell(row.get("start_date"), row.get("start_date_precision"), lang),
            amount,
            "" if _missing(value) else fmt.money(value, lang),
        ])
    counts = Counter(grants["status"])
    funder = _column(grants, "funder").fillna(t("export.not_stated", lang))
    funders = sorted(funder.unique(), key=lambda f: (-(funder == f).sum(), str(f)))
    statuses = [s for s in GRANT_STATUSES if counts.get(s)]
    return Section(
        "grants", t("pack.section.grants", lang),
        fmt.plural("pack.section.grants.lead", len(grants), lang),
        [Chart("column", t("export.chart.grants_by_status", lang),
               [enum_label("grant_status", s, lang) for s in GRANT_STATUSES],
               [Series(t("export.grants", lang), [counts.get(s, 0) for s in GRANT_STATUSES],
                       "count")]),
         Chart("stacked_bar", t("export.chart.grants_by_funder", lang),
               [privacy.text(f) for f in funders],
               [Series(enum_label("grant_status", s, lang),
                       [int(((funder == f) & (grants["status"] == s)).sum()) for f in funders],
                       f"grant_status.{s}") for s in statuses])],
        Table(headers, rows, (False,) * 7 + (True, True), (10, 8, 18, 18, 11, 9, 9, 9, 8)),
        "\n".join(t(f"kpi.{k}.definition", lang) for k in ("grants_active", "grant_funding_usd")),
    )


def _students(scoped: Tables, as_of: date, lang: str) -> Section:
    students = scoped["students"]
    counts = pd.to_numeric(students["count"], errors="coerce").fillna(0)
    # The international_students rows: foreign students of the latest academic year.
    rows_in = rules.latest_academic_year(rules.started_students(
        rules.foreign_rows(students, scoped["institutions"]), as_of))
    latest = rules.latest_year_label(rows_in) if len(rows_in) else None
    by_country = counts.loc[rows_in.index].groupby(rows_in["country"]).sum()
    rows = sorted(((fmt.country(k, lang), int(v)) for k, v in by_country.items()),
                  key=lambda r: (-r[1], r[0]))
    # per academic year: the foreign students of each year started by as_of, as the figure counts
    counted = rules.started_students(rules.foreign_rows(students, scoped["institutions"]), as_of)
    per_year = counts.loc[counted.index].groupby(counted["academic_year"]).sum().sort_index()
    name = t("export.students", lang)
    return Section(
        "students", t("pack.section.students", lang),
        t("export.section.students.lead", lang, year=latest or fmt.DASH),
        [Chart("bar", t("export.chart.students_by_country", lang, year=latest or ""),
               [c for c, _ in rows], [Series(name, [n for _, n in rows], "count")]),
         Chart("column", t("export.chart.students_by_year", lang),
               [str(y) for y in per_year.index],
               [Series(name, [int(v) for v in per_year.to_numpy()], "count")])],
        Table([t("export.col.country", lang), t("export.col.students", lang)],
              [[c, _count(n, lang)] for c, n in rows], (False, True), (70, 30)),
        "\n".join(t(f"kpi.{k}.definition", lang) for k in
                  ("international_students", "student_countries")),
    )


def _links(scoped: Tables, partner_ids: list[str]) -> list[tuple[str, str]]:
    wanted = set(partner_ids)
    pairs = set()
    for name in ("agreements", "visits"):
        frame = scoped[name]
        for inst, partner in zip(frame["institution_id"], frame["partner_id"], strict=False):
            if not _missing(partner) and str(partner) in wanted:
                pairs.add((str(inst), str(partner)))
    grants = scoped["grants"]
    for inst, partners in zip(grants["institution_id"], grants["partner_ids"], strict=False):
        for partner in partners if isinstance(partners, list) else ():
            if str(partner) in wanted:
                pairs.add((str(inst), str(partner)))
    return sorted(pairs)


# ---------------------------------------------------------------- evidence


def _evidence_ids(frame: pd.DataFrame, kpi: KpiDef, privacy: Privacy) -> list[str]:
    """Ids of the evidence rows as the pack shows them (public: neutral row labels)."""
    kind = kpi.evidence_of
    if kind == "country":
        return [str(c) for c in frame["country"]]
    if kind == "students":
        return [str(r) for r in frame["row_id"]] if "row_id" in frame.columns else []
    table = EVIDENCE_TABLE[kind]
    column = ID_COLUMNS[table]
    rows = _column(frame, "_row")
    return [privacy.row_id(table, i, r) for i, r in zip(frame[column], rows, strict=False)]


def _documents_of(frame: pd.DataFrame, kpi: KpiDef) -> list[list[str]]:
    """For each evidence row, the documents it cites."""
    if kpi.evidence_of == "country":
        return [sorted({source_document(s) for s in str(v).split(" | ") if s.strip()})
                if not _missing(v) else [] for v in _column(frame, "sources")]
    return [[source_document(v)] if isinstance(v, str) and v.strip() else []
            for v in _column(frame, "source")]


def _appendix_entry(kpi: KpiDef, frame: pd.DataFrame, report: dict, privacy: Privacy,
                    lang: str) -> EvidenceEntry:
    ids = _evidence_ids(frame, kpi, privacy)
    documents = _documents_of(frame, kpi)
    per_document: dict[str, list[str]] = {}
    for row_id, docs in zip(ids, documents, strict=False):
        for doc in docs or [""]:
            per_document.setdefault(doc, []).append(row_id)
    summary = []
    for doc in sorted(per_document, key=lambda d: (d == "", d)):
        found = per_document[doc]
        shown = ", ".join(found[:IDS_SHOWN])
        if len(found) > IDS_SHOWN:
            shown += " " + t("pack.appendix.more", lang, n=_count(len(found) - IDS_SHOWN, lang))
        summary.append((privacy.text(doc) or t("pack.appendix.no_source", lang), len(found),
                        shown))
    return EvidenceEntry(kpi.name, t(kpi.label_key, lang), _kpi_text(kpi.name, report, lang),
                         t(kpi.definition_key, lang), len(ids), summary)


def dataset_folder(dataset: Dataset) -> Path | None:
    """Where the dataset's ``documents/`` folder is: the dataset folder, or beside a workbook."""
    path = getattr(dataset, "path", None)
    if not path:
        return None
    return Path(path) if Path(path).is_dir() else Path(path).parent


# ---------------------------------------------------------------- tables for the annex

# Columns shown as words of a list, by table.
# The coded columns of the contract (``loaders.words.ENUM_GROUPS``; a status by its table,
# in ``_getter``), and two the loaders and metrics add.
_ENUMS = {column: group for (_, column), group in ENUM_GROUPS.items() if column != "status"} | {
    "geo_precision": "geo_precision", "status_at_as_of": "agreement_status"}
_HIDDEN = {"_row"}  # written last under its own header


def localise_frame(name: str, frame: pd.DataFrame, lang: str, privacy: Privacy,
                   partner_names: dict[str, str], institution_names: dict[str, str]) -> Table:
    """A table in the pack's language: headers translated, codes as words, dates at
    their precision, ids kept in their own column with the partner's name beside."""
    frame = privacy.table(name, frame) if name in ID_COLUMNS or name in (
        "students", "fx_rates", "targets") else frame
    # The loader's notes on a row (precisions, why a place is not at city level) stay out.
    columns = [c for c in frame.columns
               if not str(c).endswith("_precision") and c not in ("_row", "geo_note")]
    headers, getters = [], []
    for column in columns:
        headers.append(_header(column, lang))
        getters.append(_getter(name, column, frame, lang, privacy))
        if column == "partner_id":
            headers.append(t("pack.col.partner_name", lang))
            getters.append(lambda r: privacy.text(partner_names.get(str(r["partner_id"]), "")))
        if column == "institution_id" and name != "institutions":
            headers.append(t("pack.col.institution_name", lang))
            getters.append(lambda r: institution_names.get(str(r["institution_id"]), ""))
    if "_row" in frame.columns:
        headers.append(t("export.col.source_row", lang))
        getters.append(lambda r: None if _missing(r["_row"]) else int(r["_row"]))
    records = frame.to_dict("records")
    rows = [[get(record) for get in getters] for record in records]
    return Table(headers, rows)


def _header(column: str, lang: str) -> str:
    key = f"pack.column.{column}"
    text = t(key, lang)
    return column if text == key else text


def _getter(table: str, column: str, frame: pd.DataFrame, lang: str, privacy: Privacy
            ) -> Callable[[Mapping[str, Any]], object]:
    precision = f"{column}_precision"
    has_precision = precision in frame.columns
    if column in ID_COLUMNS.values() and ID_COLUMNS.get(table) == column:
        return lambda r: privacy.row_id(table, r[column], r.get("_row"))
    if column == "status":
        kind = "grant_status" if table == "grants" else "agreement_status"
        return lambda r: enum_label(kind, r[column], lang) if not _missing(r[column]) else ""
    if table == "targets" and column == "metric":  # a KPI or a ranking indicator, in words
        return lambda r: _metric_words(r[column], lang)
    if column in _ENUMS:
        return lambda r: enum_label(_ENUMS[column], r[column], lang) if not _missing(
            r[column]) else ""
    if column == "country":
        return lambda r: fmt.country(r[column], lang) if not _missing(r[column]) else ""
    if column in ("signed_on", "expires_on", "start_date", "end_date"):
        return lambda r: _annex_date(r[column], r.get(precision) if has_precision else None)
    if column == "source":
        return lambda r: privacy.source(r[column])
    if column == "sources":  # a country's sources, joined with " | "
        return lambda r: " | ".join(privacy.source(x) for x in str(r[column]).split(" | ")
                                    if x.strip()) if isinstance(r[column], str) else ""
    if column == "ids":  # a country's evidence ids, joined with "; "
        return lambda r: "; ".join(privacy.any_id(x.strip()) for x in str(r[column]).split(";")
                                   if x.strip()) if isinstance(r[column], str) else ""
    if column == "institutions":
        return lambda r: ", ".join(r[column]) if isinstance(r[column], list) else _plain(r[column])
    return lambda r: _plain(r[column])


def _metric_words(name: object, lang: str) -> str:
    """A target's figure by its label: a KPI's, else a ranking indicator's (the code when
    neither names it)."""
    if _missing(name):
        return ""
    if str(name) in KPI_BY_NAME:
        return t(KPI_BY_NAME[str(name)].label_key, lang)
    key = f"ranking.{name}.label"
    return t(key, lang) if t(key, lang) != key else str(name)


def _annex_date(value: object, precision: object) -> str | date:
    """A date for Excel: a real date when the day is known, else ``2023`` / ``2023-05``."""
    if _missing(value):
        return ""
    stamp = pd.Timestamp(value)
    if precision == "year":
        return str(stamp.year)
    if precision == "month":
        return f"{stamp.year}-{stamp.month:02d}"
    return stamp.date()


def _plain(value: object) -> object:
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    if _missing(value):
        return ""
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()
    return value


# ---------------------------------------------------------------- the whole pack


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
    shared: dict = {}
    report = report or build_report(dataset, scope)
    step(0.2)
    privacy = Privacy.for_tables(tables, public, lang)
    # Sources cited by number from here on (report.sources): "[1] Title: \"quote\"".
    register = build_register(tables, scoped, privacy, lang, dataset_folder(dataset))
    tables, scoped = register.cited_tables(tables), register.cited_tables(scoped)
    full, short = _institution_names(tables)
    partner_names = dict(zip(tables["partners"]["partner_id"].astype(str),
                             tables["partners"]["name"].astype(str), strict=False))
    changes, comparison_note = _comparison(report, lang)
    step(0.35)
    big = [BigNumber(n, t(KPI_BY_NAME[n].label_key, lang), *_kpi_parts(n, report, lang)[:1],
                     changes.get(n, t("pack.compare.no_comparison", lang)
                                 if report_figures(report)[n].state in ("known", "at_least") else ""),
                     t(KPI_BY_NAME[n].definition_key, lang), _kpi_parts(n, report, lang)[1])
           for n in BIG_NUMBERS]
    frames = {k.name: metrics.evidence_frame(tables, scope, k.name, scoped, shared)
              for k in KPIS}
    step(0.55)
    appendix = [_appendix_entry(k, frames[k.name], report, privacy, lang) for k in KPIS]
    evidence_tables = {}
    for kpi in KPIS:
        table = EVIDENCE_TABLE.get(kpi.evidence_of, "countries")
        evidence_tables[kpi.name] = localise_frame(table, frames[kpi.name], lang, privacy,
                                                   partner_names, short)
    # the partners and foreign countries the figures count (their evidence in the JSON)
    partner_ids = sorted(str(p) for p in report["evidence"].get("partners", []))
    foreign = [str(c) for c in report["evidence"].get("partner_countries", [])]
    partners_section, counts = _partners(scoped, partner_ids, foreign, lang)
    agreements, renewals = _agreements(scoped, scope.as_of, lang, privacy, partner_names, short)
    sections = [partners_section, _mobility(scoped, report, lang),
                _grants(scoped, frames.get("grant_funding_usd"), lang, privacy, partner_names,
                        short),
                _students(scoped, scope.as_of, lang),
                *quota_sections(tables, scope, lang, partner_names, short)]
    step(0.7)
    links = _links(scoped, partner_ids)
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
    sections.append(rankings_section(rankings_for(tables, scope, research), tables, lang, short))
    return Pack(
        lang=lang, public=public,
        title=t("export.pack_title", lang),
        institutions=[full.get(i, i) for i in shown],
        institution_short=[short.get(i, i) for i in shown],
        scope_lines=lines,
        scope_words=scope_words(lines, lang),
        as_of=fmt.date_text(scope.as_of, lang, "day"),
        as_of_default=as_of_default,
        generated=fmt.date_text(date.today(), lang, "day"),
        language=LANGUAGE_NAMES.get(lang, lang),
        big_numbers=big,
        comparison_note=comparison_note,
        kpi_table=_kpi_table(report, lang),
        by_institution=_by_institution(report, tables, lang),
        trends=_trends(scoped, scope.as_of, lang),
        map=Section("map", t("export.section.map", lang),
                    t("export.section.map.lead", lang, n=_count(len(partner_ids), lang),
                      c=_count(len(foreign), lang),
                      domestic=domestic_words(map_partners, foreign, lang))),
        map_partners=map_partners,
        map_institutions=homes.assign(label=[short.get(str(i), str(i))
                                             for i in homes["institution_id"]]),
        map_links=links,
        map_counts=counts,
        sections=sections,
        agreements=agreements,
        renewals=renewals,
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
        institution_figures=_institution_figures(report, tables),
    )


def summary_scope(pack: Pack) -> str:
    """The summary's first line: the scope (capitalised) and the as-of date."""
    words = pack.scope_words[:1].upper() + pack.scope_words[1:]
    return f"{words} · {pack.label('export.as_of')} {pack.as_of}"


def summary_table(pack: Pack) -> Table:
    """The headline figures of the summary: figure, value (as its state reads), change."""
    rows = [[b.label, b.value, b.change] for b in pack.big_numbers]
    return Table([pack.label("export.col.kpi"), pack.label("export.col.value"),
                  pack.label("pack.col.change")], rows, (False, True, False), (34, 18, 48))


def map_png(pack: Pack, width_px: int = 2000) -> bytes:
    """The partner map of the pack as PNG bytes (framed to the partners shown)."""
    from report.mapimage import render_partner_map

    return render_partner_map(
        pack.map_partners, pack.map_institutions, pack.map_links, pack.map_counts,
        legend_label=t("export.partners", pack.lang), width_px=width_px,
    )


__all__ = ["BigNumber", "Chart", "EvidenceEntry", "Pack", "Section", "Series", "Table",
           "build_pack", "file_stem", "map_png", "row_label"]
