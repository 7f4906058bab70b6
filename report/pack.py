"""The evidence pack's content, derived once so the PowerPoint, PDF and Excel files agree.

``build_pack(report, scoped_tables, lang, public)`` turns the JSON report (figures) and the
scoped clean tables (apply_scope output) into plain data: KPI rows with definitions, the
scope in words, and one :class:`Section` per topic with its chart series and table. The
writers only lay this out. Example::

    pack = build_pack(build_report(ds, scope), apply_scope(ds.tables, scope), "en", False)
    pack.sections[0].charts[0].categories   # ['South Korea', 'Germany', ...]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from i18n import t
from loaders.countries import country_name
from metrics import KPIS, agreement_status, rules

RENEWAL_WINDOW_DAYS = rules.EXPIRING_DAYS  # renewals: the agreements_expiring rows
EXPIRING_DAYS = rules.EXPIRING_DAYS
VISITS_TABLE_ROWS = 40  # the printed list of visits; the annex has them all
AGREEMENT_STATUSES = ("active", "planned", "expired", "terminated")
GRANT_STATUSES = ("applied", "awarded", "active", "completed", "rejected")
MODES = ("in_person", "remote")
DIRECTIONS = ("incoming", "outgoing")
# Columns that hold personal names: left out of every public output.
PERSON_COLUMNS = {"visits": ("person",)}


@dataclass(frozen=True)
class Chart:
    """One chart: kind is "column", "bar", "stacked_bar", "pie" or "line"."""

    kind: str
    title: str
    categories: list[str]
    series: list[tuple[str, list[float]]]
    percent: bool = False  # pie: show shares

    @property
    def empty(self) -> bool:
        return not self.categories or not any(v for _, values in self.series for v in values)


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]
    note: str = ""
    total_rows: int | None = None  # rows before a cut (the visits list shows the latest)
    widths: tuple[float, ...] | None = None  # relative column widths, for the writers


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    lead: str
    charts: list[Chart] = field(default_factory=list)
    table: Table | None = None


@dataclass(frozen=True)
class KpiRow:
    name: str
    label: str
    value: object  # the raw figure of the report (int, float or None)
    text: str  # the figure as shown
    definition: str


@dataclass(frozen=True)
class Pack:
    lang: str
    public: bool
    title: str
    institutions: list[str]
    scope_lines: list[tuple[str, str]]  # (label, value in words)
    as_of: str
    generated: str
    kpis: list[KpiRow]
    by_institution: Table | None
    map_section: Section
    map_links: list[tuple[str, str]]
    map_partners: pd.DataFrame
    map_institutions: pd.DataFrame
    map_counts: dict[str, int]
    sections: list[Section]
    no_data: str


# ---------------------------------------------------------------- small helpers


def label(key: str, lang: str, fallback: str, **fmt: object) -> str:
    """t(key) or fallback when no language has the key."""
    text = t(key, lang, **fmt)
    return fallback if text == key else text


def enum_label(column: str, value: object, lang: str) -> str:
    """The shown word for an enum value, e.g. ("mode", "in_person") -> "In person"."""
    if _missing(value):
        return t("export.unknown", lang)
    value = str(value)
    return label(f"enum.{column}.{value}", lang, value.replace("_", " ").capitalize())


def _missing(value: object) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _text(value: object, lang: str) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if _missing(value):
        return ""
    if isinstance(value, pd.Timestamp | datetime):
        return value.strftime("%Y-%m-%d")
    return str(value)


def country_label(a3: object, lang: str) -> str:
    if _missing(a3):
        return t("export.unknown", lang)
    try:
        return country_name(str(a3), lang) or str(a3)
    except Exception:  # an unknown code still prints as itself
        return str(a3)


def format_kpi(value: object, unit: str, lang: str) -> str:
    """Counts as integers, shares as percent with one decimal, money in USD, none as —."""
    if _missing(value):
        return t("common.none", lang)
    if unit in ("share", "percent", "ratio_share"):
        return f"{float(value) * 100:.1f} %"
    if unit in ("usd", "money"):
        return f"USD {float(value):,.0f}".replace(",", "\u202f")
    if unit in ("index", "ratio", "float"):
        return f"{float(value):.1f}"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return f"{int(value):,}".replace(",", "\u202f")


def person_names(tables: dict[str, pd.DataFrame]) -> list[str]:
    """Every personal name in the tables, longest first (so scrubbing takes whole names).

    A person cell may hold several names ("A.R. Narzullaeva; S.J. Kasimova"); each name
    and each surname-like word of it (3+ letters, not an initial) is listed, so a source
    note that names only the surname is scrubbed too.
    """
    names: set[str] = set()
    for table, columns in PERSON_COLUMNS.items():
        frame = tables.get(table)
        if frame is None:
            continue
        for column in columns:
            if column not in frame.columns:
                continue
            for cell in frame[column].dropna():
                for name in re.split(r"[;,\n]| and ", str(cell)):
                    name = name.strip()
                    if not name:
                        continue
                    names.add(name)
                    names.update(w for w in re.findall(r"[^\W\d_][\w'ʻʼ’-]{2,}", name)
                                 if "." not in w)
    return sorted(names, key=len, reverse=True)


def scrub(text: str, names: list[str], lang: str) -> str:
    """text with every personal name replaced by a neutral mark."""
    if not names or not text:
        return text
    pattern = "|".join(re.escape(name) for name in names)
    # A word-boundary on both sides, so a surname does not eat part of another word.
    return re.sub(rf"(?<!\w)(?:{pattern})(?!\w)", t("export.name_hidden", lang), text,
                  flags=re.IGNORECASE)


def public_tables(tables: dict[str, pd.DataFrame], lang: str) -> dict[str, pd.DataFrame]:
    """The tables without person columns and with names scrubbed from every text cell."""
    names = person_names(tables)
    out = {}
    for table, frame in tables.items():
        frame = frame.drop(columns=[c for c in PERSON_COLUMNS.get(table, ()) if c in frame])
        if names:
            frame = frame.copy()
            for column in frame.columns:
                if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
                    frame[column] = frame[column].map(
                        lambda v: scrub(v, names, lang) if isinstance(v, str) else
                        [scrub(x, names, lang) if isinstance(x, str) else x for x in v]
                        if isinstance(v, list) else v
                    )
        out[table] = frame
    return out


def _year_of(frame: pd.DataFrame, first: str, second: str) -> pd.Series:
    """Calendar year of first, else of second (Int64, NA when both are unknown)."""
    years = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    for column in (second, first):  # first wins: written last
        if column in frame.columns:
            values = pd.to_datetime(frame[column], errors="coerce").dt.year.astype("Int64")
            years = values.where(values.notna(), years)
    return years


def scoped_partner_ids(tables: dict[str, pd.DataFrame]) -> list[str]:
    """Partners the `partners` KPI counts: apply_scope already reduced the partners table
    to those linked to in-scope rows that pass the country and partner-type filters."""
    return sorted(tables["partners"]["partner_id"].astype(str).unique())


# ---------------------------------------------------------------- sections


def _counts_chart(kind, title, labels_counts, series_name) -> Chart:
    categories = [name for name, _ in labels_counts]
    if kind == "line" and len(categories) < 2:
        kind = "column"  # a line through one point says nothing
    return Chart(kind, title, categories, [(series_name, [int(c) for _, c in labels_counts])])


def _partners_section(tables, partner_ids, lang) -> tuple[Section, dict[str, int]]:
    partners = tables["partners"]
    partners = partners[partners["partner_id"].astype(str).isin(partner_ids)]
    by_country = partners.groupby("country", dropna=False).size().sort_values(ascending=False)
    counts = {str(k): int(v) for k, v in by_country.items() if not _missing(k)}
    rows = [(country_label(k, lang), int(v)) for k, v in by_country.items()]
    rows.sort(key=lambda r: (-r[1], r[0]))
    by_type = partners.groupby("type", dropna=False).size().sort_values(ascending=False)
    types = [(enum_label("partner_type", k, lang), int(v)) for k, v in by_type.items()]
    series_name = t("export.partners", lang)
    table = Table(
        [t("export.col.country", lang), t("export.col.partners", lang)],
        [[name, str(n)] for name, n in rows],
    )
    section = Section(
        "partners_by_country",
        t("export.section.partners_by_country", lang),
        t("export.section.partners_by_country.lead", lang, n=len(partners), c=len(counts)),
        [
            _counts_chart("bar", t("export.chart.partners_by_country", lang), rows,
                          series_name),
            _counts_chart("bar", t("export.chart.partners_by_type", lang), types,
                          series_name),
        ],
        table,
    )
    return section, counts


def _mobility_section(tables, lang) -> Section:
    visits = tables["visits"]
    years = _year_of(visits, "start_date", "end_date")
    frame = pd.DataFrame({"year": years, "direction": visits["direction"]})
    dated = sorted(int(y) for y in frame["year"].dropna().unique())
    keys: list[object] = list(range(dated[0], dated[-1] + 1)) if dated else []
    if frame["year"].isna().any():
        keys.append(None)
    categories = [str(k) if k is not None else t("export.undated", lang) for k in keys]
    series = []
    for direction in DIRECTIONS:
        values = []
        for key in keys:
            in_year = frame["year"].isna() if key is None else frame["year"] == key
            values.append(int(((frame["direction"] == direction) & in_year.fillna(False)).sum()))
        series.append((enum_label("direction", direction, lang), values))
    rows = [[c] + [str(v[i]) for _, v in series] for i, c in enumerate(categories)]
    return Section(
        "mobility",
        t("export.section.mobility", lang),
        t("export.section.mobility.lead", lang),
        [Chart("column", t("export.chart.mobility", lang), categories, series)],
        Table([t("export.col.year", lang)] + [name for name, _ in series], rows),
    )


def _mode_section(tables, report, lang) -> Section:
    visits = tables["visits"]
    mode = visits["mode"].fillna("in_person") if "mode" in visits else pd.Series(dtype=object)
    incoming = mode[visits["direction"] == "incoming"]
    outgoing = mode[visits["direction"] == "outgoing"]
    categories = [enum_label("mode", m, lang) for m in MODES]
    incoming_counts = [int((incoming == m).sum()) for m in MODES]
    outgoing_counts = [int((outgoing == m).sum()) for m in MODES]
    share = report.get("kpis", {}).get("remote_share")
    share_text = format_kpi(share, "share", lang)
    rows = [
        [categories[i], str(incoming_counts[i]), str(outgoing_counts[i])] for i in range(2)
    ]
    return Section(
        "remote",
        t("export.section.remote", lang),
        t("export.section.remote.lead", lang, share=share_text),
        [
            Chart("pie", t("export.chart.remote_incoming", lang), categories,
                  [(enum_label("direction", "incoming", lang), incoming_counts)], percent=True),
            Chart("column", t("export.chart.remote_by_direction", lang), categories,
                  [(enum_label("direction", "incoming", lang), incoming_counts),
                   (enum_label("direction", "outgoing", lang), outgoing_counts)]),
        ],
        Table([t("export.col.mode", lang), enum_label("direction", "incoming", lang),
               enum_label("direction", "outgoing", lang)], rows),
    )


def _grants_section(tables, lang) -> Section:
    grants = tables["grants"]
    status_counts = [
        (enum_label("grant_status", s, lang), int((grants["status"] == s).sum()))
        for s in GRANT_STATUSES
    ]
    funder = grants["funder"].fillna(t("export.not_stated", lang)) if len(grants) else grants.get(
        "funder", pd.Series(dtype=object))
    funders = sorted(funder.unique(), key=lambda f: (-(funder == f).sum(), str(f)))
    statuses = [s for s in GRANT_STATUSES if (grants["status"] == s).any()]
    series = [
        (enum_label("grant_status", s, lang),
         [int(((funder == f) & (grants["status"] == s)).sum()) for f in funders])
        for s in statuses
    ]
    rows = [
        [str(f)] + [str(values[i]) for _, values in series] + [str(int((funder == f).sum()))]
        for i, f in enumerate(funders)
    ]
    return Section(
        "grants",
        t("export.section.grants", lang),
        t("export.section.grants.lead", lang, n=len(grants)),
        [
            _counts_chart("column", t("export.chart.grants_by_status", lang), status_counts,
                          t("export.grants", lang)),
            Chart("stacked_bar", t("export.chart.grants_by_funder", lang),
                  [str(f) for f in funders], series),
        ],
        Table([t("export.col.funder", lang)] + [name for name, _ in series]
              + [t("export.col.total", lang)], rows),
    )


def _agreements_section(tables, as_of: date, lang, names, public) -> Section:
    agreements = tables["agreements"]
    status = agreement_status(agreements, as_of)
    status_counts = [
        (enum_label("agreement_status", s, lang), int((status == s).sum()))
        for s in AGREEMENT_STATUSES
    ]
    as_of_ts = pd.Timestamp(as_of)
    expires = pd.to_datetime(agreements.get("expires_on"), errors="coerce")
    # The agreements_expiring rows themselves (metrics.rules), soonest first.
    due = rules.expiring_agreements(rules.active_agreements(agreements, as_of), as_of)
    due = due.assign(expires_ts_=pd.to_datetime(due["expires_on"])).sort_values("expires_ts_")
    partner_names = dict(
        zip(tables["partners"]["partner_id"].astype(str), tables["partners"]["name"],
            strict=False)
    )
    institution_names = _institution_names(tables)
    rows = []
    for row in due.itertuples():
        days = (row.expires_ts_ - as_of_ts).days
        partner = _text(partner_names.get(str(row.partner_id), row.partner_id), lang)
        title = _text(getattr(row, "title", ""), lang)
        if public:
            partner, title = scrub(partner, names, lang), scrub(title, names, lang)
        rows.append([
            institution_names.get(str(row.institution_id), str(row.institution_id)),
            partner,
            enum_label("agreement_kind", row.kind, lang),
            row.expires_ts_.strftime("%Y-%m-%d"),
            str(days) + (" !" if days <= EXPIRING_DAYS else ""),
        ])
    expiring_by_year = expires[(status == "active") & expires.notna()].dt.year
    year_counts = expiring_by_year.value_counts().sort_index()
    return Section(
        "agreements",
        t("export.section.agreements", lang),
        t("export.section.agreements.lead", lang, n=len(agreements), days=EXPIRING_DAYS),
        [
            _counts_chart("column", t("export.chart.agreements_by_status", lang),
                          status_counts, t("export.agreements", lang)),
            _counts_chart("line", t("export.chart.agreements_expiring_by_year", lang),
                          [(str(int(y)), int(n)) for y, n in year_counts.items()],
                          t("export.agreements", lang)),
        ],
        Table(
            [t("export.col.institution", lang), t("export.col.partner", lang),
             t("export.col.kind", lang), t("export.col.expires_on", lang),
             t("export.col.days_left", lang)],
            rows,
            t("export.renewals.note", lang, days=RENEWAL_WINDOW_DAYS, flag=EXPIRING_DAYS)
            if rows else t("export.renewals.none", lang, days=RENEWAL_WINDOW_DAYS),
        ),
    )


def _students_section(tables, lang) -> Section:
    students = tables["students"]
    counts = pd.to_numeric(students["count"], errors="coerce").fillna(0)
    # The international_students rows: foreign students of the latest academic year.
    rows_in = rules.latest_academic_year(rules.foreign_rows(students, tables["institutions"]))
    latest = rules.latest_year_label(rows_in)
    by_country = counts.loc[rows_in.index].groupby(rows_in["country"]).sum()
    rows = sorted(
        ((country_label(k, lang), int(v)) for k, v in by_country.items()),
        key=lambda r: (-r[1], r[0]),
    )
    per_year = counts.groupby(students["academic_year"]).sum().sort_index()
    return Section(
        "students",
        t("export.section.students", lang),
        t("export.section.students.lead", lang, year=latest or t("common.none", lang)),
        [
            _counts_chart("bar", t("export.chart.students_by_country", lang, year=latest or ""),
                          rows, t("export.students", lang)),
            _counts_chart("line", t("export.chart.students_by_year", lang),
                          [(str(y), int(n)) for y, n in per_year.items()],
                          t("export.students", lang)),
        ],
        Table([t("export.col.country", lang), t("export.col.students", lang)],
              [[name, str(n)] for name, n in rows]),
    )


def _visits_section(tables, lang, public, names) -> Section:
    visits = tables["visits"].copy()
    visits["sort_date_"] = pd.to_datetime(visits["start_date"], errors="coerce")
    visits = visits.sort_values("sort_date_", ascending=False, na_position="last")
    partner_names = dict(
        zip(tables["partners"]["partner_id"].astype(str), tables["partners"]["name"],
            strict=False)
    )
    headers = [t("export.col.date", lang)]
    if not public:
        headers.append(t("export.col.person", lang))
    headers += [t("export.col.partner", lang), t("export.col.country", lang),
                t("export.col.direction", lang), t("export.col.mode", lang),
                t("export.col.activity", lang), t("export.col.sessions", lang)]
    rows = []
    for row in visits.head(VISITS_TABLE_ROWS).itertuples():
        partner = _text(partner_names.get(str(row.partner_id), "") if not _missing(
            row.partner_id) else "", lang)
        if public:
            partner = scrub(partner, names, lang)
        cells = [_text(row.sort_date_, lang)]
        if not public:
            cells.append(_text(row.person, lang))
        cells += [partner, country_label(row.country, lang),
                  enum_label("direction", row.direction, lang),
                  enum_label("mode", row.mode, lang), enum_label("activity", row.activity, lang),
                  _text(row.sessions, lang)]
        rows.append(cells)
    note = ""
    if len(visits) > VISITS_TABLE_ROWS:
        note = t("export.visits.more", lang, n=VISITS_TABLE_ROWS, total=len(visits))
    return Section(
        "visits",
        t("export.section.visits", lang),
        t("export.section.visits.lead", lang, n=len(visits)),
        [],
        Table(headers, rows, note, len(visits),
              (10, 16, 26, 13, 11, 10, 12, 9) if not public else (10, 30, 15, 12, 11, 12, 9)),
    )


def _institution_names(tables) -> dict[str, str]:
    institutions = tables["institutions"]
    names = institutions["short_name"].where(institutions["short_name"].notna(),
                                             institutions["name"])
    return dict(zip(institutions["institution_id"].astype(str), names.astype(str), strict=False))


def _links(tables, partner_ids) -> list[tuple[str, str]]:
    """(institution_id, partner_id) pairs from agreements, visits and grants."""
    wanted = set(partner_ids)
    pairs = set()
    for table in ("agreements", "visits"):
        frame = tables[table]
        for inst, partner in zip(frame["institution_id"], frame["partner_id"], strict=False):
            if not _missing(partner) and str(partner) in wanted:
                pairs.add((str(inst), str(partner)))
    grants = tables["grants"]
    for inst, partners in zip(grants["institution_id"], grants["partner_ids"], strict=False):
        for partner in partners if isinstance(partners, list) else ():
            if str(partner) in wanted:
                pairs.add((str(inst), str(partner)))
    return sorted(pairs)


def _scope_lines(report, tables, lang) -> list[tuple[str, str]]:
    scope = report.get("scope") or {}
    every = t("export.scope.all", lang)
    names = _institution_names(tables)
    institutions = scope.get("institutions") or []
    years = scope.get("years")
    if years:
        low, high = years
        years_text = f"{low or '…'}–{high or '…'}"
    else:
        years_text = every
    return [
        (t("export.scope.institutions", lang),
         ", ".join(names.get(str(i), str(i)) for i in institutions) or every),
        (t("export.scope.years", lang), years_text),
        (t("export.scope.countries", lang),
         ", ".join(country_label(c, lang) for c in scope.get("countries") or []) or every),
        (t("export.scope.faculties", lang), ", ".join(scope.get("faculties") or []) or every),
        (t("export.scope.partner_types", lang),
         ", ".join(enum_label("partner_type", p, lang) for p in scope.get("partner_types") or [])
         or every),
    ]


def _grants_amount_unknown(grants: pd.DataFrame) -> int:
    """Funded grants in scope with no amount: unknown, so not in the USD sum."""
    if grants is None or grants.empty:
        return 0
    return int(pd.to_numeric(rules.funded_grants(grants)["amount"], errors="coerce").isna().sum())


def kpi_rows(report: dict, lang: str, amount_unknown: int = 0) -> list[KpiRow]:
    """One row per KPI of the registry, in registry order, with the report's figure."""
    figures = report.get("kpis", {})
    rows = []
    for kpi in KPIS:
        value = figures.get(kpi.name)
        text = format_kpi(value, kpi.unit, lang)
        if kpi.name == "lecture_sessions" and report.get("lecture_sessions_unknown"):
            text += " " + t("export.sessions_unknown", lang,
                            n=report["lecture_sessions_unknown"])
        if kpi.name == "grant_funding_usd" and amount_unknown:
            text += " " + t("export.grants_amount_unknown", lang, n=amount_unknown)
        rows.append(KpiRow(kpi.name, t(kpi.label_key, lang), value, text,
                           t(kpi.definition_key, lang)))
    return rows


