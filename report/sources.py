"""The pack's numbered sources register: every document behind the rows in scope, cited by
number everywhere a file name used to stand.

``[1] International Cooperation Relations, Samarkand State Medical University, undated,
address not given``. A row's ``source`` becomes ``[1] Title: "quote"`` in every table of
the pack (the annex's Source columns, "Where each figure comes from"), each slide and PDF
page names the numbers of the documents behind it, the Excel annex has a Documents sheet,
and ``--with-documents`` puts the kept files beside the pack (``report.evidence``).

Numbers follow the first citation (institutions, partners, agreements, visits, grants,
students, in file order) among the rows in scope, so the register has no gaps; documents
cited only outside the scope get higher numbers, which no part of the pack shows. A source
citing no known document is still listed, by what it cites, marked as such.
Definitions: docs/data-contract.md "Documents".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from i18n import fmt, t
from loaders.documents import document_path
from loaders.privacy import Privacy, source_document
from metrics.documents import SOURCE_TABLES, DocumentIndex, cited, quote_of, row_ids
from report.cells import DATE_STYLE
from report.parts import Table

Tables = Mapping[str, pd.DataFrame]
_NUMBER = re.compile(r"\[(\d+)\]")
_TITLE_MAX = 150


@dataclass(frozen=True)
class Entry:
    """One numbered document of the register, as the pack prints it."""

    number: int
    doc_id: str | None  # None: a reference that matches no document of the table
    title: str
    author: str
    date: str
    address: str  # the web address, "attached", "address not given", ...
    kind: str
    public: bool  # may it leave the institution (public edition, evidence folder)
    file: Path | None  # the kept file, when the dataset folder holds it
    note: str = ""
    url: str = ""

    @property
    def label(self) -> str:
        return f"[{self.number}]"


@dataclass
class Register:
    """The numbered documents, and what the pack's parts cite."""

    entries: list[Entry]
    numbers: dict[str, int]  # doc_id, or the cited text of an unknown reference -> number
    index: DocumentIndex
    lang: str
    in_scope: set[int] = field(default_factory=set)

    def entry(self, number: int) -> Entry:
        return self.entries[number - 1]

    @property
    def shown(self) -> list[Entry]:
        """The documents cited by the rows in scope (numbers 1..n)."""
        return [e for e in self.entries if e.number in self.in_scope]

    # ------------------------------------------------------------ rows

    def row_numbers(self, table: str, row_id: str, source: object) -> list[int]:
        """The numbers of a row's documents: the one its source cites, then attachments."""
        out = [self.numbers[d] for d in self.index.of_row(table, row_id, source) if d in self.numbers]
        if not out and isinstance(source, str) and source.strip():
            ref = cited(source)
            if ref in self.numbers:
                out.append(self.numbers[ref])
        return out

    def citation(self, numbers: Iterable[int], quote: str) -> str | None:
        """``[1] Title; [3] Title: "quote"`` (None: no document and no quote)."""
        docs = "; ".join(f"[{n}] {_plain_title(self.entry(n).title)}" for n in numbers)
        if not docs:
            return quote or None
        return f"{docs}: {quote}" if quote else docs

    def _cell(self, table: str, row_id: str, source: object) -> object:
        numbers = self.row_numbers(table, row_id, source)
        text = source if isinstance(source, str) else None
        return self.citation(numbers, quote_of(text)) if numbers else text

    def cited_tables(self, tables: Tables) -> dict[str, pd.DataFrame]:
        """``tables`` with every ``source`` cell rewritten as its citation by number."""
        out = dict(tables)
        for table in SOURCE_TABLES:
            frame = tables.get(table)
            if frame is None or frame.empty:
                continue
            sources = frame["source"] if "source" in frame.columns else pd.Series(
                [None] * len(frame), index=frame.index, dtype=object)
            # Once per distinct source; then the few rows that carry an attachment.
            values = sources.astype(object).where(sources.notna(), None)
            memo = {v: self._cell(table, "", v) for v in pd.unique(values)}
            cells = values.map(memo).astype(object).tolist()
            if any(key.startswith(f"{table}:") for key in self.index.attachment_keys):
                ids = row_ids(table, frame)
                for pos, rid in enumerate(ids):
                    if self.index.attached(table, rid):
                        cells[pos] = self._cell(table, rid, values.iloc[pos])
            out[table] = frame.assign(source=pd.Series(cells, index=frame.index, dtype=object))
        return out

    # ------------------------------------------------------------ parts of the pack

    def numbers_in(self, frames: Iterable[pd.DataFrame | None]) -> list[int]:
        """The numbers cited by rewritten rows (``source``, or a country's ``sources``)."""
        found: set[int] = set()
        for frame in frames:
            if frame is None or frame.empty:
                continue
            for column in ("source", "sources"):
                if column not in frame.columns:
                    continue
                for value in frame[column].dropna().unique():
                    for part in str(value).split(" | "):
                        found.update(int(n) for n in _NUMBER.findall(source_document(part)))
        return sorted(n for n in found if 0 < n <= len(self.entries))

    def table(self, scoped: Tables, lang: str) -> Table:
        """The register as the slides and the PDF print it: number, document, author, date,
        address (or "attached"), and how many rows in scope cite it."""
        counts: Counter = Counter()
        for table in SOURCE_TABLES:
            frame = scoped.get(table)
            if frame is None or "source" not in frame.columns:
                continue
            for value in frame["source"].dropna():
                for n in set(_NUMBER.findall(source_document(value))):
                    counts[int(n)] += 1
        rows = [[e.label, e.title + (f" ({e.kind})" if e.kind else "") + (f". {e.note}" if e.note else ""),
                 e.author, e.date, e.address, fmt.integer(counts.get(e.number, 0), lang)]
                for e in self.shown]
        return Table([t("pack.sources.col.number", lang), t("pack.col.document", lang),
                      t("pack.sources.col.author", lang), t("pack.sources.col.date", lang),
                      t("pack.sources.col.address", lang), t("pack.col.rows", lang)],
                     rows, (False, False, False, False, False, True), (6, 38, 18, 11, 19, 8),
                     "" if rows else t("pack.sources.none", lang))

    def annex_table(self, lang: str) -> Table:
        """The annex's Documents sheet: every document in scope with all that is known."""
        rows = [[e.label, e.title, e.kind, e.author, e.date, e.url, e.address, e.note,
                 t("documents.public.yes" if e.public else "documents.public.no", lang)]
                for e in self.shown]
        return Table([t("pack.sources.col.number", lang), t("pack.col.document", lang),
                      t("common.col.kind", lang), t("pack.sources.col.author", lang),
                      t("pack.sources.col.date", lang), t("page.documents.col.url", lang),
                      t("pack.sources.col.address", lang), t("pack.sources.col.note", lang),
                      t("page.documents.col.public", lang)], rows)

    def cites_line(self, numbers: Iterable[int], limit: int = 90) -> str:
        """"Sources: [1], [2], [4]–[7]" for a slide or a page ("" when none); a list longer
        than ``limit`` characters ends with "…" (the register lists them all)."""
        text = self.numbers_text(numbers, limit)
        return t("pack.sources.cites", self.lang, numbers=text) if text else ""

    def numbers_text(self, numbers: Iterable[int], limit: int = 90) -> str:
        """"[1], [2], [4]–[7]" ("" when none), cut with "…" after ``limit`` characters."""
        shown = sorted(set(numbers))
        if not shown:
            return ""
        runs: list[list[int]] = []
        for n in shown:
            if runs and n == runs[-1][-1] + 1:
                runs[-1].append(n)
            else:
                runs.append([n])
        parts = [f"[{r[0]}]" if len(r) == 1 else f"[{r[0]}]–[{r[-1]}]" if len(r) > 2
                 else f"[{r[0]}], [{r[1]}]" for r in runs]
        text = ", ".join(parts)
        if len(text) > limit:
            text = text[:limit].rsplit(",", 1)[0] + ", …"
        return text


