"""Evidence documents: which document a row's ``source`` cites, and the rows each one proves.

A row's ``source`` cites a document as ``doc_id: "quote"``. The part before the colon
(or the whole text when there is no quote) is looked up in the ``documents`` table by
``doc_id``, then by ``file`` (also without its folder), then by ``title``, ignoring case:
a source written before the table existed (``000_22ea42b7b3877478.txt: "..."``) resolves
to the document whose file (or id) is that name. A document may also be attached to a row
(``attached_to`` = ``agreements:a-1``, ``students:2``): the row is then proved by it too.
Definitions: docs/data-contract.md "Documents".

    >>> docs = DocumentIndex(tables.get("documents"))
    >>> docs.resolve('samsmu-web: "maintains partnerships"')
    'samsmu-web'
    >>> docs.of_row("agreements", "a-1", 'samsmu-web: "..."')
    ['samsmu-web', 'att-3f2a']
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.tables import EVENT_TABLES, EVIDENCE_TABLE

# Kinds that are public by nature: without a written ``public`` they may leave the
# institution in the public edition; every other document (and every kept file) may not.
PUBLIC_DOCUMENT_KINDS = ("web_page", "article")
# The tables whose rows a document can be attached to (documents.attached_to).
ATTACHABLE_TABLES = EVENT_TABLES
# The tables whose rows carry a ``source`` and feed figures, in the order they are listed.
SOURCE_TABLES = ("institutions", "partners", "agreements", "visits", "grants", "students")
_CITATION = re.compile(r"^\s*([^:\"“”«»]{1,200}?)\s*:\s*[\"“«]")
# The id column of each table whose rows are cited ("students" rows are ``students:<row>``).
ROW_ID_COLUMN = {"institutions": "institution_id", "partners": "partner_id",
                 "agreements": "agreement_id", "visits": "visit_id", "grants": "grant_id"}


def cited(source: object) -> str:
    """The document part of a source: before ``: "quote"``, else the whole text ("" if none)."""
    if not isinstance(source, str):
        return ""
    match = _CITATION.match(source)
    return match.group(1).strip() if match else source.strip()


def _fold(text: object) -> str:
    return " ".join(str(text).casefold().split()) if isinstance(text, str) else ""


def row_ids(table: str, frame: pd.DataFrame) -> list[str]:
    """The id each row is shown and attached by: its key, or ``students:<row>``."""
    if table == "students":
        rows = frame["_row"] if "_row" in frame.columns else pd.Series(frame.index, index=frame.index)
        return [f"students:{int(r)}" for r in rows]
    column = ROW_ID_COLUMN.get(table)
    if column is None or column not in frame.columns:
        return ["" for _ in range(len(frame))]
    return ["" if pd.isna(v) else str(v) for v in frame[column]]


def is_public(row: Mapping) -> bool:
    """May the document leave the institution (the public edition)? As written, else yes for
    a web page or an article that is not a kept file, no for anything else."""
    written = row.get("public")
    if isinstance(written, bool):
        return written
    has_file = isinstance(row.get("file"), str) and bool(str(row.get("file")).strip())
    return row.get("kind") in PUBLIC_DOCUMENT_KINDS and not has_file


@dataclass(frozen=True)
class Document:
    """One document as the screens and the pack cite it."""

    doc_id: str
    title: str
    kind: str | None
    author: str | None
    published_on: object  # a date, or None
    published_on_precision: str | None
    url: str | None
    file: str | None
    language: str | None
    public: bool
    attached_to: str | None
    note: str | None


def _text(value: object) -> str | None:
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


class DocumentIndex:
    """The documents table, looked up by id, file or title (no case)."""

    def __init__(self, frame: pd.DataFrame | None):
        self.documents: dict[str, Document] = {}
        self._by: dict[str, str] = {}
        self._attached: dict[str, list[str]] = {}
        self.present = frame is not None and "doc_id" in frame.columns and not frame.empty
        if not self.present:
            return
        assert frame is not None
        for record in frame.to_dict("records"):
            doc_id = _text(record.get("doc_id"))
            if doc_id is None or doc_id in self.documents:
                continue
            doc = Document(
                doc_id=doc_id, title=_text(record.get("title")) or doc_id,
                kind=_text(record.get("kind")), author=_text(record.get("author")),
                published_on=record.get("published_on") if _text(record.get("published_on")) else None,
                published_on_precision=_text(record.get("published_on_precision")),
                url=_text(record.get("url")), file=_text(record.get("file")),
                language=_text(record.get("language")), public=is_public(record),
                attached_to=_text(record.get("attached_to")), note=_text(record.get("note")))
            self.documents[doc_id] = doc
            if doc.attached_to:
                self._attached.setdefault(doc.attached_to, []).append(doc_id)
        # Lookup order: an id wins over a file name, a file name over a title.
        for doc in reversed(list(self.documents.values())):
            if doc.title:
                self._by[_fold(doc.title)] = doc.doc_id
        for doc in reversed(list(self.documents.values())):
            if doc.file:
                self._by[_fold(doc.file)] = doc.doc_id
                self._by[_fold(doc.file.replace("\\", "/").rsplit("/", 1)[-1])] = doc.doc_id
        for doc in self.documents.values():
            self._by[_fold(doc.doc_id)] = doc.doc_id

    def __len__(self) -> int:
        return len(self.documents)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self.documents

    def get(self, doc_id: str) -> Document | None:
        return self.documents.get(doc_id)

    def resolve(self, source: object) -> str | None:
        """The id of the document ``source`` cites, or None (no source, or no such document)."""
        reference = cited(source)
        if not reference:
            return None
        return self._by.get(_fold(reference))

    @property
    def attachment_keys(self) -> set[str]:
        """Every ``TABLE:ID`` some document is attached to."""
        return set(self._attached)

    def attached(self, table: str, row_id: str) -> list[str]:
        """The documents attached to row ``row_id`` of ``table`` (``students:2`` for students)."""
        key = row_id if row_id.startswith(f"{table}:") else f"{table}:{row_id}"
        return list(self._attached.get(key, []))

    def of_row(self, table: str, row_id: str, source: object) -> list[str]:
        """Every document behind one row: the one its source cites, then its attachments."""
        out: list[str] = []
        cited_id = self.resolve(source)
        if cited_id is not None:
            out.append(cited_id)
        if table in ATTACHABLE_TABLES:
            out.extend(d for d in self.attached(table, row_id) if d not in out)
        return out

    def of_rows(self, table: str, frame: pd.DataFrame) -> list[list[str]]:
        """``of_row`` for every row of ``frame`` (a table's rows, with their ``source``):
        resolved once per distinct source; row ids are read only when some document is
        attached to a row of ``table``."""
        n = len(frame)
        sources = frame["source"] if "source" in frame.columns else pd.Series([None] * n, index=frame.index)
        memo: dict[object, list[str]] = {}
        out = []
        for source in sources.tolist():
            key = source if isinstance(source, str) else None
            if key not in memo:
                found = self.resolve(key)
                memo[key] = [] if found is None else [found]
            out.append(memo[key])
        if table in ATTACHABLE_TABLES and any(k.startswith(f"{table}:") for k in self._attached):
            out = [docs + [d for d in self.attached(table, rid) if d not in docs]
                   for docs, rid in zip(out, row_ids(table, frame), strict=True)]
        return out

    def citing_rows(self, tables: Mapping[str, pd.DataFrame]) -> dict[str, list[tuple[str, str]]]:
        """``{doc_id: [(table, row id), ...]}``: the rows each document proves."""
        out: dict[str, list[tuple[str, str]]] = {d: [] for d in self.documents}
        for table in SOURCE_TABLES:
            frame = tables.get(table)
            if frame is None or frame.empty:
                continue
            for rid, docs in zip(row_ids(table, frame), self.of_rows(table, frame), strict=True):
                for doc_id in docs:
                    out[doc_id].append((table, rid))
        return out


def unresolved(tables: Mapping[str, pd.DataFrame], index: DocumentIndex) -> pd.DataFrame:
    """Rows with no source and sources that cite no known document (the latter only when the
    dataset has a documents table): table, id, row, source, what (``no_source`` /
    ``unknown_document``)."""
    parts = []
    for table in SOURCE_TABLES:
        frame = tables.get(table)
        if frame is None or frame.empty:
            continue
        n = len(frame)
        cells = frame["source"].tolist() if "source" in frame.columns else [None] * n
        text = [v if isinstance(v, str) and v.strip() else None for v in cells]
        empty = np.array([v is None for v in text], dtype=bool)
        unknown = np.zeros(n, dtype=bool)
        if index.present and not empty.all():
            known = {v: index.resolve(v) is not None for v in set(text) if v is not None}
            unknown = np.array([v is not None and not known[v] for v in text], dtype=bool)
        if empty.any() and table in ATTACHABLE_TABLES and index.attachment_keys:
            ids = row_ids(table, frame)
            empty = empty & ~np.array([bool(index.attached(table, rid)) for rid in ids], dtype=bool)
        flagged = empty | unknown
        if not flagged.any():
            continue
        picked = frame[flagged]
        rows = picked["_row"] if "_row" in picked.columns else pd.Series([None] * len(picked), index=picked.index)
        parts.append(pd.DataFrame({
            "table": table, "id": row_ids(table, picked), "_row": rows.to_numpy(),
            "source": [text[i] or "" for i in np.flatnonzero(flagged)],
            "problem": np.where(unknown[flagged], "unknown_document", "no_source")}))
    columns = ["table", "id", "_row", "source", "problem"]
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)


def quote_of(source: object) -> str:
    """The quoted part of a source (after ``doc_id:``), "" when it cites no quote."""
    if not isinstance(source, str):
        return ""
    match = _CITATION.match(source)
    return source[match.end(1):].lstrip().removeprefix(":").strip() if match else ""


def fed_figures(evidence: Mapping[str, tuple[str, pd.DataFrame]],
                tables: Mapping[str, pd.DataFrame]) -> dict[tuple[str, str], list[str]]:
    """``{(table, row id): [kpi, ...]}``: the figures each row is counted in.

    ``evidence`` is ``{kpi: (evidence_of, metrics.evidence_frame(...))}``. A country figure
    counts the rows its frame lists in ``ids`` (partner, visit or student rows)."""
    table_of: dict[str, str] = {}
    for table in ("partners", "visits"):
        frame = tables.get(table)
        if frame is not None and not frame.empty:
            for rid in row_ids(table, frame):
                table_of.setdefault(rid, table)
    out: dict[tuple[str, str], list[str]] = {}
    for kpi, (kind, frame) in evidence.items():
        if frame is None or frame.empty:
            continue
        if kind == "country":
            keys = set()
            for ids in frame.get("ids", pd.Series(dtype=object)).dropna():
                for rid in str(ids).split(";"):
                    rid = rid.strip()
                    if rid.startswith("students:"):
                        keys.add(("students", rid))
                    elif rid in table_of:
                        keys.add((table_of[rid], rid))
        elif kind == "students":
            column = frame["row_id"] if "row_id" in frame.columns else pd.Series(row_ids("students", frame))
            keys = {("students", str(r)) for r in column}
        else:
            table = EVIDENCE_TABLE[kind]
            keys = {(table, r) for r in row_ids(table, frame) if r}
        for key in keys:
            out.setdefault(key, []).append(kpi)
    return out
