"""The pack's sections (partners, mobility, agreements, grants, students and the trends):
each a ``report.parts.Section`` of charts, a table and its figures' definitions, built from
the scoped tables. The renderers only lay them out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date

import pandas as pd

import metrics
from core.missing import is_missing as _missing
from i18n import fmt, t
from loaders.privacy import Privacy
from loaders.schema import AGREEMENT_STATUSES, DIRECTIONS, GRANT_STATUSES, MODES
from metrics import rules
from report.cells import DATE_STYLE, Tables, column_or_blank, date_cell
from report.figure_words import domestic_words, value_text
from report.headline import report_figures
from report.parts import Chart, Section, Series, Table, enum_label

RENEWAL_DAYS = rules.EXPIRING_DAYS  # renewals due: the agreements_expiring rows


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


def trends_section(scoped: Tables, as_of: date, lang: str) -> Section | None:
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


def partners_section(scoped: Tables, partner_ids: list[str], foreign: list[str], lang: str
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
                  [[c, fmt.integer(n, lang)] for c, n in rows], (False, True), (70, 30))
    return Section(
        "partners", t("pack.section.partners", lang),
        t("export.section.partners_by_country.lead", lang, n=fmt.integer(len(partners), lang),
          c=fmt.integer(len(abroad), lang), domestic=domestic_words(partners, abroad, lang)),
        [Chart("bar", t("export.chart.partners_by_country", lang), [c for c, _ in rows],
               [Series(name, [n for _, n in rows], "count")]),
         Chart("bar", t("export.chart.partners_by_type", lang), [c for c, _ in types],
               [Series(name, [n for _, n in types], "count")])],
        table, t("kpi.partners.definition", lang),
    ), counts


TOP_CATEGORIES = 12  # countries or faculties in a mobility chart; the table has them all


def _top(frame: pd.DataFrame, key: pd.Series, lang: str) -> tuple[list[object], dict[str, list[int]]]:
    """Keys ordered by visits (then by name), and per direction the visits of each key."""
    counts = pd.crosstab(key, frame["direction"]) if len(frame) else pd.DataFrame()
    for d in DIRECTIONS:
        if d not in counts.columns:
            counts[d] = 0
    keys = sorted(counts.index, key=lambda k: (-int(counts.loc[k, list(DIRECTIONS)].sum()), str(k)))
    return keys, {d: [int(counts.loc[k, d]) for k in keys] for d in DIRECTIONS}


def _direction_series(values: dict[str, list[int]], lang: str) -> list[Series]:
    return [Series(enum_label("direction", d, lang), values[d], f"direction.{d}") for d in DIRECTIONS]


def _top_title(key: str, shown: int, total: int, lang: str) -> str:
    return t(key, lang) if total <= shown else t(f"{key}_top", lang, n=fmt.integer(shown, lang))


def mobility_section(scoped: Tables, report: dict, lang: str) -> Section:
    """Mobility as a panel reads it: visits per year; incoming and outgoing by foreign
    country (the countries the figures count: the home country is never international)
    and by faculty; staff against students where the data says who travelled; the mode."""
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
    # foreign visits only, as mobility_countries counts them
    foreign = rules.foreign_rows(visits, scoped["institutions"])
    countries, by_country = _top(foreign, foreign["country"] if len(foreign) else pd.Series(dtype=object), lang)
    names = [fmt.country(c, lang) for c in countries]
    # a visit of two faculties counts in both; one with none is "not stated"
    faculty = visits[["visit_id", "direction", "faculty"]].explode("faculty") if len(visits) else visits
    stated = faculty["faculty"].where(faculty["faculty"].notna() & (faculty["faculty"].astype(str) != ""),
                                      t("export.not_stated", lang)) if len(faculty) else pd.Series(dtype=object)
    faculties, by_faculty = _top(faculty, stated, lang)
    # per year: only when it has two bars at least (a lone "undated" bar says nothing)
    charts = [Chart("stacked_column", t("export.chart.mobility", lang), cats, series)] if len(cats) >= 2 else []
    if names:  # the foreign countries visited or visiting
        charts.append(Chart(
            "stacked_bar", _top_title("pack.mobility.by_country", TOP_CATEGORIES, len(names), lang),
            names[:TOP_CATEGORIES], _direction_series({d: v[:TOP_CATEGORIES] for d, v in by_country.items()},
                                                      lang)))
    if any(f != t("export.not_stated", lang) for f in faculties):  # a lone "not stated" says nothing
        charts.append(Chart(
            "stacked_bar", _top_title("pack.mobility.by_faculty", TOP_CATEGORIES, len(faculties), lang),
            [str(f) for f in faculties[:TOP_CATEGORIES]],
            _direction_series({d: v[:TOP_CATEGORIES] for d, v in by_faculty.items()}, lang)))
    # staff against students: only where a visit says who travelled (empty = staff)
    participant = column_or_blank(visits, "participant")
    said = participant.notna() & (participant.astype(str) != "")
    if said.any():
        who = participant.where(said, "staff")
        charts.append(Chart("stacked_bar", t("pack.mobility.by_participant", lang),
                            [enum_label("direction", d, lang) for d in DIRECTIONS],
                            [Series(enum_label("participant", p, lang),
                                    [int(((visits["direction"] == d) & (who == p)).sum()) for d in DIRECTIONS],
                                    f"participant.{p}") for p in ("staff", "student")]))
        who_note = t("pack.mobility.participant_note", lang)
    else:
        who_note = t("pack.mobility.no_participant", lang)
    charts.append(Chart("stacked_bar", t("export.chart.remote_by_direction", lang),
                        [enum_label("direction", d, lang) for d in DIRECTIONS], mode_series))
    rows = [[n] + [fmt.integer(by_country[d][i], lang) for d in DIRECTIONS]
            + [fmt.integer(sum(by_country[d][i] for d in DIRECTIONS), lang)] for i, n in enumerate(names)]
    domestic = len(visits) - len(foreign)
    share = value_text(report_figures(report)["remote_share"], lang)
    lead = fmt.plural("pack.section.mobility.lead", len(visits), lang, share=share)
    if domestic:
        lead += " " + fmt.plural("pack.mobility.domestic", domestic, lang)
    return Section(
        "mobility", t("pack.section.mobility", lang), lead, charts,
        Table([t("export.col.country", lang)] + [s.name for s in _direction_series(by_country, lang)]
              + [t("pack.mobility.col.total", lang)], rows, (False, True, True, True), (46, 18, 18, 18),
              " ".join([t("pack.mobility.table_note", lang), who_note])),
        "\n".join([*(t(f"kpi.{k}.definition", lang) for k in
                      ("visits_incoming", "visits_outgoing", "remote_share", "mobility_countries")),
                   t("pack.mobility.faculty_note", lang), who_note]),
        table_title=t("pack.mobility.table_title", lang),
    )


def agreements_section(scoped: Tables, as_of: date, lang: str, privacy: Privacy,
                partner_names: dict[str, str], short: dict[str, str]) -> tuple[Section, Table]:
    agreements = scoped["agreements"]
    status = metrics.agreement_status(agreements, as_of) if len(agreements) else pd.Series(
        dtype=object)
    order = agreements.assign(status_now=status, expires_ts=pd.to_datetime(
        column_or_blank(agreements, "expires_on"), errors="coerce"))
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
                   date=fmt.date_text(as_of, lang, "day", style=DATE_STYLE)),
        [status_chart, expiry_chart],
        Table(headers, rows, numeric, widths),
        "\n".join(t(f"kpi.{k}.definition", lang) for k in
                  ("agreements_active", "agreements_expiring", "agreements_dormant")),
    )
    note = (t("pack.renewals.note", lang, days=RENEWAL_DAYS) if due
            else "" if unknown_expiry else t("export.renewals.none", lang, days=RENEWAL_DAYS))
    if unknown_expiry:
        note = (note + " " + fmt.plural("pack.renewals.unknown", unknown_expiry, lang, n=fmt.integer(unknown_expiry, lang))).strip()
    renewals = Table(headers[:6] + [t("export.col.days_left", lang)], due, numeric, widths, note)
    return section, renewals


def _cents(amount: object) -> int:
    """Decimals of an amount in its own currency: 2 when it has cents (242 784 094,50
    UZS is not rounded), else none."""
    try:
        return 0 if float(str(amount)).is_integer() else 2
    except ValueError:
        return 0


def grants_section(scoped: Tables, funded: pd.DataFrame | None, lang: str, privacy: Privacy,
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
        amount = t("export.not_stated", lang) if _missing(row.get("amount")) else fmt.money(
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
    funder = column_or_blank(grants, "funder").fillna(t("export.not_stated", lang))
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


def students_section(scoped: Tables, as_of: date, lang: str) -> Section:
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
              [[c, fmt.integer(n, lang)] for c, n in rows], (False, True), (70, 30)),
        "\n".join(t(f"kpi.{k}.definition", lang) for k in
                  ("international_students", "student_countries")),
    )


def partner_links(scoped: Tables, partner_ids: list[str]) -> list[tuple[str, str]]:
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
