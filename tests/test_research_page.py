"""The Research page in AppTest: the demo test dataset (real exports), filters, no exports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.app_fixtures import run_dashboard

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "tests" / "data" / "research" / "demo"
EN = json.loads((ROOT / "i18n" / "en.json").read_text(encoding="utf-8"))


@pytest.fixture
def demo(monkeypatch, tmp_path):
    monkeypatch.setenv("COOP_DATA", str(DEMO))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "store"))


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_research_page_on_demo_dataset(demo):
    at = run_dashboard("research")
    values = _metrics(at)
    assert values["Papers"] == "107"
    assert values["Papers with an international co-author"] == "29"
    assert values["Share international"] == "27.1%"
    assert values["QS IRN from joint papers"] == "—"  # P = 1 (New York University only)
    captions = " ".join(c.value for c in at.caption)
    assert "P = 1 (foreign institutions with 3+ joint papers in 2021–2025), L = 1 (countries)" in captions
    # the papers' own years (1989 to 2024 in the two real exports), beside the slider's
    assert "2 export files, 107 distinct papers published 1989–2024;" in captions
    frames = {tuple(df.value.columns): df.value for df in at.dataframe}
    irn = next(v for k, v in frames.items() if "Joint papers in the 5 years" in k and "Partner" in k)
    assert irn["Partner"].tolist() == ["New York University"]
    gap = next(v for k, v in frames.items() if "Agreement" in k and "Kind" in k)
    assert gap["Agreement"].tolist() == ["a-kazan"]
    assert len(at.get("download_button")) >= 8


def test_research_page_filters(demo):
    at = run_dashboard("research", **{"from": "2021", "to": "2023", "country": "CAN"})
    values = _metrics(at)
    # Papers of 2021-2023 with a Canadian co-author, read off the raw exports: the
    # OpenAlex works 10.31219/osf.io/ndp8m (2021) and 10.2196/28749 (2022), University of
    # Calgary and Public Health Agency of Canada, and 10.1109/ichi57859.2023.00127 (2023),
    # Vector Institute; no Scopus paper of those years has a Canadian affiliation.
    assert values["Papers"] == "3"
    frames = [df.value for df in at.dataframe]
    countries = next(f for f in frames if list(f.columns) == ["Country", "Papers", "Papers behind it"])
    assert countries["Country"].tolist() == ["Canada"]


def test_research_page_without_exports(monkeypatch, tmp_path):
    monkeypatch.setenv("COOP_DATA", str(ROOT / "data"))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "store"))
    at = run_dashboard("research")
    assert "publication exports" in at.info[0].value
    assert not at.metric


def test_research_page_russian(demo):
    at = run_dashboard("research", lang="ru")
    ru = json.loads((ROOT / "i18n" / "ru.json").read_text(encoding="utf-8"))
    assert at.title[0].value == ru["page.research.title"]
    assert {m.label for m in at.metric} >= {ru["page.research.kpi.papers"], ru["page.research.kpi.irn"]}
    assert EN["page.research.title"] != ru["page.research.title"]
