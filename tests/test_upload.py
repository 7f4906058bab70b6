"""Reading uploads safely: each kind of bad file is refused and nothing is written."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from datastore.template import INSTRUCTIONS_SHEET, LISTS_SHEET, template_workbook
from datastore.upload import Limits, UploadRejected, read_upload
from loaders import load_dataset

INSTITUTIONS = (
    "institution_id,name,short_name,city,country\nsamsmu,Samarkand SMU,SamSMU,Samarkand,UZB\n"
)
PARTNERS = "partner_id,name,type,country\np1,Seoul University,university,KOR\n"


def zip_bytes(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def good_xlsx() -> bytes:
    return template_workbook("en")


def macro_xlsx() -> bytes:
    """A real workbook with a VBA project part added, as Excel saves an .xlsm."""
    source = zipfile.ZipFile(io.BytesIO(good_xlsx()))
    members = {i.filename: source.read(i) for i in source.infolist()}
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
    )
    members["xl/vbaProject.bin"] = b"\x00" * 64
    return zip_bytes(members)


def encrypted_xlsx() -> bytes:
    """What Excel writes for a password-protected .xlsx: an OLE file with EncryptedPackage."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    return header + "EncryptedInfo".encode("utf-16-le") + "EncryptedPackage".encode("utf-16-le")


def symlink_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("partners.csv")
        info.external_attr = 0o120777 << 16  # a symbolic link
        archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


BAD_FILES = [
    # (file name, content, expected code)
    ("data.xlsx", b"", "empty"),
    ("data.xlsx", b"PK\x03\x04" + b"\x13\x37" * 300, "corrupt"),
    ("data.xlsx", good_xlsx()[:3000], "corrupt"),
    ("data.zip", b"PK\x03\x04 this is not really a zip", "corrupt"),
    ("data.xlsx", encrypted_xlsx(), "encrypted"),
    ("data.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old_xls"),
    ("data.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old_xls"),
    ("data.xlsx", macro_xlsx(), "macros"),
    ("data.xlsm", good_xlsx(), "macros"),
    ("data.zip", macro_xlsx(), "macros"),
    ("report.pdf", b"%PDF-1.7 ...", "wrong_type"),
    ("visits.csv", PARTNERS.encode(), "wrong_type"),
    ("data.xlsx", b"%PDF-1.7 renamed", "not_xlsx"),
    ("data.zip", b"%PDF-1.7 renamed", "wrong_type"),
    ("data.zip", zip_bytes({"../partners.csv": PARTNERS.encode()}), "unsafe_path"),
    ("data.zip", zip_bytes({"/etc/partners.csv": PARTNERS.encode()}), "unsafe_path"),
    ("data.zip", zip_bytes({"a\\..\\..\\partners.csv": PARTNERS.encode()}), "unsafe_path"),
    ("data.zip", symlink_zip(), "unsafe_path"),
    ("data.zip", zip_bytes({"partners.csv": b"0" * (60 * 1024 * 1024)}), "zip_bomb"),
    ("data.zip", zip_bytes({"readme.txt": b"hello"}), "no_tables"),
    ("data.zip", zip_bytes({"inner.zip": zip_bytes({"partners.csv": b"x"})}), "nested_archive"),
    (
        "data.zip",
        zip_bytes({"a/partners.csv": PARTNERS.encode(), "b/partners.csv": PARTNERS.encode()}),
        "duplicate_table",
    ),
]


@pytest.mark.parametrize(
    ("name", "content", "code"),
    BAD_FILES,
    ids=[f"{c}-{n}-{i}" for i, (n, _, c) in enumerate(BAD_FILES)],
)
def test_bad_file_is_refused_and_nothing_written(tmp_path, name, content, code):
    dest = tmp_path / "staging"
    with pytest.raises(UploadRejected) as err:
        read_upload(name, content, dest, Limits())
    assert err.value.code == code
    assert str(err.value)  # a plain message, never empty
    assert not dest.exists() or list(dest.iterdir()) == []


def test_oversized_file_is_refused(tmp_path):
    limits = Limits(max_upload_bytes=1024)
    with pytest.raises(UploadRejected) as err:
        read_upload("data.xlsx", good_xlsx(), tmp_path / "s", limits)
    assert err.value.code == "too_large"
    assert err.value.params["limit_mb"] == 0.0
    assert not (tmp_path / "s").exists()


def test_size_limit_comes_from_environment(monkeypatch):
    monkeypatch.setenv("COOP_UPLOAD_MAX_MB", "2")
    assert Limits.from_env().max_upload_bytes == 2 * 1024 * 1024
    monkeypatch.delenv("COOP_UPLOAD_MAX_MB")
    assert Limits.from_env().max_upload_bytes == 20 * 1024 * 1024