def _by_institution(report, tables, lang) -> Table | None:
    by_institution = report.get("by_institution") or {}
    if len(by_institution) < 2:
        return None
    names = _institution_names(tables)
    ids = list(by_institution)
    rows = [
        [t(kpi.label_key, lang)]
        + [format_kpi(by_institution[i].get(kpi.name), kpi.unit, lang) for i in ids]
        for kpi in KPIS
    ]
    return Table([t("export.col.kpi", lang)] + [names.get(i, i) for i in ids], rows)


def build_pack(report: dict, scoped_tables: dict[str, pd.DataFrame], lang: str = "en",
               public: bool = False) -> Pack:
    """Everything the three formats show, for one report and its scoped tables."""
    tables = scoped_tables
    names = person_names(tables) if public else []
    as_of = date.fromisoformat(str(report["as_of"])[:10])
    partner_ids = scoped_partner_ids(tables)
    partners_section, counts = _partners_section(tables, partner_ids, lang)
    institution_names = _institution_names(tables)
    institutions_shown = report.get("scope", {}).get("institutions") or list(
        report.get("by_institution") or institution_names)
    institution_full = dict(zip(tables["institutions"]["institution_id"].astype(str),
                                tables["institutions"]["name"].astype(str), strict=False))
    partners = tables["partners"]
    homes = tables["institutions"]
    if institutions_shown:
        homes = homes[homes["institution_id"].astype(str).isin(
            [str(i) for i in institutions_shown])]
    links = _links(tables, partner_ids)
    linked_homes = {inst for inst, _ in links}
    if linked_homes:
        homes = homes[homes["institution_id"].astype(str).isin(linked_homes)]
    map_section = Section(
        "map",
        t("export.section.map", lang),
        t("export.section.map.lead", lang, n=len(partner_ids), c=len(counts)),
    )
    sections = [
        partners_section,
        _mobility_section(tables, lang),
        _mode_section(tables, report, lang),
        _grants_section(tables, lang),
        _agreements_section(tables, as_of, lang, names, public),
        _students_section(tables, lang),
        _visits_section(tables, lang, public, names),
    ]
    return Pack(
        lang=lang,
        public=public,
        title=t("export.pack_title", lang),
        institutions=[institution_full.get(str(i), str(i)) for i in homes["institution_id"]]
        if len(homes) else [institution_full.get(str(i), str(i)) for i in institutions_shown],
        scope_lines=_scope_lines(report, tables, lang),
        as_of=as_of.isoformat(),
        generated=date.today().isoformat(),
        kpis=kpi_rows(report, lang, _grants_amount_unknown(tables.get("grants"))),
        by_institution=_by_institution(report, tables, lang),
        map_section=map_section,
        map_links=links,
        map_partners=partners[partners["partner_id"].astype(str).isin(partner_ids)],
        map_institutions=homes,
        map_counts=counts,
        sections=sections,
        no_data=t("export.no_data", lang),
    )


def map_png(pack: Pack, width_px: int = 2000) -> bytes:
    """The partner map of the pack as PNG bytes."""
    from report.mapimage import render_partner_map

    return render_partner_map(
        pack.map_partners, pack.map_institutions, pack.map_links, pack.map_counts,
        legend_label=t("export.partners", pack.lang), width_px=width_px,
    )
