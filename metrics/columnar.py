"""Every KPI and note of a scope, whole or per institution, from row facts built once.

Each KPI rule of ``metrics.rules`` decides per row with the dataset alone (an agreement's
status at as_of, a visit's direction, mode and foreignness, a grant's status and USD
value, a partner link's country): ``KpiFacts`` runs those rules ONCE on the whole tables
(per dataset version and as_of) and keeps, per row, which rule selects it, as numpy
arrays. A scope's figures are then counts, distinct counts and sums of the scope's rows
(their positions in the whole tables, from the scoped frames' index) over those arrays,
optionally grouped by institution: the same rows as ``KpiDef.rows`` selects, the same
reductions (the sums in the same row order, so the same floats). Definitions:
docs/metrics.md; what is computed once and why: docs/performance.md.

Used by ``metrics.engine.compute_kpis_with_notes`` and ``metrics.grouped`` when the
context was given the dataset's cache (``metrics.cache.DatasetCache``: the facts are built
once per as_of and kept there, over the dataset's one index); anything it cannot answer
(tables without a unique index, rows that are not the tables' own) goes the general way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from metrics import rules
from metrics.cache import DatasetCache
from metrics.fast import Fast
from metrics.fx import usd_rates
from metrics.index import DatasetIndex
from metrics.registry import KPI_BY_NAME, KPIS, NOTE_DEFS
from metrics.scope import scope_index
from metrics.tables import EVENT_TABLES as EVENTS

_NEEDED = (*EVENTS, "institutions", "partners", "fx_rates")


def _positions_of(frame: pd.DataFrame, selected: pd.DataFrame) -> np.ndarray:
    """A boolean array over ``frame``'s rows: True for the rows of ``selected`` (a subset)."""
    mask = np.zeros(len(frame), dtype=bool)
    mask[frame.index.get_indexer(selected.index)] = True
    return mask


def positions_in(index: pd.Index, labels: pd.Index) -> np.ndarray | None:
    """The positions in ``index`` (a whole table's) of the rows labelled ``labels`` (a
    part of it, e.g. a scoped copy); None when a label is not the table's."""
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1 and labels.dtype.kind == "i":
        found = labels.to_numpy(dtype=np.int64)
        if len(found) and (found.min() < 0 or found.max() >= len(index)):
            return None
        return found
    found = index.get_indexer(labels)
    if len(found) and found.min() < 0:
        return None
    return found


def _codes(values: pd.Series) -> np.ndarray:
    """Dense int codes of ``values`` (-1 for a missing value)."""
    codes, _ = pd.factorize(values)
    return codes.astype(np.int32, copy=False)


def _float(values: pd.Series) -> np.ndarray:
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


