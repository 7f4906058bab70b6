"""The dataset's versions, kept in a database (no streamlit).

``active_dataset_path()`` is the one function the dashboard needs: a folder holding the
current version (or the base data before the first save), named after the version, so a
cache keyed on it moves to a new version on the next rerun.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def store_root() -> Path:
    """The store's folder (SQLite file, materialised versions): env ``COOP_STORE``,
    default ``<repo>/store``."""
    env = os.environ.get("COOP_STORE")
    return Path(env).expanduser() if env else REPO_ROOT / "store"


def base_data_path() -> Path:
    """The data imported as version 1: env ``COOP_DATA``, default ``<repo>/data``."""
    env = os.environ.get("COOP_DATA")
    return Path(env).expanduser() if env else REPO_ROOT / "data"


def active_dataset_path() -> Path:
    """The dataset the app shows: the store's current version, else COOP_DATA / data."""
    from datastore.store import Store

    return Store().active_path()


__all__ = ["active_dataset_path", "base_data_path", "store_root"]
