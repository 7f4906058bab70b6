"""The Agreements page's terms section on tests/terms_fixture.py (use worked out by hand
in tests/test_agreement_terms.py): the use table, the counts per state, the pipeline, the
renewal window, the calendar and IIA downloads."""

from __future__ import annotations

import pytest

from tests.app_fixtures import run_dashboard
from tests.i18n_files import text
from tests.terms_fixture import write_terms_dataset


@pytest.fixture
def terms_env(tmp_path, monkeypatch):
    monkeypatch.setenv("COOP_DATA", str(write_terms_dataset(tmp_path / "d")))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "store"))


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_use_against_quota_on_the_page(terms_env):
    at = run_dashboard("agreements")
    cards = _metrics(at)
    # 2024/2025 (the latest academic year started by 30 June 2025): incoming under-used,
    # outgoing over-used, student studies not defined, nothing exactly used.
    assert cards[text("enum.use_state.under_used", "en")] == "1"
    assert cards[text("enum.use_state.used", "en")] == "0"
    assert cards[text("enum.use_state.over_used", "en")] == "1"
    assert cards[text("enum.use_state.not_defined", "en")] == "1"
    use = next(df.value for df in at.dataframe if "Planned" in df.value.columns)
    rows = use[["Academic year", "Direction", "Planned", "Actual", "Use"]].values.tolist()
    assert rows == [
        ["2024/2025", "Incoming (the partner sends)", "2", "≥ 1 (1 undated)", "▽ Under-used"],
        ["2024/2025", "Outgoing (we send)", "1", "2", "△ Over-used"],
        ["2024/2025", "Outgoing (we send)", "not defined", "1", "— Not yet defined"],
        ["2023/2024", "Incoming (the partner sends)", "2", "≥ 2 (1 undated)", "✓ Used"],
        ["2023/2024", "Outgoing (we send)", "1", "1", "✓ Used"],
    ]
    assert list(use["Visits counted"]) == ["v3", "v6, v7", "v8", "v1, v2", "v5"]


def test_the_pipeline_and_files(terms_env):
    at = run_dashboard("agreements")
    assert _metrics(at)[text("enum.agreement_stage.in_effect", "en")] == "1"
    pipeline = next(df.value for df in at.dataframe if "Who has it now" in df.value.columns)
    assert pipeline[["Stage", "Who has it now", "Next action on"]].values.tolist() == [
        ["In effect", "International office", "2026-11-30"]]
    labels = [b.proto.label for b in at.get("download_button")]
    assert text("page.agreements.files.calendar", "en") in labels
    # the student-studies term has no number a year yet: the IIA cannot be written, and says why
    assert text("page.agreements.files.iia", "en") not in labels
    assert [w.value for w in at.warning] == [text("iia.error.no_mobilities", "en", term=1)]


def test_the_iia_file_can_be_downloaded_when_every_term_is_complete(tmp_path, monkeypatch):
    from tests.terms_fixture import TERMS

    complete = TERMS.replace("a1,staff_teaching,outgoing,2023/2024,,1", "a1,staff_teaching,outgoing,2023/2024,2025/2026,1") \
        .replace("a1,student_studies,outgoing,2024/2025,2025/2026,,5", "a1,student_studies,outgoing,2024/2025,2025/2026,3,5")
    monkeypatch.setenv("COOP_DATA", str(write_terms_dataset(tmp_path / "d", terms=complete)))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "store"))
    at = run_dashboard("agreements")
    assert text("page.agreements.files.iia", "en") in [b.proto.label for b in at.get("download_button")]
    assert not at.warning


def test_in_russian_and_presentation_mode_no_visit_ids_or_holders(terms_env):
    at = run_dashboard("agreements", lang="ru", present="1")
    use = next(df.value for df in at.dataframe if text("page.agreements.use.col.planned", "ru") in df.value.columns)
    assert text("page.agreements.use.col.visits", "ru") not in use.columns
    assert all(text("common.col.holder", "ru") not in df.value.columns for df in at.dataframe)


def test_a_change_of_years_reuses_the_use_and_a_change_of_institution_does_not(terms_env, monkeypatch):
    import metrics.quota
    from ui import loading

    computed = []
    real = metrics.quota.use_against_quota
    monkeypatch.setattr(metrics.quota, "use_against_quota",
                        lambda tables, as_of, institutions: computed.append(sorted(institutions))
                        or real(tables, as_of, institutions))
    loading.quota_uses.clear()
    at = run_dashboard("agreements")
    at.slider(key="f_years").set_value((2024, 2025)).run(timeout=30)
    assert computed == [[]]  # the years do not change the use: computed once
    institution = at.multiselect(key="f_inst").options[0]
    at.multiselect(key="f_inst").set_value([institution]).run(timeout=30)
    assert len(computed) == 2 and len(computed[1]) == 1
    assert not at.exception
