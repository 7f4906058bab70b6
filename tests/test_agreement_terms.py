"""Agreement terms (docs/data-contract.md) and their use against quota (docs/metrics.md).

Expected figures are worked out by hand from tests/terms_fixture.py, as of 30 June 2025
(the latest academic year started by then is 2024/2025):

- staff teaching, incoming, 2 a year: 2023/2024 v1 (lectures) + v2 (practical classes) = 2,
  used; 2024/2025 v3 (master class) = 1, under-used (v4 is remote, v10 a conference; v9 is
  dated "2024" only, so it cannot be placed: 1 unplaced).
- staff teaching, outgoing, 1 a year, open: 2023/2024 v5 (31 Aug 2024) = 1, used;
  2024/2025 v6 (1 Sep 2024) + v7 = 2, over-used.
- student studies, outgoing, not defined, from 2024/2025: v8 = 1, not defined.
"""

from __future__ import annotations

from datetime import date

from loaders import load_dataset
from metrics.quota import latest_started_year, use_against_quota, use_json
from tests.terms_fixture import TERMS, write_terms_dataset

AS_OF = date(2025, 6, 30)


def _uses(tmp_path, as_of=AS_OF, **kw):
    dataset = load_dataset(write_terms_dataset(tmp_path / "d", **kw))
    return dataset, use_against_quota(dataset.tables, as_of)


def test_terms_load_with_their_new_columns(tmp_path):
    dataset, _ = _uses(tmp_path)
    assert [p for p in dataset.problems if p.severity == "error"] == []
    terms = dataset.tables["agreement_terms"]
    assert list(terms["mobility_type"]) == ["staff_teaching", "staff_teaching", "student_studies"]
    assert list(terms["first_year"]) == ["2023/2024", "2023/2024", "2024/2025"]
    assert terms["last_year"].isna().tolist() == [False, True, False]
    assert terms.loc[2, "eqf"] == ["6", "7"]
    assert dataset.tables["partners"].loc[0, "hei_id"] == "auth.gr"
    agreement = dataset.tables["agreements"].iloc[0]
    assert (agreement["iia_id"], agreement["stage"], agreement["holder"]) == ("iia-42", "in_effect",
                                                                              "International office")
    assert dataset.tables["visits"].set_index("visit_id").loc["v8", "participant"] == "student"


def test_use_against_quota_by_hand(tmp_path):
    _, uses = _uses(tmp_path)
    got = [(u.mobility_type, u.direction, u.academic_year, u.planned, u.visit_ids, u.state, u.unplaced)
           for u in uses]
    assert got == [
        ("staff_teaching", "incoming", "2023/2024", 2, ("v1", "v2"), "used", 1),
        ("staff_teaching", "incoming", "2024/2025", 2, ("v3",), "under_used", 1),
        ("staff_teaching", "outgoing", "2023/2024", 1, ("v5",), "used", 0),
        ("staff_teaching", "outgoing", "2024/2025", 1, ("v6", "v7"), "over_used", 0),
        ("student_studies", "outgoing", "2024/2025", None, ("v8",), "not_defined", 0),
    ]


def test_a_year_that_has_started_is_counted_even_with_no_visit(tmp_path):
    _, uses = _uses(tmp_path, as_of=date(2025, 9, 1))
    last = [(u.mobility_type, u.direction, u.academic_year, u.actual, u.state) for u in uses
            if u.academic_year == "2025/2026"]
    assert last == [("staff_teaching", "incoming", "2025/2026", 0, "under_used"),
                    ("staff_teaching", "outgoing", "2025/2026", 0, "under_used"),
                    ("student_studies", "outgoing", "2025/2026", 0, "not_defined")]


def test_latest_started_year():
    assert latest_started_year(date(2025, 8, 31)) == 2024
    assert latest_started_year(date(2025, 9, 1)) == 2025
    assert latest_started_year(date(2025, 3, 1), start=(2, 1)) == 2025


def test_the_json_shape(tmp_path):
    _, uses = _uses(tmp_path)
    assert use_json(uses)[0] == {
        "agreement_id": "a1", "academic_year": "2023/2024", "mobility_type": "staff_teaching",
        "direction": "incoming", "planned": 2, "actual": 2, "state": "used",
        "unplaced_visits": 1, "evidence": ["v1", "v2"]}


