"""Safe reading of an uploaded dataset: one .xlsx workbook or a .zip of CSV files.

``read_upload(name, data, dest)`` checks the file before anything is unpacked and writes
the tables as ``TABLE.csv`` files into ``dest``; a bad file raises ``UploadRejected`` with
a code (i18n key ``data.upload.<code>``) and nothing is written.

    >>> read_upload("visits.zip", raw_bytes, staging)   # doctest: +SKIP
    ['agreements', 'institutions', 'partners', 'visits']
"""

from __future__ import annotations

import csv
import io
import os
import posixpath
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from datastore import filemeta
from datastore.paths import safe_child
from loaders.schema import TABLE_ORDER

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """How big an upload may be; ``max_upload_mb`` from env ``COOP_UPLOAD_MAX_MB``."""

    max_upload_bytes: int = 20 * MB
    max_unpacked_bytes: int = 200 * MB
    max_ratio: float = 100.0
    # Files in a zip: many small files within the size limits are no bomb (they are only
    # listed; the ones not named like a table are skipped), but a directory of 100,000
    # entries is refused.
    max_members: int = 10_000

    @classmethod
    def from_env(cls) -> Limits:
        try:
            mb = float(os.environ.get("COOP_UPLOAD_MAX_MB", "20"))
        except ValueError:
            mb = 20.0
        return cls(max_upload_bytes=int(mb * MB), max_unpacked_bytes=int(max(mb, 1) * 10 * MB))


class UploadRejected(Exception):
    """The upload cannot be used; ``code`` is the i18n key suffix, ``params`` its values."""

    MESSAGES = {
        "empty": "The file is empty.",
        "too_large": "The file is {size_mb} MB; the limit is {limit_mb} MB.",
        "wrong_type": "Only an Excel workbook (.xlsx) or a .zip of CSV files can be uploaded.",
        "not_xlsx": "The file is named .xlsx but is not an Excel workbook. Save it from Excel as .xlsx.",
        "old_xls": "This is an old Excel file (.xls). Open it in Excel and save it as .xlsx.",
        "encrypted": "The workbook is protected with a password. Remove the password in Excel and upload it again.",
        "macros": "The workbook contains macros. Save it as a plain Excel workbook (.xlsx) without macros.",
        "corrupt": "The file is damaged and cannot be opened.",
        "unsafe_path": "The zip file contains an unsafe file name: {name}.",
        "zip_bomb": "The zip file unpacks to far more data than allowed; it was not opened.",
        "too_many_files": "The zip file holds {count} files; at most {limit} are allowed.",
        "formula_no_value": "The workbook has formulas with no saved result ({cells}).",
        "duplicate_sheet": "The workbook has two sheets for the table {table}: {first} and {second}.",
        "duplicate_column": "The table {table} has the column {column} twice ({first}, {second}).",
        "far_right": "The sheet {sheet} has a value in cell {cell}, far right of column {last}.",
        "too_many_cells": "The sheet {sheet} has more than {limit} cells.",
        "too_many_columns": "The table {table} has {count} columns; at most {limit} are read.",
        "too_many_strings": "The workbook holds {count} shared texts, far more than its sheets can use.",
        "damaged_sheet": "The sheet {sheet} is damaged and cannot be read.",
        "damaged_cells": "The workbook has damaged cells ({cells}).",
        "no_tables": "No tables were found. Expected CSV files or sheets named like: {expected}.",
        "duplicate_table": "The table {table} appears more than once in the zip file.",
        "nested_archive": "The zip file contains another archive ({name}); put the CSV files in directly.",
        "pub_wrong_type": "{name} is not named like a publication export ({suffixes}).",
        "pub_unreadable_file": "{name} cannot be read as a publication export: {reason}",
        "pub_no_papers": "{name} holds no papers.",
    }

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(self.MESSAGES.get(code, code).format(**params))


def _table_names() -> tuple[str, ...]:
    return tuple(TABLE_ORDER)


# ---- the entry point -------------------------------------------------------------------
def read_upload(name: str, data: bytes, dest: Path, limits: Limits | None = None) -> list[str]:
    """Check ``data`` (a file called ``name``) and write its tables into ``dest``."""
    limits = limits or Limits.from_env()
    suffix = Path(name or "").suffix.lower()
    check_size(data, limits)
    if suffix in {".xlsm", ".xltm", ".xlam"}:
        raise UploadRejected("macros")
    if suffix == ".xls":
        raise UploadRejected("encrypted" if _is_encrypted_ole(data) else "old_xls")
    if suffix not in {".xlsx", ".zip"}:
        raise UploadRejected("wrong_type")
    archive = _open_zip(data, "not_xlsx" if suffix == ".xlsx" else "wrong_type")
    with archive:
        members = _check_archive(archive, len(data), limits)
        if suffix == ".xlsx" or "[Content_Types].xml" in {m.filename for m in members}:
            _check_xlsx_package(archive, members, limits)
            return xlsx_to_csv_folder(data, dest)
        return _extract_csvs(archive, members, dest, limits)


def read_upload_checks(name: str, data: bytes, limits: Limits | None = None) -> None:
    """The checks of ``read_upload`` for a workbook, without writing anything."""
    limits = limits or Limits.from_env()
    check_size(data, limits)
    archive = _open_zip(data, "not_xlsx")
    with archive:
        members = _check_archive(archive, len(data), limits)
        _check_xlsx_package(archive, members, limits)


def check_size(data: bytes, limits: Limits) -> None:
    """An empty file or one over the size limit is refused before anything is read."""
    if not data:
        raise UploadRejected("empty")
    if len(data) > limits.max_upload_bytes:
        raise UploadRejected("too_large", size_mb=round(len(data) / MB, 1),
                             limit_mb=round(limits.max_upload_bytes / MB, 1))


def _open_zip(data: bytes, not_zip: str) -> zipfile.ZipFile:
    """The bytes as a zip (an .xlsx is one), else the reason: an OLE file is an old .xls or
    an encrypted workbook (it holds "EncryptedPackage"), anything else ``not_zip``."""
    if data.startswith(OLE_MAGIC):
        raise UploadRejected("encrypted" if _is_encrypted_ole(data) else "old_xls")
    if not data.startswith(ZIP_MAGIC):
        raise UploadRejected(not_zip)
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise UploadRejected("corrupt") from None


def _is_encrypted_ole(data: bytes) -> bool:
    return "EncryptedPackage".encode("utf-16-le") in data or b"EncryptedPackage" in data


# ---- archive checks ----------------------------------------------------------------------
def _check_archive(
    archive: zipfile.ZipFile, packed_size: int, limits: Limits
) -> list[zipfile.ZipInfo]:
    """Reject unsafe names and bombs using the declared sizes; returns the file members."""
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise UploadRejected("too_many_files", count=len(infos), limit=limits.max_members)
    declared = 0
    files = []
    for info in infos:
        _check_member_name(info)
        if info.is_dir():
            continue
        declared += info.file_size
        if info.compress_size and info.file_size / info.compress_size > limits.max_ratio:
            if info.file_size > MB:
                raise UploadRejected("zip_bomb")
        files.append(info)
    if declared > limits.max_unpacked_bytes:
        raise UploadRejected("zip_bomb")
    if packed_size and declared / packed_size > limits.max_ratio and declared > 10 * MB:
        raise UploadRejected("zip_bomb")
    return files


def _check_member_name(info: zipfile.ZipInfo) -> None:
    raw = info.filename
    name = raw.replace("\\", "/")
    mode = info.external_attr >> 16
    unsafe = (
        not name
        or "\x00" in name
        or name.startswith("/")
        or (len(name) > 1 and name[1] == ":")  # C:/...
        or ".." in name.split("/")
        or posixpath.normpath(name).startswith("..")
        or stat.S_ISLNK(mode)
    )
    if unsafe:
        raise UploadRejected("unsafe_path", name=raw[:120])


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int]) -> bytes:
    """Read one member, counting real bytes (declared sizes can lie)."""
    chunks = []
    try:
        with archive.open(info) as fh:
            while True:
                chunk = fh.read(1 << 16)
                if not chunk:
                    break
                budget[0] -= len(chunk)
                if budget[0] < 0:
                    raise UploadRejected("zip_bomb")
                chunks.append(chunk)
    except UploadRejected:
        raise
    except RuntimeError as exc:  # a password-protected zip member
        if "encrypted" in str(exc).lower() or "password" in str(exc).lower():
            raise UploadRejected("encrypted") from None
        raise UploadRejected("corrupt") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise UploadRejected("corrupt") from None
    return b"".join(chunks)


def _check_xlsx_package(
    archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], limits: Limits
) -> None:
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names:
        raise UploadRejected("not_xlsx")
    lowered = {n.lower() for n in names}
    if any("vbaproject" in n for n in lowered):
        raise UploadRejected("macros")
    content_types = _read_member(
        archive, archive.getinfo("[Content_Types].xml"), [limits.max_unpacked_bytes]
    ).lower()
    if b"macroenabled" in content_types or b"vbaproject" in content_types:
        raise UploadRejected("macros")
    # Read every part once with a real byte budget, so a crafted workbook cannot
    # balloon when openpyxl opens it.
    budget = [limits.max_unpacked_bytes]
    for info in members:
        _read_member(archive, info, budget)


