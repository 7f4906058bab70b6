"""Every KPI for each institution of one scope in one grouped pass.

``kpis_per_institution(ctx, ids)`` gives the same values as ``compute_kpis`` run on
``scope.replace(institutions={id})`` for each id, but reads the parent context's frames
once and splits them with group-bys (a per-institution context cost ~25 ms of fixed
pandas overhead each, whatever the data size). Exact by construction: every KPI of
METRICS.md is a count, a distinct count, an integer sum, a ratio of two of those, or a
sum of USD amounts taken over the institution's rows in the same order as the
single-institution context would.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from metrics.kpis import (
    ACTIVE_GRANT_STATUSES,
    EXPIRING_DAYS,
    IRN_PARTNER_TYPES,
    KpiContext,
    _busy_pairs,
)
from metrics.registry import KPIS

Value = int | float | None


def _counts(keys: pd.Series, mask: np.ndarray | None = None) -> dict[str, int]:
    """Rows per institution (optionally only where ``mask``)."""
    if mask is not None:
        keys = keys[mask]
    return {str(k): int(v) for k, v in keys.value_counts(dropna=True).items()}


def _nunique(frame: pd.DataFrame, key: str, column: str) -> dict[str, int]:
    if frame.empty:
        return {}
    return {str(k): int(v) for k, v in frame.groupby(key, dropna=True)[column].nunique().items()}


def _dormant_flags(ctx: KpiContext) -> np.ndarray:
    """Per active agreement: True when dormant (the rule of ``kpis.agreements_dormant``)."""
    active = ctx.active_agreements
    key = ("busy_pairs", ctx.scope.as_of)
    if key not in ctx.shared:
        ctx.shared[key] = _busy_pairs(ctx)
    busy_index = ctx.shared[key]
    if busy_index is None:
        return np.ones(len(active), dtype=bool)
    pairs = pd.MultiIndex.from_frame(active[["institution_id", "partner_id"]].astype(str))
    return ~np.asarray(pairs.isin(busy_index), dtype=bool)


def kpis_per_institution(ctx: KpiContext, institutions: Iterable[str]) -> dict[str, dict[str, Value]]:
    """``{institution_id: {kpi: value}}`` for each id (registry order of KPIs)."""
    ids = [str(i) for i in institutions]
    out: dict[str, dict[str, Value]] = {i: {} for i in ids}
    if not ids:
        return out

    # Partner links: the single-institution links are the parent's rows of that institution.
    links = ctx.partner_links
    links = links[links["institution_id"].astype(str).isin(ids).to_numpy()]
    link_inst = links["institution_id"].astype(str)
    links = links.assign(institution_id=link_inst)
    partners = _nunique(links, "institution_id", "partner_id")
    first = links.drop_duplicates(["institution_id", "partner_id"])
    partner_countries = _nunique(first, "institution_id", "country")
    home = ctx.tables["institutions"].drop_duplicates("institution_id").set_index("institution_id")
    home_country = links["institution_id"].map(home["country"]) if not links.empty else links["country"]
    foreign = links[
        links["type"].isin(IRN_PARTNER_TYPES).fillna(False).to_numpy()
        & links["country"].notna().to_numpy()
        & (links["country"] != home_country).fillna(True).to_numpy()
    ]
    irn_p = _nunique(foreign, "institution_id", "partner_id")
    irn_c = _nunique(foreign.drop_duplicates(["institution_id", "partner_id"]), "institution_id", "country")

    # Agreements.
    active = ctx.active_agreements
    active_inst = active["institution_id"].astype(str)
    expires = pd.to_datetime(active["expires_on"])
    end = ctx.as_of + pd.Timedelta(days=EXPIRING_DAYS)
    expiring_mask = ((expires > ctx.as_of) & (expires <= end)).fillna(False).to_numpy(dtype=bool)
    agreements_active = _counts(active_inst)
    agreements_expiring = _counts(active_inst, expiring_mask)
    agreements_dormant = _counts(active_inst, _dormant_flags(ctx)) if not active.empty else {}

    # Visits.
    visits = ctx.scoped["visits"]
    visit_inst = visits["institution_id"].astype(str)
    outgoing = _counts(visit_inst, (visits["direction"] == "outgoing").fillna(False).to_numpy(dtype=bool))
    mobility_countries = _nunique(visits.assign(institution_id=visit_inst), "institution_id", "country")
    incoming = ctx.incoming_visits
    in_inst = incoming["institution_id"].astype(str)
    visits_incoming = _counts(in_inst)
    remote = _counts(in_inst, (incoming["mode"] == "remote").fillna(False).to_numpy(dtype=bool))
    sessions = pd.to_numeric(incoming["sessions"], errors="coerce")
    lecture_sessions = (
        {str(k): int(v) for k, v in sessions.fillna(0).groupby(in_inst.to_numpy()).sum().items()}
        if not incoming.empty else {}
    )

    # Grants: the USD sum over each institution's rows, in row order, as one context sums.
    grants = ctx.scoped["grants"]
    grants_active = _counts(
        grants["institution_id"].astype(str),
        grants["status"].isin(ACTIVE_GRANT_STATUSES).fillna(False).to_numpy(dtype=bool),
    )
    funded = ctx.funded_grants
    funded_positions = (
        funded["institution_id"].astype(str).groupby(funded["institution_id"].astype(str).to_numpy()).indices
        if not funded.empty else {}
    )
    usd = funded["usd"]

    # Students: the latest academic year of each institution's own rows.
    students = ctx.scoped["students"]
    student_positions = (
        students["institution_id"].astype(str).groupby(students["institution_id"].astype(str).to_numpy()).indices
        if not students.empty else {}
    )

    for inst in ids:
        incoming_n = visits_incoming.get(inst, 0)
        positions = funded_positions.get(inst)
        funding = float(usd.iloc[positions].sum(skipna=True)) if positions is not None else 0.0
        rows = student_positions.get(inst)
        intl = countries = 0
        if rows is not None:
            mine = students.iloc[rows]
            years = pd.to_numeric(mine["year_start"], errors="coerce")
            if years.notna().sum() != 0:
                latest = mine[(years == years.max()).to_numpy()]
                intl = int(pd.to_numeric(latest["count"], errors="coerce").fillna(0).sum())
                countries = int(latest["country"].nunique())
        p = irn_p.get(inst, 0)
        values = {
            "partners": partners.get(inst, 0),
            "partner_countries": partner_countries.get(inst, 0),
            "agreements_active": agreements_active.get(inst, 0),
            "agreements_expiring": agreements_expiring.get(inst, 0),
            "agreements_dormant": agreements_dormant.get(inst, 0),
            "visits_incoming": incoming_n,
            "visits_outgoing": outgoing.get(inst, 0),
            "remote_share": float(remote.get(inst, 0) / incoming_n) if incoming_n else None,
            "lecture_sessions": lecture_sessions.get(inst, 0),
            "mobility_countries": mobility_countries.get(inst, 0),
            "grants_active": grants_active.get(inst, 0),
            "grant_funding_usd": funding,
            "international_students": intl,
            "student_countries": countries,
            "irn_index": float(irn_c.get(inst, 0) / math.log(p)) if p >= 2 else None,
        }
        out[inst] = {kpi.name: values[kpi.name] for kpi in KPIS}
    return out
