"""Where the store lives and which dataset it starts from (env ``COOP_STORE``, ``COOP_DATA``)."""

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
