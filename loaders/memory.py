"""Give freed memory back to the system (a long-running app holds a dataset of millions of rows).

Arrow's default allocator (mimalloc) keeps the memory of freed buffers for reuse: after a
cold load of a million visits the app held about twice what the clean tables take
(docs/performance.md). The system allocator returns large freed buffers at once, and ``malloc_trim``
hands back what parsing left behind. ``ARROW_DEFAULT_MEMORY_POOL`` set in the
environment keeps its choice.
"""

from __future__ import annotations

import ctypes
import gc
import os

import pandas as pd

from loaders.schema import ACTIVITIES, DIRECTIONS, MODES


def use_system_allocator() -> None:
    """Arrow buffers from ``malloc`` (freed memory goes back to the system)."""
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return
    try:
        import pyarrow as pa

        pa.set_memory_pool(pa.system_memory_pool())
    except (ImportError, AttributeError, NotImplementedError):
        pass


def release_free_memory() -> None:
    """Collect garbage and return the heap's free pages to the system (glibc only)."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


# Columns kept as categoricals (one small integer code per row, each distinct text once)
# by ``compact_tables``. Only the visits table: it is the one that reaches a million rows,
# and every scoped or per-institution copy of its rows copied each text cell (~20 bytes
# a row and column in Arrow strings, 1 byte with a code). Left as they are: the key
# (every value distinct); ``person`` (a page fills its empty cells with a label that is
# no category); ``partner_id`` and ``country``: an institution's home country is looked
# up by ``institution_id`` (a categorical mapped one-to-one stays categorical) and
# compared with ``country``, partners' countries likewise, and two categoricals of other
# categories cannot be compared (a categorical and text can); the date precisions
# (object cells, shared, 8 bytes a row; their empty cells are None where a categorical's
# are NaN). Enum columns get every allowed word as a category (a default such as
# ``mode`` -> "in_person" can be filled in); categories are sorted, so grouping and
# sorting order as for text.
COMPACT_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "visits": {
        "institution_id": (), "person_title": (), "department": (), "audience": (), "source": (),
        "direction": DIRECTIONS, "mode": MODES, "activity": ACTIVITIES,
    },
}


def compact_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """``tables`` with the ``COMPACT_COLUMNS`` as categoricals: the same values (equal
    cells, missing ones missing), a fraction of the memory of each copy of the rows."""
    out = dict(tables)
    for name, columns in COMPACT_COLUMNS.items():
        frame = tables.get(name)
        if frame is None:
            continue
        changed = {}
        for column, words in columns.items():
            if column not in frame.columns or isinstance(frame[column].dtype, pd.CategoricalDtype):
                continue
            values = frame[column]
            known = set(values.dropna().unique().tolist()) | set(words)
            if not all(isinstance(v, str) for v in known):
                continue  # not text: left as it is
            categories = pd.Index(sorted(known), dtype="str")
            changed[column] = pd.Series(pd.Categorical(values, categories=categories), index=frame.index)
        if changed:
            out[name] = frame.assign(**changed)
    return out
