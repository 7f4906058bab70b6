"""Why the store cannot be read or written, told apart from errors of the data: a full
disk, a damaged database. Used by the store, its migrations and its command line."""

from __future__ import annotations

import errno
from pathlib import Path


def failure_kind(exc: BaseException) -> str | None:
    """``"disk_full"`` or ``"damaged"`` when ``exc`` says the store cannot be written or
    read for a reason of the server, not of the data (SQLite, PostgreSQL, the file
    system); None for anything else."""
    if isinstance(exc, StoreDamaged):
        return "damaged"
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "disk_full"
    orig = getattr(exc, "orig", None) or exc
    if getattr(orig, "sqlstate", None) in ("53100", "53000"):  # PostgreSQL: disk full
        return "disk_full"
    text = str(orig).lower()
    if "database or disk is full" in text or "no space left" in text:
        return "disk_full"
    if any(marker in text for marker in ("malformed", "file is not a database",
                                         "no such table", "database corruption")):
        return "damaged"
    return None


class StoreDamaged(Exception):
    """The SQLite file exists but is not a database (empty, truncated, overwritten)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason
