"""The version a file was exported from, carried inside the file (docs/datastore.md).

* a workbook: a hidden sheet ``_meta`` with two columns, ``key`` and ``value``;
* a folder or a zip of CSV files: a file ``_meta.json`` beside the tables.

Keys: ``base_version`` (the store's version number), ``store`` (the store's id, so a file
from another installation is never merged against the wrong history) and ``exported_at``.
The loaders ignore both (neither is named like a table); an upload copies the marker into
its staging folder as ``_meta.json``, where ``read_meta`` finds it.

    >>> write_meta(folder, {"base_version": 7, "store": "3f9a..."})   # doctest: +SKIP
    >>> read_meta(folder)["base_version"]                              # doctest: +SKIP
    7
"""

from __future__ import annotations

import io
import json
from pathlib import Path

META_SHEET = "_meta"
META_FILE = "_meta.json"
MAX_META_BYTES = 4096  # a marker is a few lines; anything bigger is not ours


def write_meta(folder: Path | str, meta: dict) -> None:
    """Write ``meta`` as ``_meta.json`` into ``folder``."""
    Path(folder, META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=1),
                                       encoding="utf-8")


def read_meta(folder: Path | str) -> dict:
    """The marker of a folder ({} when it has none or it is not one of ours)."""
    path = Path(folder, META_FILE)
    if not path.is_file() or path.stat().st_size > MAX_META_BYTES:
        return {}
    return parse(path.read_bytes())


def parse(data: bytes) -> dict:
    """The marker's keys from its JSON text; {} for anything else."""
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    if not isinstance(value, dict):
        return {}
    return _clean(value)


def _clean(value: dict) -> dict:
    out: dict = {}
    base = value.get("base_version")
    try:
        number = int(str(base).strip())
        if number > 0 and str(base).strip().lstrip("+").isdigit():
            out["base_version"] = number
    except (TypeError, ValueError):
        pass
    for key in ("store", "exported_at"):
        if isinstance(value.get(key), str) and len(value[key]) <= 200:
            out[key] = value[key]
    return out


def add_sheet(book, meta: dict) -> None:
    """Add the hidden ``_meta`` sheet to an openpyxl workbook."""
    sheet = book.create_sheet(META_SHEET)
    sheet.sheet_state = "hidden"
    sheet.append(["key", "value"])
    for key, value in meta.items():
        sheet.append([str(key), str(value)])


def workbook_meta(data: bytes) -> dict:
    """The marker of a workbook's ``_meta`` sheet ({} without one). The workbook has passed
    the upload's safety checks already."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - a damaged workbook is reported by the reader
        return {}
    try:
        names = {name.lower(): name for name in book.sheetnames}
        if META_SHEET not in names:
            return {}
        sheet = book[names[META_SHEET]]
        found: dict = {}
        for row in sheet.iter_rows(min_row=2, max_row=20, max_col=2, values_only=True):
            if row and row[0] is not None:
                found[str(row[0]).strip()] = "" if row[1] is None else str(row[1]).strip()
        return _clean(found)
    finally:
        book.close()
