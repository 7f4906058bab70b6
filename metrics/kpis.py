"""The KPIs: for each, the rows it is computed from (its evidence) and how they reduce.

Each KPI is a pair of functions on a shared ``KpiContext``: ``rows_<kpi>(ctx)`` returns
the rows the figure is computed from (chosen by ``metrics.rules``), and the KPI function
reduces them (count, distinct count, sum, share, index). The registry
(``metrics.registry``) pairs them; pages, the by-institution table and the report read
the same rows. Definitions: docs/metrics.md.

    >>> ctx = KpiContext(dataset.tables, Scope(as_of=date(2025, 6, 30)))
    >>> agreements_active(ctx), len(rows_agreements_active(ctx))
    (8, 8)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import cached_property

import pandas as pd

from metrics import rules
from metrics.cache import DatasetCache
from metrics.fx import usd_rates
from metrics.rules import (  # re-exported: older callers import them from here
    ACTIVE_GRANT_STATUSES,
    DORMANT_YEARS,
    EXPIRING_DAYS,
    FUNDED_GRANT_STATUSES,
    IRN_PARTNER_TYPES,
    agreement_status,
)
from metrics.scope import Scope, apply_scope, scope_index, scoped_partner_links

__all__ = [
    "ACTIVE_GRANT_STATUSES",
    "DORMANT_YEARS",
    "EXPIRING_DAYS",
    "FUNDED_GRANT_STATUSES",
    "IRN_PARTNER_TYPES",
    "KpiContext",
    "agreement_status",
    "complete_tables",
]

# The columns each table needs here, so a table absent from a hand-made dict still works.
_COLUMNS = {
    "institutions": ["institution_id", "country"],
    "partners": ["partner_id", "type", "country"],
    "agreements": [
        "agreement_id", "institution_id", "partner_id", "faculty", "signed_on", "expires_on", "status",
    ],
    "visits": [
        "visit_id", "institution_id", "partner_id", "country", "direction", "mode", "faculty",
        "start_date", "end_date", "sessions",
    ],
    "grants": [
        "grant_id", "institution_id", "partner_ids", "faculty", "status", "start_date", "end_date",
        "amount", "currency",
    ],
    "students": ["institution_id", "academic_year", "year_start", "country", "faculty", "count"],
    "fx_rates": ["currency", "year", "usd_per_unit"],
    "targets": ["institution_id", "year", "metric", "target"],
}
_DATE_COLUMNS = {"signed_on", "expires_on", "start_date", "end_date"}


def _empty(name: str) -> pd.DataFrame:
    return pd.DataFrame(
        {c: pd.Series(dtype="datetime64[ns]" if c in _DATE_COLUMNS else object) for c in _COLUMNS[name]}
    )


def complete_tables(tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables with every one of the 8 present (an empty frame for a missing one)."""
    full = dict(tables)
    for name in _COLUMNS:
        if full.get(name) is None:
            full[name] = _empty(name)
    return full


