"""One tiny hand-made dataset (the loader's clean tables, via ``metrics_fixtures.tables``)
for the columnar, cutoff and by-institution tests. Every expected figure in those tests is
worked out by hand from the rows below; the comments here give the facts they rest on.

As of 2025-06-30:
- expiring window: (2025-06-30, 2025-12-27] (as_of + 180 days);
- dormant window: [2022-06-30, 2025-06-30] (3 years up to as_of, both ends included).

Institutions: sam in UZB, adm in KAZ (so p3 in KAZ is foreign to sam but domestic to adm,
and p2 in UZB is domestic to sam but foreign to adm).
"""

from __future__ import annotations

from datetime import date

from metrics_fixtures import tables

AS_OF = date(2025, 6, 30)

INSTITUTIONS = [
    {"institution_id": "sam", "short_name": "SamSMU", "country": "UZB"},
    {"institution_id": "adm", "short_name": "ADMI", "country": "KAZ"},
]

PARTNERS = [
    {"partner_id": "p1", "name": "P1", "type": "university", "country": "KOR"},
    {"partner_id": "p2", "name": "P2", "type": "hospital", "country": "UZB"},
    {"partner_id": "p3", "name": "P3", "type": "research_center", "country": "KAZ"},
    {"partner_id": "p4", "name": "P4", "type": "company", "country": "DEU"},
]

AGREEMENTS = [
    # active, expires 2025-09-01 (in the 180-day window): expiring; sam-p1 busy (v1)
    {"agreement_id": "a1", "institution_id": "sam", "partner_id": "p1",
     "signed_on": "2021-01-01", "expires_on": "2025-09-01"},
    # active, open-ended; sam-p2 has no activity in the window (v3 is 2022-03-01): dormant
    {"agreement_id": "a2", "institution_id": "sam", "partner_id": "p2", "signed_on": "2020-05-01"},
    # written active, expired 2024-12-31 < as_of: expired (the dates decide)
    {"agreement_id": "a3", "institution_id": "sam", "partner_id": "p3",
     "signed_on": "2019-01-01", "expires_on": "2024-12-31", "status": "active"},
    # signed after as_of: planned
    {"agreement_id": "a4", "institution_id": "adm", "partner_id": "p3", "signed_on": "2025-08-01"},
    # written terminated: stands
    {"agreement_id": "a5", "institution_id": "adm", "partner_id": "p4",
     "signed_on": "2023-02-01", "status": "terminated"},
    # active, open; adm-p1 busy only through grant g2 (2021-09-01..2023-08-31 overlaps)
    {"agreement_id": "a6", "institution_id": "adm", "partner_id": "p1", "signed_on": "2022-01-01"},
    # active, open; adm-p2 busy only through visit v8 (2025-05-05)
    {"agreement_id": "a7", "institution_id": "adm", "partner_id": "p2", "signed_on": "2020-01-01"},
]

VISITS = [
    {"visit_id": "v1", "institution_id": "sam", "partner_id": "p1", "country": "KOR",
     "direction": "incoming", "start_date": "2025-03-10", "sessions": 4},
    {"visit_id": "v2", "institution_id": "sam", "partner_id": "p1", "country": "KOR",
     "direction": "incoming", "mode": "remote", "start_date": "2024-11-05"},  # sessions unknown
    {"visit_id": "v3", "institution_id": "sam", "partner_id": "p2", "country": "UZB",
     "direction": "outgoing", "start_date": "2022-03-01"},  # domestic; before the dormant window
    {"visit_id": "v4", "institution_id": "sam", "country": "TUR",
     "direction": "incoming", "start_date": "2025-09-15", "sessions": 2},  # no partner
    {"visit_id": "v5", "institution_id": "adm", "partner_id": "p3", "country": "KAZ",
     "direction": "incoming", "start_date": "2025-02-01", "sessions": 3},  # domestic to adm
    {"visit_id": "v6", "institution_id": "adm", "partner_id": "p4", "country": "DEU",
     "direction": "outgoing", "mode": "remote", "start_date": "2024-06-01"},
    {"visit_id": "v7", "institution_id": "adm", "country": "KOR",
     "direction": "incoming", "sessions": 5},  # undated, no partner
    {"visit_id": "v8", "institution_id": "adm", "partner_id": "p2", "country": "UZB",
     "direction": "incoming", "start_date": "2025-05-05", "sessions": 1},  # foreign to adm
]

GRANTS = [
    # EUR, start 2024: rates 2023 (1.25) and 2025 (1.5) are both 1 year away -> the earlier,
    # 1.25: 100000 * 1.25 = 125000 USD
    {"grant_id": "g1", "institution_id": "sam", "partner_ids": ["p1", "p4"], "status": "active",
     "start_date": "2024-03-01", "end_date": "2026-02-28", "amount": 100000.0, "currency": "EUR"},
    # completed: funded, not active; 50000 USD
    {"grant_id": "g2", "institution_id": "adm", "partner_ids": ["p1"], "status": "completed",
     "start_date": "2021-09-01", "end_date": "2023-08-31", "amount": 50000.0, "currency": "USD"},
    # awarded, UZS has no rate: out of the sum, counted as without rate
    {"grant_id": "g3", "institution_id": "adm", "partner_ids": ["p3"], "status": "awarded",
     "start_date": "2025-04-01", "amount": 2000000.0, "currency": "UZS"},
    # awarded, amount unknown
    {"grant_id": "g4", "institution_id": "sam", "partner_ids": ["p4"], "status": "awarded",
     "start_date": "2025-01-10"},
    # rejected: neither active nor funded; its span ends before the dormant window
    {"grant_id": "g5", "institution_id": "sam", "partner_ids": ["p2"], "status": "rejected",
     "start_date": "2018-01-01", "end_date": "2019-12-31", "amount": 999.0, "currency": "USD"},
]

STUDENTS = [
    {"institution_id": "sam", "academic_year": "2023/2024", "year_start": 2023, "country": "IND", "count": 40},
    {"institution_id": "sam", "academic_year": "2024/2025", "year_start": 2024, "country": "IND", "count": 30},
    {"institution_id": "sam", "academic_year": "2024/2025", "year_start": 2024, "country": "TKM", "count": 12},
    {"institution_id": "sam", "academic_year": "2024/2025", "year_start": 2024, "country": "UZB", "count": 100},
    {"institution_id": "adm", "academic_year": "2023/2024", "year_start": 2023, "country": "KAZ", "count": 7},
    {"institution_id": "adm", "academic_year": "2023/2024", "year_start": 2023, "country": "RUS", "count": 5},
]

FX_RATES = [
    {"currency": "EUR", "year": 2023, "usd_per_unit": 1.25},
    {"currency": "EUR", "year": 2025, "usd_per_unit": 1.5},
]


def tiny_tables():
    """A fresh set of the 8 clean tables (new frames on every call)."""
    return tables(institutions=INSTITUTIONS, partners=PARTNERS, agreements=AGREEMENTS, visits=VISITS,
                  grants=GRANTS, students=STUDENTS, fx_rates=FX_RATES)
