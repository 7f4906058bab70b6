"""Staging folders: where an upload is unpacked while it is checked (``<store root>/staging``).

Each upload gets a fresh folder that its caller removes when done; folders older than an
hour (left by a killed process) are removed whenever a new one is made.
"""

from __future__ import annotations

import shutil
import time
import uuid
from pathlib import Path

STAGING_MAX_AGE_S = 3600  # a staging folder left by a killed process is removed after this


def new_staging(root: Path) -> Path:
    """A fresh empty folder under ``root/staging``; leftovers older than an hour go."""
    staging_root = Path(root) / "staging"
    staging_root.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - STAGING_MAX_AGE_S
    for item in staging_root.iterdir():
        try:
            if item.stat().st_mtime < cutoff:
                shutil.rmtree(item, ignore_errors=True)
        except OSError:
            pass
    folder = staging_root / uuid.uuid4().hex
    folder.mkdir()
    return folder
