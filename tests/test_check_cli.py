"""`python -m loaders check PATH [--json]`: output, exit codes and JSON shape."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def run(*args):
    return subprocess.run([sys.executable, "-m", "loaders", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8", check=False)


@pytest.mark.parametrize(("path", "code"), [
    (DATA / "good", 0),
    (DATA / "bad", 1),
    (DATA / "does-not-exist", 1),
])
def test_exit_codes(path, code):
    assert run("check", path).returncode == code
    assert run("check", path, "--json").returncode == code


def test_text_output_errors_first_then_summary():
    out = run("check", DATA / "bad").stdout.splitlines()
    assert out[0] == ('error   partners row 5 type "shop": “shop” is not one of: university, '
                      "research_center, hospital, foundation, company, government, "
                      "association, other.")
    kinds = [line.split()[0] for line in out[:-1]]
    assert kinds == ["error"] * 24 + ["warning"] * 3
    assert out[-1] == "24 errors, 3 warnings."


def test_good_dataset_summary():
    assert run("check", DATA / "good").stdout.strip() == "0 errors, 0 warnings."


def test_json_shape():
    result = json.loads(run("check", DATA / "bad", "--json").stdout)
    assert set(result) == {"errors", "warnings", "fatal"}
    assert result["fatal"] is None
    assert len(result["errors"]) == 24 and len(result["warnings"]) == 3
    last = result["errors"][-1]
    assert {k: last[k] for k in ("table", "row", "column", "value")} == {
        "table": "targets", "row": 2, "column": "metric", "value": "happiness"}
    assert last["message"].startswith("“happiness” is not one of")
    assert result["warnings"][2]["column"] == "currency"


def test_json_fatal():
    result = run("check", DATA / "does-not-exist", "--json")
    payload = json.loads(result.stdout)
    assert payload["errors"] == [] and payload["warnings"] == []
    assert payload["fatal"].startswith("No dataset at")


def test_fatal_text_has_no_traceback(tmp_path):
    (tmp_path / "x.xlsx").write_bytes(b"junk")
    result = run("check", tmp_path / "x.xlsx")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "could not be read" in result.stdout