class KpiContext:
    """The whole clean dataset, a scope, and the rows the KPIs share (each computed once)."""

    def __init__(
        self,
        tables: Mapping[str, pd.DataFrame],
        scope: Scope,
        scoped: Mapping[str, pd.DataFrame] | None = None,
        cache: DatasetCache | None = None,
    ) -> None:
        self.tables = complete_tables(tables)
        self.scope = scope
        if scoped is not None:
            self.__dict__["scoped"] = complete_tables(scoped)
        # What depends on the whole dataset only (not the scope), built once per dataset
        # version and read by every context of it (``metrics.cache``); None when that
        # cache is another dataset's: this context then computes what it needs itself.
        self.cache = cache if cache is not None and cache.matches(self.tables) else None
        # Which engine answered: "general" (the rows of each KpiDef), "facts" (the row
        # facts of metrics.columnar over the scoped frames) or "indexed" (the same facts,
        # the scope's rows from the dataset's ScopeIndex masks); set by metrics.columnar.
        self.path = "general"

    @cached_property
    def scoped(self) -> dict[str, pd.DataFrame]:
        return complete_tables(apply_scope(self.tables, self.scope, self.cache))

    @property
    def as_of(self) -> pd.Timestamp:
        return pd.Timestamp(self.scope.as_of)

    @cached_property
    def institutions(self) -> pd.DataFrame:
        return self.tables["institutions"]

    @cached_property
    def active_agreements(self) -> pd.DataFrame:
        return rules.active_agreements(self.scoped["agreements"], self.scope.as_of)

    @cached_property
    def busy_pairs(self) -> frozenset[tuple[str, str]]:
        as_of = self.scope.as_of
        if self.cache is None:
            return rules.busy_pairs(self.tables, as_of)
        return self.cache.get(self.cache.busy_pairs, as_of, lambda: rules.busy_pairs(self.tables, as_of))

    @cached_property
    def home(self) -> pd.Series:
        """Institution id -> its country (``rules.home_of``), once per dataset."""
        if self.cache is None:
            return rules.home_of(self.institutions)
        return self.cache.single("home_country", lambda: rules.home_of(self.institutions))

    @cached_property
    def incoming_visits(self) -> pd.DataFrame:
        return rules.incoming_visits(self.scoped["visits"])

    @cached_property
    def partner_links(self) -> pd.DataFrame:
        """(institution_id, partner_id, country, type) of in-scope partner links."""
        partners = self._partners_by_id()
        index = scope_index(self.tables, self.cache)
        links = index.partner_links(self.scoped, self.scope) if index is not None else None
        if links is None:
            links = scoped_partner_links(self.scoped, self.tables["partners"], self.scope)
        return links.assign(
            country=links["partner_id"].map(partners["country"]),
            type=links["partner_id"].map(partners["type"]),
        )

    @cached_property
    def foreign_links(self) -> pd.DataFrame:
        """Partner links where the partner's country differs from that institution's."""
        return rules.foreign_rows(self.partner_links, self.institutions, self.home)

    @cached_property
    def funded_grants(self) -> pd.DataFrame:
        """In-scope awarded/active/completed grants, with ``usd_rate`` and ``usd`` (NaN: unknown)."""
        grants = rules.funded_grants(self.scoped["grants"])
        amount = pd.to_numeric(grants["amount"], errors="coerce")
        rate = self.usd_rates(grants).where(amount.notna())
        return grants.assign(usd_rate=rate, usd=amount * rate)

    def _partners_by_id(self) -> pd.DataFrame:
        """The partners indexed by id (the first row of an id), once per dataset (``cache``)."""
        table = self.tables["partners"]

        def build() -> pd.DataFrame:
            return table.drop_duplicates("partner_id").set_index("partner_id")

        return build() if self.cache is None else self.cache.single("partners_by_id", build)

    def usd_rates(self, grants: pd.DataFrame) -> pd.Series:
        """``usd_rates`` of ``grants`` (rows of the dataset's grants): a row's rate depends on
        its own currency and year only, so the rates of every grant are computed once per
        dataset (``cache``) and taken by index (docs/performance.md)."""
        full, fx = self.tables["grants"], self.tables["fx_rates"]
        if self.cache is None or not full.index.is_unique or not grants.index.isin(full.index).all():
            return usd_rates(grants["currency"], pd.to_datetime(grants["start_date"]).dt.year, fx)
        rates = self.cache.single(
            "usd_rates", lambda: usd_rates(full["currency"], pd.to_datetime(full["start_date"]).dt.year, fx))
        return rates.reindex(grants.index)

    @cached_property
    def foreign_students(self) -> pd.DataFrame:
        """In-scope foreign student rows of academic years started by as_of."""
        return rules.started_students(rules.foreign_rows(self.scoped["students"], self.institutions, self.home),
                                      self.scope.as_of)


# ---------------------------------------------------------------------------
# Rows behind each KPI (docs/metrics.md order). Each frame has ``institution_id``.


def rows_partners(ctx: KpiContext) -> pd.DataFrame:
    return ctx.partner_links


def rows_partner_countries(ctx: KpiContext) -> pd.DataFrame:
    return ctx.foreign_links


def rows_agreements_active(ctx: KpiContext) -> pd.DataFrame:
    return ctx.active_agreements


def rows_agreements_expiring(ctx: KpiContext) -> pd.DataFrame:
    return rules.expiring_agreements(ctx.active_agreements, ctx.scope.as_of)


def rows_agreements_dormant(ctx: KpiContext) -> pd.DataFrame:
    active = ctx.active_agreements
    return rules.dormant_agreements(active, ctx.busy_pairs) if not active.empty else active


def rows_visits_incoming(ctx: KpiContext) -> pd.DataFrame:
    return ctx.incoming_visits


def rows_visits_outgoing(ctx: KpiContext) -> pd.DataFrame:
    return rules.outgoing_visits(ctx.scoped["visits"])


rows_remote_share = rows_visits_incoming  # the share divides these rows
rows_lecture_sessions = rows_visits_incoming  # the sum runs over these rows


def rows_mobility_countries(ctx: KpiContext) -> pd.DataFrame:
    return rules.foreign_rows(ctx.scoped["visits"], ctx.institutions, ctx.home)


def rows_grants_active(ctx: KpiContext) -> pd.DataFrame:
    return rules.active_grants(ctx.scoped["grants"])


def rows_grant_funding_usd(ctx: KpiContext) -> pd.DataFrame:
    return ctx.funded_grants


def rows_international_students(ctx: KpiContext) -> pd.DataFrame:
    # Before the latest-year rule: ``metrics.registry`` applies ``latest_academic_year``
    # to these rows (over all of them, or per institution in the by-institution table).
    return ctx.foreign_students


rows_student_countries = rows_international_students


def rows_irn_index(ctx: KpiContext) -> pd.DataFrame:
    links = ctx.foreign_links
    return links[links["type"].isin(IRN_PARTNER_TYPES).fillna(False).to_numpy(dtype=bool)]


