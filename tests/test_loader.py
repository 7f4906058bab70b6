"""load_dataset on small hand-made datasets: clean values, every problem, xlsx, encodings."""

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

from loaders import load_dataset
from loaders.schema import TABLES

DATA = Path(__file__).resolve().parent / "data"
GOOD, BAD = DATA / "good", DATA / "bad"


def _rows(ds, severity):
    return [(p.table, p.row, p.column, p.code, p.value)
            for p in ds.problems if p.severity == severity]


# Worked out by hand from tests/data/bad/*.csv (header = row 1; visits.csv has a blank
# line 11, so its last row is row 12).
BAD_ERRORS = [
    ("partners", 5, "type", "bad_enum", "shop"),
    ("partners", 6, "partner_id", "duplicate_key", "p-ok"),
    ("partners", 7, "country", "unknown_country", "Atlantis"),
    ("partners", 8, "lat", "bad_coordinate", "95"),
    ("agreements", 3, "partner_id", "unknown_ref", "p-badtype"),  # that partner is in error
    ("agreements", 4, "expires_on", "end_before_start", "2021"),  # 2021 ends 2021-12-31
    ("visits", 3, "institution_id", "unknown_ref", "inst-x"),
    ("visits", 4, "country", "missing_value", ""),  # no partner and no country
    ("visits", 5, "direction", "bad_enum", "sideways"),
    ("visits", 6, "start_date", "bad_date", "31.02.2024"),
    ("visits", 7, "sessions", "bad_number", "many"),
    ("visits", 8, "sessions", "negative_number", "-2"),
    ("visits", 9, "visit_id", "duplicate_key", "v1"),
    ("visits", 10, "activity", "missing_value", ""),
    ("visits", 12, "end_date", "end_before_start", "2024-03-01"),
    ("grants", 3, "partner_ids", "unknown_ref", "p-ghost"),
    ("grants", 4, "currency", "missing_currency", ""),
    ("grants", 5, "currency", "bad_currency", "XYZ"),
    ("students", 2, "academic_year", "bad_academic_year", "2023/2025"),
    ("students", 3, "count", "missing_value", ""),
    ("fx_rates", 3, "year", "duplicate_key", "EUR 2023"),
    ("fx_rates", 4, "year", "bad_year", "24"),
    ("fx_rates", 5, "usd_per_unit", "not_positive", "0"),
    ("targets", 2, "metric", "bad_enum", "happiness"),
]
BAD_WARNINGS = [
    ("partners", 3, "name", "duplicate_partner_name", "o'zbek démo UNIVERSITY"),
    ("partners", 4, "city", "unknown_city", "Nowhereville"),
    ("grants", 2, "currency", "no_fx_rate", "KRW"),
]


def test_bad_dataset_problems_exact():
    ds = load_dataset(BAD)
    assert ds.fatal is None
    assert _rows(ds, "error") == BAD_ERRORS
    assert _rows(ds, "warning") == BAD_WARNINGS
    # errors come first
    assert [p.severity for p in ds.problems] == ["error"] * 24 + ["warning"] * 3


def test_bad_dataset_messages_and_params():
    ds = load_dataset(BAD)
    by_key = {(p.table, p.row, p.column): p for p in ds.problems}
    dup = by_key[("partners", 6, "partner_id")]
    assert dup.params["first_row"] == 2
    assert dup.message == "“p-ok” is already used in row 2; only the first row is kept."
    same = by_key[("partners", 3, "name")]
    assert (same.params["other_id"], same.params["other_row"]) == ("p-ok", 2)
    end = by_key[("visits", 12, "end_date")]
    assert end.message == "The end 2024-03-01 is before the start 2024-03-05."
    assert by_key[("visits", 4, "country")].message == "A value is required in country."


def test_bad_dataset_rows_in_error_left_out():
    ds = load_dataset(BAD)
    t = ds.tables
    assert t["partners"]["partner_id"].tolist() == ["p-ok", "p-dup-name", "p-nocity"]
    assert t["agreements"]["agreement_id"].tolist() == ["a1", "a4"]
    assert t["visits"]["visit_id"].tolist() == ["v1"]
    assert t["visits"]["_row"].tolist() == [2]
    assert t["grants"]["grant_id"].tolist() == ["g1"]  # warning only: kept
    assert len(t["students"]) == 0 and len(t["targets"]) == 0
    assert t["fx_rates"]["usd_per_unit"].tolist() == [1.08]


