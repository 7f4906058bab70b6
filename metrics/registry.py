"""The KPI registry: what pages, the report, the evidence and the translations read.

Each entry names the KPI (the name ``targets.metric`` and the JSON export use), its unit
(``count``, ``share``, ``index`` or ``usd``: how it is formatted), its aggregate
(``count``: the figure is the number of its evidence ids; ``sum``, ``share``,
``index``: computed from its evidence rows), its i18n keys and its three functions:
``select`` (the rows, ``metrics.kpis.rows_*``), ``refine`` (a rule applied to those rows
as a whole or per institution, e.g. the latest academic year) and ``reduce``.
Definitions: docs/metrics.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from metrics import kpis, rules
from metrics.fast import Fast
from metrics.kpis import KpiContext
from metrics.tables import LINK_TABLES

UNITS = ("count", "share", "index", "usd")
AGGREGATES = ("count", "sum", "share", "index")

Value = int | float | None


def _same(rows: pd.DataFrame) -> pd.DataFrame:
    return rows


@dataclass(frozen=True)
class KpiDef:
    name: str
    unit: str
    aggregate: str
    evidence_of: str  # what the evidence ids are: "agreement", "visit", "grant", "partner", "country", "students"
    select: Callable[[KpiContext], pd.DataFrame]
    reduce: Callable[[pd.DataFrame], Value]
    refine: Callable[[pd.DataFrame], pd.DataFrame] = _same
    # The tables whose dated rows make a year comparable for this KPI (Year over year).
    dated_by: tuple[str, ...] = ()
    # How ``metrics.columnar.KpiFacts`` computes it from the per-row facts (the fast path).
    fast: Fast | None = None

    @property
    def label_key(self) -> str:
        return f"kpi.{self.name}.label"

    @property
    def definition_key(self) -> str:
        return f"kpi.{self.name}.definition"

    def rows(self, ctx: KpiContext) -> pd.DataFrame:
        """The rows this figure is computed from (for the whole scope)."""
        return self.refine(self.select(ctx))

    def func(self, ctx: KpiContext) -> Value:
        """The figure for the context's scope."""
        return self.reduce(self.rows(ctx))


_DATED_BY = {"partner": LINK_TABLES, "agreement": ("agreements",), "visit": ("visits",),
             "grant": ("grants",), "students": ("students",)}


def _kpi(name: str, unit: str, aggregate: str, evidence_of: str,
         reduce: Callable[[pd.DataFrame], Value], fast: Fast,
         refine: Callable[[pd.DataFrame], pd.DataFrame] = _same,
         dated_by: tuple[str, ...] | None = None) -> KpiDef:
    dated = dated_by or _DATED_BY[evidence_of]
    return KpiDef(name, unit, aggregate, evidence_of, getattr(kpis, f"rows_{name}"), reduce, refine, dated, fast)


# Each KPI: its rows (``kpis.rows_<name>``), how they reduce, and the same figure on the
# fast path: the rows of a table where the facts' masks hold, counted / distinct-counted /
# summed / divided / indexed (``metrics.fast.Fast``; masks are ``KpiFacts`` attributes).
KPIS: tuple[KpiDef, ...] = (
    _kpi("partners", "count", "count", "partner", kpis.distinct_partners,
         Fast("links", ("link_in_scope",), "distinct", "link_partner")),
    _kpi("partner_countries", "count", "count", "country", kpis.distinct_countries,
         Fast("links", ("link_in_scope", "link_foreign"), "distinct", "link_country"),
         dated_by=_DATED_BY["partner"]),
    _kpi("agreements_active", "count", "count", "agreement", kpis.count_rows,
         Fast("agreements", ("agreement_active",))),
    _kpi("agreements_expiring", "count", "count", "agreement", kpis.count_rows,
         Fast("agreements", ("agreement_expiring",))),
    _kpi("agreements_dormant", "count", "count", "agreement", kpis.count_rows,
         Fast("agreements", ("agreement_dormant",))),
    _kpi("visits_incoming", "count", "count", "visit", kpis.count_rows, Fast("visits", ("visit_incoming",))),
    _kpi("visits_outgoing", "count", "count", "visit", kpis.count_rows, Fast("visits", ("visit_outgoing",))),
    _kpi("remote_share", "share", "share", "visit", kpis.share_remote,
         Fast("visits", ("visit_incoming",), "share", part="visit_remote")),
    _kpi("lecture_sessions", "count", "sum", "visit", kpis.sum_sessions,
         Fast("visits", ("visit_incoming",), "sum", "visit_sessions")),
    _kpi("mobility_countries", "count", "count", "country", kpis.distinct_countries,
         Fast("visits", ("visit_foreign",), "distinct", "visit_country"), dated_by=("visits",)),
    _kpi("grants_active", "count", "count", "grant", kpis.count_rows, Fast("grants", ("grant_active",))),
    _kpi("grant_funding_usd", "usd", "sum", "grant", kpis.sum_usd,
         Fast("grants", ("grant_funded",), "sum", "grant_usd")),
    _kpi("international_students", "count", "sum", "students", kpis.sum_students,
         Fast("students", ("student_latest",), "sum", "student_count"), rules.latest_academic_year),
    _kpi("student_countries", "count", "count", "country", kpis.distinct_countries,
         Fast("students", ("student_latest",), "distinct", "student_country"), rules.latest_academic_year,
         ("students",)),
    _kpi("irn_index", "index", "index", "partner", kpis.irn,
         Fast("links", ("link_in_scope", "link_irn"), "index", "link_partner", part="link_country")),
)
KPI_BY_NAME: dict[str, KpiDef] = {kpi.name: kpi for kpi in KPIS}
KPI_NAMES: tuple[str, ...] = tuple(KPI_BY_NAME)


