"""The Rankings page, the JSON report and the pack show the same indicators
(tests/test_rankings.py has them worked out by hand)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.app_fixtures import run_dashboard
from tests.i18n_files import text
from tests.test_rankings import write_rankings_dataset

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def env(tmp_path, monkeypatch):
    folder = write_rankings_dataset(tmp_path / "d")
    (folder / "targets.csv").write_text("institution_id,year,metric,target\nsam,2024,international_student_share,0.05\n",
                                        encoding="utf-8")
    monkeypatch.setenv("COOP_DATA", str(folder))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "store"))
    return folder


def test_the_page_shows_values_formulas_targets_and_trend(env):
    at = run_dashboard("rankings")
    main = at.dataframe[0].value.set_index("Indicator")
    student = main.loc[text("ranking.international_student_share.label", "en")]
    assert student["Value"] == "unknown"
    assert student["Formula"] == "46 / ? = unknown"
    assert student["Why"] == "no total for this academic year: ADMI"
    staff = main.loc[text("ranking.international_staff_share.label", "en")]
    assert (staff["Value"], staff["Formula"]) == ("2.3%", "7 / 300 = 2.3%")
    per = at.dataframe[1].value.set_index("Indicator")
    assert per.loc[text("ranking.international_student_share.label", "en"), "SamSMU"] == "4.0%"
    targets = at.dataframe[2].value
    assert targets.to_dict("records") == [{"Institution": "SamSMU", "Indicator": "International student share",
                                           "Value": "4.0%", "Target": "5.0%",
                                           "What it takes": "+ 10 international students at today's total"}]
    trend = at.dataframe[3].value.set_index("Indicator")
    assert list(trend.columns) == ["2024/2025", "2023/2024"]
    assert trend.loc["International student share", "2023/2024"] == "1.2%"  # 20 / 1,700


def test_the_json_report_carries_the_same_figures(env, tmp_path):
    out = tmp_path / "r.json"
    run = subprocess.run([sys.executable, "-m", "report", str(env), "--as-of", "2025-06-30", "--out", str(out)],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    rankings = json.loads(out.read_text(encoding="utf-8"))["rankings"]
    assert rankings["academic_year"] == "2024/2025"
    assert rankings["figures"]["international_student_share"] is None
    assert rankings["details"]["international_student_share"]["reason"] == "no_total"
    assert rankings["figures"]["international_staff_share"] == pytest.approx(7 / 300)
    assert rankings["by_institution"]["sam"]["international_student_share"] == 0.04


def test_the_pack_has_the_rankings_section(env):
    from datetime import date

    from loaders import load_dataset
    from metrics.scope import Scope
    from report.model import build_pack

    pack = build_pack(load_dataset(env), Scope(as_of=date(2025, 6, 30)), "ru", False)
    [section] = [s for s in pack.sections if s.key == "rankings"]
    assert section.title == text("ranking.section.title", "ru")
    row = next(r for r in section.table.rows if r[0] == text("ranking.international_staff_share.label", "ru"))
    assert row[1:] == ["2,3\u00a0%", "7 / 300 = 2,3\u00a0%", "2,0\u00a0%", "2,5\u00a0%"]  # ADMI, SamSMU


def test_on_the_curated_data_the_page_says_what_to_enter(tmp_path, monkeypatch):
    monkeypatch.setenv("COOP_DATA", str(ROOT / "data"))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "store"))
    at = run_dashboard("rankings")
    assert [w.value for w in at.warning] == [text("page.rankings.no_facts", "en")]
    main = at.dataframe[0].value.set_index("Indicator")
    assert main.loc["International student share", "Value"] == "unknown"
    assert main.loc["International student share", "Why"] == "no total for this academic year: ADMI, SamSMU"
