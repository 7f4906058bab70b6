"""Agreement outcomes: what came of each agreement (docs/metrics.md "Agreement outcomes").

The contract has no ``visits.agreement_id`` (docs/data-contract.md): a visit belongs to an
agreement when it is a visit of the agreement's institution and partner, and a grant when
it is a grant of the agreement's institution naming the partner in ``partner_ids``. Two
agreements of one institution with one partner therefore share their visits and grants.

    >>> agreement_outcomes(scoped["agreements"], scoped["visits"], scoped["grants"])
       agreement_id  visit_ids  grant_ids  last_visit
    0            a1   [v1, v2]       [g1]  2024-03-01
"""

from __future__ import annotations

import pandas as pd

from metrics.rules import visit_event_date

COLUMNS = ["agreement_id", "visit_ids", "grant_ids", "last_visit"]


def _pair_keys(frame: pd.DataFrame, partner: str = "partner_id") -> pd.Series:
    return frame["institution_id"].astype(str) + "\x1f" + frame[partner].astype(str)


def agreement_outcomes(agreements: pd.DataFrame, visits: pd.DataFrame, grants: pd.DataFrame | None
                       ) -> pd.DataFrame:
    """One row per agreement (in the agreements' order): the ids of its visits and grants
    (sorted) and the date of its latest dated visit (NaT when none is dated)."""
    if agreements.empty:
        return pd.DataFrame(columns=COLUMNS)
    visit_ids: dict[str, list[str]] = {}
    last: dict[str, pd.Timestamp] = {}
    if visits is not None and not visits.empty:
        linked = visits[visits["partner_id"].notna().to_numpy()]
        if len(linked):  # grouped once (a million visits: no Python loop over rows)
            keys = _pair_keys(linked).to_numpy()
            ids = linked["visit_id"].astype(str)
            visit_ids = {k: sorted(set(v)) for k, v in ids.groupby(keys)}
            latest = visit_event_date(linked).groupby(keys).max()
            last = {k: d for k, d in latest.items() if not pd.isna(d)}
    grant_ids: dict[str, list[str]] = {}
    if grants is not None and not grants.empty:
        named = grants[["grant_id", "institution_id", "partner_ids"]].explode("partner_ids").dropna()
        for key, gid in zip(_pair_keys(named, "partner_ids"), named["grant_id"].astype(str), strict=True):
            grant_ids.setdefault(key, []).append(gid)
    keys = _pair_keys(agreements)
    return pd.DataFrame({
        "agreement_id": agreements["agreement_id"].astype(str).to_numpy(),
        "visit_ids": [sorted(set(visit_ids.get(k, []))) for k in keys],
        "grant_ids": [sorted(set(grant_ids.get(k, []))) for k in keys],
        "last_visit": [last.get(k, pd.NaT) for k in keys],
    }, columns=COLUMNS)
