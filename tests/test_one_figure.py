"""Issue 24 "One figure, one reading": every surface shows a figure's state (metrics.figure).

Hand-made tables below (expected values worked out by hand in the comments); the
curated data in data/ (the repository's own dataset: 21 agreements none of which has an
expiry date, 10 incoming visits none with a session count, one funded SamSMU grant with
no amount, 28 partners of which one is in Uzbekistan) for the surfaces.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from metrics_fixtures import tables

import metrics
from metrics.figure import figures

ROOT = Path(__file__).resolve().parent.parent
CURATED = ROOT / "data"
AS_OF = date(2025, 6, 30)

# Two institutions in UZB. As of 2025-06-30:
# - visits: sam incoming 2023-03-01, 2023-05-01 (2 in 2023), 2024-02-01, 2024-04-01,
#   2024-09-01 (3 in 2024); adm incoming remote 2024-01-10 (KOR); none in 2025. Sessions
#   never given. So visits_incoming = 6; its own comparison is 2024 (4: three sam + one
#   adm) against 2023 (2), +2 (a full year: 2024 is not the as-of year).
# - students: sam 2023/2024 IND 10, 2024/2025 IND 20, 2025/2026 IND 700. 2025/2026 starts
#   on 1 Sep 2025, after as_of: never "the latest". international_students = 20 (2024/2025),
#   compared with 2023/2024: 10, +10.
# - agreements: ag1 active, no expiry date (unknown); ag2 active, written open-ended.
SMALL = dict(
    partners=[{"partner_id": "pk", "country": "KOR"}, {"partner_id": "pu", "country": "UZB"}],
    agreements=[{"agreement_id": "ag1", "partner_id": "pk", "signed_on": "2020-01-01"},
                {"agreement_id": "ag2", "institution_id": "adm", "partner_id": "pu", "signed_on": "2020-01-01",
                 "expires_on_precision": "open_ended"}],
    visits=[{"visit_id": f"v{i}", "partner_id": "pk", "country": "KOR", "start_date": d}
            for i, d in enumerate(["2023-03-01", "2023-05-01", "2024-02-01", "2024-04-01", "2024-09-01"])]
    + [{"visit_id": "va", "institution_id": "adm", "partner_id": "pk", "country": "KOR", "mode": "remote",
        "start_date": "2024-01-10"}],
    students=[{"academic_year": "2023/2024", "year_start": 2023, "country": "IND", "count": 10},
              {"academic_year": "2024/2025", "year_start": 2024, "country": "IND", "count": 20},
              {"academic_year": "2025/2026", "year_start": 2025, "country": "IND", "count": 700}],
)


def small_figures(scope: metrics.Scope | None = None):
    data = tables(**SMALL)
    scope = scope or metrics.Scope(as_of=AS_OF)
    values, notes = metrics.compute_kpis_with_notes(data, scope)
    return figures(values, notes, metrics.year_over_year(data, scope).changes)


def test_states_of_small_tables():
    figs = small_figures()
    assert (figs["lecture_sessions"].state, figs["lecture_sessions"].unknown) == ("unknown", 6)
    # ag1's expiry is unknown, ag2 is open-ended (written): 0 expiring, at least, 1 unknown
    assert (figs["agreements_expiring"].state, figs["agreements_expiring"].unknown) == ("at_least", 1)
    assert figs["agreements_active"].value == 2
    assert figs["remote_share"].state == "known" and (figs["remote_share"].part, figs["remote_share"].base) == (1, 6)
    assert figs["partners"].value == 2 and figs["partner_countries"].value == 1  # KOR only: UZB is domestic


def test_expiring_cannot_tell_when_every_expiry_is_unknown():
    data = dict(SMALL, agreements=SMALL["agreements"][:1])
    values, notes = metrics.compute_kpis_with_notes(tables(**data), metrics.Scope(as_of=AS_OF))
    fig = figures(values, notes)["agreements_expiring"]
    assert (fig.state, fig.unknown, fig.shown) == ("cannot_tell", 1, None)


def test_open_ended_word_is_read_by_the_loader(tmp_path):
    import shutil

    from loaders import load_dataset
    shutil.copytree(CURATED, tmp_path / "d", ignore=shutil.ignore_patterns("*.geojson"))
    path = tmp_path / "d" / "agreements.csv"
    text = path.read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    assert header[8] == "expires_on"
    # the first agreement (no expiry) written "бессрочно": no longer unknown
    first = text[1].split(",")
    first[8] = "бессрочно"
    text[1] = ",".join(first)
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    dataset = load_dataset(tmp_path / "d")
    assert not [p for p in dataset.problems if p.column == "expires_on" and p.severity == "error"]
    values, notes = metrics.compute_kpis_with_notes(dataset.tables, metrics.Scope(as_of=AS_OF))
    assert (values["agreements_active"], notes["agreements_expiry_unknown"]) == (21, 20)


def test_year_over_year_per_figure_with_both_values():
    from report.figure_words import figure_words

    figs = small_figures()
    visits = figs["visits_incoming"].change
    assert (visits.year, visits.previous, visits.current, visits.before, visits.delta) == (2024, 2023, 4, 2, 2)
    assert figure_words(figs["visits_incoming"], "en").change == "2024: 4 · 2023: 2, +2"
    # students: the latest STARTED academic year (2025/2026 starts after 30 June 2025)
    assert figs["international_students"].value == 20
    students = figs["international_students"].change
    assert (students.year, students.previous, students.current, students.before) == (2024, 2023, 20, 10)
    assert figure_words(figs["international_students"], "en").change == "2024/2025: 20 · 2023/2024: 10, +10"
    # sessions are unknown in both years: no change
    assert not figs["lecture_sessions"].change.compared


def test_academic_year_start_is_configurable(monkeypatch):
    monkeypatch.setenv("COOP_ACADEMIC_YEAR_START", "06-01")  # started on 1 June 2025
    assert small_figures()["international_students"].value == 700


def test_small_share_shows_counts():
    from report.figure_words import value_text

    scope = metrics.Scope(as_of=AS_OF, institutions=frozenset({"adm"}))
    fig = small_figures(scope)["remote_share"]
    assert (fig.part, fig.base) == (1, 1)
    assert value_text(fig, "en") == "1 of 1 remote"
    assert "%" not in value_text(fig, "ru") and "1" in value_text(fig, "ru")


# ---------------------------------------------------------------- surfaces on the curated data


@pytest.fixture(scope="module")
def curated_report():
    from loaders import load_dataset
    from report.json_report import build_report

    dataset = load_dataset(CURATED)
    return dataset, build_report(dataset, metrics.Scope(as_of=AS_OF))


def test_json_by_institution_unknown_is_null(curated_report):
    _, report = curated_report
    samsmu, admi = report["by_institution"]["samsmu"], report["by_institution"]["admi"]
    assert samsmu["lecture_sessions"] is None and samsmu["grant_funding_usd"] is None
    assert admi["lecture_sessions"] is None
    states = report["by_institution_figures"]
    assert states["samsmu"]["lecture_sessions"]["state"] == "unknown"
    assert states["samsmu"]["grant_funding_usd"] == {"value": None, "state": "unknown", "unknown": 1,
                                                     "reason": "amount"}
    assert report["figures"]["agreements_expiring"]["state"] == "cannot_tell"
    assert report["figures"]["agreements_expiring"]["unknown"] == 21


def _bare_number(text: str) -> bool:
    """A cell that is only a number (no "≥", not a word)."""
    return bool(re.fullmatch(r"\$?[\d\s,.\u00a0\u202f]+(\s?\$)?", text.strip()))


def test_every_pack_surface_reads_the_state(curated_report):
    """Big numbers, the KPI table, the by-institution table and the evidence appendix
    never print a bare number where the JSON's state is not "known"."""
    from report.model import build_pack

    dataset, report = curated_report
    pack = build_pack(dataset, metrics.Scope(as_of=AS_OF), "en", report=report)
    not_known = {k for k, f in report["figures"].items() if f["state"] != "known"}
    assert {"lecture_sessions", "grant_funding_usd", "agreements_expiring"} <= not_known
    for big in pack.big_numbers:
        if big.name in not_known:
            assert not _bare_number(big.value), big
        assert report["figures"][big.name]["change"]["delta"] is None
        # no change line; a figure that is not a number says why instead (its note)
        assert big.change == ("" if big.name in not_known else "no comparison"), big
    labels = {t_label: k for k, t_label in ((k, r[0]) for k, r in zip(report["figures"], pack.kpi_table.rows,
                                                                        strict=True))}
    for row in pack.kpi_table.rows:
        if labels[row[0]] in not_known:
            assert not _bare_number(row[1]), row
    per_inst = report["by_institution_figures"]
    ids = list(report["by_institution"])
    for name, row in zip(report["figures"], pack.by_institution.rows, strict=True):
        for i, cell in zip(ids, row[1:], strict=True):
            if per_inst[i][name]["state"] != "known":
                assert not _bare_number(cell), (name, i, cell)
    assert dict(zip(ids, pack.by_institution.rows[8][1:], strict=True)) == {"admi": "unknown", "samsmu": "unknown"}
    for entry in pack.appendix:
        if entry.name in not_known:
            assert not _bare_number(entry.value), entry


