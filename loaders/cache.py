"""A disk cache of loaded datasets, so a restarted app skips parsing and validating.

The clean tables and the problems are stored together (pickle protocol 5: pandas
writes the Arrow-backed columns as whole buffers, so this reads faster than Parquet
and keeps list cells as Python lists) in ``COOP_CACHE`` (default ``<repo>/.coop_cache``,
git-ignored). An entry is keyed on the dataset's path and holds the (name, mtime,
size) of its files and of the loader's own code: when any of them changes, the entry
is rebuilt. Only the app writes there, so unpickling it is as safe as our own code.

    >>> ds = load_dataset_cached("data")   # parses once, then reads the cache
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from datetime import date
from pathlib import Path

from loaders.schema import Dataset

REPO_ROOT = Path(__file__).resolve().parent.parent
CACHE_VERSION = 1


def cache_root() -> Path:
    """Where entries live: env ``COOP_CACHE``, default ``<repo>/.coop_cache``."""
    env = os.environ.get("COOP_CACHE")
    return Path(env).expanduser() if env else REPO_ROOT / ".coop_cache"


def _stamp(path: Path) -> tuple:
    """(name, mtime_ns, size) of the dataset's files and of the loader's code."""
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    here = Path(__file__).resolve().parent
    # The loader's code and the rules it applies (metrics/rules.py: agreement status).
    code = [*sorted(here.glob("*.py")), here.parent / "metrics" / "rules.py"]
    return (
        CACHE_VERSION,
        # Warnings such as "status contradicts the dates" are judged on the day of the
        # check: a new day is a new entry.
        date.today().isoformat(),
        tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files),
        tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in code),
    )


def entry_path(path: str | Path) -> Path:
    """The cache file of the dataset at ``path`` (one per dataset path)."""
    key = hashlib.sha256(str(Path(path).resolve()).encode("utf-8")).hexdigest()[:24]
    return cache_root() / f"{key}.pickle"


def load_dataset_cached(path: str | Path) -> Dataset:
    """``load_dataset(path)``, read from the cache when the files are unchanged."""
    from loaders.validate import load_dataset

    path = Path(path)
    try:
        stamp = _stamp(path)
    except OSError:
        return load_dataset(path)  # missing or unreadable: the loader says why
    entry = entry_path(path)
    try:
        with entry.open("rb") as handle:
            cached_stamp, dataset = pickle.load(handle)
        if cached_stamp == stamp:
            return dataset
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError,
            ImportError):
        pass  # absent, stale or from another version of the code: rebuild
    dataset = load_dataset(path)
    if dataset.fatal is None:
        _write(entry, (stamp, dataset))
    return dataset


def _write(entry: Path, payload: object) -> None:
    """Write atomically (a reader never sees half a file); a read-only disk is no error."""
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(payload, handle, protocol=5)
        os.replace(tmp, entry)
    except OSError:
        try:
            os.unlink(tmp)
        except (OSError, UnboundLocalError):
            pass


def clear_cache(path: str | Path) -> None:
    """Forget the cached entry of the dataset at ``path`` (the next load parses again)."""
    try:
        entry_path(path).unlink()
    except FileNotFoundError:
        pass
