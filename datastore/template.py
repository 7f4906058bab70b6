"""Excel workbooks for editors: an empty template, and the current dataset to edit.
One sheet per table (header row, drop-down lists for every enum column), an
``instructions`` sheet first, a hidden ``_lists`` sheet holding the drop-down words, and
for an export a hidden ``_meta`` sheet naming the version it came from (``filemeta``).
Sheets not named like a table are ignored when the workbook is uploaded again.

    >>> Path("template.xlsx").write_bytes(template_workbook("en"))   # doctest: +SKIP
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from datastore import filemeta
from datastore.diff import read_raw_tables
from datastore.labels import enum_label
from i18n import t
from loaders.cells import set_text_cell
from loaders.schema import TABLE_ORDER, TABLES

INSTRUCTIONS_SHEET = "instructions"
LISTS_SHEET = "_lists"
VALIDATION_ROWS = 2000  # drop-downs cover this many rows below the data
HEADER_FILL = PatternFill("solid", fgColor="DCE6F2")
REQUIRED_FILL = PatternFill("solid", fgColor="F8CBAD")
NUMBER_KINDS = {"int", "amount", "float", "year"}
_PLAIN_NUMBER = re.compile(r"^(0|[1-9]\d{0,14})(\.\d*[1-9])?$")


def template_workbook(lang: str = "en") -> bytes:
    """An empty workbook to fill in: headers, drop-downs, instructions."""
    return _workbook({}, lang)


def dataset_workbook(path: Path | str, lang: str = "en", meta: dict | None = None) -> bytes:
    """The dataset at ``path`` (folder of CSVs or .xlsx) as one workbook of the same shape.

    The workbook carries the version it was exported from (``meta``, else the folder's
    ``_meta.json``) in a hidden ``_meta`` sheet, so that publishing it again applies only
    what was changed in it (``datastore.merge``)."""
    if meta is None and Path(path).is_dir():
        meta = filemeta.read_meta(path)
    return _workbook(read_raw_tables(path), lang, meta or {})


def _cell_value(text: str, kind: str) -> object:
    # Numbers go in as numbers so Excel does not flag "number stored as text"; they
    # read back as the same text. Everything else stays text exactly as it was.
    if kind in NUMBER_KINDS and _PLAIN_NUMBER.match(text):
        return float(text) if "." in text else int(text)
    return text


def _workbook(tables: dict, lang: str, meta: dict | None = None) -> bytes:
    book = Workbook()
    intro = book.active
    intro.title = INSTRUCTIONS_SHEET
    lists = book.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    list_ranges = _write_lists(lists, lang)
    _write_instructions(intro, lang)

    for name in TABLE_ORDER:
        table = TABLES[name]
        sheet = book.create_sheet(name)
        frame = tables.get(name)
        extra = [c for c in (frame.columns if frame is not None else []) if c not in table.names]
        headers = table.names + extra
        kinds = {c.name: c.kind for c in table.columns}
        for col_idx, header in enumerate(headers, start=1):
            cell = set_text_cell(sheet.cell(row=1, column=col_idx), header)
            cell.font = Font(bold=True)
            required = header in kinds and table.column(header).required
            cell.fill = REQUIRED_FILL if required else HEADER_FILL
            sheet.column_dimensions[get_column_letter(col_idx)].width = max(12, len(header) + 4)
        if frame is not None:
            for row_idx, row in enumerate(frame.itertuples(index=False), start=2):
                for col_idx, header in enumerate(headers, start=1):
                    text = (
                        str(row[frame.columns.get_loc(header)]) if header in frame.columns else ""
                    )
                    if text:
                        value = _cell_value(text, kinds.get(header, "text"))
                        cell = sheet.cell(row=row_idx, column=col_idx)
                        if isinstance(value, str):
                            # =HYPERLINK(...) stays text, control characters are dropped
                            set_text_cell(cell, value)
                        else:
                            cell.value = value
        sheet.freeze_panes = "A2"
        last_row = max(len(frame) if frame is not None else 0, 0) + VALIDATION_ROWS
        for col_idx, header in enumerate(headers, start=1):
            key = (name, header)
            if key not in list_ranges:
                continue
            validation = DataValidation(
                type="list",
                formula1=list_ranges[key],
                allow_blank=True,
                showDropDown=False,  # False = show the arrow (an inverted Excel flag)
                errorStyle="warning",  # other spellings ("In person") are still accepted
                error=t("data.template.dropdown_error", lang),
                errorTitle=header,
                prompt=t("data.template.dropdown_prompt", lang),
                promptTitle=header,
            )
            validation.showErrorMessage = True
            letter = get_column_letter(col_idx)
            validation.add(f"{letter}2:{letter}{last_row}")
            sheet.add_data_validation(validation)
    book.move_sheet(LISTS_SHEET, offset=len(book.sheetnames))
    if meta:
        filemeta.add_sheet(book, meta)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_lists(sheet, lang: str = "en") -> dict[tuple[str, str], str]:
    """One column per enum column, its words as the interface shows them in ``lang`` (the
    loader reads every label in en/ru/uz); returns (table, column) -> range formula."""
    ranges = {}
    col_idx = 0
    for name in TABLE_ORDER:
        for column in TABLES[name].columns:
            if column.kind != "enum":
                continue
            col_idx += 1
            letter = get_column_letter(col_idx)
            sheet.cell(row=1, column=col_idx, value=f"{name}.{column.name}")
            for row_idx, word in enumerate(column.allowed, start=2):
                sheet.cell(row=row_idx, column=col_idx, value=enum_label(name, column.name, word, lang))
            last = len(column.allowed) + 1
            ranges[(name, column.name)] = f"{LISTS_SHEET}!${letter}$2:${letter}${last}"
    return ranges


def _write_instructions(sheet, lang: str) -> None:
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 22
    sheet.column_dimensions["C"].width = 12
    sheet.column_dimensions["D"].width = 70
    sheet.cell(row=1, column=1, value=t("data.template.title", lang)).font = Font(
        bold=True, size=14
    )
    row = 3
    for step in range(1, 7):
        cell = sheet.cell(row=row, column=1, value=t(f"data.template.step{step}", lang))
        cell.alignment = Alignment(wrap_text=False)
        row += 1
    row += 1
    headers = (
        "data.template.col_table",
        "data.template.col_column",
        "data.template.col_required",
        "data.template.col_values",
    )
    for col_idx, key in enumerate(headers, start=1):
        cell = sheet.cell(row=row, column=col_idx, value=t(key, lang))
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for name in TABLE_ORDER:
        table = TABLES[name]
        for column in table.columns:
            row += 1
            values = (
                ", ".join(enum_label(name, column.name, w, lang) for w in column.allowed)
                if column.kind == "enum"
                else t(f"data.template.kind.{column.kind}", lang, table=column.ref or "")
            )
            sheet.cell(row=row, column=1, value=name)
            sheet.cell(row=row, column=2, value=column.name)
            required = t("data.template.yes", lang) if column.required else ""
            sheet.cell(row=row, column=3, value=required)
            sheet.cell(row=row, column=4, value=values)
    sheet.freeze_panes = "A2"
