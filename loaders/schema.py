"""The tables and columns of the data contract (docs/data-contract.md), and the result types."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pandas as pd

from i18n import t
from metrics.documents import ATTACHABLE_TABLES, PUBLIC_DOCUMENT_KINDS  # noqa: F401 (contract)


@dataclass(frozen=True)
class Column:
    """One contract column: its value type, whether it must be filled, and type details."""

    name: str
    kind: str  # key, ref, refs, text, list, country, date, int, amount, float, enum, currency,
    # academic_year, year, bool
    required: bool = False  # the cell must be filled (the column must then exist too)
    must_exist: bool | None = None  # column must be present in the file (default: = required)
    ref: str | None = None  # table a ref points to
    allowed: tuple[str, ...] = ()  # enum words
    group: str | None = None  # an enum's i18n group: its words read ``enum.<group>.<word>``
    header: str | None = None  # the i18n key of its header, when not ``common.col.<name>``

    @property
    def column_required(self) -> bool:
        return self.required if self.must_exist is None else self.must_exist

    @property
    def header_key(self) -> str:
        """The i18n key of the column's header on screen and in downloads: ``header``, else
        ``common.col.id`` for a table's key, else ``common.col.<name>``."""
        if self.header:
            return self.header
        if self.kind == "key":
            return "common.col.id"
        if self.kind in ("ref", "refs"):
            return _REF_HEADERS[(self.ref or "", self.kind)]
        return f"common.col.{self.name}"

    @property
    def display(self) -> str:
        """How a table on screen writes the column's cells (``ui.tables.display_frame``):
        ``text``, ``list``, ``int``, ``float``, ``date``, ``enum:<group>``, or a lookup from
        code to name (``country``, ``institution``, ``partner``)."""
        if self.kind == "enum":
            return f"enum:{self.group}" if self.group else "text"
        if self.kind in ("ref", "refs"):
            return {"institutions": "institution", "partners": "partner"}.get(self.ref or "", "text")
        return _DISPLAY.get(self.kind, "text")


@dataclass(frozen=True)
class Table:
    name: str
    required: bool
    columns: tuple[Column, ...]
    key: str | None = None  # single-column key
    unique: tuple[str, ...] = ()  # composite uniqueness (no key column)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


PARTNER_TYPES = ("university", "research_center", "hospital", "foundation", "company",
                 "government", "association", "other")
AGREEMENT_KINDS = ("mou", "cooperation_agreement", "double_degree", "joint_program",
                   "grant_project", "academic_mobility", "other")
AGREEMENT_STATUSES = ("active", "planned", "expired", "terminated")
DIRECTIONS = ("incoming", "outgoing")
MODES = ("in_person", "remote")
ACTIVITIES = ("lectures", "practical_classes", "masterclass", "surgery", "training", "research",
              "conference", "delegation", "study", "traineeship", "other")
PARTICIPANTS = ("staff", "student")
# Where an agreement is in its life (docs/data-contract.md, "Agreement terms").
AGREEMENT_STAGES = ("draft", "negotiation", "signed_by_us", "signed_by_partner", "in_effect",
                    "renewal_due", "ended")
# The mobility types of an Erasmus inter-institutional agreement's cooperation conditions.
MOBILITY_TYPES = ("student_studies", "student_traineeship", "staff_teaching", "staff_training")
GRANT_STATUSES = ("applied", "awarded", "active", "completed", "rejected")
STUDENT_LEVELS = ("undergraduate", "residency", "master", "phd", "exchange", "other")
# The KPI names of docs/metrics.md (targets.metric); kept here so loaders need not import metrics.
KPI_NAMES = ("partners", "partner_countries", "agreements_active", "agreements_expiring",
             "agreements_dormant", "visits_incoming", "visits_outgoing", "remote_share",
             "lecture_sessions", "mobility_countries", "grants_active", "grant_funding_usd",
             "international_students", "student_countries", "irn_index")
