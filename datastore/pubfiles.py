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


def _same_file(k: KeptExport) -> tuple[str, str, str]:
    return (k.institution_id, k.name, k.sha256)


def exports_change(conn, current: int, target: int) -> tuple[list[KeptExport], list[KeptExport]]:
    """What making version ``current``'s exports those of ``target`` does: the exports it
    brings back and the ones it removes (the same institution, name and content is the
    same export, whichever record holds it)."""
    now, then = kept_at(conn, current), kept_at(conn, target)
    have = {_same_file(k) for k in now}
    want = {_same_file(k) for k in then}
    return ([k for k in then if _same_file(k) not in have],
            [k for k in now if _same_file(k) not in want])


def restore_exports(conn, to_version: int, number: int) -> tuple[list[KeptExport], list[KeptExport]]:
    """Make version ``number``'s exports those of ``to_version`` (called by a rollback,
    inside its transaction, after ``number`` is written); (brought back, removed)."""
    back, gone = exports_change(conn, number - 1, to_version)
    end_exports(conn, [k.id for k in gone], number)
    p = db.publication_files
    for export_id in [k.id for k in back]:
        row = conn.execute(select(p).where(p.c.id == export_id)).mappings().one()
        conn.execute(insert(p).values(
            name=row["name"], institution_id=row["institution_id"], content=row["content"],
            sha256=row["sha256"], size=row["size"], editor=row["editor"], since=number, until=None))
    return back, gone


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
