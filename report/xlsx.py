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
from metrics import KPI_BY_NAME, KPIS
from metrics.figure import SHOWN, Figure
from report.figure_words import note_text
from report.model import Pack, Table
from report.targets import BY_YEAR, year_header

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


def _shorten(name: str, limit: int) -> str:
    """``name`` within ``limit`` characters, cut after a whole word (a single word longer
    than the limit is the only thing cut mid-word)."""
    if len(name) <= limit:
        return name
    words = name[: limit + 1].split(" ")[:-1]  # the last word was cut: drop it
    while words and not any(ch.isalnum() for ch in words[-1]):
        words.pop()  # no dangling "–" or "(" at the end
    return " ".join(words).rstrip(" ,;–-(") or name[:limit]


def _title(name: str, used: set[str]) -> str:
    """A sheet name Excel accepts: no ``[]:*?/\\``, whole words within 31 characters,
    unique (``name (2)``, shortened by words to fit)."""
    for bad in "[]:*?/\\":
        name = name.replace(bad, " ")
    name = " ".join(name.split()) or "sheet"
    title, n = _shorten(name, SHEET_NAME_LIMIT), 2
    while title.lower() in used:
        suffix = f" ({n})"
        title = _shorten(name, SHEET_NAME_LIMIT - len(suffix)) + suffix
        n += 1
    used.add(title.lower())
    return title


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


# Excel number formats by KPI unit: the cell holds the number, the format shows it.
NUMBER_FORMATS = {"count": "#,##0", "share": "0.0%", "index": "0.0", "usd": '"$"#,##0'}


def _number_cells(sheet: Worksheet, fig: Figure, pack: Pack) -> list[WriteOnlyCell]:
    """(the value as a number, or empty when no number is shown; the state in words)."""
    shown = fig.state in SHOWN and fig.value is not None
    value = fig.value if shown else None
    if isinstance(value, float) and fig.unit == "count" and value.is_integer():
        value = int(value)
    number = cell(sheet, value, number_format=NUMBER_FORMATS.get(fig.unit, "General"))
    return [number, cell(sheet, pack.label(f"pack.annex.state.{fig.state}"))]


def _figures(book: Workbook, pack: Pack, used: set[str]) -> None:
    """The figures as numbers with number formats; the state and the unknown inputs in
    their own columns (an expert can sum and chart the Value column)."""
    sheet = book.create_sheet(_title(pack.label("export.sheet.kpis"), used))
    for letter, width in zip("ABCDEF", (34, 14, 22, 48, 80, 30), strict=True):
        sheet.column_dimensions[letter].width = width
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
                                 pack.label("pack.annex.col.state"),
                                 pack.label("pack.annex.col.note"),
                                 pack.label("export.col.definition"),
                                 pack.label("pack.col.change")]))
    changes = pack.changes  # every figure's own change, only where the JSON has one
    for kpi in KPIS:
        fig = pack.figures.get(kpi.name) or Figure(kpi.name, None, "unknown")
        sheet.append([cell(sheet, pack.label(kpi.label_key)), *_number_cells(sheet, fig, pack),
                      cell(sheet, note_text(fig, pack.lang) or "", alignment=WRAP),
                      cell(sheet, pack.label(kpi.definition_key), alignment=WRAP),
                      cell(sheet, changes.get(kpi.name, ""))])


def _by_institution_sheet(book: Workbook, pack: Pack, used: set[str]) -> None:
    """Every KPI per institution: a number column and a state column per institution."""
    sheet = book.create_sheet(_title(pack.label("export.sheet.by_institution"), used))
    sheet.column_dimensions["A"].width = 34
    sheet.freeze_panes = "B2"
    headers = [pack.label("export.col.kpi")]
    for name, _ in pack.institution_figures:
        headers += [name, pack.label("pack.annex.col.state")]
    sheet.append(_header(sheet, headers))
    for kpi in KPIS:
        row = [cell(sheet, pack.label(kpi.label_key))]
        for _, figures in pack.institution_figures:
            row += _number_cells(sheet, figures[kpi.name], pack)
        sheet.append(row)


def _targets_sheet(book: Workbook, pack: Pack, used: set[str]) -> None:
    """Targets against actual as numbers: the target and the actual with their KPI's number
    format (the actual empty when it is not known: the state says why), the share reached
    as a percentage, and the result in words."""
    frame = pack.targets
    if frame is None or frame.empty:
        return
    sheet = book.create_sheet(_title(pack.label("pack.sheet.targets_results"), used))
    for letter, width in zip("ABCDEFGH", (14, 8, 34, 14, 14, 18, 12, 20), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A4"
    sheet.append([cell(sheet, pack.label("pack.targets.notes"), Font(italic=True))])
    sheet.append([])
    sheet.append(_header(sheet, [pack.label("export.col.institution"), pack.label("export.col.year"),
                                 pack.label("export.col.kpi"), pack.label("page.overview.col.target"),
                                 pack.label("page.overview.col.actual"), pack.label("pack.annex.col.state"),
                                 pack.label("page.overview.col.reached"),
                                 pack.label("pack.targets.col.result")]))
    rows = pack.targets_rows()
    for row in rows:
        kpi = KPI_BY_NAME[str(row["metric"])]
        form = NUMBER_FORMATS.get(kpi.unit, "General")
        actual = row["actual"] if row["state"] in SHOWN else None
        share = row["share_reached"] if row["state"] in SHOWN else None
        sheet.append([cell(sheet, row["_name"]), cell(sheet, int(row["year"])),
                      cell(sheet, pack.label(kpi.label_key)),
                      cell(sheet, _plain_number(row["target"], kpi.unit), number_format=form),
                      cell(sheet, _plain_number(actual, kpi.unit), number_format=form),
                      cell(sheet, pack.label(f"pack.annex.state.{row['state']}")),
                      cell(sheet, _plain_number(share, "share"), number_format="0.0%"),
                      cell(sheet, pack.label(f"pack.targets.result.{row['result']}"))])


def _plain_number(value: object, unit: str) -> int | float | None:
    """A number for a cell (None for a missing one; a whole count as an int)."""
    if value is None or isinstance(value, str):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if number != number:
        return None
    return int(number) if unit == "count" and number.is_integer() else number


def _by_year_sheet(book: Workbook, pack: Pack, used: set[str]) -> None:
    """The headline figures by year: per institution and figure, a number column and a
    state column per year."""
    years = pack.year_figures
    if years is None:
        return
    sheet = book.create_sheet(_title(pack.label("pack.sheet.by_year"), used))
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 34
    sheet.freeze_panes = "C2"
    headers = [pack.label("export.col.institution"), pack.label("export.col.kpi")]
    for year in years.years:
        headers += [year_header(year, years, pack.lang), pack.label("pack.annex.col.state")]
    sheet.append(_header(sheet, headers))
    for institution in years.institutions:
        for name in BY_YEAR:
            row = [cell(sheet, pack.short_name(institution)),
                   cell(sheet, pack.label(KPI_BY_NAME[name].label_key))]
            for year in years.years:
                row += _number_cells(sheet, years.figures[(institution, year)][name], pack)  # type: ignore[arg-type]
            sheet.append(row)


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
    if pack.institution_figures:
        _by_institution_sheet(book, pack, used)
    elif pack.by_institution is not None:
        _table_sheets(book, pack.label("export.sheet.by_institution"), pack.by_institution,
                      used)
    _targets_sheet(book, pack, used)
    _by_year_sheet(book, pack, used)
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
