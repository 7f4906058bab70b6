"""`python -m loaders synth`: a contract-valid dataset, and planted errors on request."""

import subprocess
import sys
from pathlib import Path

from loaders import load_dataset
from loaders.synth import build_synth, write_synth

ROOT = Path(__file__).resolve().parent.parent


def test_synth_small_is_valid(tmp_path):
    sizes = write_synth(tmp_path, visits=300, seed=3)
    assert sizes["visits"] == 300 and sizes["partners"] == 30
    ds = load_dataset(tmp_path)
    assert ds.fatal is None
    assert ds.errors == []
    visits = ds.tables["visits"]
    assert len(visits) == 300
    assert set(visits["mode"]) == {"in_person", "remote"}
    assert {"day", "month", "year"} <= set(visits["start_date_precision"].dropna())
    assert visits["start_date"].isna().any()  # some undated visits
    assert len(ds.tables["institutions"]) == 5
    assert len(ds.tables["fx_rates"]) > 0 and len(ds.tables["targets"]) > 0


def test_synth_names_are_fictional():
    tables = build_synth(100, seed=1)
    for name in ("institutions", "partners"):
        assert tables[name]["name"].str.contains("(fictional)", regex=False).all()
    assert tables["visits"]["person"].str.contains("(fictional)", regex=False).all()


def test_synth_same_seed_same_data():
    a, b = build_synth(200, seed=5), build_synth(200, seed=5)
    assert a["visits"].equals(b["visits"])


def test_synth_with_errors_cli(tmp_path):
    result = subprocess.run([sys.executable, "-m", "loaders", "synth", "--out", str(tmp_path),
                             "--visits", "200", "--seed", "2", "--with-errors"], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    ds = load_dataset(tmp_path)
    codes = {p.code for p in ds.errors}
    assert codes == {"unknown_country", "missing_value", "bad_enum", "unknown_ref", "bad_date",
                     "negative_number", "bad_number", "end_before_start", "duplicate_key",
                     "missing_currency", "bad_academic_year"}
    # synth writes "Active" on some agreements whose dates say expired, as offices do
    assert {p.code for p in ds.warnings} == {"duplicate_partner_name", "unknown_city", "status_contradicts_dates"}
