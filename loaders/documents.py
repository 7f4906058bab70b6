"""Where a dataset keeps its evidence files: the ``documents/`` folder beside the tables.

A ``documents.file`` cell is a file name (or a path inside that folder). It is only ever
opened inside the folder: a name that climbs out (``..``), an absolute path or a link
leading elsewhere is treated as missing.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

DOCUMENTS_DIR = "documents"


def safe_document_name(name: str) -> bool:
    """A relative path with no ``..``, no drive and no hidden part."""
    text = str(name).replace("\\", "/").strip()
    if not text or text.startswith("/") or ":" in text:
        return False
    parts = PurePosixPath(text).parts
    return bool(parts) and not any(p in ("..", ".") or p.startswith(".") for p in parts)


def document_path(folder: Path | str | None, name: str) -> Path | None:
    """The file ``name`` in ``folder/documents/``, or None (not there, or not inside it)."""
    if folder is None or not safe_document_name(name):
        return None
    root = (Path(folder) / DOCUMENTS_DIR).resolve()
    path = (root / str(name).replace("\\", "/").strip()).resolve()
    if not path.is_file() or root not in path.parents:
        return None
    return path
