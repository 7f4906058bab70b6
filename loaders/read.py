"""Read the raw tables of a dataset: a folder of CSV files or one .xlsx workbook.

Every cell comes back as text (``''`` when empty) in a frame whose columns are the header
names (trimmed, lower case) plus ``_row``, the row number the user sees (header = 1).
Fully empty rows (also lines of spaces) are dropped (their numbers are skipped, not
reused). A column without a header keeps its values under ``_unnamed_<letter>`` (the
checks report them); a header named twice is fatal. What the reader noticed about cells
(a guessed encoding, a formula with no saved value) goes with the frame in
``frame.attrs[READ_PROBLEMS]`` for the checks to report. Nothing here knows about value
types; anything that stops the whole dataset from being read raises :class:`FatalRead`
with one plain message.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
import math
import re
import warnings
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from i18n import t
from loaders import cells
from loaders.schema import TABLES

ROW = "_row"
UNNAMED = "_unnamed_"  # + the column letter: values in a column with no header
READ_PROBLEMS = "read_problems"  # frame.attrs key: [{code, severity, row, column, params}]
# A workbook is read only up to its last header column, and at most this many cells
# (rows x header columns) per sheet; beyond it the sheet is refused with a clear message.
MAX_SHEET_CELLS = 40_000_000
# Values this many columns right of the last header are kept to be reported; a value
# further right (XFD1) makes the sheet unreadable rather than 16,384 columns wide.
MAX_EXTRA_COLUMNS = 50
# The most columns a table may have (the contract's widest table has 22): more is refused
# before any cell is read, so 10,000 columns cost no more than a header line.
MAX_COLUMNS = 200
# Encodings guessed for a CSV that is not UTF-8: what Excel writes on Cyrillic and on
# Western Windows. charset-normalizer picks between them from the bytes.
GUESS_ENCODINGS = ("cp1251", "cp1252")


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
            tables[name] = read_csv_table(file, name)
    return tables


def _guess(data: bytes) -> str:
    """The likelier of :data:`GUESS_ENCODINGS` for these bytes (charset-normalizer)."""
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(GUESS_ENCODINGS)).best()
    return best.encoding if best is not None else GUESS_ENCODINGS[0]


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _decode(data: bytes) -> tuple[bytes, str, list[int]]:
    """The bytes as UTF-8, the encoding they were in, and the lines (1 = the first) that
    were in another one.

    A BOM (UTF-8, UTF-16) or valid UTF-8 is certain. A file with lines in UTF-8 that have
    letters beyond ASCII is read as UTF-8, and only its other lines as a guess between :data:`GUESS_ENCODINGS` (one line pasted from an old file
    does not turn every Cyrillic letter of the rest into Latin ones). Anything else is a
    guess for the whole file. charset-normalizer guesses from the bytes; the caller warns.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:], "utf-8-sig", []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16").encode("utf-8"), "utf-16", []
    if _is_utf8(data):
        return data, "utf-8", []
    lines = data.split(b"\n")
    wide = [i for i, line in enumerate(lines) if not line.isascii()]
    other = [i for i in wide if not _is_utf8(lines[i])]
    if len(other) < len(wide):  # some lines are UTF-8 with letters beyond ASCII: it is
        # UTF-8 (other encodings' letters rarely make valid UTF-8); guess the other lines
        encoding = _guess(b"\n".join(lines[i] for i in other))
        for i in other:
            lines[i] = lines[i].decode(encoding, errors="replace").encode("utf-8")
        return b"\n".join(lines), encoding, [i + 1 for i in other]
    encoding = _guess(data)
    return data.decode(encoding, errors="replace").encode("utf-8"), encoding, []


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


