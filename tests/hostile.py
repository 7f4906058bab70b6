"""The hostile corpus: a small clean dataset, and one bad cell, line or sheet per case.

Every case is built in a temporary folder from ``BASE`` (hand-made, loads with no
problem at all), so each test can say exactly which problem the case causes and check
that nothing else changed. Used by ``tests/test_hostile.py``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

BASE = {
    "institutions": [
        ["institution_id", "name", "short_name", "city", "country"],
        ["i1", "Alpha Medical University", "AMU", "Samarkand", "UZB"],
    ],
    "partners": [
        ["partner_id", "name", "type", "country", "city"],
        ["p1", "Seoul National University", "university", "KOR", "Seoul"],
        ["p2", "Charite Berlin", "hospital", "DEU", "Berlin"],
        ["p3", "Geneva University Hospitals", "hospital", "CHE", "Geneva"],
    ],
    "agreements": [
        ["agreement_id", "institution_id", "partner_id", "kind", "signed_on"],
        ["a1", "i1", "p1", "mou", "2023-05-10"],
        ["a2", "i1", "p2", "cooperation_agreement", "2022"],
    ],
    "visits": [
        ["visit_id", "institution_id", "partner_id", "direction", "activity", "start_date",
         "sessions", "participants"],
        ["v1", "i1", "p1", "incoming", "lectures", "2024-03-05", "4", "30"],
        ["v2", "i1", "p2", "outgoing", "training", "2024-05", "2", ""],
        ["v3", "i1", "p1", "incoming", "surgery", "2023", "1", "12"],
        ["v4", "i1", "p2", "incoming", "masterclass", "2024-10-01", "3", "25"],
    ],
    "grants": [
        ["grant_id", "institution_id", "partner_ids", "title", "status", "amount", "currency"],
        ["g1", "i1", "p1", "Joint oncology project", "active", "50000", "USD"],
        ["g2", "i1", "p2", "Cardiology grant", "awarded", "1200", "EUR"],
    ],
    "students": [
        ["institution_id", "academic_year", "country", "count"],
        ["i1", "2024/2025", "IND", "120"],
    ],
    "fx_rates": [
        ["currency", "year", "usd_per_unit"],
        ["EUR", "2024", "1.08"],
    ],
}


def rows(table: str) -> list[list[str]]:
    """A copy of the base rows of ``table`` (header first)."""
    return [list(r) for r in BASE[table]]


def csv_text(table_rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(table_rows)
    return buffer.getvalue()


def write_folder(folder: Path, changes: dict[str, list[list[str]] | str | bytes] | None = None
                 ) -> Path:
    """The base dataset as CSV files in ``folder``; ``changes`` replaces whole tables
    (rows, or the exact text or bytes of the file)."""
    folder.mkdir(parents=True, exist_ok=True)
    changes = changes or {}
    for table in BASE:
        content = changes.get(table, rows(table))
        path = folder / f"{table}.csv"
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_text(csv_text(content), encoding="utf-8")
    return folder


def with_cell(table: str, row: int, column: str, value: str) -> dict[str, list[list[str]]]:
    """The change "cell ``column`` of sheet row ``row`` (header = 1) of ``table`` is value"."""
    table_rows = rows(table)
    table_rows[row - 1][table_rows[0].index(column)] = value
    return {table: table_rows}


def workbook(path: Path, tables: dict[str, list[list[str]]] | None = None):
    """The base dataset as an openpyxl Workbook (one sheet per table), saved by the caller."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for table in BASE:
        sheet = book.create_sheet(table)
        for r in (tables or {}).get(table, rows(table)):
            sheet.append([_typed(v) for v in r])
    return book


def _typed(value: str):
    return int(value) if value.isdigit() and len(value) < 10 else value


# ---------------------------------------------------------------- workbook parts by hand

SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def rewrite_parts(source: Path, target: Path, changes: dict) -> Path:
    """A copy of the workbook ``source`` with parts replaced: ``changes`` maps a part name
    to its new bytes, or to a function of the old bytes (a new name adds the part)."""
    import zipfile

    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w",
                                                         zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            change = changes.get(info.filename)
            dst.writestr(info.filename, change(data) if callable(change) else
                         (data if change is None else change))
        for name, change in changes.items():
            if name not in src.namelist():
                dst.writestr(name, change)
    return target


def shared_strings_book(target: Path, unused: int = 0, sheet: str = "partners") -> Path:
    """The base workbook with the text of ``sheet`` in a shared-strings part, as Excel
    writes it (openpyxl writes inline strings), plus ``unused`` strings no cell uses."""
    import re

    plain = target.with_name(target.stem + "-inline.xlsx")
    workbook(plain).save(plain)
    part = f"xl/worksheets/sheet{list(BASE).index(sheet) + 1}.xml"
    strings: list[str] = []

    def to_shared(data: bytes) -> bytes:
        def one(match: re.Match) -> str:
            strings.append(match.group(2))
            return f'<c r="{match.group(1)}" t="s"><v>{len(strings) - 1}</v></c>'

        return re.sub(r'<c r="([A-Z]+\d+)" t="inlineStr"><is><t>(.*?)</t></is></c>', one,
                      data.decode()).encode()

    import zipfile

    with zipfile.ZipFile(plain) as src:
        sheet_xml = to_shared(src.read(part))
    items = strings + [f"unused {i}" for i in range(unused)]
    sst = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.'
           f'org/spreadsheetml/2006/main" count="{len(items)}" uniqueCount="{len(items)}">'
           + "".join(f"<si><t>{s}</t></si>" for s in items) + "</sst>")
    return rewrite_parts(plain, target, {
        part: sheet_xml,
        "xl/sharedStrings.xml": sst.encode(),
        "[Content_Types].xml": lambda d: d.replace(
            b"</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_TYPE}"/>'
            "</Types>".encode()),
        "xl/_rels/workbook.xml.rels": lambda d: d.replace(
            b"</Relationships>", f'<Relationship Id="rIdSst" Type="{SST_REL}" '
            'Target="sharedStrings.xml"/></Relationships>'.encode()),
    })