class KpiFacts:
    """The per-row rule results of one dataset at one as_of (see the module docstring)."""

    def __init__(self, tables: Mapping[str, pd.DataFrame], as_of: date, cache: DatasetCache | None = None) -> None:
        # The dataset's cache: its index (institution codes, partner links) and the maps
        # the facts fill (cutoffs, dormant agreements, dated years); its own when none.
        self.cache = DatasetCache(tables) if cache is None else cache
        index = self.cache.index
        self.frames = {name: tables[name] for name in _NEEDED}
        self.as_of = as_of
        self.n = {name: len(self.frames[name]) for name in EVENTS}
        institutions = self.frames["institutions"]
        agreements = self.frames["agreements"]
        # institution code of each row, one code list for every table (ids as strings),
        # from the index's codes of each table's own ids
        uniques: dict[str, int] = {}
        self.institution: dict[str, np.ndarray] = {}
        for name in EVENTS:
            codes, values = index.institution[name]
            lookup = np.array([uniques.setdefault(str(v), len(uniques)) for v in values] + [-1], dtype=np.int32)
            self.institution[name] = lookup[codes]
        self.institution_ids = list(uniques)

        # each agreement's status at as_of (text per row), read by the pages and evidence too
        self.agreement_status = rules.agreement_status(agreements, as_of).to_numpy(dtype=object)
        self.agreement_active = self.agreement_status == "active"
        active = agreements[self.agreement_active]
        self.agreement_expiring = _positions_of(agreements, rules.expiring_agreements(active, as_of))
        self.agreement_expiry_unknown = rules.expiry_unknown(agreements)
        self._active_rows = active

        visits = self.frames["visits"]
        self.visit_incoming = _positions_of(visits, rules.incoming_visits(visits))
        self.visit_outgoing = _positions_of(visits, rules.outgoing_visits(visits))
        self.visit_remote = _positions_of(visits, rules.remote_visits(visits))
        sessions = _float(visits["sessions"])
        self.visit_sessions = np.where(np.isnan(sessions), 0.0, sessions)
        self.visit_sessions_unknown = ~rules.sessions_known(visits).to_numpy(dtype=bool)
        self.visit_foreign = _positions_of(visits, rules.foreign_rows(visits, institutions))
        self.visit_country = _codes(visits["country"])

        grants = self.frames["grants"]
        self.grant_active = _positions_of(grants, rules.active_grants(grants))
        self.grant_funded = _positions_of(grants, rules.funded_grants(grants))
        amount = pd.to_numeric(grants["amount"], errors="coerce")
        rate = usd_rates(grants["currency"], pd.to_datetime(grants["start_date"]).dt.year,
                         self.frames["fx_rates"]).where(amount.notna())
        self.grant_amount_unknown = amount.isna().to_numpy(dtype=bool)
        self.grant_without_rate = (amount.notna() & rate.isna()).to_numpy(dtype=bool)
        usd = (amount * rate).to_numpy(dtype="float64", na_value=np.nan)
        self.grant_usd = np.where(np.isnan(usd), 0.0, usd)

        students = self.frames["students"]
        self.student_foreign = _positions_of(students, rules.foreign_rows(students, institutions))
        self.student_year = _float(students["year_start"])
        self.student_started = ~(self.student_year > rules.started_academic_year(as_of))
        counts = _float(students["count"])
        self.student_count = np.where(np.isnan(counts), 0.0, counts)
        self.student_country = _codes(students["country"])
        self._links(index)

    def _links(self, index: DatasetIndex) -> None:
        """The facts of the dataset's partner links (``index``: every agreement, visit and
        grant row's link to a known partner, the rows ``scoped_partner_links`` reads)."""
        partners = self.frames["partners"]
        known = partners.drop_duplicates("partner_id").set_index("partner_id")
        self.link_source = index.link_source
        self.link_row = index.link_row
        self.link_rows_of = index.link_rows_of
        self.link_partner = index.link_partner
        lookup = {v: i for i, v in enumerate(self.institution_ids)}
        codes = []
        for value in index.link_institution_uniques:
            if str(value) not in lookup:  # an id only the links name (kept safe; event rows name them all)
                lookup[str(value)] = len(self.institution_ids)
                self.institution_ids.append(str(value))
            codes.append(lookup[str(value)])
        self.link_institution = np.array(codes + [-1], dtype=np.int32)[index.link_institution]
        partner_ids = index.link_partner_uniques
        self.partner_country = known["country"].reindex(partner_ids).to_numpy(dtype=object, na_value=None)
        self.partner_type = known["type"].reindex(partner_ids).to_numpy(dtype=object, na_value=None)
        country_of_link = pd.Series(self.partner_country[self.link_partner], dtype=object)
        institution_of_link = pd.Series(index.link_institution_uniques).take(index.link_institution)
        frame = pd.DataFrame({"institution_id": institution_of_link.to_numpy(), "country": country_of_link})
        self.link_foreign = _positions_of(frame, rules.foreign_rows(frame, self.frames["institutions"]))
        irn_partner = np.array([t in rules.IRN_PARTNER_TYPES for t in self.partner_type], dtype=bool)
        self.link_irn = self.link_foreign & irn_partner[self.link_partner] if len(frame) else self.link_foreign
        self.link_country = _codes(country_of_link)

    # ------------------------------------------------------------------ who may ask

    @staticmethod
    def usable(tables: Mapping[str, pd.DataFrame]) -> bool:
        """Whether these tables can have facts: every table there, unique row labels."""
        for name in _NEEDED:
            frame = tables.get(name)
            if not isinstance(frame, pd.DataFrame) or not frame.index.is_unique:
                return False
        columns = {"agreements": ("institution_id", "partner_id", "status", "signed_on", "expires_on"),
                   "visits": ("institution_id", "partner_id", "country", "direction", "mode", "sessions"),
                   "grants": ("institution_id", "partner_ids", "status", "amount", "currency", "start_date"),
                   "students": ("institution_id", "country", "year_start", "count"),
                   "partners": ("partner_id", "country", "type"),
                   "institutions": ("institution_id", "country")}
        return all(c in tables[name].columns for name, cols in columns.items() for c in cols)

    def matches(self, tables: Mapping[str, pd.DataFrame]) -> bool:
        return all(tables.get(name) is self.frames[name] for name in _NEEDED)

    def positions(self, scoped: Mapping[str, pd.DataFrame]) -> dict[str, np.ndarray] | None:
        """Each event table's scoped rows as positions in the whole table (None: some row
        is not the table's own)."""
        out = {}
        for name in EVENTS:
            part = scoped.get(name)
            found = None if part is None else self.position(name, part)
            if found is None:
                return None
            out[name] = found
        return out

    def position(self, name: str, part: pd.DataFrame) -> np.ndarray | None:
        """The positions of ``part``'s rows in the whole table ``name`` (None: a row that
        is not the table's own)."""
        frame = self.frames[name]
        if part is frame:
            return np.arange(len(frame))
        return positions_in(frame.index, part.index)

    def years(self, name: str) -> np.ndarray:
        """``rules.dated_years`` of the whole table ``name`` (float, NaN: undated), once
        per dataset (the cache's ``dated_years``)."""
        def build() -> np.ndarray:
            frame = self.frames[name]
            years = rules.dated_years(name, frame)
            return (np.full(len(frame), np.nan) if years.empty else
                    pd.to_numeric(years, errors="coerce").to_numpy(dtype="float64", na_value=np.nan))

        return self.cache.get(self.cache.dated_years, name, build)

    def up_to(self, cutoff: date) -> tuple[dict[str, np.ndarray], frozenset[tuple[str, str]]]:
        """The rows ``metrics.compare.cut_at(tables, cutoff)`` keeps (a mask per event
        table) and the busy pairs of those cut tables at as_of (the cache's ``cuts``)."""
        def build() -> tuple[dict[str, np.ndarray], frozenset[tuple[str, str]]]:
            cut = rules.cut_at(self.frames, cutoff)
            keep = {name: np.ones(self.n[name], dtype=bool) if cut[name] is self.frames[name]
                    else _positions_of(self.frames[name], cut[name]) for name in EVENTS}
            return keep, rules.busy_pairs(cut, self.as_of)

        return self.cache.get(self.cache.cuts, (self.as_of, cutoff), build)

    def dormant(self, busy: frozenset[tuple[str, str]]) -> np.ndarray:
        """Active agreements whose institution and partner had no activity (``busy``), per
        as_of and busy set (the cache's ``dormant``)."""
        def build() -> np.ndarray:
            return _positions_of(self.frames["agreements"], rules.dormant_agreements(self._active_rows, busy))

        return self.cache.get(self.cache.dormant, (self.as_of, busy), build)

    # ------------------------------------------------------------------ rows

    def row_mask(self, kpi: str, busy: frozenset[tuple[str, str]]) -> tuple[str, np.ndarray] | None:
        """(table, a mask over its whole rows) of the rows KPI ``kpi`` is computed from
        (``KpiDef.rows``: its ``Fast.where`` masks), or None when they are not one
        table's masks (see ``_row_masks``)."""
        found = _row_masks(kpi)
        if found is None:
            return None
        table, where = found
        mask = np.ones(self.n[table], dtype=bool)
        for name in where:
            mask = mask & (self.dormant(busy) if name == "agreement_dormant" else getattr(self, name))
        return table, mask

    # ------------------------------------------------------------------ figures

    def figures(self, positions: Mapping[str, np.ndarray], scope: Any, busy: frozenset[tuple[str, str]],
                institutions: Sequence[str] | None = None) -> tuple[list[dict], list[dict]]:
        """(values, notes) per group: one group (the whole scope) when ``institutions`` is
        None, else one per id in that order (the rows of that institution alone). Each a
        dict by KPI / note name in the registry's order: every figure is computed as its
        ``KpiDef.fast`` says (``Fast``), none is written here."""
        groups = 1 if institutions is None else len(institutions)
        if institutions is None:
            code_to_group = None
        else:
            wanted = {str(i): g for g, i in enumerate(institutions)}
            code_to_group = np.array([wanted.get(v, -1) for v in self.institution_ids] + [-1], dtype=np.int64)

        def group_of(codes: np.ndarray) -> np.ndarray:
            if code_to_group is None:
                return np.zeros(len(codes), dtype=np.int64)
            return code_to_group[codes]  # -1 (missing id) picks the last entry: -1

        view = _View(self, positions, scope, busy, group_of)
        reduce = _Reducer(groups)
        values: list[dict] = [{} for _ in range(groups)]
        notes: list[dict] = [{} for _ in range(groups)]
        for kpi in KPIS:
            assert kpi.fast is not None, kpi.name
            found = reduce.figure(kpi.fast, view, kpi.unit)
            for i in range(groups):
                values[i][kpi.name] = found[i]
        for note in NOTE_DEFS:
            found = reduce.figure(note.fast, view, "count")
            for i in range(groups):
                notes[i][note.name] = found[i]
        return values, notes