def test_total_unpacked_size_is_limited(tmp_path):
    # Ten 3 MB files of random-ish text: modest ratio each, but 30 MB in total.
    members = {f"d{i}/partners.csv": (PARTNERS * 60000).encode() for i in range(1)}
    limits = Limits(max_unpacked_bytes=1024 * 1024)
    with pytest.raises(UploadRejected) as err:
        read_upload("data.zip", zip_bytes(members), tmp_path / "s", limits)
    assert err.value.code == "zip_bomb"


def test_zip_of_csvs_is_unpacked_flat(tmp_path):
    content = zip_bytes(
        {
            "export/institutions.csv": INSTITUTIONS.encode(),
            "export/Partners.csv": PARTNERS.encode(),
            "__MACOSX/export/._partners.csv": b"junk",
            "export/notes.txt": b"ignored",
        }
    )
    assert read_upload("my data.zip", content, tmp_path / "s", Limits()) == [
        "institutions",
        "partners",
    ]
    assert (tmp_path / "s" / "partners.csv").read_text() == PARTNERS


def test_template_has_a_sheet_per_table_and_dropdowns():
    book = openpyxl.load_workbook(io.BytesIO(template_workbook("en")))
    assert book.sheetnames == [
        INSTRUCTIONS_SHEET,
        "institutions",
        "partners",
        "agreements",
        "visits",
        "grants",
        "students",
        "agreement_terms",
        "institution_facts",
        "fx_rates",
        "targets",
        "documents",
        LISTS_SHEET,
    ]
    visits = book["visits"]
    assert [c.value for c in visits[1]][:3] == ["visit_id", "institution_id", "partner_id"]
    # One drop-down for each enum column: direction, mode, activity, participant.
    ranges = {
        str(dv.sqref).split(":")[0]: dv.formula1 for dv in visits.data_validations.dataValidation
    }
    assert set(ranges) == {"G2", "H2", "I2", "R2"}
    lists = book[LISTS_SHEET]
    direction_col = ranges["G2"].split("!")[1].split(":")[0].replace("$", "")[:-1]
    # The interface's words (en.json), which the loader reads back as the codes.
    assert [lists[f"{direction_col}{r}"].value for r in (2, 3)] == ["Incoming", "Outgoing"]
    assert book[LISTS_SHEET].sheet_state == "hidden"


def test_template_round_trip_has_no_problems(tmp_path):
    book = openpyxl.load_workbook(io.BytesIO(template_workbook("en")))
    rows = {
        "institutions": [
            ["samsmu", "Samarkand State Medical University", "SamSMU", "Samarkand", "UZB"]
        ],
        "partners": [["p-snu", "Seoul National University", "university", "KOR", "Seoul"]],
        "agreements": [["a1", "samsmu", "p-snu", "mou", "MoU", "Pediatrics", "", "2024-03-01"]],
        "visits": [["v1", "samsmu", "p-snu", "", "", "", "incoming", "remote", "lectures"]],
    }
    for table, table_rows in rows.items():
        for row in table_rows:
            book[table].append(row)
    book["visits"]["L2"] = datetime(2024, 5, 6)  # an Excel date cell
    buffer = io.BytesIO()
    book.save(buffer)

    dest = tmp_path / "staging"
    read_upload("filled.xlsx", buffer.getvalue(), dest, Limits())
    assert (dest / "visits.csv").read_text().splitlines()[1].split(",")[11] == "2024-05-06"
    dataset = load_dataset(dest)
    assert dataset.fatal is None
    assert [p.message for p in dataset.errors] == []
    assert len(dataset.tables["visits"]) == 1


def test_current_dataset_workbook_round_trips_exactly(tmp_path):
    from datastore.diff import diff_datasets
    from datastore.template import dataset_workbook

    source = tmp_path / "data"
    source.mkdir()
    (source / "institutions.csv").write_text(INSTITUTIONS)
    (source / "partners.csv").write_text(PARTNERS)
    (source / "fx_rates.csv").write_text(
        "currency,year,usd_per_unit\nEUR,2024,1.08\nUZS,2024,0.000079\n"
    )
    dest = tmp_path / "back"
    read_upload("current.xlsx", dataset_workbook(source), dest, Limits())
    diffs = diff_datasets(source, dest)
    assert {t: d.has_changes for t, d in diffs.items() if d.has_changes} == {}
    assert Path(dest / "fx_rates.csv").read_text().splitlines()[2] == "UZS,2024,0.000079"
