"""Where the store lives and which dataset it starts from (env ``COOP_STORE``, ``COOP_DATA``)."""

from __future__ import annotations

import os
from pathlib import Path

from loaders.cells import is_safe_name

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


class UnsafeName(ValueError):
    """A name from data that cannot be a file or folder name inside the store."""

    def __init__(self, name: str) -> None:
        super().__init__(f"{name[:120]!r} cannot be a file or folder name.")
        self.name = name


def safe_child(base: Path, *parts: str, limit: int = 200) -> Path:
    """``base / part / ...`` for names that come from data (an institution id, an export's
    file name, a table name); ``UnsafeName`` for a part that is not one plain name or a
    result that would not lie inside ``base`` (the one way the store builds such paths)."""
    path = Path(base)
    for part in parts:
        if not is_safe_name(str(part), limit):
            raise UnsafeName(str(part))
        path = path / part
    root = Path(base).resolve()
    resolved = path.resolve()
    if resolved != root and root not in resolved.parents:
        raise UnsafeName("/".join(map(str, parts)))
    return path
