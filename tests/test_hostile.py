"""The hostile corpus (issue 18): one bad cell, line, sheet or file per case.

Each test loads the clean base dataset of ``tests/hostile.py`` with one change and checks
the exact problem (or refusal) it causes, and that every other row is as in the base.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import hostile
import pandas as pd
import pytest

from loaders import load_dataset
from loaders import validate as validate_module
from loaders.read import ROW


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    ds = load_dataset(hostile.write_folder(tmp_path_factory.mktemp("base")))
    assert ds.fatal is None and ds.problems == []
    return ds


def load(tmp_path: Path, changes: dict) -> object:
    return load_dataset(hostile.write_folder(tmp_path / "case", changes))


def listed(ds) -> list[tuple]:
    return [(p.severity, p.table, p.row, p.column, p.value, p.message) for p in ds.problems]


def assert_rest_unchanged(ds, base, table: str, row: int | None, kept: bool) -> None:
    """Every table as in the base; in ``table`` only row ``row`` may differ (or be gone)."""
    for name, frame in base.tables.items():
        got = ds.tables[name]
        if name != table or row is None:
            pd.testing.assert_frame_equal(got, frame, check_dtype=False)
            continue
        pd.testing.assert_frame_equal(got[got[ROW] != row].reset_index(drop=True),
                                      frame[frame[ROW] != row].reset_index(drop=True),
                                      check_dtype=False)
        assert (row in set(got[ROW])) == kept


# ---------------------------------------------------------------- 1. control characters

@pytest.mark.parametrize("char, code", [("\x0b", "U+000B"), ("\x01", "U+0001"),
                                        ("\x1b", "U+001B"), ("\x9b", "U+009B")])
def test_control_character_removed_with_a_warning(tmp_path, base, char, code):
    ds = load(tmp_path, hostile.with_cell("partners", 2, "name", f"Seoul{char}National University"))
    assert listed(ds) == [("warning", "partners", 2, "name", "SeoulNational University",
                           f"Invisible control characters ({code}) were removed from this cell.")]
    assert ds.tables["partners"].loc[0, "name"] == "SeoulNational University"
    assert_rest_unchanged(ds, base, "partners", 2, kept=True)


def test_nul_after_the_first_4_kb_is_a_cell_warning_not_a_crash(tmp_path, base):
    table = hostile.rows("partners")
    table[0].append("note")
    for r in table[1:]:
        r.append("")
    table[1][-1] = "x" * 5000
    table[3][1] = "Geneva University\x00 Hospitals"
    ds = load(tmp_path, {"partners": table})
    assert [p[:5] for p in listed(ds)] == [
        ("warning", "partners", 4, "name", "Geneva University Hospitals")]
    assert ds.tables["partners"]["name"].tolist() == [
        "Seoul National University", "Charite Berlin", "Geneva University Hospitals"]


def test_every_workbook_writer_survives_control_characters(tmp_path):
    """The Data page's current-data download and the Excel annex never raise on a cell."""
    from openpyxl import load_workbook

    from datastore.template import dataset_workbook
    from metrics.scope import Scope
    from report.model import build_pack
    from report.xlsx import write_xlsx

    folder = hostile.write_folder(tmp_path / "case", hostile.with_cell(
        "partners", 2, "name", "Seoul\x0bNational\x01 University\x1b"))
    data = dataset_workbook(folder)  # raw cells, control characters included
    sheet = load_workbook(io.BytesIO(data))["partners"]
    assert sheet["B2"].value == "SeoulNational University"
    ds = load_dataset(folder)
    out = write_xlsx(tmp_path / "annex.xlsx", build_pack(ds, Scope()))
    assert load_workbook(out).sheetnames


def test_report_cli_writes_the_annex_of_a_dataset_with_control_characters(tmp_path):
    import subprocess
    import sys

    folder = hostile.write_folder(tmp_path / "case", hostile.with_cell(
        "partners", 2, "name", "Seoul\x0bNational University"))
    out = tmp_path / "x.xlsx"
    done = subprocess.run([sys.executable, "-m", "report", str(folder), "--out", str(out)],
                          capture_output=True, text=True, cwd=Path(__file__).parent.parent,
                          timeout=120)
    assert "Traceback" not in done.stderr
    assert done.returncode == 0 and out.exists()


