"""Ranking indicators (docs/metrics.md, "Ranking indicators"), worked out by hand on a
two-institution dataset, as of 30 June 2025 (latest academic year started: 2024/2025):

sam: foreign students 2024/2025 = KOR 30 + IND 10 = 40 (the 500 from UZB are domestic),
     students_total 1,000 -> 40 / 1,000 = 0.04; staff 5 / 200 = 0.025;
     student outgoing visits 1 -> 1 / 1,000 x 100 = 0.1; staff incoming teaching visits 1
     (the remote lecture and the conference do not count) -> 1 / 200 x 100 = 0.5;
     doctorates: no facts -> unknown; 2 foreign countries, the largest KOR 30 / 40 = 0.75.
adm: 6 Korean students but no students_total for 2024/2025 -> unknown (its 2023/2024 total
     of 800 is never used); staff 2 / 100 = 0.02; staff incoming 1 / 100 x 100 = 1.0.
both: student share unknown (adm has no total); staff 7 / 300; staff incoming 2 / 300 x 100;
     countries KOR 36 + IND 10: 2, largest 36 / 46.
trend 2023/2024: (20 + 0) / (900 + 800).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from loaders import load_dataset
from metrics.rankings import ResearchInputs, rankings, rankings_json, to_reach

AS_OF = date(2025, 6, 30)


def write_rankings_dataset(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "institutions": "institution_id,name,short_name,city,country\nsam,Samarkand SMU,SamSMU,Samarkand,UZB\n"
                        "adm,Andijan SMI,ADMI,Andijan,UZB\n",
        "partners": "partner_id,name,type,country,city\np1,Seoul National University,university,KOR,Seoul\n",
        "agreements": "agreement_id,institution_id,partner_id,kind\n",
        "visits": "visit_id,institution_id,partner_id,direction,mode,activity,participant,start_date\n"
                  "v1,sam,p1,incoming,in_person,lectures,,2024-10-01\n"
                  "v2,sam,p1,incoming,remote,lectures,,2024-11-01\n"
                  "v3,sam,p1,outgoing,in_person,study,student,2025-02-01\n"
                  "v4,sam,p1,incoming,in_person,conference,staff,2024-12-01\n"
                  "v5,adm,p1,incoming,in_person,lectures,,2024-10-10\n",
        "students": "institution_id,academic_year,country,count\n"
                    "sam,2024/2025,KOR,30\nsam,2024/2025,IND,10\nsam,2024/2025,UZB,500\n"
                    "sam,2023/2024,KOR,20\nadm,2024/2025,KOR,6\n",
        "institution_facts": "institution_id,academic_year,metric,value,source\n"
                             "sam,2024/2025,students_total,1000,Rector's order 12\n"
                             "sam,2024/2025,staff_academic_total,200,\n"
                             "sam,2024/2025,staff_academic_international,5,\n"
                             "sam,2023/2024,students_total,900,\n"
                             "adm,2024/2025,staff_academic_total,100,\n"
                             "adm,2024/2025,staff_academic_international,2,\n"
                             "adm,2023/2024,students_total,800,\n",
    }
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    dataset = load_dataset(write_rankings_dataset(tmp_path_factory.mktemp("r") / "d"))
    assert [p.line() for p in dataset.problems if p.severity == "error"] == []
    return dataset.tables


def test_per_institution_by_hand(tables):
    result = rankings(tables, AS_OF)
    sam, adm = result.by_institution["sam"], result.by_institution["adm"]
    assert result.academic_year == "2024/2025"
    assert (sam["international_student_share"].numerator, sam["international_student_share"].denominator,
            sam["international_student_share"].value) == (40.0, 1000.0, 0.04)
    assert sam["international_staff_share"].value == 0.025
    assert sam["student_mobility_outgoing_per_100"].value == pytest.approx(0.1)
    assert sam["student_mobility_incoming_per_100"].value == 0.0
    assert sam["staff_mobility_incoming_per_100"].value == 0.5
    assert sam["staff_mobility_incoming_per_100"].evidence["visits"] == ["v1"]
    assert (sam["international_doctorates_share"].state, sam["international_doctorates_share"].reason) == (
        "unknown", "no_total")
    assert sam["student_countries_foreign"].value == 2
    assert sam["largest_country_share"].value == 0.75
    student = adm["international_student_share"]
    assert (student.state, student.value, student.missing) == ("unknown", None, ("adm",))
    assert adm["international_staff_share"].value == 0.02
    assert adm["staff_mobility_incoming_per_100"].value == 1.0


def test_the_scope_sums_parts_and_stays_unknown_when_one_total_is_missing(tables):
    figures = rankings(tables, AS_OF).figures
    assert figures["international_student_share"].state == "unknown"
    assert figures["international_student_share"].missing == ("adm",)
    assert figures["international_staff_share"].value == pytest.approx(7 / 300)
    assert figures["staff_mobility_incoming_per_100"].value == pytest.approx(200 / 300)
    assert figures["student_countries_foreign"].value == 2
    assert figures["largest_country_share"].value == pytest.approx(36 / 46)
    assert figures["international_coauthorship_share"].reason == "no_research"


def test_the_trend_never_borrows_another_years_total(tables):
    trend = rankings(tables, AS_OF).trend
    assert list(trend) == ["2024/2025", "2023/2024"]
    assert trend["2023/2024"]["international_student_share"].value == pytest.approx(20 / 1700)
    only_sam = rankings(tables, AS_OF, ["sam"]).trend
    assert only_sam["2023/2024"]["international_staff_share"].state == "unknown"


def test_what_it_takes_to_reach_a_target(tables):
    sam = rankings(tables, AS_OF).by_institution["sam"]
    assert to_reach(sam["international_student_share"], 0.05) == 10  # 50 of 1,000 needed, 40 today
    assert to_reach(sam["international_student_share"], 0.03) == 0
    assert to_reach(sam["staff_mobility_incoming_per_100"], 2.0) == 3  # 4 visits per 200 staff
    assert to_reach(rankings(tables, AS_OF).figures["international_student_share"], 0.05) is None


def test_research_inputs_and_the_json_block(tables):
    research = ResearchInputs(papers=8, international=2, international_ids=("doi:1", "doi:2"), qs_irn=1.44,
                              has_exports=True)
    result = rankings(tables, AS_OF, research=research, partner_index=2.5)
    block = rankings_json(result)
    assert block["academic_year"] == "2024/2025"
    assert block["figures"]["international_coauthorship_share"] == 0.25
    assert block["figures"]["qs_irn_joint_papers"] == 1.44
    assert block["figures"]["partner_network_index"] == 2.5
    assert block["figures"]["international_student_share"] is None
    assert block["details"]["international_student_share"] == {
        "value": None, "state": "unknown", "numerator": 46.0, "denominator": None,
        "academic_year": "2024/2025", "reason": "no_total", "missing": ["adm"]}
    assert block["by_institution"]["sam"]["international_student_share"] == 0.04
    assert block["trend"]["2023/2024"]["international_student_share"] == pytest.approx(20 / 1700)


def test_a_negative_fact_and_a_duplicate_are_row_errors(tmp_path):
    folder = write_rankings_dataset(tmp_path / "d")
    with (folder / "institution_facts.csv").open("a", encoding="utf-8") as handle:
        handle.write("sam,2022/2023,students_total,-5,\nsam,2024/2025,students_total,1200,\n")
    dataset = load_dataset(folder)
    errors = [(p.table, p.row, p.column, p.code) for p in dataset.problems if p.severity == "error"]
    assert ("institution_facts", 9, "value", "negative_value") in errors
    assert any(e[0] == "institution_facts" and e[1] == 10 for e in errors)


def test_synthetic_data_has_facts_so_every_share_is_known(tmp_path):
    from loaders.synth import write_synth

    counts = write_synth(tmp_path / "s", visits=300, seed=5)
    assert counts["institution_facts"] == 5 * 8 * 5  # institutions x academic years x metrics
    assert counts["agreement_terms"] > 0
    dataset = load_dataset(tmp_path / "s")
    assert [p.line() for p in dataset.problems if p.severity == "error"] == []
    figures = rankings(dataset.tables, AS_OF).figures
    for name in ("international_student_share", "international_staff_share", "international_doctorates_share",
                 "staff_mobility_incoming_per_100"):
        assert figures[name].state == "known", name


@pytest.mark.parametrize("as_of", [date(2025, 6, 30), date(2024, 9, 1), date(2025, 9, 1)])
def test_the_independent_reference_agrees(tables, tmp_path, as_of):
    """tests/kpi_reference.py reads the definitions again with plain loops; every
    institution and the whole group give the same values on the hand-made data and on
    synthetic data with facts."""
    from loaders.synth import write_synth
    from tests.kpi_reference import reference_rankings

    write_synth(tmp_path / "s", visits=400, seed=3)
    for data in (tables, load_dataset(tmp_path / "s").tables):
        every = sorted(data["institutions"]["institution_id"])
        result = rankings(data, as_of)
        for group, figures in [(every, result.figures), *[([i], result.by_institution[i]) for i in every]]:
            expected = reference_rankings(data, as_of, group)
            for name, value in expected.items():
                got = figures[name].value if figures[name].state == "known" else None
                assert got == pytest.approx(value) if value is not None else got is None, (group, name)
