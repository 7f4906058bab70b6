"""One-off moves into the database store: the old ``store/versions/N/`` folders and the
editors of ``.streamlit/secrets.toml`` (the file store's accounts, all of them admins).

Each runs once per database (a ``meta`` row remembers it). Folders ``versions/.tmp-*``
(a publish killed half-way, never current) are removed, not imported.
"""

from __future__ import annotations

import json
import shutil

from sqlalchemy import insert, select

from datastore import db
from datastore.editors import load_editors
from datastore.rows import RowState, StoreError, frames_from_folder, match_by_key, new_id
from datastore.security import _now_text, log_event

FOLDERS_DONE = "migrated_version_folders"
EDITORS_DONE = "migrated_secrets_editors"


def _done(conn, key: str) -> bool:
    return conn.execute(select(db.meta.c.key).where(db.meta.c.key == key)).first() is not None


def migrate_folders_once(store) -> None:
    versions_dir = store.root / "versions"
    with store.transaction() as tx:
        conn = tx.conn
        if not _done(conn, EDITORS_DONE):
            _migrate_editors(conn)
            conn.execute(insert(db.meta).values(key=EDITORS_DONE, value="1"))
        if _done(conn, FOLDERS_DONE):
            return
        conn.execute(insert(db.meta).values(key=FOLDERS_DONE, value="1"))
        if not versions_dir.is_dir():
            return
        for item in versions_dir.iterdir():
            if item.name.startswith(".tmp-"):
                shutil.rmtree(item, ignore_errors=True)
        if tx.current() is not None:
            return
        numbers = sorted(int(p.name) for p in versions_dir.iterdir()
                         if p.name.isdigit() and (p / "manifest.json").exists())
        current = None
        live: dict = {}
        for number in numbers:
            folder = versions_dir / str(number)
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            try:
                frames, columns = frames_from_folder(folder)
            except StoreError:
                continue
            new_rows = {t: [{str(k): str(v) for k, v in r.items()} for r in f.to_dict("records")]
                        for t, f in frames.items()}
            target = match_by_key(live, new_rows) if live else {
                t: [RowState(new_id(), i, c) for i, c in enumerate(rs)] for t, rs in new_rows.items()
            }
            version = tx.commit(
                current, live, target, columns,
                editor=manifest.get("editor", "") or "system", note=manifest.get("note", ""),
                action=manifest.get("action", "publish"),
                restored_from=manifest.get("restored_from"),
                source_name=manifest.get("source_name"),
                extra={"migrated_from": str(folder)},
                check_rights=False, created_at=manifest.get("created_at"),
            )
            current = version.number
            live = tx.rows(current)


def _migrate_editors(conn) -> None:
    for name, hashed in load_editors().items():
        key = name.lower()
        if conn.execute(select(db.editors.c.name).where(db.editors.c.name == key)).first():
            continue
        conn.execute(insert(db.editors).values(
            name=key, display_name=name, password_hash=hashed, is_admin=True,
            institutions="[]", created_at=_now_text()))
        log_event(conn, "editor_migrated", name, "", {"admin": True})