def test_partner_countries_foreign_everywhere(curated_report):
    from report.model import build_pack

    dataset, report = curated_report
    assert report["kpis"]["partner_countries"] == 11 and "UZB" not in report["evidence"]["partner_countries"]
    pack = build_pack(dataset, metrics.Scope(as_of=AS_OF), "en", report=report)
    assert "28 partners in 11 foreign countries (+ 1 domestic partner: Uzbekistan)" in pack.map.lead
    assert "in 11 foreign countries" in pack.sections[0].lead and "Uzbekistan" in pack.sections[0].lead
    ru = build_pack(dataset, metrics.Scope(as_of=AS_OF), "ru", report=report)
    assert "зарубежных стран: 11" in ru.map.lead and "Узбекистан" in ru.map.lead


def test_pack_prints_a_change_only_where_the_json_has_one(tmp_path):
    """Synthetic data (``synth --visits 300 --seed 5``) as of 30 June 2025: the big numbers'
    change lines are exactly the JSON's per-figure changes, with both values."""
    from loaders import load_dataset
    from loaders.synth import write_synth
    from report.json_report import build_report
    from report.model import build_pack

    write_synth(tmp_path / "s", 300, seed=5)
    dataset = load_dataset(tmp_path / "s")
    scope = metrics.Scope(as_of=AS_OF)
    report = build_report(dataset, scope)
    pack = build_pack(dataset, scope, "en", report=report)
    compared = 0
    for big in pack.big_numbers:
        change = report["figures"][big.name]["change"]
        if change["delta"] is None:
            shows = report["figures"][big.name]["state"] in ("known", "at_least")
            assert big.change == ("no comparison" if shows else ""), big
        else:
            compared += 1
            assert big.change.startswith(f"{change['year']}") or big.change.startswith(f"{change['year']}/")
            assert f"{change['previous']}" in big.change
    assert compared  # the synthetic data has dated rows in consecutive years
    assert json.dumps(report)  # the JSON stays plain