class _View:
    """The facts of one scope: per table the in-scope positions, their groups, and the
    masks (a fact array taken at those positions, or one that depends on the scope)."""

    def __init__(self, facts: KpiFacts, positions: Mapping[str, np.ndarray], scope: Any,
                 busy: frozenset[tuple[str, str]], group_of: Any) -> None:
        self.facts, self.positions, self.scope, self.busy = facts, positions, scope, busy
        self.group_of = group_of
        self._groups: dict[str, np.ndarray] = {}
        self._arrays: dict[tuple[str, str], np.ndarray] = {}

    def groups(self, table: str) -> np.ndarray:
        if table not in self._groups:
            f = self.facts
            codes = f.link_institution if table == "links" else f.institution[table][self.positions[table]]
            self._groups[table] = self.group_of(codes)
        return self._groups[table]

    def where(self, table: str, names: tuple[str, ...]) -> np.ndarray:
        """The in-scope rows of ``table`` where every fact of ``names`` holds (kept: the
        notes and several figures share their masks)."""
        key = (table, "&".join(names))
        if key not in self._arrays:
            mask = self.array(table, names[0]) if names else np.ones(len(self.groups(table)), dtype=bool)
            for name in names[1:]:
                mask = mask & self.array(table, name)
            self._arrays[key] = mask
        return self._arrays[key]

    def array(self, table: str, name: str) -> np.ndarray:
        """The fact ``name`` of the in-scope rows of ``table``."""
        key = (table, name)
        if key not in self._arrays:
            self._arrays[key] = self._make(table, name)
        return self._arrays[key]

    def _make(self, table: str, name: str) -> np.ndarray:
        f = self.facts
        if name == "agreement_dormant":
            return f.dormant(self.busy)[self.positions["agreements"]]
        if name == "student_latest":
            return self._latest_students()
        if name == "link_in_scope":
            return self._links_in_scope()
        full = getattr(f, name)
        return full if table == "links" else full[self.positions[table]]

    def _latest_students(self) -> np.ndarray:
        """Per group, the foreign rows of the latest started academic year among them."""
        group = self.groups("students")
        years = self.array("students", "student_year")
        foreign = (self.array("students", "student_foreign") & self.array("students", "student_started")
                   & (group >= 0) & ~np.isnan(years))
        groups = int(group.max()) + 1 if len(group) and group.max() >= 0 else 1
        latest = np.full(max(groups, 1), -np.inf)
        np.maximum.at(latest, group[foreign], years[foreign])
        in_latest = foreign.copy()
        in_latest[foreign] = years[foreign] == latest[group[foreign]]
        return in_latest

    def _links_in_scope(self) -> np.ndarray:
        """Partner links of the scope's rows, their partner passing the country and type filters."""
        f, scope = self.facts, self.scope
        in_scope = np.zeros(len(f.link_source), dtype=bool)
        for name, link_rows in f.link_rows_of.items():
            chosen = np.zeros(f.n[name], dtype=bool)
            chosen[self.positions[name]] = True
            in_scope[link_rows] = chosen[f.link_row[link_rows]]
        countries = scope.country_set
        if countries and len(f.partner_country):
            in_scope &= np.array([c in countries for c in f.partner_country], dtype=bool)[f.link_partner]
        if scope.partner_types and len(f.partner_type):
            in_scope &= np.array([t in scope.partner_types for t in f.partner_type], dtype=bool)[f.link_partner]
        return in_scope


