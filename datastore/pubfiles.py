"""The store's publication export records (``publication_files``), read and written inside a
store transaction; the rules for keeping a file are in ``datastore.publications``."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert, or_, select, update

from datastore import db
from datastore.paths import UnsafeName, safe_child
from research import PUBLICATIONS_DIR

_LOG = logging.getLogger("coop.store")


@dataclass(frozen=True)
class KeptExport:
    """One export file kept in the store."""

    id: int
    name: str
    institution_id: str  # "" = whichever of the dataset's institutions its papers name
    sha256: str
    size: int
    editor: str
    since: int  # the version that added it


def kept_at(conn, number: int) -> list[KeptExport]:
    p = db.publication_files
    rows = conn.execute(
        select(p.c.id, p.c.name, p.c.institution_id, p.c.sha256, p.c.size, p.c.editor, p.c.since)
        .where(p.c.since <= number, or_(p.c.until.is_(None), p.c.until > number))
        .order_by(p.c.institution_id, p.c.name, p.c.id)
    ).all()
    return [KeptExport(*row) for row in rows]


def restore_exports(conn, to_version: int, number: int) -> None:
    """Make version ``number``'s exports those of ``to_version`` (called by a rollback,
    inside its transaction, after ``number`` is written)."""
    before = {k.id: k for k in kept_at(conn, number - 1)}
    wanted = {k.id: k for k in kept_at(conn, to_version)}
    end_exports(conn, [i for i in before if i not in wanted], number)
    p = db.publication_files
    for export_id in [i for i in wanted if i not in before]:
        row = conn.execute(select(p).where(p.c.id == export_id)).mappings().one()
        conn.execute(insert(p).values(
            name=row["name"], institution_id=row["institution_id"], content=row["content"],
            sha256=row["sha256"], size=row["size"], editor=row["editor"], since=number, until=None))


def write_exports(conn, number: int, folder: Path) -> int:
    """Write version ``number``'s exports under ``folder/publications/``; how many."""
    p = db.publication_files
    rows = conn.execute(
        select(p.c.id, p.c.name, p.c.institution_id, p.c.content)
        .where(p.c.since <= number, or_(p.c.until.is_(None), p.c.until > number))
        .order_by(p.c.id)
    ).all()
    written = 0
    for export_id, name, institution_id, content in rows:
        parts = (PUBLICATIONS_DIR, institution_id) if institution_id else (PUBLICATIONS_DIR,)
        try:
            target = safe_child(folder, *parts)
            _own_folder(target)
            path = safe_child(target, name)
            if path.exists() or path.is_symlink():  # a base-data file of that name: keep both
                path = safe_child(target, f"{export_id}-{name}")
        except UnsafeName as exc:  # kept before ids were checked: never written outside
            _LOG.warning("Export %s not written: %s", export_id, exc)
            continue
        path.write_bytes(content)
        written += 1
    return written


def _own_folder(target: Path) -> None:
    """``target`` as a real folder of this version: a base-data folder linked there (its
    files are linked one by one instead), so that nothing is written into the base data."""
    if target.is_symlink():
        source = target.resolve()
        target.unlink()
        target.mkdir()
        for entry in sorted(source.iterdir()):
            (target / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    target.mkdir(parents=True, exist_ok=True)


def end_exports(conn, ids: list[int], number: int) -> None:
    if ids:
        conn.execute(update(db.publication_files)
                     .where(db.publication_files.c.id.in_(ids)).values(until=number))