# ---------------------------------------------------------------- the app (AppTest)


@pytest.fixture
def curated_env(tmp_path, monkeypatch):
    monkeypatch.setenv("COOP_DATA", str(CURATED))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "no-store"))


def _opened(page: str, kpi: str):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
    at.query_params["as_of"] = "2025-06-30"
    at.session_state["evidence_open"] = kpi
    at.run(timeout=30)
    at.switch_page(f"views/{page}.py").run(timeout=30)
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize(("page", "kpi", "label"), [("mobility", "lecture_sessions", "Sessions held"),
                                                      ("grants", "grant_funding_usd", "Grant funding (USD)")])
def test_rows_heading_reads_as_the_card(curated_env, page, kpi, label):
    at = _opened(page, kpi)
    card = {m.label: m.value for m in at.metric}[label]
    assert card == "unknown"
    heading = [m.value for m in at.markdown if "comes from" in m.value]
    assert heading == [f"**Where “{label}” (unknown) comes from**"]


def test_agreements_page_cannot_tell_expiring(curated_env):
    at = _opened("agreements", "agreements_expiring")
    assert {m.label: m.value for m in at.metric}["Expiring within 180 days"] == "cannot tell"
    assert not [s for s in at.success if "expires within" in s.value]
    assert any("21 active agreements have no expiry date" in w.value for w in at.warning)
    assert [m.value for m in at.markdown if "comes from" in m.value] == [
        "**Where “Expiring within 180 days” (cannot tell) comes from**"]
    # and the rows "cannot tell" rests on: the 21 active agreements without an expiry date
    assert "**Active agreements without an expiry date (21): whether they expire cannot be told**" in [
        m.value for m in at.markdown]
    assert any(len(df.value) == 21 for df in at.dataframe)