# The ranking indicators of docs/metrics.md (targets may name them too; metrics.rankings).
RANKING_NAMES = ("international_student_share", "international_staff_share",
                 "international_coauthorship_share", "qs_irn_joint_papers", "partner_network_index",
                 "student_mobility_incoming_per_100", "student_mobility_outgoing_per_100",
                 "staff_mobility_incoming_per_100", "staff_mobility_outgoing_per_100",
                 "international_doctorates_share", "student_countries_foreign", "largest_country_share")
# What ``institution_facts.metric`` may be: totals an indicator divides by.
FACT_METRICS = ("students_total", "staff_academic_total", "staff_academic_international",
                "doctorates_awarded", "doctorates_awarded_international")
GEO_PRECISIONS = ("exact", "city", "country")
# What an evidence document is (documents.kind): a public web page, a published article, an
# order or decree, a signed agreement or memorandum, a letter (an invitation), a
# certificate, a report, anything else.
DOCUMENT_KINDS = ("web_page", "article", "order", "agreement", "letter", "certificate",
                  "report", "other")
# Which kinds are public by default, and which tables' rows a document can be attached to:
# metrics.documents (the rules read them there too).


# A reference's header: the thing it points to (a list of partners: "Partners").
_REF_HEADERS = {("institutions", "ref"): "common.col.institution", ("partners", "ref"): "common.col.partner",
                ("partners", "refs"): "common.col.partners", ("agreements", "ref"): "common.col.agreement_id"}
# Contract kind -> display kind (the rest, e.g. key, currency, academic_year, bool: text).
_DISPLAY = {"list": "list", "country": "country", "date": "date", "int": "int", "year": "int",
            "amount": "float", "float": "float"}


