"""The evidence appendix: for every figure, its rows summarised per source document."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from core.missing import is_missing as _missing
from i18n import fmt, t
from loaders.privacy import Privacy, source_document
from metrics import KpiDef
from metrics.tables import EVIDENCE_TABLE
from report.cells import ID_COLUMNS, column_or_blank
from report.headline import kpi_text

IDS_SHOWN = 12  # ids listed per source document in the appendix; the annex has them all


@dataclass(frozen=True)
class EvidenceEntry:
    """Where one figure comes from: its rows, summarised per source document."""

    name: str
    label: str
    value: str
    definition: str
    rows: int
    by_document: list[tuple[str, int, str]]  # (document, rows, ids shown)


def _evidence_ids(frame: pd.DataFrame, kpi: KpiDef, privacy: Privacy) -> list[str]:
    """Ids of the evidence rows as the pack shows them (public: neutral row labels)."""
    kind = kpi.evidence_of
    if kind == "country":
        return [str(c) for c in frame["country"]]
    if kind == "students":
        return [str(r) for r in frame["row_id"]] if "row_id" in frame.columns else []
    table = EVIDENCE_TABLE[kind]
    column = ID_COLUMNS[table]
    rows = column_or_blank(frame, "_row")
    return [privacy.row_id(table, i, r) for i, r in zip(frame[column], rows, strict=False)]


def _documents_of(frame: pd.DataFrame, kpi: KpiDef) -> list[list[str]]:
    """For each evidence row, the documents it cites."""
    if kpi.evidence_of == "country":
        return [sorted({source_document(s) for s in str(v).split(" | ") if s.strip()})
                if not _missing(v) else [] for v in column_or_blank(frame, "sources")]
    return [[source_document(v)] if isinstance(v, str) and v.strip() else []
            for v in column_or_blank(frame, "source")]


def appendix_entry(kpi: KpiDef, frame: pd.DataFrame, report: dict, privacy: Privacy,
                    lang: str) -> EvidenceEntry:
    ids = _evidence_ids(frame, kpi, privacy)
    documents = _documents_of(frame, kpi)
    per_document: dict[str, list[str]] = {}
    for row_id, docs in zip(ids, documents, strict=False):
        for doc in docs or [""]:
            per_document.setdefault(doc, []).append(row_id)
    summary = []
    for doc in sorted(per_document, key=lambda d: (d == "", d)):
        found = per_document[doc]
        shown = ", ".join(found[:IDS_SHOWN])
        if len(found) > IDS_SHOWN:
            shown += " " + t("pack.appendix.more", lang, n=fmt.integer(len(found) - IDS_SHOWN, lang))
        summary.append((privacy.text(doc) or t("pack.appendix.no_source", lang), len(found),
                        shown))
    return EvidenceEntry(kpi.name, t(kpi.label_key, lang), kpi_text(kpi.name, report, lang),
                         t(kpi.definition_key, lang), len(ids), summary)
