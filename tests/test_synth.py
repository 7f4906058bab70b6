"""`python -m loaders synth`: a contract-valid dataset, and planted errors on request."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

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


TABLES = ["institutions", "partners", "agreements", "visits", "grants", "students",
          "fx_rates", "targets", "institution_facts", "agreement_terms"]


def test_synth_same_seed_same_data():
    a, b = build_synth(200, seed=5), build_synth(200, seed=5)
    assert list(a) == list(b) == TABLES
    for name in TABLES:
        assert len(a[name]) > 0, name
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)
    # ... and the comparison can fail: another seed draws other rows
    other = build_synth(200, seed=6)
    assert not other["visits"].equals(a["visits"]) and not other["agreements"].equals(a["agreements"])


@pytest.mark.parametrize("with_errors", [False, True])
def test_synth_same_seed_same_files(tmp_path, with_errors):
    """Every file written, byte for byte, with the planted errors too."""
    first, second = tmp_path / "a", tmp_path / "b"
    write_synth(first, visits=200, seed=5, with_errors=with_errors)
    write_synth(second, visits=200, seed=5, with_errors=with_errors)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(f"{t}.csv" for t in TABLES)
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


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


def test_synth_forty_institutions_cli(tmp_path):
    """issue 24: ``--institutions 40`` writes 40 home institutions, all placed and used."""
    result = subprocess.run([sys.executable, "-m", "loaders", "synth", "--out", str(tmp_path),
                             "--visits", "400", "--seed", "2", "--institutions", "40"], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    ds = load_dataset(tmp_path)
    assert ds.fatal is None and ds.errors == []
    homes = ds.tables["institutions"]
    assert len(homes) == 40 and homes["institution_id"].is_unique
    assert set(homes["country"]) == {"UZB"}
    assert homes["lat"].notna().all()  # every city is in the gazetteer
    # The first five are the usual ones; the 40th is "DMI40".
    assert list(homes["short_name"][:5]) == ["ZDMU", "FVDMI", "CDMA", "ODMI", "SRDMC"]
    assert homes["short_name"].iloc[-1] == "DMI40"
    assert len(set(ds.tables["visits"]["institution_id"])) == 40
    assert len(ds.tables["targets"]) == 40 * 4 * 6
