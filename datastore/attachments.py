"""Files an office keeps as evidence of a row: a signed memorandum on an agreement, the
invitation letter of a visit, a certificate (docs/data-contract.md "Documents").

``attach`` checks the file (PDF, PNG, JPEG, DOCX or XLSX; no macros, no password, within
the upload size limit), keeps its bytes in the store (``datastore.attachfiles``) and adds a
``documents`` row in a new version: ``doc_id`` ``att-<12 hex>``, the title and kind given,
``file`` = ``<sha256>/<name>``, ``attached_to`` = ``agreements:a-1`` (``students:N`` for the
students row in file row N), ``public`` yes only when asked. The right to attach is the
right to change that row (an admin, or an editor of the row's institution). Keeping or
removing an attachment is a version like any save: history says who attached what, and a
rollback brings back the attachments of the version it restores.

    echo "$PW" | python -m datastore attach agreements a-samsmu-spu memo.pdf \\
        --title "Memorandum of understanding" --kind agreement --editor bobur --password-stdin
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

from datastore import attachfiles
from datastore.rows import RowState, new_id, now_text, row_key
from datastore.store import Store, StoreError, Version
from datastore.upload import (
    OLE_MAGIC,
    Limits,
    UploadRejected,
    _check_archive,
    _check_xlsx_package,
    _is_encrypted_ole,
    check_size,
)
from loaders.schema import DOCUMENT_KINDS
from metrics.documents import ATTACHABLE_TABLES

SUFFIXES = (".pdf", ".png", ".jpg", ".jpeg", ".docx", ".xlsx")
_MAGIC = {".pdf": (b"%PDF-",), ".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",),
          ".jpeg": (b"\xff\xd8\xff",), ".docx": (b"PK\x03\x04",), ".xlsx": (b"PK\x03\x04",)}


class AttachmentRejected(UploadRejected):
    """A file that cannot be attached; ``code`` is the i18n key suffix (``data.upload.*``)."""

    MESSAGES = {
        **UploadRejected.MESSAGES,
        "att_wrong_type": "{name}: only PDF, PNG, JPEG, Word (.docx) or Excel (.xlsx) files can be attached.",
        "att_not_that_type": "{name} is named {suffix} but is not such a file.",
        "att_encrypted": "{name} is protected with a password. Remove the password and attach it again.",
        "att_macros": "{name} contains macros. Save it without macros (.docx or .xlsx) and attach it again.",
        "att_damaged": "{name} is damaged and cannot be opened.",
    }


def safe_name(name: str) -> str:
    """The file name without any folder part, refused unless it is an attachable kind."""
    base = Path(str(name).replace("\\", "/")).name.strip()
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*')
    if not base or base.startswith(".") or Path(base).suffix.lower() not in SUFFIXES:
        raise AttachmentRejected("att_wrong_type", name=base or str(name))
    return base


def check_file(name: str, data: bytes, limits: Limits | None = None) -> str:
    """Refuse what may not be kept (too big, not what its name says, encrypted, with
    macros, damaged); the safe name when it may."""
    limits = limits or Limits.from_env()
    base = safe_name(name)
    check_size(data, limits)
    suffix = Path(base).suffix.lower()
    if data.startswith(OLE_MAGIC) and suffix in (".docx", ".xlsx"):
        raise AttachmentRejected("att_encrypted" if _is_encrypted_ole(data) else "att_not_that_type",
                                 name=base, suffix=suffix)
    if not data.startswith(_MAGIC[suffix]):
        raise AttachmentRejected("att_not_that_type", name=base, suffix=suffix)
    if suffix == ".pdf":
        _check_pdf(base, data)
    elif suffix in (".png", ".jpg", ".jpeg"):
        _check_picture(base, data)
    else:
        _check_office(base, data, suffix, limits)
    return base


def _check_pdf(name: str, data: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise AttachmentRejected("att_encrypted", name=name)
        len(reader.pages)
    except AttachmentRejected:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError):
        raise AttachmentRejected("att_damaged", name=name) from None


def _check_picture(name: str, data: bytes) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise AttachmentRejected("att_damaged", name=name) from None


def _check_office(name: str, data: bytes, suffix: str, limits: Limits) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise AttachmentRejected("att_damaged", name=name) from None
    with archive:
        try:
            members = _check_archive(archive, len(data), limits)
            names = {m.filename.lower() for m in members}
            if any("vbaproject" in n for n in names):
                raise AttachmentRejected("att_macros", name=name)
            if suffix == ".xlsx":
                _check_xlsx_package(archive, members, limits)
                if "xl/workbook.xml" not in names:
                    raise AttachmentRejected("att_not_that_type", name=name, suffix=suffix)
            else:
                types = archive.read("[Content_Types].xml").lower() if "[content_types].xml" in names else b""
                if b"macroenabled" in types:
                    raise AttachmentRejected("att_macros", name=name)
                if "word/document.xml" not in names:
                    raise AttachmentRejected("att_not_that_type", name=name, suffix=suffix)
        except AttachmentRejected:
            raise
        except UploadRejected as exc:  # the workbook checks: say it of this file
            code = {"macros": "att_macros", "encrypted": "att_encrypted"}.get(exc.code, "att_damaged")
            raise AttachmentRejected(code, name=name) from None


def _row_cells(rows: dict[str, list[RowState]], table: str, row_id: str) -> dict[str, str]:
    """The row ``row_id`` of ``table`` (its key; ``N`` or ``students:N`` for the students
    row in file row N of the current version)."""
    states = rows.get(table, [])
    if table == "students":
        number = row_id.split(":", 1)[1] if row_id.startswith("students:") else row_id
        index = int(number) - 2 if number.strip().isdigit() else -1
        if 0 <= index < len(states):
            return states[index].cells
    else:
        found = next((s for s in states if row_key(table, s.cells) == row_id), None)
        if found is not None:
            return found.cells
    raise StoreError("no_row", f"There is no {table} row {row_id}.", table=table)


def attach(store: Store, table: str, row_id: str, name: str, data: bytes, *, title: str, kind: str,
           editor: str, expected_current: int | None, public: bool = False, author: str = "",
           published_on: str = "", note: str = "", client: str = "",
           limits: Limits | None = None) -> Version:
    """Keep ``data`` as a document attached to row ``row_id`` of ``table`` in a new version."""
    if table not in ATTACHABLE_TABLES:
        raise StoreError("no_table", f"Files can be attached to {', '.join(ATTACHABLE_TABLES)} rows.", table=table)
    if not title.strip():
        raise StoreError("att_no_title", "A title is required.")
    if kind not in DOCUMENT_KINDS:
        raise StoreError("att_bad_kind", f"The kind must be one of {', '.join(DOCUMENT_KINDS)}.",
                         allowed=", ".join(DOCUMENT_KINDS))
    base = check_file(name, data, limits)
    digest = hashlib.sha256(data).hexdigest()
    file = attachfiles.stored_name(digest, base)
    with store.transaction() as tx:
        conn = tx.conn
        current = tx.expect(expected_current)
        live = tx.rows(current)
        cells = _row_cells(live, table, row_id.strip())
        target_id = f"students:{row_id.strip().split(':')[-1]}" if table == "students" else row_id.strip()
        attached_to = f"{table}:{target_id.removeprefix('students:')}" if table == "students" else f"{table}:{target_id}"
        documents = live.get("documents", [])
        if any(s.cells.get("attached_to") == attached_to and s.cells.get("file") == file for s in documents):
            raise StoreError("att_duplicate", f"{base} is attached to this row already.", name=base)
        doc = {"doc_id": f"att-{digest[:12]}", "title": title.strip(), "kind": kind, "author": author.strip(),
               "published_on": published_on.strip(), "url": "", "file": file, "language": "",
               "public": "yes" if public else "no", "attached_to": attached_to, "note": note.strip()}
        taken = {s.cells.get("doc_id") for s in documents}
        while doc["doc_id"] in taken:  # the same file attached to another row
            doc["doc_id"] = f"att-{digest[:12]}-{new_id()[:4]}"
        position = max((s.position for s in documents), default=-1) + 1
        target = {t: list(rs) for t, rs in live.items()}
        target["documents"] = [*documents, RowState(new_id(), position, {k: v for k, v in doc.items() if v})]
        columns = tx.columns(current)
        known = columns.get("documents") or []
        columns["documents"] = known + [c for c in doc if c not in known]
        attachfiles.keep(conn, digest, base, data, editor, now_text())
        del cells  # found: the row exists (its rights are checked on the documents row)
        return tx.commit(current, live, target, columns, editor=editor,
                         note=note or f"{title.strip()} ({base})", action="attach",
                         extra={"attach": {"table": table, "row": target_id, "file": base}},
                         client=client)


def remove(store: Store, doc_id: str, editor: str, expected_current: int | None, note: str = "",
           client: str = "") -> Version:
    """Stop keeping attachment ``doc_id`` (a new version; earlier versions keep it)."""
    with store.transaction() as tx:
        current = tx.current()
        if current != expected_current:
            from datastore.store import PublishConflict

            raise PublishConflict(expected_current, current)
        if current is None:
            raise StoreError("no_row", f"There is no document {doc_id}.", table="documents")
        live = tx.rows(current)
        documents = live.get("documents", [])
        if not any(s.cells.get("doc_id") == doc_id for s in documents):
            raise StoreError("no_row", f"There is no document {doc_id}.", table="documents")
        target = {t: list(rs) for t, rs in live.items()}
        target["documents"] = [s for s in documents if s.cells.get("doc_id") != doc_id]
        return tx.commit(current, live, target, tx.columns(current), editor=editor, note=note,
                         action="attach", extra={"detach": {"doc_id": doc_id}}, client=client)


def attached(store: Store, number: int | None = None) -> list[dict[str, str]]:
    """The documents rows with a kept file in version ``number`` (default: the current one)."""
    number = store.current() if number is None else number
    if number is None:
        return []
    return [dict(s.cells) for s in store.rows(number).get("documents", [])
            if attachfiles.kept_sha(s.cells.get("file", ""))]


__all__ = ["SUFFIXES", "AttachmentRejected", "attach", "attached", "check_file", "remove", "safe_name"]
