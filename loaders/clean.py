"""``python -m loaders clean PATH --out DIR``: the clean tables as plain UTF-8 CSVs.

Rows in error are left out (and listed on stderr); dates are written ISO with their
``<col>_precision`` beside them, lists joined with ``; ``, countries as ISO alpha-3, and
institutions and partners carry ``lat``, ``lon`` and ``geo_precision``. Loading the output
again gives the same tables.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pandas as pd

from i18n import t
from loaders.documents import DOCUMENTS_DIR
from loaders.read import ROW


def clean_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """One clean table as text cells ready for CSV (``_row`` dropped)."""
    out = frame.drop(columns=[ROW], errors="ignore").copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            out[col] = s.dt.strftime("%Y-%m-%d")
        elif s.dtype == object and s.map(lambda v: isinstance(v, list)).any():
            out[col] = s.map(lambda v: "; ".join(v) if isinstance(v, list) else v)
    return out


def write_clean(path: str | Path, out_dir: str | Path) -> int:
    """Write every clean table of the dataset at ``path`` into ``out_dir``; the exit code."""
    from loaders import load_dataset

    ds = load_dataset(path)
    if ds.fatal:
        print(ds.fatal, file=sys.stderr)
        return 1
    for p in ds.errors:
        print(p.line(), file=sys.stderr)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = 0
    for name, frame in ds.tables.items():
        clean_frame(frame).to_csv(out / f"{name}.csv", index=False, encoding="utf-8")
        rows += len(frame)
    kept = Path(path) / DOCUMENTS_DIR
    if kept.is_dir() and kept.resolve() != (out / DOCUMENTS_DIR).resolve():
        # the evidence files go along, so the clean tables' documents can still be opened
        shutil.copytree(kept, out / DOCUMENTS_DIR, dirs_exist_ok=True, symlinks=False)
    error_rows = len({(p.table, p.row) for p in ds.errors})
    print(t("problem.clean_written", tables=len(ds.tables), out=str(out), rows=rows,
            errors=error_rows))
    return 0
