"""Hand-made clean tables (the shape loaders produce, DESIGN.md) for the metrics tests.

Each builder takes a few dicts with only the columns a test cares about; the rest get
the clean defaults (NA text, empty lists, NaT dates, Int64 counts).
"""

from __future__ import annotations

import pandas as pd

DATE_COLUMNS = ("signed_on", "expires_on", "start_date", "end_date")
LIST_COLUMNS = ("faculty", "areas", "partner_ids")
INT_COLUMNS = ("sessions", "participants", "count")

DEFAULTS = {
    "institutions": {
        "institution_id": None,
        "name": None,
        "short_name": None,
        "city": None,
        "country": "UZB",
    },
    "partners": {
        "partner_id": None,
        "name": None,
        "type": "university",
        "country": None,
        "city": None,
    },
    "agreements": {
        "agreement_id": None,
        "institution_id": "sam",
        "partner_id": None,
        "kind": "mou",
        "faculty": [],
        "signed_on": None,
        "expires_on": None,
        "status": None,
    },
    "visits": {
        "visit_id": None,
        "institution_id": "sam",
        "partner_id": None,
        "country": None,
        "person": None,
        "direction": "incoming",
        "mode": "in_person",
        "activity": "lectures",
        "faculty": [],
        "start_date": None,
        "end_date": None,
        "sessions": None,
    },
    "grants": {
        "grant_id": None,
        "institution_id": "sam",
        "partner_ids": [],
        "title": "t",
        "faculty": [],
        "status": "active",
        "start_date": None,
        "end_date": None,
        "amount": None,
        "currency": None,
    },
    "students": {
        "institution_id": "sam",
        "academic_year": None,
        "year_start": None,
        "country": None,
        "faculty": [],
        "count": None,
    },
    "fx_rates": {"currency": None, "year": None, "usd_per_unit": None},
    "targets": {"institution_id": "sam", "year": None, "metric": None, "target": None},
}


def frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """A clean frame of ``table`` from a few hand-written rows."""
    defaults = DEFAULTS[table]
    records = []
    for number, row in enumerate(rows, start=2):
        record = {**defaults, **row, "_row": number}
        for column in LIST_COLUMNS:
            if column in record:
                record[column] = list(record[column])
        records.append(record)
    columns = [*defaults, *sorted({k for r in rows for k in r} - set(defaults)), "_row"]
    df = pd.DataFrame(records, columns=columns) if records else pd.DataFrame(columns=columns)
    for column in df.columns:
        if column in DATE_COLUMNS:
            df[column] = pd.to_datetime(df[column]).astype("datetime64[ns]")
        elif column in INT_COLUMNS or column == "_row":
            df[column] = df[column].astype("Int64")
        elif column in ("amount", "usd_per_unit", "target"):
            df[column] = df[column].astype("float64")
        elif column in ("year", "year_start"):
            df[column] = df[column].astype("Int64")
        elif column not in LIST_COLUMNS:
            df[column] = df[column].astype("str").where(df[column].notna(), pd.NA)
    return df


INSTITUTIONS = [
    {"institution_id": "sam", "short_name": "SamSMU", "country": "UZB"},
    {"institution_id": "adm", "short_name": "ADMI", "country": "UZB"},
]


def tables(**rows: list[dict]) -> dict[str, pd.DataFrame]:
    """All 8 clean tables; unnamed ones empty (institutions default to sam and adm)."""
    rows.setdefault("institutions", INSTITUTIONS)
    return {name: frame(name, rows.get(name, [])) for name in DEFAULTS}