# ---------------------------------------------------------------------------
# Reductions: rows -> figure


def count_rows(rows: pd.DataFrame) -> int:
    return len(rows)


def distinct_partners(rows: pd.DataFrame) -> int:
    return int(rows["partner_id"].nunique())


def distinct_countries(rows: pd.DataFrame) -> int:
    return int(rows["country"].nunique())


def share(part: int, base: int) -> float | None:
    """``part`` of ``base`` as a share; None (undefined, never 0) when ``base`` is 0. The
    one formula of every share (the general path and ``metrics.columnar``)."""
    return float(int(part) / int(base)) if base else None


def irn_of(partners: int, countries: int) -> float | None:
    """The IRN index L / ln(P) of P partners in L countries; None when P < 2 (the one
    formula of both paths)."""
    return float(int(countries) / math.log(int(partners))) if partners >= 2 else None


def share_remote(rows: pd.DataFrame) -> float | None:
    return share(len(rules.remote_visits(rows)) if not rows.empty else 0, len(rows))


def sum_sessions(rows: pd.DataFrame) -> int:
    return int(pd.to_numeric(rows["sessions"], errors="coerce").fillna(0).sum())


def sum_usd(rows: pd.DataFrame) -> float:
    return float(pd.to_numeric(rows["usd"], errors="coerce").sum(skipna=True)) if not rows.empty else 0.0


def sum_students(rows: pd.DataFrame) -> int:
    return int(pd.to_numeric(rows["count"], errors="coerce").fillna(0).sum())


def irn(rows: pd.DataFrame) -> float | None:
    return irn_of(rows["partner_id"].nunique(), rows.drop_duplicates("partner_id")["country"].nunique())


# Notes shown beside the figures (unknown inputs); each reduces the KPI's own rows.
def unknown_sessions(rows: pd.DataFrame) -> int:
    return int((~rules.sessions_known(rows)).sum()) if not rows.empty else 0


def unknown_amounts(rows: pd.DataFrame) -> int:
    return int(pd.to_numeric(rows["amount"], errors="coerce").isna().sum()) if not rows.empty else 0


def unknown_expiry(rows: pd.DataFrame) -> int:
    return len(rules.expiry_unknown_agreements(rows))


def count_remote(rows: pd.DataFrame) -> int:
    return len(rules.remote_visits(rows)) if not rows.empty else 0


def without_rate(rows: pd.DataFrame) -> int:
    if rows.empty:
        return 0
    amount = pd.to_numeric(rows["amount"], errors="coerce")
    return int((amount.notna() & rows["usd_rate"].isna()).sum())


# ---------------------------------------------------------------------------
# The KPI functions (value = reduction of the rows), kept for direct callers.


def _latest(rows: pd.DataFrame) -> pd.DataFrame:
    return rules.latest_academic_year(rows)


def partners(ctx: KpiContext) -> int:
    return distinct_partners(rows_partners(ctx))


def partner_countries(ctx: KpiContext) -> int:
    return distinct_countries(rows_partner_countries(ctx))


def agreements_active(ctx: KpiContext) -> int:
    return count_rows(rows_agreements_active(ctx))


def agreements_expiring(ctx: KpiContext) -> int:
    return count_rows(rows_agreements_expiring(ctx))


def agreements_dormant(ctx: KpiContext) -> int:
    return count_rows(rows_agreements_dormant(ctx))


def visits_incoming(ctx: KpiContext) -> int:
    return count_rows(rows_visits_incoming(ctx))


def visits_outgoing(ctx: KpiContext) -> int:
    return count_rows(rows_visits_outgoing(ctx))


def remote_share(ctx: KpiContext) -> float | None:
    return share_remote(rows_remote_share(ctx))


def lecture_sessions(ctx: KpiContext) -> int:
    return sum_sessions(rows_lecture_sessions(ctx))


def lecture_sessions_unknown(ctx: KpiContext) -> int:
    return unknown_sessions(rows_lecture_sessions(ctx))


def mobility_countries(ctx: KpiContext) -> int:
    return distinct_countries(rows_mobility_countries(ctx))


def grants_active(ctx: KpiContext) -> int:
    return count_rows(rows_grants_active(ctx))


def grant_funding_usd(ctx: KpiContext) -> float:
    return sum_usd(rows_grant_funding_usd(ctx))


def grants_without_rate(ctx: KpiContext) -> int:
    return without_rate(rows_grant_funding_usd(ctx))


def grants_amount_unknown(ctx: KpiContext) -> int:
    return unknown_amounts(rows_grant_funding_usd(ctx))


def international_students(ctx: KpiContext) -> int:
    return sum_students(_latest(rows_international_students(ctx)))


def student_countries(ctx: KpiContext) -> int:
    return distinct_countries(_latest(rows_student_countries(ctx)))


def irn_index(ctx: KpiContext) -> float | None:
    return irn(rows_irn_index(ctx))
