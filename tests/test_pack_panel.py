"""What a panel reads in the pack (issue 29, items 2-4): targets against actual, the
headline figures by year, agreement outcomes and dormant agreements, mobility by country,
faculty and year. Tiny hand-made tables; every expected value is worked out by hand from
the rows below (English words written out, not read through ``t()``)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from metrics_fixtures import tables

from metrics import Scope

AS_OF = date(2025, 6, 30)
SHORT = {"sam": "SamSMU", "adm": "ADMI"}

VISITS = [
    # sam: one incoming visit in 2023, two in 2024 (no sessions written: unknown);
    # adm: one outgoing visit in 2024
    {"visit_id": "v0", "institution_id": "sam", "country": "KOR", "start_date": "2023-03-01"},
    {"visit_id": "v1", "institution_id": "sam", "country": "KOR", "start_date": "2024-02-01"},
    {"visit_id": "v2", "institution_id": "sam", "country": "DEU", "start_date": "2024-05-01"},
    {"visit_id": "v3", "institution_id": "adm", "country": "TUR", "start_date": "2024-09-01",
     "direction": "outgoing"},
]
TARGETS = [
    {"institution_id": "sam", "year": 2024, "metric": "visits_incoming", "target": 4},
    {"institution_id": "sam", "year": 2024, "metric": "lecture_sessions", "target": 3},
    {"institution_id": "adm", "year": 2024, "metric": "visits_outgoing", "target": 1},
]


@pytest.fixture
def goals():
    from report.targets import targets_part

    return targets_part(tables(visits=VISITS, targets=TARGETS), Scope(as_of=AS_OF), "en", SHORT)


def test_targets_against_actual_rows_exactly(goals):
    section = goals.section
    assert section is not None and section.title == "Targets and results"
    assert section.table.headers == ["Institution", "Year", "Figure", "Target", "Actual", "Reached",
                                     "Result"]
    assert section.table.rows == [
        # adm 2024: 1 outgoing visit of a target of 1
        ["ADMI", "2024", "Outgoing visits", "1", "1", "100.0%", "met"],
        # sam 2024: 2 incoming visits of 4 (2024 is over at 30 June 2025)
        ["SamSMU", "2024", "Incoming visits", "4", "2", "50.0%", "not met"],
        # sam 2024: neither incoming visit says how many sessions: unknown, never 0 or 0 %
        ["SamSMU", "2024", "Sessions held", "3", "unknown", "unknown", "cannot tell"],
    ]
    assert section.lead == ("3 targets in this scope: 1 met, 1 not met, 0 with the year not over, "
                            "1 cannot tell.")


def test_the_unknown_actual_is_no_number_in_the_annex_frame(goals):
    frame = goals.frame.set_index("metric")
    assert frame.loc["lecture_sessions", "state"] == "unknown"
    assert frame.loc["lecture_sessions", "actual"] is None
    assert frame.loc["lecture_sessions", "share_reached"] is None
    assert sorted(goals.frame["result"]) == ["cannot_tell", "met", "not_met"]


def test_a_target_of_a_year_not_over_is_not_called_missed():
    from report.targets import targets_part

    part = targets_part(tables(visits=VISITS, targets=[
        {"institution_id": "sam", "year": 2025, "metric": "visits_incoming", "target": 2}]),
        Scope(as_of=AS_OF), "ru", SHORT)
    assert part.section.table.rows == [["SamSMU", "2025", "Входящие визиты", "2", "0", "0,0\xa0%",
                                        "год не закончился"]]


def test_a_target_for_a_year_not_begun_stays_off_the_slides_and_is_counted():
    """A 2026 target beside a 2025 as-of date read "actual 0, 0.0 %" on the slides."""
    from report.targets import targets_part

    part = targets_part(tables(visits=VISITS, targets=[
        {"institution_id": "sam", "year": 2025, "metric": "visits_incoming", "target": 2},
        {"institution_id": "sam", "year": 2026, "metric": "visits_incoming", "target": 3}]),
        Scope(as_of=AS_OF), "en", SHORT)
    assert [row[1] for row in part.section.table.rows] == ["2025"]
    assert part.section.table.note == ("1 target for a year after 2025 (not begun by the reference "
                                       "date) is listed in the Excel annex only.")
    assert len(part.frame) == 2  # the annex keeps both


def test_no_target_no_section():
    from report.targets import targets_part

    part = targets_part(tables(visits=VISITS), Scope(as_of=AS_OF), "en", SHORT)
    assert part.section is None and part.frame.empty


def test_headline_figures_by_year_per_institution(goals):
    section = goals.by_year
    assert section is not None and section.title == "Headline figures by year"
    # dated rows in 2023 and 2024 only (nothing in 2025 up to 30 June)
    assert section.table.headers == ["Institution", "Figure", "2023", "2024"]
    rows = {(r[0], r[1]): r[2:] for r in section.table.rows}
    assert rows[("SamSMU", "Incoming visits")] == ["1", "2"]
    assert rows[("ADMI", "Outgoing visits")] == ["0", "1"]
    assert rows[("SamSMU", "Mobility countries")] == ["1", "2"]
    assert rows[("ADMI", "Grant funding (USD)")] == ["$0", "$0"]
    assert [r[0] for r in section.table.rows].count("ADMI") == 6


def test_the_as_of_year_is_headed_with_its_end():
    from report.targets import targets_part

    visits = [*VISITS, {"visit_id": "v9", "institution_id": "sam", "country": "KOR",
                        "start_date": "2025-02-01"}]
    part = targets_part(tables(visits=visits), Scope(as_of=AS_OF, institutions={"sam"}), "ru", SHORT)
    # one institution: no institution column
    assert part.by_year.table.headers == ["Показатель", "2023", "2024", "2025 (по 30 июн.)"]
    assert part.by_year.table.rows[1] == ["Входящие визиты", "1", "2", "1"]


def test_one_dated_year_is_no_trend():
    from report.targets import targets_part

    part = targets_part(tables(visits=VISITS[1:]), Scope(as_of=AS_OF), "en", SHORT)
    assert part.by_year is None


def _dataset(tmp_path, files: dict[str, str]):
    """A small dataset folder of CSV files, loaded as the pack loads one."""
    from loaders import load_dataset

    folder = tmp_path / "d"
    folder.mkdir()
    for name, content in files.items():
        (folder / f"{name}.csv").write_text(content, encoding="utf-8")
    dataset = load_dataset(folder)
    assert dataset.fatal is None
    return dataset


BASE = {
    "institutions": "institution_id,name,short_name,city,country\n"
                    "sam,Samarkand State Medical University,SamSMU,Samarkand,UZB\n"
                    "adm,Andijan State Medical Institute,ADMI,Andijan,UZB\n",
    "partners": "partner_id,name,type,country,city\n"
                "p1,Seoul Clinic,hospital,KOR,Seoul\n"
                "p2,Berlin University,university,DEU,Berlin\n"
                "p3,Tashkent Centre,research_center,UZB,Tashkent\n",
    "agreements": "agreement_id,institution_id,partner_id,kind,signed_on,expires_on\n"
                  "a1,sam,p1,mou,2021-01-10,2027-01-10\n"
                  "a2,sam,p2,cooperation_agreement,2020-03-01,2025-08-01\n"
                  "a3,adm,p1,mou,2019-05-05,2023-05-05\n"
                  "a4,adm,p2,mou,2022-02-02,open-ended\n",
    "visits": "visit_id,institution_id,partner_id,country,person,direction,mode,activity,faculty,start_date\n"
              "v1,sam,p1,,Dr A,incoming,in_person,lectures,Pediatrics,2024-03-01\n"
              "v2,sam,p1,,Dr B,outgoing,in_person,training,Pediatrics; Dentistry,2023-10-01\n"
              "v3,adm,p3,,Dr C,incoming,in_person,lectures,Dentistry,2024-04-01\n"
              "v4,adm,,UZB,Dr D,outgoing,remote,conference,,2024-05-01\n",
    "grants": "grant_id,institution_id,partner_ids,title,status,start_date,amount,currency\n"
              "g1,sam,p2,Joint cardiology,active,2024-01-01,1000,USD\n",
    "students": "institution_id,academic_year,country,count\nsam,2024/2025,KOR,3\n",
    "targets": "institution_id,year,metric,target\n"
               "sam,2024,visits_incoming,4\nsam,2024,lecture_sessions,3\nadm,2024,visits_outgoing,1\n",
}


@pytest.fixture
def small(tmp_path):
    return _dataset(tmp_path, BASE)


def test_the_annex_has_targets_and_figures_by_year_as_numbers(small, tmp_path):
    from openpyxl import load_workbook

    from report.model import build_pack
    from report.xlsx import write_xlsx

    book = load_workbook(write_xlsx(tmp_path / "a.xlsx", build_pack(small, Scope(as_of=AS_OF), "ru")))
    assert "Цели и результаты" in book.sheetnames and "Показатели по годам" in book.sheetnames
    rows = [[c.value for c in r] for r in book["Цели и результаты"].iter_rows(min_row=4)]
    assert rows == [
        ["ADMI", 2024, "Исходящие визиты", 1, 1, "известно", 1, "выполнена"],
        ["SamSMU", 2024, "Входящие визиты", 4, 1, "известно", 0.25, "не выполнена"],  # v1 alone
        # the unknown actual: an empty cell and its state in words, never 0
        ["SamSMU", 2024, "Проведено занятий", 3, None, "неизвестно", None, "нельзя сказать"],
    ]
    assert book["Цели и результаты"]["G5"].number_format == "0.0%"
    years = [[c.value for c in r] for r in book["Показатели по годам"].iter_rows()]
    # the last five years with dated rows: agreements signed 2019-2022, visits 2023-2024
    assert years[0] == ["Вуз", "Показатель"] + [x for y in range(2020, 2025) for x in (str(y), "Состояние")]
    by = {(r[0], r[1]): r[2:] for r in years[1:]}
    # sam: incoming visits 2023: none, 2024: v1
    assert by[("SamSMU", "Входящие визиты")][-4:] == [0, "известно", 1, "известно"]



def test_agreement_outcomes_rows_exactly(small):
    from report.model import build_pack

    pack = build_pack(small, Scope(as_of=AS_OF), "en")
    table = pack.agreements.table
    assert table.headers[6:] == ["Visits", "Grants"]  # no publication exports: no papers column
    # active on 30 June 2025: a1, a2 (sam), a4 (adm, open-ended); a3 expired in 2023.
    # a1 (sam-p1): v1 and v2; a2 (sam-p2): g1 names p2; a4 (adm-p2): nothing
    assert [[r[0], *r[6:]] for r in table.rows] == [["a4", "0", "0"], ["a2", "0", "1"], ["a1", "2", "0"]]
    assert "no publication exports" in table.note


def test_the_full_registry_with_its_outcomes_is_in_the_annex(small):
    from report.model import build_pack

    pack = build_pack(small, Scope(as_of=AS_OF), "en")
    registry = pack.data_tables["agreements"]
    assert registry.headers[-2:] == ["Visits", "Grants"]
    got = {r[0]: r[-2:] for r in registry.rows}
    assert got == {"a1": [2, 0], "a2": [0, 1], "a3": [0, 0], "a4": [0, 0]}  # a3 (expired) too


def test_dormant_agreements_are_the_figures_rows(small):
    from report.model import build_pack

    pack = build_pack(small, Scope(as_of=AS_OF), "en")
    assert pack.figures["agreements_dormant"].value == 1
    # a4: adm and p2 have no visit and no grant at all; a1 and a2 had activity since mid-2022
    assert [[r[0], r[-1]] for r in pack.dormant.table.rows] == [["a4", "none recorded"]]
    assert pack.dormant.lead == "1 active agreement has had no visit and no grant in the 3 years up to 30 Jun 2025."


def _slides(path) -> list[tuple[str, list[list[str]]]]:
    """(title, table rows) of every slide of a deck."""
    from pptx import Presentation

    out = []
    for slide in Presentation(path).slides:
        title = slide.shapes.title.text if slide.shapes.title is not None else ""
        rows = [[c.text for c in row.cells] for s in slide.shapes if s.has_table for row in s.table.rows]
        out.append((title, rows))
    return out


def test_the_deck_keeps_active_due_and_dormant_agreements(small, tmp_path):
    from openpyxl import load_workbook

    from report.model import build_pack
    from report.pptx import write_pptx
    from report.xlsx import write_xlsx

    pack = build_pack(small, Scope(as_of=AS_OF), "en")
    slides = dict(_slides(write_pptx(tmp_path / "p.pptx", pack)))
    active = [r[0] for r in slides["Active agreements and their outcomes"][1:]]
    assert active == ["a4", "a2", "a1"]  # the expired a3 is not on the slides ...
    assert [r[0] for r in slides["Renewals due"][1:]] == ["a2"]  # expires 1 Aug 2025
    assert [r[0] for r in slides["Agreements with no activity in 3 years"][1:]] == ["a4"]
    assert not any("a3" in row for _, rows in slides.items() for row in rows)
    book = load_workbook(write_xlsx(tmp_path / "a.xlsx", pack))
    ids = [r[0].value for r in book["Agreements"].iter_rows(min_row=2)]
    assert sorted(ids) == ["a1", "a2", "a3", "a4"]  # ... but the annex's registry has it


def _mobility(pack):
    return next(s for s in pack.sections if s.key == "mobility")


def test_mobility_by_country_counts_foreign_visits_only(small):
    from report.model import build_pack

    section = _mobility(build_pack(small, Scope(as_of=AS_OF), "en"))
    # v1 (incoming) and v2 (outgoing) are Korean; v3 and v4 are in Uzbekistan, the home country
    assert section.table.headers == ["Country", "Incoming", "Outgoing", "Total"]
    assert section.table.rows == [["South Korea", "1", "1", "2"]]
    assert section.lead.endswith(
        " 2 domestic visits (in the institution's own country) are not counted as international.")
    charts = {c.title: c for c in section.charts}
    country = charts["Foreign visits by country and direction"]
    assert country.categories == ["South Korea"]
    assert [s.values for s in country.series] == [[1], [1]]
    faculty = charts["Visits by faculty and direction"]
    # v2 has two faculties and counts in both; v4 has none
    assert faculty.categories == ["Dentistry", "Pediatrics", "not stated"]
    assert [s.values for s in faculty.series] == [[1, 1, 0], [1, 1, 1]]
    # the data does not say who travelled: no staff/student chart, and the note says so
    assert "Staff and students by direction" not in charts
    assert "No visit says who travelled" in section.table.note


def test_staff_and_students_where_the_data_says_so(tmp_path):
    from report.model import build_pack

    files = dict(BASE)
    files["visits"] = ("visit_id,institution_id,partner_id,country,direction,mode,activity,participant,start_date\n"
                       "v1,sam,p1,,incoming,in_person,study,student,2024-03-01\n"
                       "v2,sam,p1,,outgoing,in_person,training,,2023-10-01\n"
                       "v3,adm,p3,,incoming,in_person,lectures,staff,2024-04-01\n")
    section = _mobility(build_pack(_dataset(tmp_path, files), Scope(as_of=AS_OF), "en"))
    chart = next(c for c in section.charts if c.title == "Staff and students by direction")
    assert chart.categories == ["Incoming", "Outgoing"]
    # staff: v3 in, v2 out (no participant written: staff); student: v1 in
    assert [(s.name, s.values) for s in chart.series] == [("Staff", [1, 1]), ("Student", [1, 0])]


def test_no_person_name_in_the_public_mobility_section(small):
    from report.model import build_pack

    section = _mobility(build_pack(small, Scope(as_of=AS_OF), "en", public=True))
    words = " ".join([section.lead, section.notes, section.table.note]
                     + [c for r in section.table.rows for c in r]
                     + [x for ch in section.charts for x in [ch.title, *ch.categories]])
    assert not any(name in words for name in ("Dr A", "Dr B", "Dr C", "Dr D"))


@pytest.mark.parametrize("with_targets", [True, False])
def test_the_files_show_targets_and_years_only_where_the_data_has_them(tmp_path, with_targets):
    """Synthetic data has 120 targets (2023-2026) and dated rows: both sections are in the
    deck and the PDF; without the targets table, "Targets and results" is left out."""
    from pypdf import PdfReader

    from loaders import load_dataset
    from loaders.synth import write_synth
    from report.model import build_pack
    from report.pdf import write_pdf
    from report.pptx import write_pptx

    folder = tmp_path / "synth"
    write_synth(folder, visits=200, seed=5, institutions=2)
    if not with_targets:
        (folder / "targets.csv").unlink()
    pack = build_pack(load_dataset(folder), Scope(as_of=AS_OF), "en")
    titles = [title for title, _ in _slides(write_pptx(tmp_path / "p.pptx", pack))]
    text = " ".join(page.extract_text() for page in PdfReader(write_pdf(tmp_path / "p.pdf", pack)).pages)
    assert ("Targets and results" in titles) is with_targets
    assert ("Targets and results" in text) is with_targets
    assert any(t.startswith("Headline figures by year") for t in titles)
    assert "Headline figures by year" in text
    # the dormant slide lists exactly the figure's rows, the active list the active figure's
    assert pack.figures["agreements_dormant"].value == len(pack.dormant.table.rows) > 0
    assert ({r[0] for r in pack.dormant.table.rows}
            == {r[0] for r in pack.evidence_tables["agreements_dormant"].rows})
    assert ({r[0] for r in pack.agreements.table.rows}
            == {r[0] for r in pack.evidence_tables["agreements_active"].rows})
    if with_targets:  # 2 institutions x 3 years begun by 30 Jun 2025 (2023-2025) x 6 figures
        rows = [r for title, rows in _slides(tmp_path / "p.pptx") if title.startswith("Target against actual, per institution and year")
                for r in rows[1:]]
        assert len(rows) == 36
        assert len(pack.targets) == 48  # 2026's 12 are in the annex


def test_joint_papers_per_agreement_from_the_publication_exports(tmp_path):
    """SamSMU's Web of Science fixture (tests/data/research/wos_plain.txt) has one paper
    with an Oxford co-author (2023) and none with Kazan."""
    import shutil
    from pathlib import Path

    from report.model import build_pack

    dataset = _dataset(tmp_path, {
        "institutions": "institution_id,name,short_name,city,country\n"
                        "samsmu,Samarkand State Medical University,SamSMU,Samarkand,UZB\n",
        "partners": "partner_id,name,type,country,city\n"
                    "p-ox,University of Oxford,university,GBR,Oxford\n"
                    "p-kazan,Kazan Federal University,university,RUS,Kazan\n",
        "agreements": "agreement_id,institution_id,partner_id,kind,signed_on,expires_on\n"
                      "a-ox,samsmu,p-ox,mou,2022-01-10,2030-01-10\n"
                      "a-kazan,samsmu,p-kazan,mou,2022-03-01,2030-03-01\n",
        "visits": "visit_id,institution_id,partner_id,direction,activity,start_date\n"
                  "v1,samsmu,p-kazan,incoming,lectures,2024-01-01\n",
    })
    (Path(dataset.path) / "publications" / "samsmu").mkdir(parents=True)
    shutil.copy(Path(__file__).parent / "data" / "research" / "wos_plain.txt",
                Path(dataset.path) / "publications" / "samsmu" / "wos_plain.txt")
    pack = build_pack(dataset, Scope(as_of=AS_OF), "en")
    table = pack.agreements.table
    assert table.headers[6:] == ["Visits", "Grants", "Joint papers"]
    assert [[r[0], *r[6:]] for r in table.rows] == [["a-ox", "0", "0", "1"], ["a-kazan", "1", "0", "0"]]
    assert "no publication exports" not in table.note
    registry = pack.data_tables["agreements"]
    assert registry.headers[-3:] == ["Visits", "Grants", "Joint papers"]
    assert {r[0]: r[-3:] for r in registry.rows} == {"a-ox": [0, 0, 1], "a-kazan": [1, 0, 0]}


def test_no_faculty_stated_no_faculty_chart(tmp_path):
    from report.model import build_pack

    files = dict(BASE)
    files["visits"] = ("visit_id,institution_id,partner_id,country,direction,mode,activity,start_date\n"
                       "v1,sam,p1,,incoming,in_person,lectures,\n"
                       "v2,sam,p1,,outgoing,in_person,lectures,\n")
    section = _mobility(build_pack(_dataset(tmp_path, files), Scope(as_of=AS_OF), "en"))
    # undated visits and no faculty: neither a lone "undated" bar nor a lone "not stated" bar
    assert [c.title for c in section.charts] == ["Foreign visits by country and direction",
                                                 "Visits by mode and direction"]


def test_the_overview_says_an_unknown_actual_is_unknown(tmp_path, monkeypatch):
    """tests/data/dashboard: ADMI's one incoming visit of 2024 (v4) has no sessions, so
    ADMI's 2024 sessions are unknown: the Overview's targets table says so, never 0."""
    import shutil
    from pathlib import Path

    from app_fixtures import run_dashboard

    data = tmp_path / "dashboard"
    shutil.copytree(Path(__file__).parent / "data" / "dashboard", data)
    with open(data / "targets.csv", "a", encoding="utf-8") as f:
        f.write("admi,2024,lecture_sessions,5\n")
    monkeypatch.setenv("COOP_DATA", str(data))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "no-store"))
    at = run_dashboard(None)
    rows = {(r["Institution"], r["Figure"]): (r["Actual"], r["Reached"])
            for r in at.dataframe[0].value.to_dict("records")}
    actual, reached = rows[("ADMI", "Sessions held")]
    assert actual == "unknown" and (reached == "" or pd.isna(reached))