def read_csv_table(file: Path, table: str = "") -> pd.DataFrame:
    """One CSV file as raw text cells plus ``_row``."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise _fatal("fatal_unreadable", path=str(file), reason=exc.strerror or str(exc)) from exc
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fatal("fatal_unreadable", path=str(file), reason=t("problem.reason_binary", "en"))
    try:
        data, encoding, other_lines = _decode(data)
    except UnicodeDecodeError as exc:
        raise _fatal("fatal_unreadable", path=str(file), reason=str(exc)) from exc
    guessed = encoding not in ("utf-8", "utf-8-sig", "utf-16") and not other_lines
    end = len(data.rstrip(b"\r\n\t ")) if data[-64:].strip() != data[-64:] else len(data)
    if not data.strip():
        raise _fatal("fatal_empty", path=str(file))
    first = data.find(b"\n")
    header = data[: first if first >= 0 else len(data)].decode("utf-8").rstrip("\r")
    sep = _delimiter(header)
    try:
        names = next(csv.reader([header], delimiter=sep))
    except (csv.Error, StopIteration):
        names = []
    _check_header(names, file, table or file.stem.lower())
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
    if len(names) == len(frame.columns):
        frame.columns = names  # pandas renames a repeated or empty header ("x.1", "Unnamed: 3")
    frame = _finish(frame, np.arange(len(frame)) + 2)
    if guessed:
        frame.attrs[READ_PROBLEMS] = [{"code": "encoding_guessed", "severity": "warning",
                                       "row": None, "column": None,
                                       "params": {"encoding": encoding, "file": file.name}}]
    elif other_lines:  # the row of a line is its number (a quoted line break aside)
        frame.attrs[READ_PROBLEMS] = [{"code": "line_encoding_guessed", "severity": "warning",
                                       "row": line, "column": None,
                                       "params": {"encoding": encoding, "line": line}}
                                      for line in other_lines]
    return frame


def _header_name(text: object) -> str:
    return cells.strip_controls(str(text)).replace("\ufeff", "").strip().lower()


def _check_header(names: list, file: Path, table: str) -> None:
    """A column named twice (case and spaces ignored) is fatal: which one holds the data?
    So are more than :data:`MAX_COLUMNS` columns with a name (or so many without one)."""
    named = sum(1 for raw in names if _header_name(raw))
    count = len(names) if len(names) > MAX_COLUMNS + MAX_EXTRA_COLUMNS else named
    if count > MAX_COLUMNS:
        raise _fatal("fatal_too_many_columns", path=str(file), table=table, count=count,
                     limit=MAX_COLUMNS)
    seen: dict[str, int] = {}
    for i, raw in enumerate(names):
        name = _header_name(raw)
        if not name:
            continue
        if name in seen:
            from openpyxl.utils import get_column_letter

            raise _fatal("fatal_duplicate_column", path=str(file), table=table, column=name,
                         first=get_column_letter(seen[name] + 1),
                         second=get_column_letter(i + 1))
        seen[name] = i


def _finish(frame: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """Normalise header names, keep columns without header only when they hold values
    (as ``_unnamed_<letter>``), drop fully empty rows, add _row."""
    from openpyxl.utils import get_column_letter

    frame = frame.fillna("") if frame.isna().any().any() else frame
    names: list[str] = []
    keep: list[int] = []
    for i, column in enumerate(frame.columns):
        name = _header_name(column)
        if not name or name.startswith("unnamed:"):
            series = frame.iloc[:, i]
            if not (series.astype(str).str.strip() != "").any():
                names.append("")
                continue
            name = f"{UNNAMED}{get_column_letter(i + 1)}"
        names.append(name)
        if name != ROW:
            keep.append(i)
    frame.columns = names
    frame = frame.iloc[:, keep]
    frame[ROW] = rows
    if len(frame.columns) > 1:
        empty = np.ones(len(frame), dtype=bool)
        for col in frame.columns[:-1]:
            column = frame[col]
            blank = (column == "").to_numpy(copy=True)
            maybe = empty & ~blank
            if maybe.any():  # a cell of spaces only is blank too
                blank[maybe] = (column[maybe].str.strip() == "").to_numpy()
            empty &= blank
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
        if value.is_integer():
            return str(int(value))
        if not math.isfinite(value):
            return str(value)
        return format(Decimal(repr(value)), "f")  # 7.9e-05 -> 0.000079, as typed
    return str(value)


def _read_xlsx(file: Path) -> dict[str, pd.DataFrame]:
    tables = {}
    for name, sheet in read_workbook(file).items():
        frame = pd.DataFrame(sheet.rows, columns=[c if c else f"unnamed: {i}"
                                                  for i, c in enumerate(sheet.header)],
                             dtype=str)
        if not sheet.rows:
            frame = pd.DataFrame({c: pd.Series(dtype=str) for c in frame.columns})
        frame = _finish(frame, np.asarray(sheet.numbers, dtype=int))
        frame.attrs[READ_PROBLEMS] = [
            {"code": "formula_no_value", "severity": "error", "row": row,
             "column": _header_name(sheet.header[col]) if col < len(sheet.header) else "",
             "params": {"cell": f"{_letter(col + 1)}{row}"}}
            for row, col in sheet.formulas_without_value] + [
            {"code": "damaged_cell", "severity": "error", "row": row,
             "column": _header_name(sheet.header[col]) if col < len(sheet.header) else "",
             "value": text, "params": {"cell": f"{_letter(col + 1)}{row}"}}
            for row, col, text in sheet.damaged_cells]
        tables[name] = frame
    return tables


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column)


class Sheet:
    """One sheet as text: header cells, the data rows (same width), their sheet row numbers.

    ``formulas_without_value`` lists (row, 0-based column) of formula cells that carry no
    saved result (a file written by a program, never opened in Excel): read as empty.
    ``damaged_cells`` lists (row, 0-based column, the cell's text in the file) of cells
    the file cannot mean (a shared-string number the workbook does not have, ``NaN`` in a
    number cell): read as empty, reported as errors.
    """

    def __init__(self, title: str):
        self.title = title
        self.header: list[str] = []
        self.rows: list[list[str]] = []
        self.numbers: list[int] = []
        self.formulas_without_value: list[tuple[int, int]] = []
        self.damaged_cells: list[tuple[int, int, str]] = []


DAMAGED = "damaged"  # data_type of a cell the parser could not read


def _cell_parser():
    from openpyxl.utils.cell import coordinate_to_tuple
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class CellParser(WorkSheetParser):
        """openpyxl's sheet parser, marking formula cells that have no saved value and
        cells whose content their type cannot hold (openpyxl raises on those, or reads
        shared string -1 as the last one)."""

        def parse_cell(self, element):
            data_type = element.get("t", "n")
            text = element.findtext(VALUE_TAG, None)
            if data_type == "s" and text is not None and not self._known_string(text):
                return self._damaged(element, text)
            try:
                cell = super().parse_cell(element)
            except (ValueError, IndexError, TypeError, OverflowError, KeyError):
                return self._damaged(element, text or "")
            if isinstance(cell["value"], float) and not math.isfinite(cell["value"]):
                return self._damaged(element, text or "")
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                cell["data_type"] = "f"
            return cell

        def _known_string(self, text: str) -> bool:
            text = text.strip()
            return text.isascii() and text.isdigit() and int(text) < len(self.shared_strings)

        def _damaged(self, element, text: str) -> dict:
            coordinate = element.get("r")
            if coordinate:
                row, column = coordinate_to_tuple(coordinate)
                self.col_counter = column
            else:
                self.col_counter += 1
                row, column = self.row_counter, self.col_counter
            return {"row": row, "column": column, "value": text, "data_type": DAMAGED,
                    "style_id": 0}

    return CellParser


# What a damaged workbook part raises while it is parsed: XML errors (also a refused
# entity: defusedxml's errors are ValueErrors), a zip member cut short, bad numbers.
def _parse_errors() -> tuple[type[BaseException], ...]:
    import xml.etree.ElementTree as ElementTree
    import zipfile
    import zlib

    errors: list[type[BaseException]] = [ElementTree.ParseError, zipfile.BadZipFile, EOFError,
                                         zlib.error, ValueError, KeyError, IndexError,
                                         TypeError, OSError]
    try:  # openpyxl parses some parts with lxml when it is installed
        errors.append(importlib.import_module("lxml.etree").LxmlError)
    except ImportError:  # pragma: no cover - lxml is optional for openpyxl
        pass
    return tuple(errors)


# A cell that uses a shared string takes at least this many bytes of sheet XML
# (``<c t="s"><v>0</v></c>``): a workbook whose shared strings outnumber what its table
# sheets could use is padded, and refused before the strings are read.
MIN_CELL_BYTES = 20
SPARE_STRINGS = 1000
_SI_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s>/]")
_DOCTYPE_RE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


def _count_strings(archive, part: str) -> int:
    """How many ``<si>`` the shared-strings part holds, read in chunks (bounded memory)."""
    count, carry, keep = 0, b"", 64
    with archive.open(part) as stream:
        while True:
            chunk = stream.read(1 << 20)
            buffer = carry + chunk
            cut = len(buffer) if not chunk else max(len(buffer) - keep, 0)
            count += sum(1 for m in _SI_RE.finditer(buffer) if m.start() < cut)
            if not chunk:
                return count
            carry = buffer[cut:]


def _open_book(source: Path | bytes, path: str, every_sheet: bool = False):
    """openpyxl's read-only workbook, after the checks that need no parsing of cells:
    no shared strings beyond what the sheets read (the table sheets, or ``every_sheet``)
    could use, no DTD in a sheet read."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.xml.constants import SHARED_STRINGS

    reader = ExcelReader(source if isinstance(source, Path) else io.BytesIO(source),
                         read_only=True, data_only=True)
    reader.read_manifest()
    reader.read_workbook()
    archive = reader.archive
    sheet_bytes = 0
    for sheet, rel in reader.parser.find_sheets():
        name = cells.strip_controls(sheet.name).strip().lower()
        if (name not in TABLES and not every_sheet) or rel.target not in reader.valid_files:
            continue
        sheet_bytes += archive.getinfo(rel.target).file_size
        with archive.open(rel.target) as stream:
            head = stream.read(4096)
        if _DOCTYPE_RE.search(head):  # an OOXML part never has a DTD: entities are attacks
            raise _fatal("fatal_damaged_sheet", path=path,
                         sheet=sheet.name if every_sheet else name)
    strings = reader.package.find(SHARED_STRINGS)
    if strings is not None:
        limit = sheet_bytes // MIN_CELL_BYTES + SPARE_STRINGS
        count = _count_strings(archive, strings.PartName[1:])
        if count > limit:
            raise _fatal("fatal_too_many_strings", path=path, count=_spaced(count),
                         limit=_spaced(limit))
    reader.read()
    return reader.wb


def _spaced(number: int) -> str:
    return f"{number:,}".replace(",", " ")


def read_workbook(source: Path | bytes, every_sheet: bool = False) -> dict[str, Sheet]:
    """Every sheet named like a table, read as text up to its last header column.

    The one workbook reader of the product (the loader and the upload both use it).
    Fatal: an unreadable or damaged file, two sheets for one table (names compared
    ignoring case and surrounding spaces; hidden sheets count), a value far right of the
    header, more than :data:`MAX_SHEET_CELLS` cells or :data:`MAX_COLUMNS` columns, more
    shared strings than the sheets could use. ``every_sheet``: every sheet that has a
    header row, by its title, whatever its name (the office import); empty ones skipped.
    """
    import zipfile

    from openpyxl.utils.exceptions import InvalidFileException

    path = str(source) if isinstance(source, Path) else "workbook"
    try:
        book = _open_book(source, path, every_sheet)
    except FatalRead:
        raise
    except (zipfile.BadZipFile, InvalidFileException, OSError, KeyError, ValueError,
            TypeError, *_parse_errors()) as exc:
        raise _fatal("fatal_unreadable", path=path, reason=_reason(exc)) from exc
    try:
        if every_sheet:
            found = {}
            for ws in book.worksheets:
                try:
                    found[ws.title] = _read_sheet_safely(book, ws, path, ws.title)
                except FatalRead as exc:
                    if exc.key != "problem.fatal_empty_sheet":
                        raise
            return found
        tables: dict[str, Any] = {}  # openpyxl worksheets
        for ws in book.worksheets:
            name = cells.strip_controls(ws.title).strip().lower()
            if name not in TABLES:
                continue
            if name in tables:
                raise _fatal("fatal_duplicate_sheet", path=path, table=name,
                             first=tables[name].title, second=ws.title)
            tables[name] = ws
        return {name: _read_sheet_safely(book, ws, path, name) for name, ws in tables.items()}
    finally:
        book.close()


def _reason(exc: BaseException) -> str:
    """An exception as a short reason: its first line, no file paths of the server."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


def _read_sheet_safely(book, ws, path: str, name: str) -> Sheet:
    """``_read_sheet``, with a sheet whose XML cannot be parsed as one plain fatal."""
    try:
        return _read_sheet(book, ws, path, name)
    except FatalRead:
        raise
    except _parse_errors() as exc:
        raise _fatal("fatal_damaged_sheet", path=path, sheet=name) from exc


def _read_sheet(book, ws, path: str, name: str) -> Sheet:
    """One sheet, from openpyxl's XML parser (only the cells present in the file)."""
    parser_class = _cell_parser()
    sheet = Sheet(ws.title)
    width: int | None = None
    limit: int | None = None
    with ws._get_source() as source:
        parser = parser_class(source, ws._shared_strings, data_only=True, epoch=book.epoch,
                              date_formats=book._date_formats,
                              timedelta_formats=book._timedelta_formats)
        for number, cells_ in parser.parse():
            values: dict[int, str] = {}
            formulas = []
            damaged = []
            for cell in cells_:
                column = cell["column"] - 1
                if cell["data_type"] == DAMAGED:
                    damaged.append((number, column, cells.strip_controls(str(cell["value"]))))
                    continue
                if cell["data_type"] == "f" and cell["value"] is None:
                    if width is not None and column < width:
                        formulas.append((number, column))
                    continue
                text = _cell_text(cell["value"])
                if not text:
                    continue
                if width is not None and limit is not None and column >= limit:
                    raise _fatal("fatal_far_right", path=path, sheet=name,
                                 cell=f"{_letter(column + 1)}{number}",
                                 last=_letter(width))
                values[column] = text
            if width is None:
                if not any(v.strip() for v in values.values()):
                    continue
                width = max(values) + 1
                limit = width + MAX_EXTRA_COLUMNS
                sheet.header = [values.get(i, "") for i in range(width)]
                _check_header(sheet.header, Path(path), name)
                continue
            damaged = [d for d in damaged if d[1] < width + MAX_EXTRA_COLUMNS]
            if not formulas and not damaged and not any(v.strip() for v in values.values()):
                continue
            sheet.formulas_without_value += formulas
            sheet.damaged_cells += damaged
            row_width = max(width, max(values, default=0) + 1)
            sheet.rows.append([values.get(i, "") for i in range(row_width)])
            sheet.numbers.append(number)
            if len(sheet.rows) * width > MAX_SHEET_CELLS:
                raise _fatal("fatal_too_many_cells", path=path, sheet=name,
                             limit=f"{MAX_SHEET_CELLS:,}".replace(",", " "))
    if width is None:
        raise _fatal("fatal_empty_sheet", path=path, sheet=name)
    wide = max((len(r) for r in sheet.rows), default=width)
    if wide > width:
        sheet.header += [""] * (wide - width)
    sheet.rows = [r + [""] * (wide - len(r)) if len(r) < wide else r for r in sheet.rows]
    return sheet