def test_good_dataset_clean_values():
    ds = load_dataset(GOOD)
    assert ds.fatal is None and ds.problems == []
    t = ds.tables
    inst = t["institutions"].set_index("institution_id")
    assert inst.loc["inst-b", "country"] == "UZB"
    assert (inst.loc["inst-b", "lat"], inst.loc["inst-b", "lon"]) == (40.78, 72.34)
    assert inst.loc["inst-b", "geo_precision"] == "exact"
    assert inst.loc["inst-a", "geo_precision"] == "city"
    partners = t["partners"].set_index("partner_id")
    assert partners["country"].tolist() == ["KOR", "DEU", "RUS"]
    assert partners["type"].tolist() == ["university", "research_center", "foundation"]
    assert partners.loc["p-fund", "geo_precision"] == "country"  # no city
    assert pd.isna(partners.loc["p-seoul", "website"])

    ag = t["agreements"].set_index("agreement_id")
    assert ag.loc["a1", "kind"] == "mou" and ag.loc["a2", "kind"] == "double_degree"
    assert ag.loc["a1", "faculty"] == ["General Medicine", "Pediatrics"]
    assert ag.loc["a1", "areas"] == ["cardiac surgery", "oncology"]
    assert ag.loc["a2", "faculty"] == []
    assert ag.loc["a1", "expires_on"] == pd.Timestamp("2026-03-01")
    assert ag.loc["a1", "expires_on_precision"] == "month"
    assert ag.loc["a2", "signed_on"] == pd.Timestamp("2019-09-15")
    assert ag.loc["a2", "expires_on_precision"] == "year"
    assert ag.loc["a2", "status"] == "expired" and pd.isna(ag.loc["a1", "status"])
    assert ag.loc["a1", "note"] == "kept extra"  # extra column kept

    v = t["visits"].set_index("visit_id")
    assert v["country"].tolist() == ["KOR", "KAZ", "DEU"]  # v1 from its partner
    assert v["mode"].tolist() == ["in_person", "remote", "in_person"]
    assert v["direction"].tolist() == ["incoming", "outgoing", "incoming"]
    assert v["activity"].tolist() == ["lectures", "conference", "practical_classes"]
    assert v["sessions"].tolist() == [1200, pd.NA, 3]
    assert v["participants"].tolist() == [40, pd.NA, 80000]
    assert v.loc["v2", "start_date"] == pd.Timestamp("2024-06-01")
    assert v["start_date_precision"].tolist() == ["day", "month", "year"]
    assert pd.isna(v.loc["v2", "partner_id"])
    assert str(v["sessions"].dtype) == "Int64"
    assert str(v["start_date"].dtype) == "datetime64[ns]"

    g = t["grants"].iloc[0]
    assert g["partner_ids"] == ["p-seoul", "p-berlin"]
    assert (g["amount"], g["currency"]) == (80000.0, "EUR")
    s = t["students"]
    assert s["academic_year"].tolist() == ["2024/2025", "2023/2024"]
    assert s["year_start"].tolist() == [2024, 2023]
    assert s["count"].tolist() == [120, 15]
    assert t["fx_rates"].iloc[0].tolist()[:3] == ["EUR", 2023, 1.08]
    assert t["targets"].iloc[0].tolist()[:4] == ["inst-a", 2025, "visits_incoming", 50.0]


def test_optional_tables_absent_give_empty_frames(tmp_path):
    for name in ("institutions", "partners", "agreements", "visits"):
        shutil.copy(GOOD / f"{name}.csv", tmp_path)
    ds = load_dataset(tmp_path)
    assert ds.fatal is None
    assert set(ds.tables) == set(TABLES)
    grants = ds.tables["grants"]
    assert len(grants) == 0
    assert {"grant_id", "amount", "start_date_precision", "_row"} <= set(grants.columns)
    assert "year_start" in ds.tables["students"].columns