# ---------------------------------------------------------------- 3. formulas stay text

FORMULAS = ['=HYPERLINK("http://evil.example","Click")', "+1+2", "-3", "@SUM(A1)"]


def test_current_data_workbook_stores_formula_text_as_text_and_round_trips(tmp_path):
    from openpyxl import load_workbook

    from datastore.template import dataset_workbook
    from datastore.upload import read_upload

    table = hostile.rows("partners")
    table[0].append("note")
    for r, text in zip(table[1:], FORMULAS, strict=False):
        r.append(text)
    table[3][1] = FORMULAS[0]
    folder = hostile.write_folder(tmp_path / "case", {"partners": table})
    data = dataset_workbook(folder)
    sheet = load_workbook(io.BytesIO(data))["partners"]  # formulas as written, not values
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert sheet["B4"].value == FORMULAS[0] and sheet["B4"].quotePrefix
    note = [c.value for c in sheet[1]].index("note") + 1
    assert [sheet.cell(row=r, column=note).value for r in (2, 3, 4)] == FORMULAS[:3]
    # the untouched file uploaded again gives the same cells
    staging = tmp_path / "staging"
    read_upload("current.xlsx", data, staging)
    again = load_dataset(staging).tables["partners"]
    assert again["note"].tolist() == FORMULAS[:3]
    assert again.loc[2, "name"] == FORMULAS[0]


def test_excel_annex_stores_formula_text_as_text(tmp_path):
    from openpyxl import load_workbook

    from metrics.scope import Scope
    from report.model import build_pack
    from report.xlsx import write_xlsx

    ds = load(tmp_path, hostile.with_cell("partners", 2, "name", FORMULAS[0]))
    out = write_xlsx(tmp_path / "annex.xlsx", build_pack(ds, Scope()))
    book = load_workbook(out)
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert any(c.value == FORMULAS[0] and c.quotePrefix for c in cells)


# ---------------------------------------------------------------- 4. numbers

@pytest.mark.parametrize("table, row, column, value, message", [
    ("visits", 2, "sessions", "1e400",
     "“1e400” is too large or not a finite number: at most 1 000 000 000 000 000 (10^15) is accepted."),
    ("visits", 3, "participants", "1e20",
     "“1e20” is too large or not a finite number: at most 1 000 000 000 000 000 (10^15) is accepted."),
    ("students", 2, "count", "1e20",
     "“1e20” is too large or not a finite number: at most 1 000 000 000 000 000 (10^15) is accepted."),
    ("grants", 2, "amount", "9" * 30,
     f"“{'9' * 30}” is too large or not a finite number: at most 1 000 000 000 000 000 (10^15) is accepted."),
    ("grants", 3, "amount", "1000000000000001",
     "“1000000000000001” is too large or not a finite number: at most 1 000 000 000 000 000 (10^15) is accepted."),
])
def test_number_out_of_range_is_a_row_error(tmp_path, base, table, row, column, value, message):
    ds = load(tmp_path, hostile.with_cell(table, row, column, value))
    assert listed(ds) == [("error", table, row, column, value, message)]
    assert_rest_unchanged(ds, base, table, row, kept=False)


def test_fx_year_out_of_range_is_a_row_error_and_its_rate_unused(tmp_path, base):
    ds = load(tmp_path, hostile.with_cell("fx_rates", 2, "year", "1e20"))
    assert listed(ds) == [
        ("error", "fx_rates", 2, "year", "1e20", "“1e20” is too large or not a finite number: "
         "at most 1 000 000 000 000 000 (10^15) is accepted."),
        ("warning", "grants", 3, "currency", "EUR",
         "No exchange rate for EUR: this amount is left out of the USD totals.")]
    assert len(ds.tables["fx_rates"]) == 0
    assert_rest_unchanged(ds, base, "fx_rates", 2, kept=False)


