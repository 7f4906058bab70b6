"""One pure function per KPI of METRICS.md, each reading a shared ``KpiContext``.

The context applies the scope once and keeps the frames several KPIs share (agreement
statuses, incoming visits, partner links, USD amounts). Example::

    >>> ctx = KpiContext(dataset.tables, Scope(as_of=date(2025, 6, 30)))
    >>> agreements_active(ctx), remote_share(ctx)
    (8, 0.3333333333333333)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from functools import cached_property

import pandas as pd

from metrics.fx import usd_rates
from metrics.scope import Scope, apply_scope, scoped_partner_links, visit_event_date

FUNDED_GRANT_STATUSES = frozenset({"awarded", "active", "completed"})
ACTIVE_GRANT_STATUSES = frozenset({"awarded", "active"})
IRN_PARTNER_TYPES = frozenset({"university", "research_center"})
EXPIRING_DAYS = 180
DORMANT_YEARS = 3

# The columns each table needs here, so a table absent from a hand-made dict still works.
_COLUMNS = {
    "institutions": ["institution_id", "country"],
    "partners": ["partner_id", "type", "country"],
    "agreements": [
        "agreement_id",
        "institution_id",
        "partner_id",
        "faculty",
        "signed_on",
        "expires_on",
        "status",
    ],
    "visits": [
        "visit_id",
        "institution_id",
        "partner_id",
        "country",
        "direction",
        "mode",
        "faculty",
        "start_date",
        "end_date",
        "sessions",
    ],
    "grants": [
        "grant_id",
        "institution_id",
        "partner_ids",
        "faculty",
        "status",
        "start_date",
        "end_date",
        "amount",
        "currency",
    ],
    "students": ["institution_id", "academic_year", "year_start", "country", "faculty", "count"],
    "fx_rates": ["currency", "year", "usd_per_unit"],
    "targets": ["institution_id", "year", "metric", "target"],
}
_DATE_COLUMNS = {"signed_on", "expires_on", "start_date", "end_date"}


def _empty(name: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            c: pd.Series(dtype="datetime64[ns]" if c in _DATE_COLUMNS else object)
            for c in _COLUMNS[name]
        }
    )


def complete_tables(tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables with every one of the 8 present (an empty frame for a missing one)."""
    full = dict(tables)
    for name in _COLUMNS:
        if full.get(name) is None:
            full[name] = _empty(name)
    return full


def agreement_status(agreements: pd.DataFrame, as_of: date) -> pd.Series:
    """Status at as_of: as written, else planned / expired / active (METRICS.md).

    An unknown signed_on counts as signed; an unknown expires_on never expires.
    """
    at = pd.Timestamp(as_of)
    signed = pd.to_datetime(agreements["signed_on"])
    expires = pd.to_datetime(agreements["expires_on"])
    derived = pd.Series("active", index=agreements.index, dtype=object)
    derived[(expires < at).to_numpy()] = "expired"
    derived[(signed > at).to_numpy()] = "planned"
    given = agreements["status"].astype(object)
    return given.where(given.notna(), derived)