def _copy_good(tmp_path):
    target = tmp_path / "ds"
    shutil.copytree(GOOD, target)
    return target


@pytest.mark.parametrize(("encoding", "sep", "bom"), [
    ("utf-8", ",", True),
    ("cp1251", ",", False),
    ("utf-8", ";", False),
    ("cp1251", ";", False),
])
def test_csv_encodings_and_delimiter(tmp_path, encoding, sep, bom):
    target = _copy_good(tmp_path)
    text = (f"partner_id{sep}name{sep}type{sep}country{sep}city\n"
            f"p-seoul{sep}Демо университет Сеула{sep}university{sep}Республика Корея{sep}Seoul\n"
            f"p-berlin{sep}Demo Berlin{sep}university{sep}DEU{sep}Berlin\n"
            f"p-fund{sep}Demo Fund{sep}foundation{sep}RUS{sep}\n")
    data = text.encode(encoding)
    (target / "partners.csv").write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    ds = load_dataset(target)
    assert ds.fatal is None and ds.errors == []
    partners = ds.tables["partners"]
    assert partners["partner_id"].tolist() == ["p-seoul", "p-berlin", "p-fund"]
    assert partners["name"].iloc[0] == "Демо университет Сеула"
    assert partners["country"].iloc[0] == "KOR"


def test_blank_lines_keep_row_numbers(tmp_path):
    target = _copy_good(tmp_path)
    (target / "targets.csv").write_text(
        "institution_id,year,metric,target\n\ninst-a,2025,visits_incoming,50\n,,,\n"
        "inst-a,2025,nope,1\n", encoding="utf-8")
    ds = load_dataset(target)
    assert [(p.row, p.code) for p in ds.errors] == [(5, "bad_enum")]
    assert ds.tables["targets"]["_row"].tolist() == [3]


def test_header_case_and_space_tolerated(tmp_path):
    target = _copy_good(tmp_path)
    (target / "fx_rates.csv").write_text(" Currency ,YEAR,usd_per_unit\nEUR,2023,1.1\n",
                                         encoding="utf-8")
    ds = load_dataset(target)
    assert ds.fatal is None
    assert ds.tables["fx_rates"]["currency"].tolist() == ["EUR"]


# ------------------------------------------------------------------ fatal problems


def _fatal_case(tmp_path, case):
    target = _copy_good(tmp_path)
    if case == "missing_table":
        (target / "visits.csv").unlink()
    elif case == "missing_column":
        (target / "visits.csv").write_text("visit_id,institution_id,activity\nv1,inst-a,lectures\n")
    elif case == "empty_file":
        (target / "grants.csv").write_bytes(b"")
    elif case == "not_found":
        return tmp_path / "nowhere"
    elif case == "wrong_type":
        path = tmp_path / "data.txt"
        path.write_text("hello")
        return path
    elif case == "bad_xlsx":
        path = tmp_path / "broken.xlsx"
        path.write_bytes(b"this is not a zip file")
        return path
    elif case == "ragged_csv":
        (target / "fx_rates.csv").write_text("currency,year,usd_per_unit\nEUR,2023,1,5\n")
    elif case == "binary_csv":
        (target / "partners.csv").write_bytes(b"\x00\x01\x02\x03" * 10)
    return target


@pytest.mark.parametrize(("case", "fragment"), [
    ("missing_table", "has no table visits"),
    ("missing_column", "missing from table visits: direction."),
    ("empty_file", "is empty"),
    ("not_found", "No dataset at"),
    ("wrong_type", "is not a dataset"),
    ("bad_xlsx", "could not be read"),
    ("binary_csv", "it is not a text file"),
    ("ragged_csv", "more cells than the header"),
])
def test_fatal(tmp_path, case, fragment):
    ds = load_dataset(_fatal_case(tmp_path, case))
    assert ds.fatal is not None and fragment in ds.fatal
    assert ds.problems == []
    assert set(ds.tables) == set(TABLES)
    assert all(len(frame) == 0 for frame in ds.tables.values())


# ------------------------------------------------------------------ Excel


