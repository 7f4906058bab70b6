"""One figure, one reading: the value of a KPI with its state, comparison and definition.

Every surface (cards, the rows behind a card, by-institution tables, the pack's big
numbers and change lines, the JSON report) renders a ``Figure`` and nothing else, so
they cannot disagree about what is known (docs/metrics.md "One figure, one state").

    >>> figs = figures(values, notes, comparison)
    >>> figs["lecture_sessions"].state, figs["lecture_sessions"].unknown
    ('unknown', 10)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from metrics.registry import KPI_BY_NAME, KPIS, UNKNOWN_INPUTS, Value

if TYPE_CHECKING:
    from metrics.cache import DatasetCache

# known: the value; at_least: "≥ value", some inputs unknown; unknown: every input
# unknown (no value shown); undefined: an em dash (a share of nothing, an IRN with P < 2);
# cannot_tell: the inputs that decide it are unknown (every active agreement's expiry).
STATES = ("known", "at_least", "unknown", "undefined", "cannot_tell")
SHOWN = frozenset({"known", "at_least"})  # the states that show a number
SMALL_BASE = 5  # a share of fewer rows is shown as its counts ("1 of 1"), not a percentage

# Why inputs are unknown, per figure (the i18n keys ``figure.why.<reason>``).
REASONS = {
    "lecture_sessions": "sessions",
    "grant_funding_usd": "amount",
    "agreements_expiring": "expiry",
}


@dataclass(frozen=True)
class Change:
    """A figure's own year over year: ``year`` (value ``current``) beside ``previous``
    (value ``before``), or the ``reason`` there is none (``no_dated_rows``,
    ``one_year_only``, ``not_known``: a value of either year has unknown inputs)."""

    year: int | None = None
    previous: int | None = None
    current: Value = None
    before: Value = None
    delta: Value = None
    partial: bool = False
    period_end: date | None = None
    reason: str | None = None
    academic: bool = False  # students: ``year`` is the start year of an academic year

    @property
    def compared(self) -> bool:
        return self.reason is None and self.delta is not None


@dataclass(frozen=True)
class Figure:
    """One KPI of one scope as every surface shows it."""

    name: str
    value: Value
    state: str = "known"
    unknown: int = 0  # inputs whose value is unknown (rows)
    part: int | None = None  # shares: the rows counted ...
    base: int | None = None  # ... of these rows
    change: Change | None = None

    @property
    def unit(self) -> str:
        return KPI_BY_NAME[self.name].unit

    @property
    def label_key(self) -> str:
        return KPI_BY_NAME[self.name].label_key

    @property
    def definition_key(self) -> str:
        return KPI_BY_NAME[self.name].definition_key

    def rows(self, tables: Mapping[str, Any], scope: Any, scoped: Mapping[str, Any] | None = None,
             cache: DatasetCache | None = None) -> Any:
        """Its evidence: the rows this figure is computed from, for ``scope`` (the table a
        "Show rows" panel shows; ``metrics.evidence_frame``)."""
        from metrics.evidence import evidence_frame

        return evidence_frame(tables, scope, self.name, scoped, cache)

    @property
    def reason(self) -> str | None:
        """What is unknown (``figure.why.<reason>``), when some input is."""
        return REASONS.get(self.name) if self.unknown else None

    @property
    def shown(self) -> Value:
        """The number a surface may print: None unless the state shows one."""
        return self.value if self.state in SHOWN else None

    @property
    def small_share(self) -> bool:
        """A share over fewer than ``SMALL_BASE`` rows: shown as "part of base"."""
        return self.unit == "share" and self.base is not None and 0 < self.base < SMALL_BASE

    def as_json(self) -> dict[str, Any]:
        """``{"value", "state", "unknown"}`` (+ ``part``/``base`` for shares; + the change)."""
        out: dict[str, Any] = {"value": json_number(self.name, self.shown), "state": self.state,
                               "unknown": int(self.unknown)}
        if self.reason:
            out["reason"] = self.reason
        if self.unit == "share":
            out["part"], out["base"] = self.part, self.base
        if self.change is not None:
            c = self.change
            out["change"] = {"year": c.year, "previous": c.previous,
                             "current": json_number(self.name, c.current),
                             "before": json_number(self.name, c.before),
                             "delta": json_number(self.name, c.delta), "partial": c.partial,
                             "period_end": c.period_end.isoformat() if c.period_end else None,
                             "reason": c.reason}
        return out


def json_number(name: str, value: Any) -> int | float | None:
    """A KPI value as JSON wants it: int for counts, float otherwise, None undefined/not finite."""
    if value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if KPI_BY_NAME[name].unit == "count":
        return int(value)
    return float(value)


# The rows a share divides by (its base), per share KPI.
SHARE_BASES = {"remote_share": "visits_incoming"}


def share_base(values: Mapping[str, Value], name: str) -> int:
    """The number of rows share ``name`` divides by (0 when there is none)."""
    return int(values.get(SHARE_BASES[name]) or 0)


def state_of(name: str, values: Mapping[str, Value], notes: Mapping[str, int]) -> tuple[str, int]:
    """(state, unknown inputs) of KPI ``name`` from the KPI values and notes of one scope."""
    value = values.get(name)
    if name in UNKNOWN_INPUTS:
        inputs_note, unknown_notes = UNKNOWN_INPUTS[name]
        inputs = int(notes.get(inputs_note, 0))
        unknown = sum(int(notes.get(n, 0)) for n in unknown_notes)
        if inputs and unknown >= inputs:
            return "unknown", unknown
        return ("at_least", unknown) if unknown else ("known", 0)
    if name == "agreements_expiring":
        unknown = int(notes.get("agreements_expiry_unknown", 0))
        active = int(values.get("agreements_active") or 0)
        if unknown and unknown >= active:
            return "cannot_tell", unknown
        return ("at_least", unknown) if unknown else ("known", 0)
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "undefined", 0
    return "known", 0


def figure(name: str, values: Mapping[str, Value], notes: Mapping[str, int],
           change: Change | None = None) -> Figure:
    """The ``Figure`` of KPI ``name`` from one scope's values and notes."""
    state, unknown = state_of(name, values, notes)
    part = base = None
    if name in SHARE_BASES:
        part, base = int(notes.get("remote_visits", 0)), share_base(values, name)
    if change is not None and state != "known" and change.reason is None:
        change = Change(change.year, change.previous, reason="not_known", academic=change.academic)
    return Figure(name, values.get(name), state, unknown, part, base, change)


def figures(values: Mapping[str, Value], notes: Mapping[str, int],
            changes: Mapping[str, Change] | None = None) -> dict[str, Figure]:
    """Every KPI's ``Figure`` (registry order); ``changes``: each figure's year over year."""
    changes = changes or {}
    return {kpi.name: figure(kpi.name, values, notes, changes.get(kpi.name)) for kpi in KPIS}


def from_json(name: str, data: Mapping[str, Any]) -> Figure:
    """The ``Figure`` a JSON report's ``figures`` entry (``Figure.as_json``) describes, so
    the files built from the JSON print exactly what it says."""
    change = None
    found = data.get("change")
    if found:
        end = found.get("period_end")
        change = Change(found.get("year"), found.get("previous"), found.get("current"), found.get("before"),
                        found.get("delta"), bool(found.get("partial")),
                        date.fromisoformat(end) if end else None, found.get("reason"),
                        KPI_BY_NAME[name].dated_by == ("students",))
    return Figure(name, data.get("value"), data.get("state", "known"), int(data.get("unknown") or 0),
                  data.get("part"), data.get("base"), change)
