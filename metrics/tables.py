"""Groups of the dataset's tables the rules name together, each written once."""

from __future__ import annotations

# The tables of dated events an institution owns: what a scope filters by institution,
# faculty and years, and what a document can be attached to.
EVENT_TABLES: tuple[str, ...] = ("agreements", "visits", "grants", "students")
# The tables whose rows link an institution to a partner (agreements, visits, grants).
LINK_TABLES: tuple[str, ...] = ("agreements", "visits", "grants")
# The table behind each kind of evidence (``KpiDef.evidence_of``); "country" has none (its
# rows are countries).
EVIDENCE_TABLE: dict[str, str] = {"agreement": "agreements", "visit": "visits", "grant": "grants",
                                  "partner": "partners", "students": "students"}
