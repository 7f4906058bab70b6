"""Publication exports kept in the store beside the data (docs/research.md, "Where the exports live").

An export uploaded on the Data page (a Scopus CSV, a Web of Science text or tab-delimited
file, a saved OpenAlex JSON response) is read first, exactly as the Research page reads it;
a file no reader understands is refused with the reason, a readable one is kept with its
row-level problems listed. Keeping or removing a file is a new version of the dataset
(action ``publications``), so the history says who added which export and a rollback
brings back the exports of the version it restores.

Version ``N``'s exports are the ``publication_files`` records with ``since <= N`` and
``until`` NULL or ``> N`` (as ``data_rows``). The materialised version folder holds them in
``publications/<institution_id>/<name>`` (``publications/<name>`` for "any of the
dataset's institutions"), where ``research.publication_files`` finds them.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from sqlalchemy import insert

from datastore import db
from datastore.paths import safe_child
from datastore.pubfiles import KeptExport, end_exports, exports_change, kept_at
from datastore.store import Refused, Store, StoreError, Version
from datastore.upload import Limits, UploadRejected, check_size
from loaders.cells import is_safe_name
from research import EXPORT_SUFFIXES, read_publications
from research.read import Publications


def safe_name(name: str) -> str:
    """The file name without any folder part; refused unless it ends like an export."""
    base = Path(str(name).replace("\\", "/")).name.strip()
    if not is_safe_name(base, 200) or Path(base).suffix.lower() not in EXPORT_SUFFIXES:
        raise UploadRejected("pub_wrong_type", name=base or str(name),
                             suffixes=", ".join(EXPORT_SUFFIXES))
    return base


def read_export(name: str, data: bytes, limits: Limits | None = None) -> Publications:
    """Read an uploaded export as the Research page would; ``UploadRejected`` when it is too
    big, not named like an export, or no reader understands it (the reason is the reader's
    problem message). Row-level problems stay in the result's ``problems``."""
    check_size(data, limits or Limits.from_env())
    base = safe_name(name)
    with tempfile.TemporaryDirectory() as tmp:
        path = safe_child(Path(tmp), base)
        path.write_bytes(data)
        pubs = read_publications([path])
    whole_file = [p for p in pubs.problems if p.severity == "error" and p.row is None]
    if whole_file:
        raise UploadRejected("pub_unreadable_file", name=base, reason=whole_file[0].message)
    if pubs.papers.empty:
        raise UploadRejected("pub_no_papers", name=base)
    return pubs


def kept(store: Store, number: int | None = None) -> list[KeptExport]:
    """The exports of version ``number`` (default: the current one), by institution and name."""
    if number is None:
        number = store.current()
    if number is None:
        return []
    with store.engine.connect() as conn:
        return kept_at(conn, number)


def rollback_change(store: Store, current: int, target: int) -> tuple[list[KeptExport], list[KeptExport]]:
    """What restoring version ``target`` does to the exports of version ``current``: the
    ones it brings back and the ones it removes (by institution and content)."""
    with store.engine.connect() as conn:
        return exports_change(conn, current, target)


def add_export(store: Store, name: str, data: bytes, institution_id: str, editor: str,
               expected_current: int | None, note: str = "", client: str = "") -> Version:
    """Keep ``data`` as export ``name`` of ``institution_id`` in a new version. An export of
    the same institution and name is replaced; the same bytes kept twice are refused."""
    base = safe_name(name)
    if institution_id and not is_safe_name(institution_id):
        raise StoreError("unsafe_id", f"{institution_id[:120]!r} cannot be an institution id.",
                         value=institution_id[:120])
    digest = hashlib.sha256(data).hexdigest()
    with store.transaction() as tx:
        conn = tx.conn
        current = tx.expect(expected_current)
        _require_right(conn, editor, institution_id, base, client)
        alive = kept_at(conn, current)
        if any(k.sha256 == digest and k.institution_id == institution_id for k in alive):
            raise StoreError("pub_duplicate", f"{base} is kept already.", name=base)
        replaced = [k for k in alive if k.institution_id == institution_id and k.name == base]
        version = tx.commit_unchanged_rows(
            current, editor=editor, note=note, action="publications", client=client,
            extra={"publications": {"added": [base], "removed": [k.name for k in replaced],
                                    "institution_id": institution_id}})
        end_exports(conn, [k.id for k in replaced], version.number)
        conn.execute(insert(db.publication_files).values(
            name=base, institution_id=institution_id, content=data, sha256=digest, size=len(data),
            editor=editor, since=version.number, until=None))
        return version


def remove_export(store: Store, export_id: int, editor: str, expected_current: int | None,
                  note: str = "", client: str = "") -> Version:
    """Stop keeping export ``export_id`` (a new version; earlier versions keep it)."""
    with store.transaction() as tx:
        conn = tx.conn
        current = tx.expect(expected_current)
        found = next((k for k in kept_at(conn, current) if k.id == export_id), None)
        if found is None:
            raise StoreError("pub_missing", f"There is no kept export {export_id}.", id=export_id)
        _require_right(conn, editor, found.institution_id, found.name, client)
        version = tx.commit_unchanged_rows(
            current, editor=editor, note=note, action="publications", client=client,
            extra={"publications": {"added": [], "removed": [found.name],
                                    "institution_id": found.institution_id}})
        end_exports(conn, [found.id], version.number)
        return version


# ---- helpers ------------------------------------------------------------------------------
def _require_right(conn, editor: str, institution_id: str, name: str, client: str) -> None:
    """An admin may keep any export; an editor only their institutions' (not "any")."""
    from datastore import rights

    account = rights.account(conn, editor)
    if account is None:
        raise StoreError("unknown_editor", f"There is no editor {editor}.", editor=editor)
    if account["is_admin"] or (institution_id and institution_id in account["institutions"]):
        return
    error = Refused(editor, [("publications", name)])
    error.audit = (client, "publications")
    raise error


__all__ = ["KeptExport", "add_export", "kept", "read_export", "remove_export", "rollback_change",
           "safe_name"]
