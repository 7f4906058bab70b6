"""Read a dataset (a folder of CSVs or one .xlsx), parse, normalise and validate it.

Example::

    from loaders import load_dataset
    ds = load_dataset("data")          # never raises for bad data
    ds.fatal, ds.tables["visits"], ds.problems
"""

from __future__ import annotations

from loaders.memory import compact_tables, release_free_memory, use_system_allocator
from loaders.schema import TABLES, Dataset, Problem

use_system_allocator()


def load_dataset(path, *, cache: bool = False, compact: bool = False) -> Dataset:
    """Load and validate the dataset at ``path`` (folder of CSVs or .xlsx workbook).

    ``cache=True`` reads a disk copy kept while the files are unchanged (``loaders.cache``).
    ``compact=True``: the large tables' codes and ids as categoricals (``compact_tables``:
    the same values, far less memory per copy of their rows; what the app keeps).
    """
    if cache:
        from loaders.cache import load_dataset_cached

        dataset = load_dataset_cached(path, compact=compact)
    else:
        from loaders.validate import load_dataset as _load

        dataset = _load(path)
        if compact:
            dataset.tables = compact_tables(dataset.tables)
    release_free_memory()  # parsing leaves freed buffers behind (loaders.memory)
    return dataset


__all__ = ["TABLES", "Dataset", "Problem", "load_dataset"]
