"""Evidence documents on screen: a row's document by its title, opened from where it is kept.

"Show rows", partner details and the Documents page show the document a row cites
(``metrics.documents``) by its title instead of the file name or id in ``source``, and
open it: a web address as a link, a kept file (the dataset's ``documents/`` folder, or an
attachment the data store wrote there) as a download. Definitions: docs/data-contract.md
"Documents".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import streamlit as st

from i18n import fmt, t
from loaders.documents import document_path
from metrics.documents import Document, DocumentIndex, cited, quote_of, row_ids
from ui.context import PageContext
from ui.text import plain

MIME = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".txt": "text/plain"}


@st.cache_resource(show_spinner=False, max_entries=4)
def _index(path: str, stamp: tuple, _documents: pd.DataFrame | None) -> DocumentIndex:
    del path, stamp  # the cache key
    return DocumentIndex(_documents)


def document_index(ctx: PageContext) -> DocumentIndex:
    """The dataset's documents (once per dataset)."""
    return _index(ctx.path, ctx.stamp, ctx.tables.get("documents"))


def file_of(ctx: PageContext, doc: Document) -> Path | None:
    """The document's kept file, when the dataset folder holds it."""
    if not doc.file:
        return None
    folder = Path(ctx.path)
    return document_path(folder if folder.is_dir() else folder.parent, doc.file)


def safe_url(url: str | None) -> str | None:
    """A web address a link may open (http or https only)."""
    if not url:
        return None
    text = url.strip()
    return text if text.lower().startswith(("http://", "https://")) and " " not in text else None


def date_of(doc: Document, lang: str) -> str:
    if doc.published_on is None or pd.isna(doc.published_on):
        return ""
    return fmt.date_text(doc.published_on, lang, doc.published_on_precision or "day", style="medium")


def titles(index: DocumentIndex, table: str, frame: pd.DataFrame) -> list[str]:
    """Each row's documents by title ("; " between several); an unresolved source shows
    what it cites, as written."""
    out = []
    for docs, source in zip(index.of_rows(table, frame),
                            frame["source"] if "source" in frame.columns else [None] * len(frame),
                            strict=True):
        names = [index.documents[d].title for d in docs]
        if not names and isinstance(source, str) and source.strip():
            names = [cited(source)]
        out.append("; ".join(names))
    return out


def with_documents(ctx: PageContext, table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with ``document`` (titles) and ``quote`` beside its ``source``."""
    index = document_index(ctx)
    if table == "countries":  # one row per country: its sources joined with " | "
        docs = []
        for value in frame.get("sources", pd.Series([None] * len(frame), index=frame.index)):
            found = []
            for source in str(value).split(" | ") if isinstance(value, str) else []:
                doc_id = index.resolve(source)
                name = index.documents[doc_id].title if doc_id else cited(source)
                if name and name not in found:
                    found.append(name)
            docs.append("; ".join(found))
        return frame.assign(documents=docs)
    quotes = [quote_of(s) for s in (frame["source"] if "source" in frame.columns else [None] * len(frame))]
    return frame.assign(document=titles(index, table, frame), quote=quotes)


def documents_of_frame(ctx: PageContext, table: str, frame: pd.DataFrame) -> list[str]:
    """The distinct documents behind the rows of ``frame``, in order of first use."""
    index = document_index(ctx)
    found: list[str] = []
    if table == "countries":
        for value in frame.get("sources", pd.Series(dtype=object)).dropna():
            for source in str(value).split(" | "):
                doc_id = index.resolve(source)
                if doc_id and doc_id not in found:
                    found.append(doc_id)
        return found
    for docs in index.of_rows(table, frame):
        found.extend(d for d in docs if d not in found)
    return found


def describe(doc: Document, lang: str) -> str:
    """"Author · date · kind" of a document (what is known of it), as plain text."""
    parts = [doc.author or "", date_of(doc, lang) or t("documents.no_date", lang),
             t(f"enum.document_kind.{doc.kind}", lang) if doc.kind else ""]
    return " · ".join(p for p in parts if p)


def document_links(ctx: PageContext, doc_ids: Iterable[str], key: str, heading: bool = True) -> None:
    """Each document: its title (a link when it has an address), what is known of it, and
    its kept file as a download ("Open the file")."""
    index = document_index(ctx)
    docs = [index.documents[d] for d in doc_ids if d in index.documents]
    if not docs:
        return
    lang = ctx.lang
    if heading:
        st.markdown("**" + t("documents.behind_rows", lang, n=fmt.integer(len(docs), lang)) + "**")
    shown = ctx.privacy().text  # presentation mode: no name in a title or an author (loaders.privacy)
    for n, doc in enumerate(docs):
        url = safe_url(doc.url)
        title = f"[{plain(shown(doc.title))}]({url})" if url else f"**{plain(shown(doc.title))}**"
        cols = st.columns([5, 1])
        if ctx.presenting:  # the author only when an organisation (loaders.privacy)
            doc = dataclasses.replace(doc, author=ctx.privacy().author(doc.author) or None)
        cols[0].markdown(f":material/description: {title}  \n{plain(shown(describe(doc, lang)))}")
        path = file_of(ctx, doc)
        if path is not None and not (ctx.presenting and not doc.public):
            cols[1].download_button(
                t("documents.open_file", lang), data=path.read_bytes(), file_name=path.name,
                mime=MIME.get(path.suffix.lower(), "application/octet-stream"),
                key=f"doc-{key}-{n}", icon=":material/download:", on_click="ignore")
        elif not url:
            cols[1].caption(t("documents.no_copy", lang))


def rows_frame(ctx: PageContext, doc_id: str) -> pd.DataFrame:
    """The rows that cite or carry one document: table, id, row in file, quote."""
    index = document_index(ctx)
    records = []
    for table, rows in _citing(ctx).get(doc_id, {}).items():
        frame = ctx.tables[table]
        ids = pd.Series(row_ids(table, frame), index=frame.index)
        wanted = ids.isin(set(rows)).to_numpy()
        picked = frame[wanted]
        sources = picked["source"].tolist() if "source" in picked.columns else [None] * len(picked)
        numbers = picked["_row"].tolist() if "_row" in picked.columns else [None] * len(picked)
        for rid, row, source in zip(ids[wanted].tolist(), numbers, sources, strict=True):
            attached = index.resolve(source) != doc_id
            records.append({"table": table, "id": rid, "_row": row,
                            "quote": t("documents.attached", ctx.lang) if attached else quote_of(source)})
    return pd.DataFrame(records, columns=["table", "id", "_row", "quote"])


def _citing(ctx: PageContext) -> dict[str, dict[str, list[str]]]:
    """``{doc_id: {table: [row id, ...]}}`` for the whole dataset (once per dataset)."""
    return _citing_cached(ctx.path, ctx.stamp, _Holder(ctx))


class _Holder:
    """The context, passed to a cached function without being part of its key."""

    def __init__(self, ctx: PageContext):
        self.ctx = ctx


@st.cache_resource(show_spinner=False, max_entries=4)
def _citing_cached(path: str, stamp: tuple, _holder: _Holder) -> dict[str, dict[str, list[str]]]:
    del path, stamp
    ctx = _holder.ctx
    out: dict[str, dict[str, list[str]]] = {}
    for doc_id, rows in document_index(ctx).citing_rows(ctx.tables).items():
        per: dict[str, list[str]] = {}
        for table, rid in rows:
            per.setdefault(table, []).append(rid)
        out[doc_id] = per
    return out
