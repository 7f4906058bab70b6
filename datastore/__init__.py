"""The dataset's versions, kept in a database (no streamlit).

``active_dataset_path()`` is the one function the dashboard needs: a folder holding the
current version (or the base data before the first save), named after the version, so a
cache keyed on it moves to a new version on the next rerun.
"""

from __future__ import annotations

from pathlib import Path

from datastore.paths import REPO_ROOT, base_data_path, store_root
from datastore.snapshots import version_of_folder
from datastore.store import Store, StoreUnavailable


def active_dataset_path() -> Path:
    """The dataset the app shows: the store's current version, else COOP_DATA / data.

    A published version takes precedence over ``COOP_DATA``: `version_shown` tells the
    pages so, so that nobody takes the store's data for the files they pointed it at.
    """
    return Store().active_path()


def active_dataset() -> tuple[Path, StoreUnavailable | None]:
    """The folder to show and, when the store cannot give its current version (a damaged
    database, a full disk), why: the folder is then the newest version this server wrote
    before, to be shown with a notice. ``StoreUnavailable`` when there is none: the pages
    say so and show no data, never the base data in its place."""
    try:
        return Store().active_path(), None
    except StoreUnavailable as exc:
        if exc.fallback is None:
            raise
        return exc.fallback[1], exc


def version_shown(path: Path | str) -> int | None:
    """The store's version number when ``path`` (from `active_dataset_path`) is a store
    version shown instead of COOP_DATA / data; None when it is the base data itself."""
    if Path(path).resolve() == base_data_path().resolve():
        return None
    return version_of_folder(path)


__all__ = ["REPO_ROOT", "StoreUnavailable", "active_dataset", "active_dataset_path", "base_data_path",
           "store_root", "version_shown"]
