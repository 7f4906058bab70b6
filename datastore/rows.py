"""The store's rows: a row's state, its key between versions, reading a folder into text
tables, and the error every store operation raises (below ``datastore.store``, so the
rights, the migration and the upload checks use them without importing the store)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from datastore.diff import KEY_COLUMNS
from loaders.read import ROW, FatalRead, read_dataset
from loaders.schema import TABLE_ORDER


class StoreError(Exception):
    """A store operation that could not be done; ``code`` names an i18n key ``data.store.*``."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass
class RowState:
    """A table's row as stored: its stable id, its order and its cells as text."""

    row_id: str
    position: int
    cells: dict[str, str]
    since: int = 0


def table_names() -> tuple[str, ...]:
    """The dataset's table names, from the loaders' schema."""
    return tuple(TABLE_ORDER)


def now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_id() -> str:
    return uuid.uuid4().hex


def row_key(table: str, cells: dict[str, str]) -> str:
    """The text a row is matched on between versions (its key, else its unique columns)."""
    return " | ".join(cells.get(c, "") for c in KEY_COLUMNS.get(table, ()))


def norm_cells(cells: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in cells.items() if v != ""}


def frames_from_folder(path: Path | str) -> tuple[dict[str, pd.DataFrame], dict[str, list[str]]]:
    """The raw text tables of a dataset (folder or .xlsx) through the loaders' reader.

    One rule for every way data comes in (the app's loader, an upload, the first import):
    file names and sheet names match tables case-insensitively, blank rows are skipped.
    Returns (frames without the row-number column, the headers of each table).
    """
    try:
        raw = read_dataset(path)
    except FatalRead as exc:
        raise StoreError("unreadable", str(exc), detail=str(exc)) from None
    frames, columns = {}, {}
    for name in table_names():
        if name not in raw:
            continue
        frame = raw[name].drop(columns=[ROW], errors="ignore")
        frame = frame.loc[:, [c for c in frame.columns if str(c).strip()]]
        frames[name] = frame.astype(str)
        columns[name] = [str(c) for c in frame.columns]
    return frames, columns


def match_by_key(
    live: dict[str, list[RowState]], new_rows: dict[str, list[dict]]
) -> dict[str, list[RowState]]:
    """Give each new row the row_id of the live row with the same key (else a new id)."""
    target = {}
    for table, records in new_rows.items():
        by_key: dict[str, list[RowState]] = {}
        for state in live.get(table, []):
            by_key.setdefault(row_key(table, state.cells), []).append(state)
        top = max((s.position for s in live.get(table, [])), default=-1)
        states = []
        for cells in records:
            matches = by_key.get(row_key(table, cells))
            if matches:
                old = matches.pop(0)
                states.append(RowState(old.row_id, old.position, cells))
            else:
                top += 1
                states.append(RowState(new_id(), top, cells))
        target[table] = states
    return target
