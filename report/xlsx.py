"""The Excel annex, in the pack's language: the figures (with their change on the previous
year), a sheet of evidence rows per KPI, and one sheet per scoped table (headers, codes and
countries in words; ids in their own column, the partner's name beside its id).

Every text cell that starts with = + - @ (or a tab / carriage return) is written as text
with Excel's quote prefix, so a cell like ``=HYPERLINK("http://x","y")`` is shown, never
run. A table longer than a sheet (Excel: 1,048,576 rows) continues on the next sheet
("visits (2)"). Example::

    write_xlsx("annex.xlsx", build_pack(dataset, scope, "ru"))
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from loaders.cells import set_text_cell
from metrics import KPIS
from report.model import Pack, Table

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
MAX_WIDTH = 60
SHEET_NAME_LIMIT = 31  # Excel's limit
EXCEL_ROWS = 1_048_576  # rows of one sheet, the header included
TABLE_ORDER = ("institutions", "partners", "agreements", "visits", "grants", "students",
               "fx_rates", "targets")


def cell(sheet: Worksheet, value: object, font: Font | None = None,
         alignment: Alignment | None = None, number_format: str | None = None) -> WriteOnlyCell:
    """One cell of a write-only sheet; text is never a formula and loses the control
    characters Excel's XML cannot hold (``loaders.cells.set_text_cell``)."""
    if isinstance(value, datetime):
        value = value.date()
    c = WriteOnlyCell(sheet)
    if isinstance(value, str):
        set_text_cell(c, value)
    else:
        c.value = value
        if isinstance(value, date):
            c.number_format = "yyyy-mm-dd"
    if font is not None:
        c.font = font
    if alignment is not None:
        c.alignment = alignment
    if number_format is not None:
        c.number_format = number_format
    return c


def _header(sheet: Worksheet, headers: list[str]) -> list[WriteOnlyCell]:
    out = []
    for text in headers:
        c = cell(sheet, text, HEADER_FONT)
        c.fill = HEADER_FILL
        out.append(c)
    return out


def _title(name: str, used: set[str]) -> str:
    for bad in "[]:*?/\\":
        name = name.replace(bad, " ")
    name = name.strip()[:SHEET_NAME_LIMIT] or "sheet"
    base, n = name, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix
        n += 1
    used.add(name.lower())
    return name


def _widths(sheet: Worksheet, table: Table) -> None:
    from openpyxl.utils import get_column_letter

    for i, header in enumerate(table.headers):
        longest = max([len(str(header))] + [len(str(r[i])) for r in table.rows[:300]])
        sheet.column_dimensions[get_column_letter(i + 1)].width = min(max(8, longest + 2),
                                                                     MAX_WIDTH)


def _table_sheets(book: Workbook, name: str, table: Table, used: set[str], note: str = "",
                  rows_per_sheet: int = EXCEL_ROWS) -> None:
    """The table on one sheet, or on as many as its rows need (the header on each)."""
    room = max(1, rows_per_sheet - 1 - (2 if note else 0))
    chunks = [table.rows[i:i + room] for i in range(0, len(table.rows), room)] or [[]]
    for n, rows in enumerate(chunks, start=1):
        sheet = book.create_sheet(_title(name if n == 1 else f"{name} ({n})", used))
        _widths(sheet, Table(table.headers, rows[:300]))
        sheet.freeze_panes = "A4" if note else "A2"
        if note:
            sheet.append([cell(sheet, note, Font(italic=True))])
            sheet.append([])
        sheet.append(_header(sheet, table.headers))
        for values in rows:
            sheet.append([cell(sheet, v) for v in values])


def _figures(book: Workbook, pack: Pack, used: set[str]) -> None:
    sheet = book.create_sheet(_title(pack.label("export.sheet.kpis"), used))
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 22
    sheet.column_dimensions["C"].width = 80
    sheet.column_dimensions["D"].width = 26
    sheet.column_dimensions["E"].width = 30
    sheet.append([cell(sheet, pack.label("export.annex_title"), TITLE_FONT)])
    lines = [(pack.label("export.as_of"), pack.as_of),
             (pack.label("export.generated"), pack.generated),
             (pack.label("pack.language"), pack.language), *pack.scope_lines]
    if pack.public:
        lines.append((pack.label("export.public_note"), ""))
    for name, value in lines:
        sheet.append([cell(sheet, name, BOLD), cell(sheet, value)])
    sheet.append([cell(sheet, pack.comparison_note)])
    sheet.append([])
    sheet.append(_header(sheet, [pack.label("export.col.kpi"), pack.label("export.col.value"),
                                 pack.label("export.col.definition"),
                                 pack.label("export.col.kpi_name"),
                                 pack.label("pack.col.change")]))
    changes = pack.changes  # every figure's own change, only where the JSON has one
    for kpi, row in zip(KPIS, pack.kpi_table.rows, strict=True):
        sheet.append([cell(sheet, row[0]), cell(sheet, row[1], alignment=Alignment(
            horizontal="right")), cell(sheet, row[2], alignment=WRAP), cell(sheet, kpi.name),
            cell(sheet, changes.get(kpi.name, ""))])


def write_xlsx(path: str | Path | IO[bytes], pack: Pack, rows_per_sheet: int = EXCEL_ROWS
               ) -> Path | IO[bytes]:
    """Write the annex of the pack to path (``rows_per_sheet``: Excel's limit; smaller in
    tests)."""
    book = Workbook(write_only=True)
    props = book.properties
    props.title, props.creator, props.lastModifiedBy = pack.label("export.annex_title"), "", ""
    props.subject, props.language = pack.scope_words, pack.lang
    used: set[str] = set()
    _figures(book, pack, used)
    if pack.by_institution is not None:
        _table_sheets(book, pack.label("export.sheet.by_institution"), pack.by_institution,
                      used)
    for kpi in KPIS:
        table = pack.evidence_tables.get(kpi.name)
        if table is None:
            continue
        entry = next(e for e in pack.appendix if e.name == kpi.name)
        note = pack.label("pack.annex.evidence_note", label=entry.label, value=entry.value,
                          n=entry.rows)
        _table_sheets(book, pack.label("pack.sheet.evidence", label=entry.label), table, used,
                      note, rows_per_sheet)
    for section in pack.research:  # the joint papers: the IRN's institutions, the gap
        if section.table is not None:
            _table_sheets(book, section.title, section.table, used, section.lead, rows_per_sheet)
    if pack.research_papers is not None:
        _table_sheets(book, pack.label("pack.sheet.research_papers"), pack.research_papers, used,
                      pack.research[0].lead if pack.research else "", rows_per_sheet)
    if pack.register is not None:  # the numbered documents the Source columns cite
        _table_sheets(book, pack.label("pack.sheet.documents"), pack.register.annex_table(pack.lang),
                      used, pack.label("pack.annex.documents_note"), rows_per_sheet)
    names = [n for n in TABLE_ORDER if n in pack.data_tables] + [
        n for n in pack.data_tables if n not in TABLE_ORDER]
    for name in names:
        _table_sheets(book, pack.label(f"export.sheet.{name}"), pack.data_tables[name], used,
                      "", rows_per_sheet)
    if isinstance(path, str | Path):
        path = Path(path)
        book.save(path)
        return path
    book.save(path)  # a binary file object
    return path