class KpiContext:
    """The whole clean dataset, a scope, and the frames the KPIs share (computed once)."""

    def __init__(
        self,
        tables: Mapping[str, pd.DataFrame],
        scope: Scope,
        scoped: Mapping[str, pd.DataFrame] | None = None,
        shared: dict | None = None,
    ) -> None:
        self.tables = complete_tables(tables)
        self.scope = scope
        if scoped is not None:
            self.__dict__["scoped"] = complete_tables(scoped)
        # Frames that depend on the whole dataset only (not the scope), shared by the
        # contexts of one comparison (by institution, by year) so they are built once.
        self.shared = {} if shared is None else shared

    @cached_property
    def scoped(self) -> dict[str, pd.DataFrame]:
        return complete_tables(apply_scope(self.tables, self.scope))

    @property
    def as_of(self) -> pd.Timestamp:
        return pd.Timestamp(self.scope.as_of)

    @cached_property
    def active_agreements(self) -> pd.DataFrame:
        agreements = self.scoped["agreements"]
        status = agreement_status(agreements, self.scope.as_of)
        return agreements[(status == "active").to_numpy()]

    @cached_property
    def incoming_visits(self) -> pd.DataFrame:
        visits = self.scoped["visits"]
        return visits[(visits["direction"] == "incoming").fillna(False).to_numpy()]

    @cached_property
    def partner_links(self) -> pd.DataFrame:
        """(institution_id, partner_id, country, type) of in-scope partner links."""
        partners = self.tables["partners"].drop_duplicates("partner_id").set_index("partner_id")
        links = scoped_partner_links(self.scoped, self.tables["partners"], self.scope)
        links = links.assign(
            country=links["partner_id"].map(partners["country"]),
            type=links["partner_id"].map(partners["type"]),
        )
        return links

    @cached_property
    def funded_grants(self) -> pd.DataFrame:
        """In-scope awarded/active/completed grants with an amount, plus rate and usd."""
        grants = self.scoped["grants"]
        grants = grants[grants["status"].isin(FUNDED_GRANT_STATUSES).fillna(False).to_numpy()]
        amount = pd.to_numeric(grants["amount"], errors="coerce")
        grants = grants[amount.notna().to_numpy()]
        years = pd.to_datetime(grants["start_date"]).dt.year
        rate = usd_rates(grants["currency"], years, self.tables["fx_rates"])
        return grants.assign(
            usd_rate=rate, usd=pd.to_numeric(grants["amount"], errors="coerce") * rate
        )

    @cached_property
    def latest_students(self) -> pd.DataFrame:
        students = self.scoped["students"]
        years = pd.to_numeric(students["year_start"], errors="coerce")
        if years.notna().sum() == 0:
            return students.iloc[0:0]
        return students[(years == years.max()).to_numpy()]


# ---------------------------------------------------------------------------
# The KPIs (METRICS.md order)


def partners(ctx: KpiContext) -> int:
    """Distinct partners linked to in-scope agreements, visits or grants."""
    return int(ctx.partner_links["partner_id"].nunique())


def partner_countries(ctx: KpiContext) -> int:
    """Distinct countries of those partners."""
    links = ctx.partner_links.drop_duplicates("partner_id")
    return int(links["country"].nunique())


def agreements_active(ctx: KpiContext) -> int:
    """In-scope agreements whose status at as_of is active."""
    return len(ctx.active_agreements)


def agreements_expiring(ctx: KpiContext) -> int:
    """Active agreements with expires_on in (as_of, as_of + 180 days]."""
    expires = pd.to_datetime(ctx.active_agreements["expires_on"])
    end = ctx.as_of + pd.Timedelta(days=EXPIRING_DAYS)
    return int(((expires > ctx.as_of) & (expires <= end)).sum())


def agreements_dormant(ctx: KpiContext) -> int:
    """Active agreements with no visit or grant of that institution and partner in 3 years.

    Activity is looked up in the whole clean dataset, whatever the scope; undated visits
    and grants count as activity.
    """
    active = ctx.active_agreements
    if active.empty:
        return 0
    key = ("busy_pairs", ctx.scope.as_of)
    if key not in ctx.shared:
        ctx.shared[key] = _busy_pairs(ctx)
    busy_index = ctx.shared[key]
    pairs = pd.MultiIndex.from_frame(active[["institution_id", "partner_id"]].astype(str))
    if busy_index is None:
        return len(active)
    return int((~pairs.isin(busy_index)).sum())


def _busy_pairs(ctx: KpiContext) -> pd.MultiIndex | None:
    """(institution_id, partner_id) with a visit or grant in the 3 years up to as_of."""
    window_end = ctx.as_of
    window_start = ctx.as_of - pd.DateOffset(years=DORMANT_YEARS)

    visits = ctx.tables["visits"]
    when = visit_event_date(visits)
    busy_visits = when.isna() | ((when >= window_start) & (when <= window_end))
    visit_pairs = visits.loc[busy_visits.to_numpy(), ["institution_id", "partner_id"]]

    grants = ctx.tables["grants"]
    start = pd.to_datetime(grants["start_date"])
    end = pd.to_datetime(grants["end_date"])
    # Open ends overlap; a grant with neither date is undated, so it counts too.
    busy_grants = ~(start > window_end) & ~(end < window_start)
    grant_pairs = (
        grants.loc[busy_grants.to_numpy(), ["institution_id", "partner_ids"]]
        .explode("partner_ids")
        .rename(columns={"partner_ids": "partner_id"})
    )
    busy = pd.concat([visit_pairs, grant_pairs], ignore_index=True).dropna().drop_duplicates()
    return pd.MultiIndex.from_frame(busy.astype(str)) if not busy.empty else None


