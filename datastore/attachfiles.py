"""The store's attached files (``attachment_files``): the bytes of every file an office
attached to a row, kept once per content, read and written inside a store transaction. The
rules for attaching one are in ``datastore.attachments``.

A file is kept by its SHA-256 and never removed: which files a version holds is said by its
``documents`` rows (``file`` = ``<sha256>/<name>``), which are versioned like every row, so
a rollback brings back exactly the attachments of the version it restores. The materialised
version folder holds them in ``documents/<sha256>/<name>``, where the loaders and the pack
find them.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import Column, Integer, LargeBinary, String, Table, Text, insert, select

from datastore import db
from datastore.paths import UnsafeName, safe_child
from loaders.documents import DOCUMENTS_DIR, safe_document_name

attachment_files = Table(
    "attachment_files",
    db.metadata,
    Column("sha256", String(64), primary_key=True),
    Column("name", Text, nullable=False),  # the name it was attached with
    Column("size", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("editor", String(64), nullable=False),
    Column("added_at", String(32), nullable=False),
)

_KEPT = re.compile(r"^([0-9a-f]{64})/([^/\\]+)$")


def ensure(conn) -> None:
    """Create the table in a store made before attachments existed (once; cheap after)."""
    attachment_files.create(conn, checkfirst=True)


def stored_name(sha256: str, name: str) -> str:
    """The ``documents.file`` of a kept file: ``<sha256>/<name>``."""
    return f"{sha256}/{name}"


def kept_sha(file: str) -> str | None:
    """The SHA-256 a ``documents.file`` names, when it is a file kept in the store."""
    match = _KEPT.match(str(file or "").strip())
    return match.group(1) if match else None


def keep(conn, sha256: str, name: str, data: bytes, editor: str, added_at: str) -> None:
    """Keep ``data`` (once per content)."""
    ensure(conn)
    found = conn.execute(select(attachment_files.c.sha256).where(attachment_files.c.sha256 == sha256)).first()
    if found is None:
        conn.execute(insert(attachment_files).values(sha256=sha256, name=name, size=len(data), content=data,
                                                     editor=editor, added_at=added_at))


def content(conn, sha256: str) -> bytes | None:
    ensure(conn)
    row = conn.execute(select(attachment_files.c.content).where(attachment_files.c.sha256 == sha256)).first()
    return None if row is None else bytes(row[0])


def write_files(conn, documents: list, folder: Path) -> int:
    """Write the kept files the version's ``documents`` rows (``RowState``) name under
    ``folder/documents/``; how many."""
    wanted = {}
    for state in documents:
        file = state.cells.get("file", "")
        sha = kept_sha(file)
        if sha and safe_document_name(file):
            wanted[file] = sha
    if not wanted:
        return 0
    ensure(conn)
    written = 0
    for file, sha in sorted(wanted.items()):
        data = content(conn, sha)
        if data is None:
            continue
        try:  # "<sha256>/<name>": two plain names under documents/ (datastore.paths)
            path = safe_child(folder, DOCUMENTS_DIR, *file.split("/", 1))
        except UnsafeName:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written += 1
    return written


__all__ = ["attachment_files", "content", "ensure", "keep", "kept_sha", "stored_name", "write_files"]