def _extract_csvs(
    archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], dest: Path, limits: Limits
) -> list[str]:
    names = set(_table_names())
    found: dict[str, zipfile.ZipInfo] = {}
    marker: zipfile.ZipInfo | None = None
    for info in members:
        path = info.filename.replace("\\", "/")
        base = posixpath.basename(path)
        if base.lower() == filemeta.META_FILE and info.file_size <= filemeta.MAX_META_BYTES:
            marker = info  # the version the files were exported from (datastore.filemeta)
            continue
        if path.startswith("__MACOSX/") or base.startswith(".") or not base:
            continue
        stem, ext = posixpath.splitext(base)
        if ext.lower() in {".zip", ".xlsx", ".xlsm", ".gz", ".7z", ".rar", ".tar"}:
            raise UploadRejected("nested_archive", name=base)
        if ext.lower() != ".csv" or stem.lower() not in names:
            continue
        table = stem.lower()
        if table in found:
            raise UploadRejected("duplicate_table", table=table)
        found[table] = info
    if not found:
        raise UploadRejected("no_tables", expected=", ".join(f"{n}.csv" for n in sorted(names)))
    budget = [limits.max_unpacked_bytes]
    contents = {table: _read_member(archive, info, budget) for table, info in found.items()}
    dest.mkdir(parents=True, exist_ok=True)
    for table, content in contents.items():
        safe_child(dest, f"{table}.csv").write_bytes(content)
    if marker is not None:
        meta = filemeta.parse(_read_member(archive, marker, [filemeta.MAX_META_BYTES]))
        if meta:
            filemeta.write_meta(dest, meta)
    return sorted(contents)


# ---- workbook -> CSV files -------------------------------------------------------------------
# Reader findings that make the workbook unusable as an upload: (FatalRead key -> code).
_FATAL_CODES = {
    "problem.fatal_duplicate_sheet": "duplicate_sheet",
    "problem.fatal_duplicate_column": "duplicate_column",
    "problem.fatal_far_right": "far_right",
    "problem.fatal_too_many_cells": "too_many_cells",
    "problem.fatal_too_many_columns": "too_many_columns",
    "problem.fatal_too_many_strings": "too_many_strings",
    "problem.fatal_damaged_sheet": "damaged_sheet",
}


def xlsx_to_csv_folder(data: bytes, dest: Path) -> list[str]:
    """Write every sheet named like a table as ``TABLE.csv`` into ``dest``; returns tables.

    The sheets are read by the loader's own workbook reader (``loaders.read``), so an
    upload and ``COOP_DATA=book.xlsx`` follow one rule. Values right of the last header
    are kept (the loader reports them); error cells keep their text (``#N/A``: the loader
    reports it). A formula without a saved result cannot be kept in a CSV: refused.
    """
    from loaders.read import FatalRead, read_workbook

    try:
        sheets = read_workbook(data)
    except FatalRead as exc:
        raise rejected_read(exc) from None
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        raise UploadRejected("corrupt") from None
    refuse_damaged_cells(sheets)
    formulas = [f"{name} {_cell_name(row, col)}" for name, sheet in sheets.items()
                for row, col in sheet.formulas_without_value]
    if formulas:
        shown = ", ".join(formulas[:10]) + (" …" if len(formulas) > 10 else "")
        raise UploadRejected("formula_no_value", cells=shown)
    if not sheets:
        raise UploadRejected("no_tables", expected=", ".join(sorted(_table_names())))
    written = {}
    for table, sheet in sheets.items():
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(sheet.header)
        # Row numbers stay those of the sheet: the rows the reader skipped come back empty.
        last = 1
        for number, row in zip(sheet.numbers, sheet.rows, strict=True):
            for _ in range(last + 1, number):
                writer.writerow([])
            writer.writerow(row)
            last = number
        written[table] = buffer.getvalue()
    dest.mkdir(parents=True, exist_ok=True)
    for table, text in written.items():
        safe_child(dest, f"{table}.csv").write_text(text, encoding="utf-8")
    meta = filemeta.workbook_meta(data)
    if meta:
        filemeta.write_meta(dest, meta)
    return sorted(written)


def rejected_read(exc: Exception) -> UploadRejected:
    """What the workbook reader's refusal (``loaders.read.FatalRead``) means for an upload."""
    key = getattr(exc, "key", None) or ""
    code = _FATAL_CODES.get(key)
    if code is None:
        return UploadRejected("corrupt")
    params = {k: v for k, v in getattr(exc, "params", {}).items() if k != "path"}
    return UploadRejected(code, **params)


def refuse_damaged_cells(sheets: dict) -> None:
    """A cell the file cannot mean cannot be carried into a CSV file: the upload is refused
    naming the cells (``loaders.read.Sheet.damaged_cells``)."""
    damaged = [f"{name} {_cell_name(row, col)}" for name, sheet in sheets.items()
               for row, col, _text in sheet.damaged_cells]
    if damaged:
        shown = ", ".join(damaged[:10]) + (" …" if len(damaged) > 10 else "")
        raise UploadRejected("damaged_cells", cells=shown)


def _cell_name(row: int, column: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column + 1)}{row}"