def test_bad_terms_are_row_errors(tmp_path):
    terms = TERMS + ("a1,staff_dancing,incoming,2023/2024,,1,,,,,,\n"
                     "a9,staff_teaching,incoming,2023/2024,,1,,,,,,\n"
                     "a1,staff_teaching,incoming,2025/2026,2023/2024,1,,,,,,\n")
    dataset, _ = _uses(tmp_path, terms=terms)
    errors = [(p.table, p.row, p.column, p.code) for p in dataset.problems if p.severity == "error"]
    assert errors == [("agreement_terms", 5, "mobility_type", "bad_enum"),
                      ("agreement_terms", 6, "agreement_id", "unknown_ref"),
                      ("agreement_terms", 7, "last_year", "end_before_start")]
    assert len(dataset.tables["agreement_terms"]) == 3


def test_words_of_the_interface_are_read(tmp_path):
    terms = TERMS.replace("a1,staff_teaching,outgoing", "a1,Мобильность сотрудников: преподавание,Исходящая (направляем мы)")
    dataset, _ = _uses(tmp_path, terms=terms)
    assert list(dataset.tables["agreement_terms"]["direction"]) == ["incoming", "outgoing", "outgoing"]


def test_the_json_report_carries_agreements_use(tmp_path):
    from metrics.scope import Scope
    from report.json_report import build_report

    dataset = load_dataset(write_terms_dataset(tmp_path / "d"))
    report = build_report(dataset, Scope(as_of=AS_OF))
    assert [(u["mobility_type"], u["direction"], u["academic_year"], u["planned"], u["actual"])
            for u in report["agreements_use"]] == [
        ("staff_teaching", "incoming", "2023/2024", 2, 2),
        ("staff_teaching", "incoming", "2024/2025", 2, 1),
        ("staff_teaching", "outgoing", "2023/2024", 1, 1),
        ("staff_teaching", "outgoing", "2024/2025", 1, 2),
        ("student_studies", "outgoing", "2024/2025", None, 1)]
    other = build_report(dataset, Scope(as_of=AS_OF, institutions={"admi"}))
    assert other["agreements_use"] == []


def test_the_pack_has_a_use_section_per_institution(tmp_path):
    from pptx import Presentation

    from metrics.scope import Scope
    from report.model import build_pack
    from report.pdf import write_pdf
    from report.pptx import write_pptx

    dataset = load_dataset(write_terms_dataset(tmp_path / "d"))
    pack = build_pack(dataset, Scope(as_of=AS_OF), "en", False)
    [section] = [s for s in pack.sections if s.key.startswith("quota-")]
    assert section.title == "Use against quota: SamSMU"
    assert section.lead == "Academic year 2024/2025: 4 mobilities against 3 planned; terms under-used: 1."
    assert section.charts[0].categories == ["2023/2024", "2024/2025"]
    assert [s.values for s in section.charts[0].series] == [[3, 3], [3, 4]]
    assert section.table.rows[0] == ["Aristotle University of Thessaloniki", "2024/2025",
                                     "Staff mobility for teaching", "Incoming (the partner sends)", "2",
                                     "≥ 1 (1 undated)", "Under-used"]
    deck = Presentation(write_pptx(tmp_path / "p.pptx", pack))
    texts = ["\n".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame) for slide in deck.slides]
    assert any("Use against quota: SamSMU" in text for text in texts)
    assert write_pdf(tmp_path / "p.pdf", pack).stat().st_size > 0


def test_subject_areas_are_isced_codes_named_in_three_languages(tmp_path):
    from i18n.fmt import isced

    assert isced("0912", "en") == "Medicine (0912)"
    assert isced("0912", "ru") == "Медицина (0912)"
    assert isced("0912", "uz") == "Tibbiyot (0912)"
    assert isced("0918", "en") == "Health (0918)"  # no name of its own: its narrow field's
    terms = TERMS + "a1,staff_training,incoming,2023/2024,,1,,,912;12345,,,\n"
    dataset, _ = _uses(tmp_path, terms=terms)
    assert [(p.row, p.column, p.code) for p in dataset.problems if p.severity == "error"] == [(5, "isced", "bad_isced")]