@pytest.mark.parametrize("table, row, column, value, expected", [
    ("visits", 2, "sessions", "１２", 12),                 # full-width digits
    ("grants", 3, "amount", "٨٠٠٠٠", 80000.0),            # Arabic-Indic digits
    ("grants", 3, "amount", "१२००", 1200.0),              # Devanagari digits
    ("visits", 2, "start_date", "２０２４-０５-１０", pd.Timestamp("2024-05-10")),
    ("visits", 2, "start_date", "١٠.٠٥.٢٠٢٤", pd.Timestamp("2024-05-10")),
    ("grants", 3, "amount", "0,011", 0.011),              # a leading 0, is never thousands
])
def test_digits_in_any_script_are_digits(tmp_path, base, table, row, column, value, expected):
    ds = load(tmp_path, hostile.with_cell(table, row, column, value))
    assert listed(ds) == []
    frame = ds.tables[table]
    assert frame.loc[frame[ROW] == row, column].iloc[0] == expected


def test_huge_amount_never_reaches_the_json_report(tmp_path):
    import subprocess
    import sys

    folder = hostile.write_folder(tmp_path / "case", hostile.with_cell("grants", 2, "amount", "1e400"))
    out = tmp_path / "report.json"
    done = subprocess.run([sys.executable, "-m", "report", str(folder), "--out", str(out)],
                          capture_output=True, text=True, cwd=Path(__file__).parent.parent,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert "Infinity" not in text and "NaN" not in text
    report = json.loads(text)
    assert report["problems"] == {"errors": 1, "warnings": 0}


def test_non_finite_kpi_is_null_in_json():
    from report.json_report import json_value

    assert json_value("partners", float("inf")) is None
    assert json_value("usd_total", float("-inf")) is None


# ---------------------------------------------------------------- 7. workbook silent drops

def test_workbook_with_a_hidden_duplicate_sheet_is_refused_naming_both(tmp_path):
    from datastore.upload import UploadRejected, read_upload

    book = hostile.workbook(None)
    hidden = book.create_sheet("Visits ")
    hidden.append(hostile.rows("visits")[0])
    hidden.append(hostile.rows("visits")[1])
    hidden.sheet_state = "hidden"
    path = tmp_path / "book.xlsx"
    book.save(path)
    ds = load_dataset(path)
    assert ds.fatal == (f"{path} has two sheets for the table visits: “visits” and “Visits ” "
                        "(hidden sheets count too). Delete or rename one of them.")
    with pytest.raises(UploadRejected) as refused:
        read_upload("book.xlsx", path.read_bytes(), tmp_path / "staging")
    assert refused.value.code == "duplicate_sheet"
    assert refused.value.params == {"table": "visits", "first": "visits", "second": "Visits "}


def _formula_book(tmp_path: Path) -> Path:
    """visits!G3 holds a formula with no saved value (as openpyxl writes it)."""
    book = hostile.workbook(None)
    book["visits"]["G3"] = "=1+1"
    path = tmp_path / "formula.xlsx"
    book.save(path)
    return path


def test_formula_without_saved_value_is_a_row_error(tmp_path, base):
    ds = load_dataset(_formula_book(tmp_path))
    assert listed(ds) == [(
        "error", "visits", 3, "sessions", "",
        "Cell G3 holds a formula with no saved result, so it reads as empty. "
        "Open the file in Excel, save it and load it again.")]
    assert_rest_unchanged(ds, base, "visits", 3, kept=False)


def test_formula_without_saved_value_refuses_the_upload(tmp_path):
    from datastore.upload import UploadRejected, read_upload

    path = _formula_book(tmp_path)
    with pytest.raises(UploadRejected) as refused:
        read_upload("formula.xlsx", path.read_bytes(), tmp_path / "staging")
    assert refused.value.code == "formula_no_value"
    assert refused.value.params == {"cells": "visits G3"}
    assert not (tmp_path / "staging").exists()


def test_error_cell_is_a_row_error_not_a_partner_name(tmp_path, base):
    book = hostile.workbook(None)
    book["partners"]["B3"] = "#N/A"
    book["partners"]["B3"].data_type = "e"
    path = tmp_path / "error.xlsx"
    book.save(path)
    ds = load_dataset(path)
    assert listed(ds)[0] == ("error", "partners", 3, "name", "#N/A",
                             "“#N/A” is an Excel error, not a value: correct the cell or its formula.")
    # p2's rows elsewhere now refer to a partner in error (reported, not silent)
    assert {p.code for p in ds.problems[1:]} == {"unknown_ref"}
    assert "p2" not in set(ds.tables["partners"]["partner_id"])


def test_error_text_in_a_csv_is_reported_too(tmp_path, base):
    ds = load(tmp_path, hostile.with_cell("partners", 4, "city", "#REF!"))
    assert listed(ds) == [("error", "partners", 4, "city", "#REF!",
                           "“#REF!” is an Excel error, not a value: correct the cell or its formula.")]
    assert_rest_unchanged(ds, base, "partners", 4, kept=False)


def test_value_right_of_the_last_header_is_a_warning(tmp_path, base):
    book = hostile.workbook(None)
    book["partners"]["H3"] = "stray note"
    path = tmp_path / "stray.xlsx"
    book.save(path)
    for ds in (load_dataset(path), _uploaded(path, tmp_path)):
        assert listed(ds) == [(
            "warning", "partners", 3, "H", "stray note",
            "Column H has no header, so “stray note” was not read. "
            "Give the column a name or delete the value.")]
        assert_rest_unchanged(ds, base, "partners", 3, kept=True)


def _uploaded(path: Path, tmp_path: Path):
    from datastore.upload import read_upload

    staging = tmp_path / f"staging-{path.stem}"
    read_upload(path.name, path.read_bytes(), staging)
    return load_dataset(staging)


def test_value_without_header_in_a_csv_is_a_warning(tmp_path, base):
    text = [line + "," for line in hostile.csv_text(hostile.rows("partners")).splitlines()]
    text[1] += "stray"
    ds = load(tmp_path, {"partners": "\n".join(text) + "\n"})
    assert [p[:5] for p in listed(ds)] == [("warning", "partners", 2, "F", "stray")]
    assert_rest_unchanged(ds, base, "partners", 2, kept=True)


# ---------------------------------------------------------------- 8. encodings

def test_latin_1_file_is_read_as_cp1252_with_a_warning(tmp_path, base):
    table = hostile.rows("partners")
    table[3][1] = "Université de Genève"
    data = hostile.csv_text(table).encode("cp1252")
    ds = load(tmp_path, {"partners": data})
    assert ds.tables["partners"]["name"].tolist()[2] == "Université de Genève"
    assert listed(ds) == [(
        "warning", "partners", None, None, "",
        "partners.csv is not in UTF-8; it was read as cp1252, a guess from its bytes. "
        "Check the accented letters, or save the file as UTF-8.")]


def test_cp1251_file_is_still_read_as_cyrillic(tmp_path):
    table = hostile.rows("partners")
    table[3][1] = "Ташкентская медицинская академия"
    ds = load(tmp_path, {"partners": hostile.csv_text(table).encode("cp1251")})
    assert ds.tables["partners"]["name"].tolist()[2] == "Ташкентская медицинская академия"
    assert [p.code for p in ds.problems] == ["encoding_guessed"]
    assert ds.problems[0].params["encoding"] == "cp1251"


# ---------------------------------------------------------------- 10. resource bounds

def test_styled_cell_at_xfd1048576_is_read_in_seconds(tmp_path, base):
    import time

    from openpyxl.styles import Font

    book = hostile.workbook(None)
    book["visits"]["XFD1048576"].font = Font(bold=True)  # styled, no value
    path = tmp_path / "wide.xlsx"
    book.save(path)
    assert path.stat().st_size < 20_000
    from loaders.read import read_workbook

    started = time.perf_counter()
    sheets = read_workbook(path)
    assert time.perf_counter() - started < 5  # it took 40+ minutes: 16,384 cells a row
    assert len(sheets["visits"].header) == 8 and len(sheets["visits"].rows) == 4
    ds = load_dataset(path)
    assert ds.fatal is None and listed(ds) == []
    assert_rest_unchanged(ds, base, "visits", None, kept=True)
    again = _uploaded(path, tmp_path)
    assert listed(again) == []


def test_value_far_right_of_the_header_is_fatal(tmp_path):
    book = hostile.workbook(None)
    book["visits"]["XFD2"] = "x"
    path = tmp_path / "far.xlsx"
    book.save(path)
    assert load_dataset(path).fatal == (
        f"The sheet visits in {path} has a value in cell XFD2, far right of its last column "
        "(H). Delete that value and load the file again.")


def test_sheet_past_the_cell_bound_is_fatal(tmp_path, monkeypatch):
    from loaders import read

    monkeypatch.setattr(read, "MAX_SHEET_CELLS", 20)
    path = tmp_path / "big.xlsx"
    hostile.workbook(None).save(path)
    assert load_dataset(path).fatal == (
        f"The sheet visits in {path} has more than 20 cells; it was not read. "
        "Split the data or use CSV files.")


def test_problems_of_one_kind_are_capped_with_a_count_of_the_rest(tmp_path, monkeypatch, capsys):
    from loaders.__main__ import main

    monkeypatch.setattr(validate_module, "MAX_PROBLEMS_PER_KIND", 2)
    table = hostile.rows("visits")
    for r in table[1:]:
        r[6] = "many"
    folder = hostile.write_folder(tmp_path / "case", {"visits": table})
    ds = load_dataset(folder)
    assert [(p.row, p.code) for p in ds.problems] == [(2, "bad_number"), (3, "bad_number")]
    assert ds.omitted == {("error", "visits", "bad_number"): 2}
    assert ds.error_count == 4 and len(ds.tables["visits"]) == 0
    assert main(["check", str(folder)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-2] == ("error   visits: … and 2 more of the same kind in visits (bad_number), "
                       "not listed one by one.")
    assert out[-1] == "4 errors, 0 warnings."


# ---------------------------------------------------------------- 12. smaller

def test_line_of_spaces_is_skipped(tmp_path, base):
    text = hostile.csv_text(hostile.rows("visits")).splitlines()
    text.insert(2, "    ")
    text.insert(4, " \t ")
    ds = load(tmp_path, {"visits": "\n".join(text) + "\n"})
    assert listed(ds) == []
    assert ds.tables["visits"][ROW].tolist() == [2, 4, 6, 7]  # numbers as in the file


def test_duplicated_header_is_fatal_naming_both_columns(tmp_path):
    table = hostile.rows("visits")
    table[0].append("Sessions ")
    for r in table[1:]:
        r.append("99")
    folder = hostile.write_folder(tmp_path / "case", {"visits": table})
    assert load_dataset(folder).fatal == (
        f"{folder / 'visits.csv'}: the table visits has the column “sessions” twice "
        "(columns G and I). Rename or delete one of them.")


def test_csv_download_escapes_every_part_after_a_separator():
    from ui.panels import csv_bytes

    frame = pd.DataFrame({"name": ["Hosp;=cmd|' /C calc'!A0", "=1+1", "a, -2", "Jean-Pierre"],
                          "n": [1, 2, 3, 4]})
    text = csv_bytes(frame).decode("utf-8-sig")
    assert text.splitlines() == [
        "name,n",
        "Hosp;'=cmd|' /C calc'!A0,1",
        "'=1+1,2",
        "\"a, '-2\",3",
        "Jean-Pierre,4",
    ]


def test_zip_of_1000_files_within_the_size_limits_is_accepted(tmp_path):
    from datastore.upload import read_upload

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in hostile.BASE:
            archive.writestr(f"{table}.csv", hostile.csv_text(hostile.rows(table)))
        for i in range(1000 - len(hostile.BASE)):
            archive.writestr(f"notes/note{i}.txt", f"note {i}")
    tables = read_upload("many.zip", buffer.getvalue(), tmp_path / "staging")
    assert tables == sorted(hostile.BASE)
    assert load_dataset(tmp_path / "staging").problems == []