def _write_xlsx(path, sheets):
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    book.save(path)


XLSX_SHEETS = {
    "institutions": [["institution_id", "name", "short_name", "city", "country"],
                     ["inst-a", "Alpha Demo", "AD", "Samarkand", "UZB"]],
    "Partners": [["partner_id", "name", "type", "country", "city"],
                 ["p1", "Demo Uni", "university", "KOR", "Seoul"]],
    "agreements": [["agreement_id", "institution_id", "partner_id", "kind", "signed_on"],
                   ["a1", "inst-a", "p1", "mou", dt.datetime(2021, 3, 15)]],
    "visits": [["visit_id", "institution_id", "partner_id", "direction", "activity",
                "start_date", "end_date", "sessions"],
               ["v1", "inst-a", "p1", "incoming", "lectures", dt.datetime(2024, 5, 10),
                "2024-05", 3],
               [None, None, None, None, None, None, None, None],   # empty sheet row 3
               ["v2", "inst-a", "p1", "sideways", "lectures", dt.date(2024, 6, 1), None, 2.0],
               ["v3", "inst-a", "p1", "incoming", "lectures", 2023, None, 1.5]],
}


def test_xlsx_dates_numbers_and_sheet_rows(tmp_path):
    path = tmp_path / "book.xlsx"
    _write_xlsx(path, XLSX_SHEETS)
    ds = load_dataset(path)
    assert ds.fatal is None
    # sheet rows: v2 is on row 4 (row 3 is empty), v3 on row 5
    assert _rows(ds, "error") == [("visits", 4, "direction", "bad_enum", "sideways"),
                                  ("visits", 5, "sessions", "bad_number", "1.5")]
    v = ds.tables["visits"].iloc[0]
    assert v["start_date"] == pd.Timestamp("2024-05-10")
    assert v["start_date_precision"] == "day"
    assert v["end_date"] == pd.Timestamp("2024-05-01") and v["end_date_precision"] == "month"
    assert v["sessions"] == 3 and v["_row"] == 2
    assert ds.tables["agreements"].iloc[0]["signed_on"] == pd.Timestamp("2021-03-15")
    assert ds.tables["partners"]["partner_id"].tolist() == ["p1"]  # sheet name case ignored


def test_xlsx_missing_sheet_is_fatal(tmp_path):
    path = tmp_path / "book.xlsx"
    _write_xlsx(path, {k: v for k, v in XLSX_SHEETS.items() if k != "visits"})
    ds = load_dataset(path)
    assert ds.fatal is not None and "has no table visits" in ds.fatal


def test_xlsx_empty_sheet_is_fatal(tmp_path):
    path = tmp_path / "book.xlsx"
    _write_xlsx(path, {**XLSX_SHEETS, "grants": []})
    ds = load_dataset(path)
    assert ds.fatal is not None and "grants" in ds.fatal and "empty" in ds.fatal


def test_geo_note_kept_on_the_row(tmp_path):
    """The loader keeps why a partner is not at city precision (or that its city is a
    guess), so the quality page reads it instead of locating the partner again."""
    target = _copy_good(tmp_path)
    (target / "partners.csv").write_text(
        "partner_id,name,type,country,city,lat,lon,website,source\n"
        "p1,A,university,DEU,Munich,,,,\n"
        "p2,B,university,IND,Kerala,,,,\n"
        "p3,C,university,ESP,VIC BARCELONA,,,,\n"
        "p4,D,university,FRA,Xqzvwt,,,,\n"
        "p5,E,university,RUS,,,,,\n"
        "p6,F,university,KOR,Busan,35.1,129.0,,\n"
        "p7,G,university,Germany,Germany,,,,\n", encoding="utf-8")
    partners = load_dataset(target).tables["partners"].set_index("partner_id")
    notes = partners["geo_note"].where(partners["geo_note"].notna(), None).to_dict()
    assert notes == {"p1": None, "p2": "region", "p3": "approximate", "p4": "unknown_city",
                     "p5": "no_city", "p6": None, "p7": "country_as_city"}
    assert partners["geo_precision"].tolist() == ["city", "country", "city", "country",
                                                  "country", "exact", "country"]
