"""The Excel annex: a KPI sheet (figure, definition, scope) and one sheet per scoped table.

Every text cell that comes from the data and starts with = + - @ (or a tab / carriage
return) is written as text with Excel's quote prefix, so a cell like
``=HYPERLINK("http://x","y")`` is shown, never run. Example::

    write_xlsx("annex.xlsx", report_dict, apply_scope(ds.tables, scope), "en", public=False)
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from i18n import t
from loaders.cells import set_text_cell
from metrics import KPIS
from report.pack import build_pack, public_tables

TABLE_ORDER = (
    "institutions", "partners", "agreements", "visits", "grants", "students", "fx_rates",
    "targets",
)
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
TITLE_FONT = Font(bold=True, size=14)
MAX_WIDTH = 60
SHEET_NAME_LIMIT = 31  # Excel's limit
PERCENT_UNITS = ("share", "percent")
MONEY_UNITS = ("usd", "money")


def _cell_value(value: object) -> object:
    """A frame value as something openpyxl writes: lists joined, NA as empty."""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return value.item()
    return value


def write_cell(sheet, row: int, column: int, value: object):
    """Write one cell; text that Excel would read as a formula stays text."""
    cell = sheet.cell(row=row, column=column)
    value = _cell_value(value)
    if isinstance(value, str):
        # text stays text (never a formula) and loses the control characters that
        # Excel's XML cannot hold (loaders.cells)
        return set_text_cell(cell, value)
    cell.value = value
    if isinstance(value, datetime | date):
        cell.number_format = "yyyy-mm-dd"
    return cell


def _header(sheet, row: int, headers: list[str]) -> None:
    for column, text in enumerate(headers, start=1):
        cell = write_cell(sheet, row, column, text)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL


def _size_columns(sheet, floor: int = 8) -> None:
    """Columns as wide as their longest value (first 500 rows), within limits."""
    widths: dict[int, int] = {}
    for row in sheet.iter_rows(max_row=min(sheet.max_row, 500)):
        for cell in row:
            if cell.value is None:
                continue
            text = cell.value.strftime("%Y-%m-%d") if isinstance(cell.value, datetime | date) \
                else str(cell.value)
            longest = max((len(line) for line in text.splitlines()), default=0)
            widths[cell.column] = max(widths.get(cell.column, floor), longest + 2)
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(width, MAX_WIDTH)


def _sheet_title(key: str, lang: str, used: set[str]) -> str:
    title = t(key, lang)
    for bad in "[]:*?/\\":
        title = title.replace(bad, " ")
    title = title[:SHEET_NAME_LIMIT] or "sheet"
    base, n = title, 2
    while title.lower() in used:
        title = f"{base[: SHEET_NAME_LIMIT - 3]} {n}"
        n += 1
    used.add(title.lower())
    return title


def _kpi_sheet(sheet, pack, lang: str) -> None:
    write_cell(sheet, 1, 1, t("export.annex_title", lang)).font = TITLE_FONT
    row = 2
    lines = [(t("export.as_of", lang), pack.as_of), (t("export.generated", lang), pack.generated)]
    lines += pack.scope_lines
    if pack.public:
        lines.append((t("export.public_note", lang), ""))
    for name, value in lines:
        write_cell(sheet, row, 1, name).font = Font(bold=True)
        write_cell(sheet, row, 2, value)
        row += 1
    row += 1
    _header(sheet, row, [t("export.col.kpi", lang), t("export.col.value", lang),
                         t("export.col.definition", lang), t("export.col.kpi_name", lang)])
    sheet.freeze_panes = sheet.cell(row=row + 1, column=1)
    units = {kpi.name: kpi.unit for kpi in KPIS}
    for kpi in pack.kpis:
        row += 1
        write_cell(sheet, row, 1, kpi.label)
        # The raw figure of the report (a number the reader can compute with); an
        # undefined figure is the em dash, never 0.
        cell = write_cell(sheet, row, 2, kpi.value if kpi.value is not None
                          else t("common.none", lang))
        unit = units.get(kpi.name, "")
        if isinstance(kpi.value, float | int) and not isinstance(kpi.value, bool):
            if unit in PERCENT_UNITS:
                cell.number_format = "0.0%"
            elif unit in MONEY_UNITS:
                cell.number_format = "#,##0"
            elif isinstance(kpi.value, float):
                cell.number_format = "0.0"
        else:
            cell.alignment = Alignment(horizontal="right")
        write_cell(sheet, row, 3, kpi.definition).alignment = Alignment(wrap_text=True)
        write_cell(sheet, row, 4, kpi.name)
    _size_columns(sheet)
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["C"].width = 80


def _table_sheet(sheet, frame: pd.DataFrame) -> None:
    columns = list(frame.columns)
    _header(sheet, 1, columns)
    sheet.freeze_panes = "A2"
    for r, values in enumerate(frame.itertuples(index=False, name=None), start=2):
        for c, value in enumerate(values, start=1):
            write_cell(sheet, r, c, value)
    if columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(len(frame) + 1, 1)}"
    _size_columns(sheet)


def _by_institution_sheet(sheet, table) -> None:
    _header(sheet, 1, table.headers)
    sheet.freeze_panes = "B2"
    for r, cells in enumerate(table.rows, start=2):
        for c, value in enumerate(cells, start=1):
            write_cell(sheet, r, c, value)
    _size_columns(sheet)


def write_xlsx(path, report: dict, scoped_tables: dict[str, pd.DataFrame], lang: str = "en",
               public: bool = False) -> Path:
    """Write the annex for one report and its scoped tables to path."""
    tables = public_tables(scoped_tables, lang) if public else scoped_tables
    pack = build_pack(report, tables, lang, public)
    book = Workbook()
    used: set[str] = set()
    kpi_sheet = book.active
    kpi_sheet.title = _sheet_title("export.sheet.kpis", lang, used)
    _kpi_sheet(kpi_sheet, pack, lang)
    if pack.by_institution is not None:
        _by_institution_sheet(
            book.create_sheet(_sheet_title("export.sheet.by_institution", lang, used)),
            pack.by_institution,
        )
    names = list(TABLE_ORDER) + [n for n in tables if n not in TABLE_ORDER]
    for name in names:
        frame = tables.get(name)
        if frame is None:
            continue
        _table_sheet(book.create_sheet(_sheet_title(f"export.sheet.{name}", lang, used)), frame)
    path = Path(path)
    book.save(path)
    return path
