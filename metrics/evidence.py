"""Evidence: the rows behind every figure, as ids (for the JSON report) and as tables.

For a count KPI the ids are exactly what is counted (``len(ids) == value``); for a sum
or share they are the rows summed or divided. Ids are ``agreement_id``, ``visit_id``,
``grant_id``, ``partner_id``, ISO alpha-3 codes for the country KPIs, and
``students:<row>`` for student rows (their row number in the user's file).
Definitions: docs/metrics.md "Evidence".

    >>> evidence(tables, scope)["agreements_active"]
    ['a1', 'a4']
    >>> evidence_frame(tables, scope, "partner_countries")   # one row per country
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from metrics import columnar, rules
from metrics.cache import DatasetCache
from metrics.kpis import KpiContext
from metrics.registry import KPI_BY_NAME, KPIS, KpiDef
from metrics.scope import Scope

ID_COLUMN = {"agreement": "agreement_id", "visit": "visit_id", "grant": "grant_id", "partner": "partner_id",
             "country": "country"}


def student_ids(rows: pd.DataFrame) -> list[str]:
    """``students:<row>`` for student rows (row number as the user sees it)."""
    if rows.empty:
        return []
    return [f"students:{int(r)}" for r in rows["_row"]] if "_row" in rows.columns else [
        f"students:{i}" for i in rows.index]


def ids_of(kpi: KpiDef, rows: pd.DataFrame) -> list[str]:
    """The sorted, distinct evidence ids of a KPI's rows."""
    if kpi.evidence_of == "students":
        return sorted(set(student_ids(rows)))  # sorted as text, like every id list
    column = ID_COLUMN[kpi.evidence_of]
    if rows.empty:
        return []
    return sorted({str(v) for v in rows[column].dropna()})


def evidence(
    tables: Mapping[str, pd.DataFrame],
    scope: Scope,
    scoped: Mapping[str, pd.DataFrame] | None = None,
    cache: DatasetCache | None = None,
) -> dict[str, list[str]]:
    """``{kpi: sorted ids}`` for every KPI of the registry."""
    ctx = KpiContext(tables, scope, scoped, cache)
    return {kpi.name: ids_of(kpi, kpi.rows(ctx)) for kpi in KPIS}


def _detail(ctx: KpiContext, kpi: KpiDef, rows: pd.DataFrame) -> pd.DataFrame:
    """The table a person reads for ``kpi``: one row per evidence id."""
    if kpi.evidence_of == "partner":
        ids = ids_of(kpi, rows)
        partners = ctx.tables["partners"].drop_duplicates("partner_id")
        detail = partners[partners["partner_id"].astype(str).isin(ids)].copy()
        linked = rows.groupby(rows["partner_id"].astype(str))["institution_id"].agg(
            lambda s: sorted({str(v) for v in s}))
        detail["institutions"] = detail["partner_id"].astype(str).map(linked)
        return detail.sort_values("partner_id").reset_index(drop=True)
    if kpi.evidence_of == "country":
        return _countries(ctx, kpi, rows)
    if kpi.evidence_of == "students":
        detail = rows.copy()
        detail.insert(0, "row_id", student_ids(rows))
        return detail.sort_values("_row" if "_row" in detail.columns else "row_id").reset_index(drop=True)
    column = ID_COLUMN[kpi.evidence_of]
    detail = rows.drop_duplicates(column).copy()
    if kpi.evidence_of == "agreement":
        status = columnar.agreement_status_of(ctx, detail)
        detail["status_at_as_of"] = rules.agreement_status(detail, ctx.scope.as_of) if status is None else status
    return detail.sort_values(column).reset_index(drop=True)


def _countries(ctx: KpiContext, kpi: KpiDef, rows: pd.DataFrame) -> pd.DataFrame:
    """One row per country: what places it (partner, visit or student rows) and their sources."""
    columns = ["country", "rows", "ids", "sources"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    if "partner_id" in rows.columns and "visit_id" not in rows.columns and "year_start" not in rows.columns:
        partners = ctx.tables["partners"].drop_duplicates("partner_id").set_index("partner_id")
        source = rows["partner_id"].map(partners["source"]) if "source" in partners.columns else None
        ids = rows["partner_id"].astype(str)
    elif "visit_id" in rows.columns:
        source, ids = rows.get("source"), rows["visit_id"].astype(str)
    else:
        source, ids = rows.get("source"), pd.Series(student_ids(rows), index=rows.index)
    frame = pd.DataFrame({"country": rows["country"].to_numpy(), "id": ids.to_numpy(),
                          "source": source.to_numpy() if source is not None else None})
    out = []
    for country, part in frame.groupby("country", sort=True):
        found = sorted(set(part["id"]))
        sources = sorted({str(s) for s in part["source"].dropna() if str(s)})
        out.append({"country": country, "rows": len(found), "ids": "; ".join(found), "sources": " | ".join(sources)})
    return pd.DataFrame(out, columns=columns)


def evidence_frame(
    tables: Mapping[str, pd.DataFrame],
    scope: Scope,
    name: str,
    scoped: Mapping[str, pd.DataFrame] | None = None,
    cache: DatasetCache | None = None,
) -> pd.DataFrame:
    """The rows behind KPI ``name`` with their columns (``source``, ``_row``), one per id."""
    ctx = KpiContext(tables, scope, scoped, cache)
    kpi = KPI_BY_NAME[name]
    rows = columnar.rows_of(ctx, name)  # the same rows, from the rules run once per dataset
    return _detail(ctx, kpi, kpi.rows(ctx) if rows is None else rows)