def visits_incoming(ctx: KpiContext) -> int:
    """In-scope visits with direction incoming."""
    return len(ctx.incoming_visits)


def visits_outgoing(ctx: KpiContext) -> int:
    """In-scope visits with direction outgoing."""
    return int((ctx.scoped["visits"]["direction"] == "outgoing").fillna(False).sum())


def remote_share(ctx: KpiContext) -> float | None:
    """Remote incoming visits / incoming visits; None when there is no incoming visit."""
    incoming = ctx.incoming_visits
    if incoming.empty:
        return None
    return float((incoming["mode"] == "remote").fillna(False).sum() / len(incoming))


def lecture_sessions(ctx: KpiContext) -> int:
    """Sum of sessions over in-scope incoming visits (an empty cell counts 0)."""
    return int(pd.to_numeric(ctx.incoming_visits["sessions"], errors="coerce").fillna(0).sum())


def lecture_sessions_unknown(ctx: KpiContext) -> int:
    """In-scope incoming visits whose number of sessions is unknown."""
    return int(pd.to_numeric(ctx.incoming_visits["sessions"], errors="coerce").isna().sum())


def mobility_countries(ctx: KpiContext) -> int:
    """Distinct countries of in-scope visits."""
    return int(ctx.scoped["visits"]["country"].nunique())


def grants_active(ctx: KpiContext) -> int:
    """In-scope grants with status awarded or active."""
    return int(ctx.scoped["grants"]["status"].isin(ACTIVE_GRANT_STATUSES).fillna(False).sum())


def grant_funding_usd(ctx: KpiContext) -> float:
    """USD sum of in-scope awarded, active and completed grants (unconvertible ones left out)."""
    return float(ctx.funded_grants["usd"].sum(skipna=True))


def grants_without_rate(ctx: KpiContext) -> int:
    """Grants left out of grant_funding_usd because their currency has no rate at all."""
    return int(ctx.funded_grants["usd_rate"].isna().sum())


def grants_amount_unknown(ctx: KpiContext) -> int:
    """Funded grants (awarded, active, completed) in scope whose amount is unknown."""
    grants = ctx.scoped["grants"]
    funded = grants["status"].isin(FUNDED_GRANT_STATUSES).fillna(False).to_numpy()
    return int(pd.to_numeric(grants["amount"], errors="coerce")[funded].isna().sum())


def international_students(ctx: KpiContext) -> int:
    """Students of the latest academic year among in-scope student rows."""
    return int(pd.to_numeric(ctx.latest_students["count"], errors="coerce").fillna(0).sum())


def student_countries(ctx: KpiContext) -> int:
    """Distinct countries among the latest academic year's student rows."""
    return int(ctx.latest_students["country"].nunique())


def irn_index(ctx: KpiContext) -> float | None:
    """L / ln(P) over foreign university and research-center partners; None when P < 2."""
    links = ctx.partner_links
    home = ctx.tables["institutions"].drop_duplicates("institution_id").set_index("institution_id")
    home_country = links["institution_id"].map(home["country"])
    foreign = links[
        links["type"].isin(IRN_PARTNER_TYPES).fillna(False).to_numpy()
        & links["country"].notna().to_numpy()
        & (links["country"] != home_country).fillna(True).to_numpy()
    ]
    p = foreign["partner_id"].nunique()
    if p < 2:
        return None
    countries = foreign.drop_duplicates("partner_id")["country"].nunique()
    return float(countries / math.log(p))
