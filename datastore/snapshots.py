"""Materialised versions: the folder of CSV files the app reads for a version
(``<store root>/cache/<database tag>/v<N>``), written once, atomically (a temporary
folder renamed into place), with the publication exports beside it and ``_meta.json``
naming the version (so a workbook downloaded from it merges from there). The last
``CACHE_KEEP`` versions are kept.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import time
import uuid
from pathlib import Path
from typing import Protocol

from sqlalchemy.engine import Engine

from datastore import pubfiles


class Store(Protocol):
    """What this module needs of ``datastore.store.Store`` (imported the other way round)."""

    url: str
    root: Path
    base: Path

    @property
    def engine(self) -> Engine: ...

    def write_folder(self, number: int, dest: Path | str) -> Path: ...

CACHE_KEEP = 3  # materialised versions kept per database


def version_folder_name(number: int) -> str:
    """The name of the folder a version is materialised in: ``v7``."""
    return f"v{number}"


def version_of_folder(path: Path | str) -> int | None:
    """The version number of a folder ``materialise`` wrote, else None."""
    match = re.fullmatch(r"v(\d+)", Path(path).name)
    return int(match.group(1)) if match else None


def cache_dir(store: Store) -> Path:
    tag = hashlib.sha256(store.url.encode()).hexdigest()[:12]
    folder = store.root / "cache" / tag
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def materialise(store: Store, number: int) -> Path:
    """The folder of version ``number`` (written the first time it is asked for)."""
    folder = cache_dir(store) / version_folder_name(number)
    if folder.is_dir():
        return folder
    tmp = cache_dir(store) / f".tmp-v{number}-{uuid.uuid4().hex[:8]}"
    try:
        store.write_folder(number, tmp)  # with _meta.json: its downloads merge
        _link_beside_files(store, tmp, number)
        try:
            tmp.rename(folder)
        except OSError:  # another process materialised it first
            shutil.rmtree(tmp, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    _prune(store, number)
    return folder


def _link_beside_files(store: Store, folder: Path, number: int) -> None:
    """The publication exports beside every version: those beside the base data
    (``publications/``, linked) and those kept in the store (datastore.publications)."""
    base = store.base if store.base.is_dir() else store.base.parent
    extra = base / "publications"
    if extra.is_dir():
        (folder / "publications").mkdir()
        for entry in sorted(extra.iterdir()):
            (folder / "publications" / entry.name).symlink_to(
                entry.resolve(), target_is_directory=entry.is_dir())
    with store.engine.connect() as conn:
        pubfiles.write_exports(conn, number, folder)


def _prune(store: Store, current: int) -> None:
    for item in cache_dir(store).iterdir():
        name = item.name
        stale_tmp = name.startswith(".tmp-") and item.stat().st_mtime < time.time() - 600
        old = name.startswith("v") and name[1:].isdigit() and int(name[1:]) <= current - CACHE_KEEP
        if stale_tmp or old:
            shutil.rmtree(item, ignore_errors=True)
