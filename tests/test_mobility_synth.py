"""Mobility on ``python -m loaders synth --visits 10000`` (issue 24, defects 4 and 10):
the timeline counts per period instead of drawing bars over bars, and "By country" has
no bar for the home country."""

from __future__ import annotations

import json

import pytest
from app_fixtures import run_dashboard

from loaders.synth import write_synth


@pytest.fixture(scope="module")
def synth_10k(tmp_path_factory):
    path = tmp_path_factory.mktemp("synth10k")
    write_synth(path, visits=10_000, seed=1)
    return path


def test_timeline_and_countries_at_10k(synth_10k, tmp_path, monkeypatch):
    monkeypatch.setenv("COOP_DATA", str(synth_10k))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "no-store"))
    at = run_dashboard("mobility")
    specs = {json.loads(c.proto.spec).get("layout", {}).get("barmode"): None for c in at.get("plotly_chart")}
    assert specs  # the charts were drawn
    timeline, _, _, by_country, *_ = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    # Counts per period, stacked: no bar per visit (no "base"), every count a whole number.
    assert timeline["layout"]["barmode"] == "stack"
    assert not any("base" in trace for trace in timeline["data"])
    # The dates over the first row too, on the same ticks as under the last one.
    top, bottom = timeline["layout"]["xaxis2"], timeline["layout"]["xaxis"]
    assert top["side"] == "top" and top["matches"] == "x"
    assert (top["tick0"], top["dtick"]) == (bottom["tick0"], bottom["dtick"]) == ("2000-01-01", "M24")
    rows = [a["text"] for a in timeline["layout"]["annotations"]]
    assert len(rows) == 25 and rows[-1].startswith("<b>Other rows (")
    # The folded row's bars add up to the visits it says it holds.
    folded = int(rows[-1].split("(")[1].split(" ")[0].replace(",", ""))
    last_axis = f"y{len(rows)}"
    assert sum(sum(t["y"]) for t in timeline["data"] if t.get("yaxis") == last_axis) == folded
    # By country: foreign countries only; the domestic visits are said apart.
    countries = {c for trace in by_country["data"] for c in trace["y"]}
    # 20 foreign countries: the 15 largest and "Other".
    assert "Uzbekistan" not in countries and len(countries) == 16 and "Other" in countries
    assert any("domestic visits (Uzbekistan) are left out" in c.value for c in at.caption)


def test_by_country_on_the_curated_data_is_foreign_only(tmp_path, monkeypatch):
    """Defect 4: 13 bars against a "Mobility countries 12" card; Uzbekistan was one of them."""
    from app_fixtures import ROOT

    monkeypatch.setenv("COOP_DATA", str(ROOT / "data"))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "no-store"))
    at = run_dashboard("mobility")
    by_country = next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                      if json.loads(c.proto.spec)["data"][0].get("orientation") == "h")
    countries = {c for trace in by_country["data"] for c in trace["y"]}
    assert len(countries) == 12 and "Uzbekistan" not in countries
    notes = [c.value for c in at.caption if "domestic visit" in c.value]
    assert len(notes) == 1 and "(Uzbekistan) is left out" in notes[0]
