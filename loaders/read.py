"""Read the raw tables of a dataset: a folder of CSV files or one .xlsx workbook.

Every cell comes back as text (``''`` when empty) in a frame whose columns are the header
names (trimmed, lower case) plus ``_row``, the row number the user sees (header = 1).
Fully empty rows are dropped (their numbers are skipped, not reused). Nothing here knows
about value types; anything that stops the whole dataset from being read raises
:class:`FatalRead` with one plain message.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from i18n import t
from loaders.schema import TABLES

ROW = "_row"


class FatalRead(Exception):
    """Nothing usable could be read; the message says why, in plain words."""

    key: str | None = None  # the message's i18n key and params (to show it translated)
    params: dict = {}


def _fatal(code: str, **params: object) -> FatalRead:
    exc = FatalRead(t(f"problem.{code}", "en", **params))
    exc.key, exc.params = f"problem.{code}", params
    return exc


def read_dataset(path: str | Path) -> dict[str, pd.DataFrame]:
    """The raw tables found at ``path`` (absent tables are not in the dict)."""
    path = Path(path)
    if not path.exists():
        raise _fatal("fatal_not_found", path=str(path))
    if path.is_dir():
        tables = _read_folder(path)
    elif path.suffix.lower() == ".xlsx":
        tables = _read_xlsx(path)
    else:
        raise _fatal("fatal_wrong_type", path=str(path))
    missing = [name for name, table in TABLES.items() if table.required and name not in tables]
    if missing:
        raise _fatal("fatal_missing_table", path=str(path), tables=", ".join(missing))
    return tables


# ---------------------------------------------------------------- CSV


def _read_folder(folder: Path) -> dict[str, pd.DataFrame]:
    by_name = {p.name.lower(): p for p in folder.iterdir() if p.is_file()}
    tables = {}
    for name in TABLES:
        file = by_name.get(f"{name}.csv")
        if file is not None:
            tables[name] = read_csv_table(file)
    return tables


def _decode(data: bytes) -> tuple[bytes, str]:
    """The bytes as UTF-8 and the encoding they were in (UTF-8 with or without BOM, cp1251)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:], "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16").encode("utf-8"), "utf-16"
    try:
        data.decode("utf-8")
        return data, "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1251").encode("utf-8"), "cp1251"


def _delimiter(header: str) -> str:
    """``;``, tab or ``,``: whichever separates the header line into most fields."""
    counts = {}
    for sep in (",", ";", "\t"):
        try:
            counts[sep] = len(next(csv.reader([header], delimiter=sep)))
        except (csv.Error, StopIteration):
            counts[sep] = 1
    best = max(counts.values())
    return next(sep for sep in (",", ";", "\t") if counts[sep] == best)


def read_csv_table(file: Path) -> pd.DataFrame:
    """One CSV file as raw text cells plus ``_row``."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise _fatal("fatal_unreadable", path=str(file), reason=exc.strerror or str(exc)) from exc
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fatal("fatal_unreadable", path=str(file), reason=t("problem.reason_binary", "en"))
    try:
        data, _encoding = _decode(data)
    except UnicodeDecodeError as exc:
        raise _fatal("fatal_unreadable", path=str(file), reason=str(exc)) from exc
    end = len(data.rstrip(b"\r\n\t ")) if data[-64:].strip() != data[-64:] else len(data)
    if not data.strip():
        raise _fatal("fatal_empty", path=str(file))
    first = data.find(b"\n")
    header = data[: first if first >= 0 else len(data)].decode("utf-8").rstrip("\r")
    sep = _delimiter(header)
    # pyarrow is fast but skips blank lines, which would shift row numbers: use it only
    # when there are none (blank lines inside a quoted cell also send us the slow way).
    blank_lines = data.find(b"\n\n", 0, end) >= 0 or data.find(b"\n\r\n", 0, end) >= 0
    options = dict(sep=sep, dtype=str, keep_default_na=False)
    try:
        frame = None
        if not blank_lines:
            try:
                frame = pd.read_csv(io.BytesIO(data), engine="pyarrow", **options)
            except Exception:  # noqa: BLE001 - pyarrow's own quirks: retry with the C parser
                frame = None
        if frame is None:
            with warnings.catch_warnings():
                warnings.simplefilter("error", pd.errors.ParserWarning)
                frame = pd.read_csv(io.BytesIO(data), skip_blank_lines=False, na_filter=False,
                                    index_col=False, **options)
    except pd.errors.ParserWarning as exc:
        raise _fatal("fatal_unreadable", path=str(file),
                     reason=t("problem.reason_ragged", "en")) from exc
    except (pd.errors.ParserError, ValueError, UnicodeDecodeError) as exc:
        raise _fatal("fatal_unreadable", path=str(file), reason=str(exc).strip()) from exc
    return _finish(frame, np.arange(len(frame)) + 2)


def _finish(frame: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """Normalise header names, drop unnamed empty columns and fully empty rows, add _row."""
    names: list[str] = []
    for column in frame.columns:
        name = str(column).replace("\ufeff", "").strip().lower()
        while name in names and name:
            name += "_"  # a repeated header keeps its data under a distinct name
        names.append(name)
    frame.columns = names
    keep = [i for i, n in enumerate(names)
            if n and not n.startswith("unnamed:") and n != ROW]
    frame = frame.iloc[:, keep]
    frame = frame.fillna("") if frame.isna().any().any() else frame
    frame[ROW] = rows
    if len(frame.columns) > 1:
        empty = np.ones(len(frame), dtype=bool)
        for col in frame.columns[:-1]:
            empty &= (frame[col] == "").to_numpy()
            if not empty.any():
                break
        if empty.any():
            frame = frame[~empty]
    return frame.reset_index(drop=True)


# ---------------------------------------------------------------- Excel


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _read_xlsx(file: Path) -> dict[str, pd.DataFrame]:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise _fatal("fatal_unreadable", path=str(file), reason=str(exc) or type(exc).__name__) \
            from exc
    try:
        sheets = {ws.title.strip().lower(): ws for ws in book.worksheets}
        tables = {}
        for name in TABLES:
            if name in sheets:
                tables[name] = _read_sheet(sheets[name], file, name)
        return tables
    finally:
        book.close()


def _read_sheet(ws, file: Path, name: str) -> pd.DataFrame:
    header: list[str] | None = None
    rows: list[list[str]] = []
    numbers: list[int] = []
    for number, values in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1):
        cells = [_cell_text(v) for v in values]
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = cells
            continue
        rows.append(cells)
        numbers.append(number)
    if header is None:
        raise _fatal("fatal_empty_sheet", path=str(file), sheet=name)
    width = len(header)
    rows = [(r + [""] * width)[:width] for r in rows]
    frame = pd.DataFrame(rows, columns=[c if c else f"unnamed: {i}"
                                        for i, c in enumerate(header)], dtype=str)
    if not rows:
        frame = pd.DataFrame({c: pd.Series(dtype=str) for c in frame.columns})
    return _finish(frame, np.asarray(numbers, dtype=int))
