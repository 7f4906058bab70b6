"""Published versions of the dataset (no streamlit).

``active_dataset_path()`` is the one function the dashboard needs: the folder of the
dataset the app shows right now.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def store_root() -> Path:
    """The version store folder: env ``COOP_STORE``, default ``<repo>/store``."""
    env = os.environ.get("COOP_STORE")
    return Path(env).expanduser() if env else REPO_ROOT / "store"


def base_data_path() -> Path:
    """The unversioned dataset: env ``COOP_DATA``, default ``<repo>/data``."""
    env = os.environ.get("COOP_DATA")
    return Path(env).expanduser() if env else REPO_ROOT / "data"


def current_version_dir(root: Path | None = None) -> Path | None:
    """The folder of the published current version, or None when nothing is published."""
    root = store_root() if root is None else Path(root)
    try:
        name = (root / "CURRENT").read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not name.isdigit():
        return None
    folder = root / "versions" / name
    return folder if folder.is_dir() else None


def active_dataset_path() -> Path:
    """The dataset the app shows: the store's current version, else COOP_DATA / data."""
    current = current_version_dir()
    return current if current is not None else base_data_path()


__all__ = ["active_dataset_path", "base_data_path", "current_version_dir", "store_root"]