class _Reducer:
    """count / distinct / sum / share / index per group (the reductions of ``Fast.op``)."""

    def __init__(self, groups: int) -> None:
        self.groups = groups
        self._counts: dict[tuple, list[int]] = {}

    def count(self, group: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return np.bincount(group[mask & (group >= 0)], minlength=self.groups)

    def distinct(self, group: np.ndarray, mask: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Per group, how many distinct codes ``values`` its chosen rows hold: a table of
        (group, code) seen, marked in one pass (no sort as np.unique would)."""
        keep = mask & (group >= 0) & (values >= 0)
        width = max(int(values.max()) + 1, 1) if len(values) else 1
        seen = np.zeros(self.groups * width, dtype=bool)
        seen[group[keep].astype(np.int64) * width + values[keep]] = True
        return seen.reshape(self.groups, width).sum(axis=1)

    def total(self, group: np.ndarray, mask: np.ndarray, values: np.ndarray) -> list[float]:
        """Per group, np.sum of the chosen values in row order (what pandas sums)."""
        keep = mask & (group >= 0)
        group_kept, values_kept = group[keep], values[keep]
        if self.groups == 1:
            return [float(np.sum(values_kept))]
        order = np.argsort(group_kept, kind="stable")
        group_kept, values_kept = group_kept[order], values_kept[order]
        bounds = np.searchsorted(group_kept, np.arange(self.groups + 1))
        return [float(np.sum(values_kept[bounds[i]:bounds[i + 1]])) for i in range(self.groups)]

    def figure(self, fast: Fast, view: _View, unit: str) -> list:
        """The figure ``fast`` describes, one value per group."""
        from metrics.kpis import irn_of, share

        group = view.groups(fast.table)
        mask = view.where(fast.table, fast.where)
        if fast.op == "count":
            key = (fast.table, fast.where)
            if key not in self._counts:  # a note counts the rows a figure counted already
                self._counts[key] = [int(n) for n in self.count(group, mask)]
            return self._counts[key]
        if fast.op == "distinct":
            assert fast.values is not None
            return [int(n) for n in self.distinct(group, mask, view.array(fast.table, fast.values))]
        if fast.op == "sum":
            assert fast.values is not None
            sums = self.total(group, mask, view.array(fast.table, fast.values))
            return [int(v) for v in sums] if unit == "count" else sums
        if fast.op == "share":
            assert fast.part is not None
            base = self.count(group, mask)
            part = self.count(group, view.where(fast.table, (*fast.where, fast.part)))
            return [share(part[i], base[i]) for i in range(self.groups)]
        if fast.op == "index":
            assert fast.values is not None and fast.part is not None
            partners = self.distinct(group, mask, view.array(fast.table, fast.values))
            countries = self.distinct(group, mask, view.array(fast.table, fast.part))
            return [irn_of(partners[i], countries[i]) for i in range(self.groups)]
        raise ValueError(fast.op)


# The KPIs whose rows the facts pick with one table's masks (``Fast.where``): the links,
# the students' latest year (per group) and the funded grants (their rows carry the USD
# columns the rule adds) go the general way.
_NOT_BY_MASK = frozenset({"grant_funding_usd"})


def _row_masks(kpi: str) -> tuple[str, tuple[str, ...]] | None:
    found = KPI_BY_NAME.get(kpi)
    fast = found.fast if found is not None else None
    if fast is None or kpi in _NOT_BY_MASK or fast.table in ("links", "students"):
        return None
    return fast.table, fast.where


def rows_of(ctx: Any, kpi: str) -> pd.DataFrame | None:
    """The scoped rows KPI ``kpi`` is computed from, picked with the facts' mask (the
    same rows in the same order as ``KpiDef.rows``); None: go the general way."""
    if _row_masks(kpi) is None:
        return None
    facts = facts_for(ctx)
    if facts is None:
        return None
    found_mask = facts.row_mask(kpi, ctx.busy_pairs)
    if found_mask is None:
        return None
    table, mask = found_mask
    frame = ctx.scoped[table]
    found = facts.position(table, frame)
    if found is None:
        return None
    return frame[mask[found]]


def agreement_status_of(ctx: Any, agreements: pd.DataFrame) -> pd.Series | None:
    """``rules.agreement_status`` of rows of the dataset's agreements at the context's
    as_of, read from the facts (None: rows that are not the table's own, or no facts)."""
    facts = facts_for(ctx)
    if facts is None:
        return None
    found = facts.position("agreements", agreements)
    if found is None:
        return None
    if "agreement_id" in agreements.columns:  # the rows they claim to be, or the rules decide
        own = facts.frames["agreements"]["agreement_id"].to_numpy(dtype=object)[found]
        if not np.array_equal(own, agreements["agreement_id"].to_numpy(dtype=object)):
            return None
    return pd.Series(facts.agreement_status[found], index=agreements.index, dtype=object)


def facts_for(ctx: Any) -> KpiFacts | None:
    """The ``KpiFacts`` of a context's tables and as_of, kept in its dataset cache (built
    there on first use); None when the context has no cache, the cache is another
    dataset's, or the tables cannot have facts."""
    cache = ctx.cache
    if cache is None or not cache.matches(ctx.tables) or not KpiFacts.usable(ctx.tables):
        return None
    as_of = ctx.scope.as_of
    return cache.get(cache.facts, as_of, lambda: KpiFacts(cache.tables, as_of, cache))


def scope_positions(facts: KpiFacts, ctx: Any) -> dict[str, np.ndarray] | None:
    """The positions of the context's in-scope rows of each event table: from the
    dataset's ``ScopeIndex`` masks when the context has no scoped frames yet and the
    index answers the scope (institutions and years only: no copy made), else from the
    scoped frames. None: not the tables' own rows."""
    scope = ctx.scope
    if "scoped" not in ctx.__dict__ and not (scope.faculties or scope.partner_types or scope.country_set):
        index = scope_index(ctx.tables, ctx.cache)
        if index is not None:
            try:
                found = {name: np.flatnonzero(index.mask(name, scope)) for name in EVENTS}
            except KeyError:  # a table the index does not hold
                pass
            else:
                ctx.path = "indexed"
                return found
    found_positions = facts.positions(ctx.scoped)
    if found_positions is not None:
        ctx.path = "facts"
    return found_positions


def figures_of(ctx: Any, institutions: Sequence[str] | None = None,
               cutoff: date | None = None) -> tuple[list[dict], list[dict]] | None:
    """``KpiFacts.figures`` of a context's scope (None: go the general way). ``cutoff``:
    only the events up to that day, as if the tables were ``cut_at(tables, cutoff)``
    (their busy pairs too)."""
    found = _in_scope(ctx, cutoff)
    if found is None:
        return None
    facts, positions, busy = found
    return facts.figures(positions, ctx.scope, busy if cutoff is not None else ctx.busy_pairs, institutions)


def _in_scope(ctx: Any, cutoff: date | None = None) -> tuple[Any, dict[str, np.ndarray], Any] | None:
    """(the facts, the in-scope positions of each event table, the busy pairs up to
    ``cutoff`` or None without one); None: go the general way."""
    facts = facts_for(ctx)
    if facts is None:
        return None
    positions = scope_positions(facts, ctx)
    if positions is None:
        return None
    busy = None
    if cutoff is not None:
        keep, busy = facts.up_to(cutoff)
        positions = {name: rows[keep[name][rows]] for name, rows in positions.items()}
    return facts, positions, busy


def dated_in(ctx: Any, year: int, cutoff: date | None = None) -> set[str] | None:
    """The event tables with in-scope rows dated in ``year`` (up to ``cutoff``), or None."""
    found = _in_scope(ctx, cutoff)
    if found is None:
        return None
    facts, positions, _ = found
    return {name for name in rules.DATED_TABLES if bool(np.any(facts.years(name)[positions[name]] == year))}


def dated_counts(ctx: Any) -> dict[str, tuple[set[int], int, int]] | None:
    """Per event table: (the years its in-scope rows are dated in, dated rows, rows), or None."""
    found = _in_scope(ctx)
    if found is None:
        return None
    facts, positions, _ = found
    out = {}
    for name in rules.DATED_TABLES:
        years = facts.years(name)[positions[name]]
        known = years[~np.isnan(years)]
        out[name] = ({int(y) for y in np.unique(known)}, len(known), len(years))
    return out
