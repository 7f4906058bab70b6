"""Data-quality warnings: a written status the dates contradict, students
from the institution's own country. Rows stay in use; the warning names the date."""

from __future__ import annotations

from datetime import date, timedelta

from loaders import load_dataset

INSTITUTIONS = "institution_id,name,short_name,city,country\nsam,Samarkand SMU,SamSMU,Samarkand,UZB\n"
PARTNERS = "partner_id,name,type,country,city\nkr,Seoul National University,university,KOR,Seoul\n"
VISITS = "visit_id,institution_id,partner_id,direction,activity\nv1,sam,kr,incoming,lectures\n"


def write(folder, agreements: str, students: str | None = None):
    (folder / "institutions.csv").write_text(INSTITUTIONS, encoding="utf-8")
    (folder / "partners.csv").write_text(PARTNERS, encoding="utf-8")
    (folder / "visits.csv").write_text(VISITS, encoding="utf-8")
    (folder / "agreements.csv").write_text(agreements, encoding="utf-8")
    if students:
        (folder / "students.csv").write_text(students, encoding="utf-8")
    return load_dataset(folder)


def test_written_status_contradicted_by_dates(tmp_path):
    future = (date.today() + timedelta(days=400)).isoformat()
    ds = write(tmp_path, "agreement_id,institution_id,partner_id,kind,signed_on,expires_on,status\n"
                         "a1,sam,kr,mou,2019-01-01,2024-05-10,active\n"     # row 2: expired on 10 May 2024
                         f"a2,sam,kr,mou,{future},,active\n"              # row 3: not signed yet
                         "a3,sam,kr,mou,2020-01-01,,planned\n"            # row 4: signed long ago
                         "a4,sam,kr,mou,,,planned\n"                      # row 5: planned, no date: fine
                         "a5,sam,kr,mou,2019-01-01,2024-05-10,expired\n")  # row 6: consistent
    found = [(p.row, p.column, p.value, p.params["status"], p.params["date"])
             for p in ds.warnings if p.code == "status_contradicts_dates"]
    assert found == [(2, "status", "active", "expired", "2024-05-10"),
                     (3, "status", "active", "planned", future),
                     (4, "status", "planned", "active", "2020-01-01")]
    assert "2024-05-10" in next(p.message for p in ds.warnings if p.row == 2)
    assert len(ds.tables["agreements"]) == 5  # every row still used


def test_students_from_the_home_country_are_flagged(tmp_path):
    ds = write(tmp_path, "agreement_id,institution_id,partner_id,kind\na1,sam,kr,mou\n",
               "institution_id,academic_year,country,count\n"
               "sam,2024/2025,Uzbekistan,300\n"   # row 2: home country
               "sam,2024/2025,India,40\n")        # row 3: international
    found = [(p.table, p.row, p.column, p.value) for p in ds.warnings if p.code == "domestic_students"]
    assert found == [("students", 2, "country", "Uzbekistan")]
