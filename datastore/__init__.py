"""The dataset's versions, kept in a database (no streamlit).

``active_dataset_path()`` is the one function the dashboard needs: a folder holding the
current version (or the base data before the first save), named after the version, so a
cache keyed on it moves to a new version on the next rerun.
"""

from __future__ import annotations

from pathlib import Path

from datastore.paths import REPO_ROOT, base_data_path, store_root
from datastore.store import Store


def active_dataset_path() -> Path:
    """The dataset the app shows: the store's current version, else COOP_DATA / data."""
    return Store().active_path()


__all__ = ["REPO_ROOT", "active_dataset_path", "base_data_path", "store_root"]