def _c(name: str, kind: str, required: bool = False, **kw) -> Column:
    return Column(name, kind, required, **kw)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table("institutions", True, (
            _c("institution_id", "key", True),
            _c("name", "text", True, header="common.col.institution"),
            _c("short_name", "text", True, header="data.field.short_name"),
            _c("city", "text", True),
            _c("country", "country", True),
            _c("lat", "float", header="data.field.lat"),
            _c("lon", "float", header="data.field.lon"),
            _c("hei_id", "text"),
            _c("erasmus_code", "text"),
            # optional: the names in Russian and Uzbek (Latin), shown in that language; last,
            # so a sheet filled in the earlier column order still reads the same
            _c("name_ru", "text", header="pack.column.name_ru"),
            _c("name_uz", "text", header="pack.column.name_uz"),
            _c("short_name_ru", "text", header="pack.column.short_name_ru"),
            _c("short_name_uz", "text", header="pack.column.short_name_uz"),
        ), key="institution_id"),
        Table("partners", True, (
            _c("partner_id", "key", True),
            _c("name", "text", True, header="common.col.partner"),
            _c("type", "enum", True, allowed=PARTNER_TYPES, group="partner_type", header="common.col.partner_type"),
            _c("country", "country", True),
            _c("city", "text"),
            _c("lat", "float", header="data.field.lat"),
            _c("lon", "float", header="data.field.lon"),
            _c("website", "text"),
            _c("source", "text"),
            _c("hei_id", "text"),
            _c("erasmus_code", "text"),
        ), key="partner_id"),
        Table("agreements", True, (
            _c("agreement_id", "key", True),
            _c("institution_id", "ref", True, ref="institutions"),
            _c("partner_id", "ref", True, ref="partners"),
            _c("kind", "enum", True, allowed=AGREEMENT_KINDS, group="agreement_kind"),
            _c("title", "text"),
            _c("faculty", "list"),
            _c("department", "text", header="data.field.department"),
            _c("signed_on", "date"),
            _c("expires_on", "date"),
            _c("status", "enum", allowed=AGREEMENT_STATUSES, group="agreement_status", header="common.col.status_written"),
            _c("areas", "list", header="data.field.areas"),
            _c("source", "text"),
            _c("iia_id", "text"),
            _c("stage", "enum", allowed=AGREEMENT_STAGES, group="agreement_stage"),
            _c("holder", "text"),
            _c("next_action_on", "date"),
            _c("notes", "text"),  # free text; an IIA import keeps what has no column here
        ), key="agreement_id"),
        Table("visits", True, (
            _c("visit_id", "key", True),
            _c("institution_id", "ref", True, ref="institutions"),
            _c("partner_id", "ref", ref="partners"),
            _c("country", "country"),  # required when partner_id is empty (checked by rule)
            _c("person", "text"),
            _c("person_title", "text", header="data.field.person_title"),
            _c("direction", "enum", True, allowed=DIRECTIONS, group="direction"),
            _c("mode", "enum", allowed=MODES, group="mode"),
            _c("activity", "enum", True, allowed=ACTIVITIES, group="activity"),
            _c("faculty", "list"),
            _c("department", "text", header="data.field.department"),
            _c("start_date", "date", header="common.col.start"),
            _c("end_date", "date", header="common.col.end"),
            _c("sessions", "int"),
            _c("participants", "int", header="data.field.participants"),
            _c("audience", "text", header="data.field.audience"),
            _c("source", "text"),
            _c("participant", "enum", allowed=PARTICIPANTS, group="participant"),  # empty = staff
        ), key="visit_id"),
        Table("grants", False, (
            _c("grant_id", "key", True),
            _c("institution_id", "ref", True, ref="institutions"),
            _c("partner_ids", "refs", ref="partners"),
            _c("title", "text", True),
            _c("funder", "text"),
            _c("program", "text"),
            _c("faculty", "list"),
            _c("department", "text", header="data.field.department"),
            _c("theme", "text"),
            _c("status", "enum", True, allowed=GRANT_STATUSES, group="grant_status"),
            _c("start_date", "date", header="common.col.start"),
            _c("end_date", "date", header="common.col.end"),
            _c("amount", "amount"),
            _c("currency", "currency"),  # required when amount is given (checked by rule)
            _c("source", "text"),
        ), key="grant_id"),
        Table("students", False, (
            _c("institution_id", "ref", True, ref="institutions"),
            _c("academic_year", "academic_year", True),
            _c("country", "country", True),
            _c("level", "enum", allowed=STUDENT_LEVELS, group="level"),
            _c("faculty", "list"),
            _c("program", "text"),
            _c("count", "int", True, header="common.col.students"),
            _c("source", "text"),
        )),
        Table("agreement_terms", False, (
            _c("agreement_id", "ref", True, ref="agreements"),
            _c("mobility_type", "enum", True, allowed=MOBILITY_TYPES, group="mobility_type"),
            _c("direction", "enum", True, allowed=DIRECTIONS, group="term_direction"),
            _c("first_year", "academic_year", True),
            _c("last_year", "academic_year"),
            _c("mobilities_per_year", "int"),  # empty: not yet defined
            _c("months_per_year", "float"),
            _c("days_per_year", "float"),
            _c("isced", "list"),
            _c("eqf", "list"),
            _c("languages", "list"),
            _c("source", "text"),
        )),
        Table("institution_facts", False, (
            _c("institution_id", "ref", True, ref="institutions"),
            _c("academic_year", "academic_year", True),
            _c("metric", "enum", True, allowed=FACT_METRICS, group="fact_metric"),
            _c("value", "float", True),
            _c("source", "text"),
        ), unique=("institution_id", "academic_year", "metric")),
        Table("fx_rates", False, (
            _c("currency", "currency", True),
            _c("year", "year", True),
            _c("usd_per_unit", "float", True, header="data.field.usd_per_unit"),
        ), unique=("currency", "year")),
        Table("targets", False, (
            _c("institution_id", "ref", True, ref="institutions"),
            _c("year", "year", True),
            _c("metric", "enum", True, allowed=KPI_NAMES + RANKING_NAMES),
            _c("target", "float", True, header="data.field.target"),
        ), unique=("institution_id", "year", "metric")),
        # The evidence documents a row's ``source`` cites (``doc_id: "quote"``) or that are
        # attached to a row (``attached_to`` = ``agreements:a-1``, ``students:2``).
        Table("documents", False, (
            _c("doc_id", "key", True),
            _c("title", "text", True),
            _c("kind", "enum", allowed=DOCUMENT_KINDS, group="document_kind"),
            _c("author", "text", header="page.documents.col.author"),
            _c("published_on", "date", header="page.documents.col.date"),
            _c("url", "text", header="page.documents.col.url"),
            _c("file", "text", header="page.documents.col.file"),
            _c("language", "text"),
            _c("public", "bool", header="page.documents.col.public"),
            _c("attached_to", "text"),
            _c("note", "text"),
        ), key="doc_id"),
    )
}
TABLE_ORDER = list(TABLES)