@dataclass(frozen=True)
class NoteDef:
    """A figure shown beside a KPI (never a KPI or a target): unknown inputs of its rows."""

    name: str
    kpi: str
    reduce: Callable[[pd.DataFrame], int]
    # the same count on the fast path: the KPI's rows where these facts' masks hold too
    also: tuple[str, ...] = ()

    @property
    def fast(self) -> Fast:
        kpi = KPI_BY_NAME[self.kpi].fast
        assert kpi is not None
        return Fast(kpi.table, (*kpi.where, *self.also))


NOTE_DEFS: tuple[NoteDef, ...] = (
    NoteDef("lecture_sessions_unknown", "lecture_sessions", kpis.unknown_sessions, ("visit_sessions_unknown",)),
    NoteDef("grants_without_rate", "grant_funding_usd", kpis.without_rate, ("grant_without_rate",)),
    NoteDef("grants_amount_unknown", "grant_funding_usd", kpis.unknown_amounts, ("grant_amount_unknown",)),
    # v3: active agreements whose expiry is unknown (Expiring "cannot tell" / "at least").
    NoteDef("agreements_expiry_unknown", "agreements_active", kpis.unknown_expiry, ("agreement_expiry_unknown",)),
    # The remote share's numerator (a share of under 5 visits is shown as its counts).
    NoteDef("remote_visits", "remote_share", kpis.count_remote, ("visit_remote",)),
    # How many inputs the sums run over (to tell "unknown" from "at least").
    NoteDef("lecture_sessions_inputs", "lecture_sessions", kpis.count_rows),
    NoteDef("grants_funded", "grant_funding_usd", kpis.count_rows),
)

# For each sum: (the note of its inputs, the notes of inputs whose value is unknown).
UNKNOWN_INPUTS = {
    "lecture_sessions": ("lecture_sessions_inputs", ("lecture_sessions_unknown",)),
    "grant_funding_usd": ("grants_funded", ("grants_amount_unknown", "grants_without_rate")),
}


def figure_state(name: str, notes: Mapping[str, int]) -> tuple[str, int]:
    """Whether a figure is ``known``, ``at_least`` (some inputs unknown) or ``unknown``
    (every input unknown), and how many inputs are unknown (docs/metrics.md "Unknown is
    not zero"). A sum over no input at all is a known 0."""
    if name not in UNKNOWN_INPUTS:
        return "known", 0
    inputs_note, unknown_notes = UNKNOWN_INPUTS[name]
    inputs = int(notes.get(inputs_note, 0))
    unknown = sum(int(notes.get(n, 0)) for n in unknown_notes)
    if inputs and unknown >= inputs:
        return "unknown", unknown
    return ("at_least", unknown) if unknown else ("known", 0)
def _note_of(note: NoteDef) -> Callable[[KpiContext], int]:
    return lambda ctx: note.reduce(KPI_BY_NAME[note.kpi].rows(ctx))


NOTES: dict[str, Callable[[KpiContext], int]] = {note.name: _note_of(note) for note in NOTE_DEFS}
