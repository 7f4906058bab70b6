"""What an upload changes, per table, compared with the current data, row by row by key.

The comparison is on the cells as written (trimmed text), so the preview shows exactly
what the editor changed in the file:

    >>> d = diff_datasets(current_path, staging_path)          # doctest: +SKIP
    >>> d["visits"].added_keys, d["visits"].changed[0].fields  # doctest: +SKIP
    (['V21'], {'participants': ('30', '35')})
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from datastore.upload import UploadRejected, xlsx_to_csv_folder
from loaders.schema import TABLES

# Rows are matched on the table's key, else its unique columns; students has neither,
# so a group of students is matched on everything that describes it.
STUDENT_GROUP = ("institution_id", "academic_year", "country", "level", "faculty", "program")
KEY_COLUMNS: dict[str, tuple[str, ...]] = {
    name: (table.key,) if table.key else (table.unique or STUDENT_GROUP)
    for name, table in TABLES.items()
}
# A term is told apart by what it is about (two terms may share all but their subject area).
KEY_COLUMNS["agreement_terms"] = ("agreement_id", "mobility_type", "direction", "first_year", "isced")


@dataclass(frozen=True)
class RowChange:
    """One row present before and after, with the fields that differ: {col: (old, new)}."""

    key: str
    fields: dict[str, tuple[str, str]]


@dataclass
class TableDiff:
    table: str
    key_columns: tuple[str, ...]
    added: pd.DataFrame = field(default_factory=pd.DataFrame)
    removed: pd.DataFrame = field(default_factory=pd.DataFrame)
    changed: list[RowChange] = field(default_factory=list)

    @property
    def added_keys(self) -> list[str]:
        return list(self.added.index)

    @property
    def removed_keys(self) -> list[str]:
        return list(self.removed.index)

    @property
    def has_changes(self) -> bool:
        return bool(len(self.added) or len(self.removed) or self.changed)


def read_raw_tables(path: Path | str) -> dict[str, pd.DataFrame]:
    """Every table of a dataset (folder of CSVs or .xlsx) as text cells, trimmed."""
    path = Path(path)
    if path.is_file() and path.suffix.lower() == ".xlsx":
        with tempfile.TemporaryDirectory() as tmp:
            try:
                xlsx_to_csv_folder(path.read_bytes(), Path(tmp))
            except UploadRejected:
                return {}
            return read_raw_tables(Path(tmp))
    tables: dict[str, pd.DataFrame] = {}
    if not path.is_dir():
        return tables
    for table in KEY_COLUMNS:
        csv_path = path / f"{table}.csv"
        if not csv_path.exists():
            continue
        try:
            frame = pd.read_csv(
                csv_path,
                dtype=str,
                keep_default_na=False,
                encoding="utf-8-sig",
                skip_blank_lines=True,
            )
        except (ValueError, UnicodeDecodeError, pd.errors.ParserError):
            continue
        frame.columns = [str(c).strip().lower() for c in frame.columns]
        tables[table] = frame.apply(lambda col: col.str.strip())
    return tables


def _keyed(frame: pd.DataFrame, key_columns: tuple[str, ...]) -> pd.DataFrame:
    """Index rows by their key text; a repeated key gets ' #2', ' #3', ..."""
    present = [c for c in key_columns if c in frame.columns]
    if frame.empty or not present:
        return frame.set_axis([f"#{i + 2}" for i in range(len(frame))], axis=0)
    keys = frame[present].astype(str).agg(" | ".join, axis=1)
    occurrence = keys.groupby(keys).cumcount()
    keys = keys.where(occurrence == 0, keys + " #" + (occurrence + 1).astype(str))
    return frame.set_axis(list(keys), axis=0)


def diff_tables(table: str, old: pd.DataFrame | None, new: pd.DataFrame | None) -> TableDiff:
    """Rows added, removed and changed (with the changed fields) in one table."""
    key_columns = KEY_COLUMNS.get(table, ())
    old = _keyed(old if old is not None else pd.DataFrame(), key_columns)
    new = _keyed(new if new is not None else pd.DataFrame(), key_columns)
    columns = list(dict.fromkeys([*new.columns, *old.columns]))
    old = old.reindex(columns=columns, fill_value="").fillna("")
    new = new.reindex(columns=columns, fill_value="").fillna("")
    added = new.loc[[k for k in new.index if k not in old.index]]
    removed = old.loc[[k for k in old.index if k not in new.index]]
    changed = []
    for key in new.index:
        if key not in old.index:
            continue
        before, after = old.loc[key], new.loc[key]
        fields = {c: (before[c], after[c]) for c in columns if before[c] != after[c]}
        if fields:
            changed.append(RowChange(key=key, fields=fields))
    return TableDiff(table, key_columns, added=added, removed=removed, changed=changed)


def diff_datasets(old_path: Path | str, new_path: Path | str) -> dict[str, TableDiff]:
    """Per table, what the dataset at ``new_path`` changes compared with ``old_path``."""
    old_tables = read_raw_tables(old_path)
    new_tables = read_raw_tables(new_path)
    return {
        table: diff_tables(table, old_tables.get(table), new_tables.get(table))
        for table in KEY_COLUMNS
        if table in old_tables or table in new_tables
    }


def summary(diffs: dict[str, TableDiff]) -> dict[str, dict[str, int]]:
    """Counts per table, e.g. {"visits": {"added": 2, "changed": 1, "removed": 0}}."""
    return {
        t: {"added": len(d.added), "changed": len(d.changed), "removed": len(d.removed)}
        for t, d in diffs.items()
    }
