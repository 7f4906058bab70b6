"""The office's own workbook finished in the page (issue 25, defects 3 and 6): its problems
numbered as in the sheet, a partner created from it, a constant column, corrections."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from datastore import office
from loaders import load_dataset
from loaders.read import read_dataset

ROOT = Path(__file__).resolve().parent.parent
WORKBOOK = ROOT / "tests" / "data" / "office" / "visits_ru.xlsx"
SHEET = "Визиты 2024"
NEW_PARTNER = "Казахский медицинский университет непрерывного образования"


@pytest.fixture(scope="module")
def current() -> dict[str, pd.DataFrame]:
    """The curated data's tables as text, as the store gives them."""
    raw = read_dataset(ROOT / "data")
    return {name: frame.drop(columns=["_row"]).astype(str) for name, frame in raw.items()}


@pytest.fixture(scope="module")
def sheet() -> pd.DataFrame:
    return office.read_sheets(WORKBOOK.name, WORKBOOK.read_bytes())[SHEET]


def test_the_sheet_rows_are_the_spreadsheet_rows(sheet):
    assert office.sheet_rows(sheet) == [2, 3, 4, 5, 6, 7]


def test_a_new_partner_is_proposed_from_the_sheet(sheet):
    mapping = office.auto_mapping(sheet, "visits")
    assert mapping["вуз-партнёр"] == "partner_id"
    (proposal,) = office.partner_proposals(sheet, mapping, [NEW_PARTNER])
    assert proposal == {"partner_id": office.new_partner_id(NEW_PARTNER), "name": NEW_PARTNER,
                        "type": "", "country": "KAZ", "city": "Алматы", "_row": "3"}
    assert office.new_partner_id(NEW_PARTNER) == office.new_partner_id(NEW_PARTNER.upper())


def test_constants_fill_only_empty_cells():
    mapped = pd.DataFrame({"institution_id": ["", "admi"], "direction": ["", ""]})
    out = office.with_constants(mapped, {"institution_id": "samsmu", "direction": "incoming"})
    assert out.to_dict("list") == {"institution_id": ["samsmu", "admi"],
                                   "direction": ["incoming", "incoming"]}


def _parts(sheet, current, corrections=None):
    mapping = office.auto_mapping(sheet, "visits")
    pid = office.new_partner_id(NEW_PARTNER)
    values = {"partner_id": {NEW_PARTNER: pid}}
    mapped = office.with_constants(
        office.mapped_frame(sheet, "visits", mapping, values, current), {"institution_id": "samsmu"})
    partner = pd.DataFrame([{"partner_id": pid, "name": NEW_PARTNER, "type": "university",
                             "country": "KAZ", "city": "Алматы"}])
    parts = [office.SheetPart(SHEET, "visits", mapped, office.sheet_rows(sheet)),
             office.SheetPart(SHEET, "partners", partner, [3])]
    if corrections:
        parts = [office.with_corrections(p, corrections) for p in parts]
    return parts


def _check(tmp_path, merged):
    folder = tmp_path / "staging"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for table, frame in merged.items():
        frame.to_csv(folder / f"{table}.csv", index=False)
    return load_dataset(folder)


def test_problems_are_numbered_as_in_the_sheet(sheet, current, tmp_path):
    merged, origin = office.merged_parts(current, _parts(sheet, current))
    assert len(merged["visits"]) == len(current["visits"]) + 6
    assert len(merged["partners"]) == len(current["partners"]) + 1
    dataset = _check(tmp_path, merged)
    found = office.sheet_problems(dataset.problems, origin)
    errors = sorted((p.params["sheet"], p.row, p.column, p.value) for p in found
                    if p.severity == "error")
    assert errors == [(SHEET, 3, "start_date", "31 февраля 2024"), (SHEET, 6, "sessions", "шесть")]
    # before: row 3 of the sheet was reported as the merged table's row
    assert {p.row for p in dataset.errors} == {len(current["visits"]) + 3,
                                               len(current["visits"]) + 6}


def test_corrections_in_the_review_clear_the_problems(sheet, current, tmp_path):
    fixes = {(SHEET, 3, "start_date"): "28 февраля 2024", (SHEET, 6, "sessions"): "6"}
    merged, origin = office.merged_parts(current, _parts(sheet, current, fixes))
    dataset = _check(tmp_path, merged)
    assert dataset.errors == []
    visits = dataset.tables["visits"]
    added = visits[visits["partner_id"] == office.new_partner_id(NEW_PARTNER)]
    assert sorted(added["start_date"].dt.strftime("%Y-%m-%d")) == ["2024-02-28", "2024-04-01"]
    assert set(added["institution_id"]) == {"samsmu"}