def _plain_title(title: str) -> str:
    """A title as it can stand before ``: "quote"`` (no colon or quote marks inside)."""
    text = re.sub(r"[:\"“”«»]", " ", title)
    text = " ".join(text.split())
    return text if len(text) <= _TITLE_MAX else text[:_TITLE_MAX - 1].rstrip() + "…"


def build_register(tables: Tables, scoped: Tables, privacy: Privacy, lang: str,
                   folder: Path | None) -> Register:
    """Number every document the rows cite (those in scope first), in the pack's language;
    the public edition scrubs names and gives a document that is not public no author and
    no address."""
    index = DocumentIndex(tables.get("documents"))
    order: list[str] = []  # doc ids and unknown references, by first citation
    seen: set[str] = set()
    in_scope_refs: set[str] = set()
    for source_tables, scoped_pass in ((scoped, True), (tables, False)):
        for table in SOURCE_TABLES:
            frame = source_tables.get(table)
            if frame is None or frame.empty:
                continue
            sources = frame["source"].tolist() if "source" in frame.columns else [None] * len(frame)
            seen_pairs: set[tuple] = set()
            for docs, source in zip(index.of_rows(table, frame), sources, strict=True):
                pair = (tuple(docs), source if isinstance(source, str) else None)
                if pair in seen_pairs:  # the same citation again: nothing new to number
                    continue
                seen_pairs.add(pair)
                refs = list(docs)
                if not refs and isinstance(source, str) and source.strip() and cited(source):
                    refs = [cited(source)]
                for ref in refs:
                    if ref not in seen:
                        seen.add(ref)
                        order.append(ref)
                    if scoped_pass:
                        in_scope_refs.add(ref)
    entries, numbers = [], {}
    for number, ref in enumerate(order, start=1):
        numbers[ref] = number
        entries.append(_entry(number, ref, index, privacy, lang, folder))
    return Register(entries, numbers, index, lang, {numbers[r] for r in in_scope_refs})