def test_quality_page_flags_active_from_no_date(curated_env):
    """Curated data: 20 of the 21 agreements have no date and no written status (one,
    a-samsmu-shandong, is written active): 20 active only because nothing says otherwise."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
    at.query_params["as_of"] = "2025-06-30"
    at.run(timeout=30)
    at.switch_page("views/quality.py").run(timeout=30)
    assert not at.exception
    notes = [w.value for w in at.warning if "no signing date" in w.value]
    assert len(notes) == 1 and notes[0].startswith("20 agreements have")


def test_rows_heading_keeps_at_least(tmp_path, monkeypatch):
    """tests/data/dashboard: sessions 10 + 4 + 6 = 20 with v4 and v7 unknown: the card
    reads "≥ 20" and so does the heading of its rows (v2 dropped the "≥")."""
    monkeypatch.setenv("COOP_DATA", str(ROOT / "tests" / "data" / "dashboard"))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "no-store"))
    at = _opened("mobility", "lecture_sessions")
    assert {m.label: m.value for m in at.metric}["Sessions held"] == "≥ 20"
    assert [m.value for m in at.markdown if "comes from" in m.value] == ["**Where “Sessions held” (≥ 20) comes from**"]


def test_every_surface_reads_the_state_on_the_curated_data(curated_env, curated_report, tmp_path):
    """One walk: the overview cards and its by-institution table (screen), the JSON
    (`figures`, `by_institution`), the pack (big numbers, KPI table, by-institution
    table, appendix) and the Excel annex (figures sheet, by-institution sheet) never print
    a bare number where the figure's state is not "known"; each says what the card says."""
    from openpyxl import load_workbook
    from streamlit.testing.v1 import AppTest

    from i18n import t
    from report.model import build_pack
    from report.xlsx import write_xlsx

    dataset, report = curated_report
    states = {name: f["state"] for name, f in report["figures"].items()}
    not_known = {name for name, state in states.items() if state != "known"}
    assert not_known == {"agreements_expiring", "lecture_sessions", "grant_funding_usd"}
    label = {name: t(f"kpi.{name}.label", "en") for name in states}
    words = {"unknown": "unknown", "cannot_tell": "cannot tell"}

    # screen: the cards and the by-institution table of the overview
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
    at.query_params["as_of"] = "2025-06-30"
    at.run(timeout=30)
    assert not at.exception
    cards = {m.label: m.value for m in at.metric}
    assert cards["Partner countries"] == "11"  # foreign only, Uzbekistan said apart
    # written "\+": the line reads "+ 1 …", not as a markdown list item
    assert "\\+ 1 domestic partner: Uzbekistan" in [c.value for c in at.caption]
    for name in not_known:
        assert cards[label[name]] == words[states[name]], name
        assert report["figures"][name]["value"] is None
    side = next(df.value for df in at.dataframe if "Institution" in df.value.columns)
    by_institution = side.set_index("Institution")  # a row per institution, a column per figure
    for institution, figs in report["by_institution_figures"].items():
        row = {"admi": "ADMI", "samsmu": "SamSMU"}[institution]
        for name, fig in figs.items():
            cell = str(by_institution.loc[row, label[name]])
            if fig["state"] != "known":
                assert not _bare_number(cell), (institution, name, cell)
                assert report["by_institution"][institution][name] is None

    # the pack and its Excel annex
    pack = build_pack(dataset, metrics.Scope(as_of=AS_OF), "en", report=report)
    book = load_workbook(write_xlsx(tmp_path / "annex.xlsx", pack), read_only=True)
    # the figures sheet: Figure, Value (a number, empty when none is shown), State, ...
    name_of = {text: name for name, text in label.items()}
    figures_rows = [r for r in book.worksheets[0].iter_rows(values_only=True)
                    if len(r) >= 6 and r[0] in name_of]
    assert {name_of[r[0]] for r in figures_rows} == set(states)
    for row in figures_rows:
        if name_of[row[0]] in not_known:
            assert row[1] is None and row[2] == words[states[name_of[row[0]]]], row
        assert not row[5]  # no change anywhere: the JSON has none
    for big in pack.big_numbers:
        if big.name in not_known:
            assert big.value == words[states[big.name]], big


def test_pack_renewals_cannot_tell(curated_report):
    """Curated data: no agreement has an expiry date, so the pack never says "No active
    agreement expires"; it says it cannot tell for the 21."""
    from report.model import build_pack

    dataset, report = curated_report
    pack = build_pack(dataset, metrics.Scope(as_of=AS_OF), "en", report=report)
    assert pack.renewals.rows == []
    assert pack.renewals.note == "Cannot tell for 21 active agreements: they have no expiry date."


def test_pack_student_trend_counts_what_the_figure_counts():
    """SMALL: foreign students 10 (2023/2024), 20 (2024/2025), 700 (2025/2026, not started by
    30 June 2025): the pack's per-year charts stop at the started years."""
    from types import SimpleNamespace

    from report.model import build_pack

    dataset = SimpleNamespace(tables=tables(**SMALL), problems=[], path=None, error_count=0, warning_count=0)
    pack = build_pack(dataset, metrics.Scope(as_of=AS_OF), "en")
    charts = [c for c in pack.trends.charts if c.title.startswith("International students per academic year")]
    assert [(c.categories, c.series[0].values) for c in charts] == [(["2023/2024", "2024/2025"], [10, 20])]
    students = next(s for s in pack.sections if s.key == "students")
    by_year = next(c for c in students.charts if c.title.startswith("International students per academic year"))
    assert (by_year.categories, by_year.series[0].values) == (["2023/2024", "2024/2025"], [10, 20])


def test_a_figure_brings_its_rows():
    """SMALL: the 6 incoming visits are the rows behind "Sessions held" (every count unknown)."""
    data = tables(**SMALL)
    scope = metrics.Scope(as_of=AS_OF)
    fig = small_figures(scope)["lecture_sessions"]
    assert sorted(fig.rows(data, scope)["visit_id"]) == ["v0", "v1", "v2", "v3", "v4", "va"]
    assert fig.definition_key == "kpi.lecture_sessions.definition"
