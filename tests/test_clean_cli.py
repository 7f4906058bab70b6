"""`python -m loaders clean PATH --out DIR`: the clean CSVs and what goes to stderr."""

import csv
import subprocess
import sys
from pathlib import Path

import pandas as pd

from loaders import load_dataset

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def run(*args):
    return subprocess.run([sys.executable, "-m", "loaders", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8", check=False)


def read_rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_clean_good(tmp_path):
    out = tmp_path / "clean"
    result = run("clean", DATA / "good", "--out", out)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{n}.csv" for n in ("institutions", "partners", "agreements", "visits", "grants",
                             "students", "agreement_terms", "institution_facts", "fx_rates", "targets",
                             "documents"))
    partners = read_rows(out / "partners.csv")
    assert list(partners[0])[:9] == ["partner_id", "name", "type", "country", "city", "lat",
                                     "lon", "geo_precision", "geo_note"]
    assert [p["country"] for p in partners] == ["KOR", "DEU", "RUS"]
    assert [p["geo_precision"] for p in partners] == ["city", "city", "country"]
    assert [p["geo_note"] for p in partners] == ["", "", "no_city"]
    inst = read_rows(out / "institutions.csv")
    assert (inst[1]["lat"], inst[1]["lon"], inst[1]["geo_precision"]) == ("40.78", "72.34",
                                                                         "exact")
    visits = read_rows(out / "visits.csv")
    assert [(v["start_date"], v["start_date_precision"]) for v in visits] == [
        ("2024-05-10", "day"), ("2024-06-01", "month"), ("2023-01-01", "year")]
    assert [v["country"] for v in visits] == ["KOR", "KAZ", "DEU"]
    assert visits[0]["sessions"] == "1200" and visits[1]["sessions"] == ""
    assert "_row" not in visits[0]
    agreements = read_rows(out / "agreements.csv")
    assert agreements[0]["faculty"] == "General Medicine; Pediatrics"
    assert agreements[0]["areas"] == "cardiac surgery; oncology"
    assert agreements[0]["note"] == "kept extra"
    assert read_rows(out / "grants.csv")[0]["partner_ids"] == "p-seoul; p-berlin"
    assert read_rows(out / "students.csv")[1]["academic_year"] == "2023/2024"


def test_clean_output_loads_back_the_same(tmp_path):
    out = tmp_path / "clean"
    assert run("clean", DATA / "good", "--out", out).returncode == 0
    before, after = load_dataset(DATA / "good"), load_dataset(out)
    assert after.problems == []
    for name in ("visits", "agreements", "partners"):
        pd.testing.assert_frame_equal(before.tables[name], after.tables[name],
                                      check_dtype=False)


def test_clean_bad_reports_errors_on_stderr(tmp_path):
    out = tmp_path / "clean"
    result = run("clean", DATA / "bad", "--out", out)
    assert result.returncode == 0
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 24
    assert errors[0].startswith('error   partners row 5 type "shop"')
    assert [v["visit_id"] for v in read_rows(out / "visits.csv")] == ["v1"]


def test_clean_fatal(tmp_path):
    result = run("clean", tmp_path / "missing", "--out", tmp_path / "out")
    assert result.returncode == 1
    assert "No dataset at" in result.stderr
    assert not (tmp_path / "out").exists()