def _entry(number: int, ref: str, index: DocumentIndex, privacy: Privacy, lang: str,
           folder: Path | None) -> Entry:
    doc = index.get(ref)
    if doc is None:  # a source citing no document of the table: listed by what it cites
        return Entry(number, None, privacy.text(ref) or ref, "", t("pack.sources.undated", lang),
                     t("pack.sources.unknown_document", lang), "", False, None)
    hidden = privacy.public and not doc.public
    file = document_path(folder, doc.file) if doc.file and folder is not None else None
    url = doc.url if doc.url and doc.url.lower().startswith(("http://", "https://")) else ""
    if hidden:
        address = t("pack.sources.not_public", lang)
    elif url:
        address = url
    elif file is not None:
        address = t("pack.sources.attached", lang)
    else:
        address = t("pack.sources.no_address", lang)
    date = ""
    if doc.published_on is not None and not pd.isna(doc.published_on):
        date = fmt.date_text(doc.published_on, lang, doc.published_on_precision or "day", style=DATE_STYLE)
    return Entry(
        number, doc.doc_id, privacy.text(doc.title) or doc.title,
        "" if hidden else privacy.author(doc.author or ""),
        date or t("pack.sources.undated", lang), address,
        t(f"enum.document_kind.{doc.kind}", lang) if doc.kind else "",
        doc.public, file, "" if hidden else privacy.text(doc.note or ""), "" if hidden else url)


def cites_of(register: Register, part_frames: Mapping[str, Iterable[pd.DataFrame | None]]) -> dict[str, list[int]]:
    """``{part: [numbers]}`` for each part of the pack, from the rewritten frames it shows."""
    return {part: register.numbers_in(frames) for part, frames in part_frames.items()}


__all__ = ["Entry", "Register", "build_register", "cites_of"]