# Columns the loader adds to a table, after the contract columns.
DERIVED: dict[str, list[str]] = {
    "institutions": ["geo_precision", "geo_note"],
    "partners": ["geo_precision", "geo_note"],
    "agreements": ["signed_on_precision", "expires_on_precision", "next_action_on_precision"],
    "visits": ["start_date_precision", "end_date_precision"],
    "grants": ["start_date_precision", "end_date_precision"],
    "students": ["year_start"],
    "agreement_terms": ["first_year_start", "last_year_start"],
    "institution_facts": ["year_start"],
    "fx_rates": [],
    "targets": [],
    "documents": ["published_on_precision"],
}


@dataclass
class Problem:
    """One finding about the input: an error (row unusable) or a warning (row used)."""

    severity: str  # "error" | "warning"
    table: str
    row: int | None
    column: str | None
    value: str
    message: str
    code: str
    params: dict = field(default_factory=dict)

    def line(self, lang: str | None = None) -> str:
        """The problem as one line: severity, table, row, column, value, message (what
        ``python -m loaders check`` and ``clean`` print); the severity word in ``lang``."""
        where = f"{self.table} row {self.row}" if self.row is not None else self.table
        column = f" {self.column}" if self.column else ""
        value = f" {json.dumps(self.value, ensure_ascii=False)}" if self.value != "" else ""
        return f"{t('problem.severity.' + self.severity, lang):<7} {where}{column}{value}: {self.message}"

    def as_dict(self) -> dict:
        return {"table": self.table, "row": self.row, "column": self.column,
                "value": self.value, "message": self.message, "code": self.code,
                "params": self.params}


class HasProblems:
    """``errors`` and ``warnings`` of a result with a ``problems`` list (datasets, exports)."""

    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


@dataclass
class Dataset(HasProblems):
    """The clean tables (rows in error left out), every problem found, or a fatal message."""

    tables: dict[str, pd.DataFrame]
    problems: list[Problem] = field(default_factory=list)
    fatal: str | None = None
    path: str | None = None
    # The fatal message as i18n keys and their params, so a page can show it translated.
    fatal_parts: list[tuple[str, dict]] = field(default_factory=list)
    # Problems found but not kept (at most MAX_PROBLEMS_PER_KIND of each table and code
    # are): (severity, table, code) -> how many more.
    omitted: dict[tuple[str, str, str], int] = field(default_factory=dict)

    def fatal_text(self, lang: str = "en") -> str | None:
        """``fatal`` in ``lang`` (the English message when no parts were kept)."""
        if not self.fatal or not self.fatal_parts:
            return self.fatal
        return " ".join(t(key, lang, **params) for key, params in self.fatal_parts)

    @property
    def error_count(self) -> int:
        """Every error found, also those not kept in ``problems``."""
        more = sum(n for (severity, _, _), n in self.omitted.items() if severity == "error")
        return len(self.errors) + more

    @property
    def warning_count(self) -> int:
        more = sum(n for (severity, _, _), n in self.omitted.items() if severity == "warning")
        return len(self.warnings) + more
