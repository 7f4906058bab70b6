"""Password hashes and the administrators' command line (``python -m datastore``), which
runs against SQLite and PostgreSQL with the same rules as the Data page."""

from __future__ import annotations

import json

import openpyxl
import pytest
from store_cli import run_cli, store_env
from test_datastore import BASE_VISITS, write_dataset

from datastore import security
from datastore.editors import hash_password, verify_password
from datastore.store import Store


def test_hash_is_salted_and_verifies():
    first, second = hash_password("correct horse"), hash_password("correct horse")
    assert first != second  # a new salt each time
    assert first.startswith("scrypt$16384$8$1$")
    assert "correct horse" not in first
    assert verify_password("correct horse", first)
    assert not verify_password("correct horsE", first)
    assert not verify_password("x", "not a hash")
    assert not verify_password("x", "")


@pytest.fixture
def cli(tmp_path, monkeypatch, database_url):
    """Run ``python -m datastore ARGS`` with ``stdin``; returns (status, out, err)."""
    store_env(tmp_path, monkeypatch)

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        return run_cli(monkeypatch, *args, stdin=stdin)

    return run


def test_add_editor_with_rights_and_password_stdin(cli):
    assert cli("add-editor", "sam", "--institution", "samsmu", "--password-stdin",
               stdin="sam-pass-1\n")[0] == 0
    assert cli("add-editor", "boss", "--admin", "--password-stdin", stdin="boss-pass\n")[0] == 0
    status, _, err = cli("add-editor", "x", "--admin", "--password-stdin", stdin="short\n")
    assert status == 1 and "at least 8" in err
    status, _, err = cli("add-editor", "nobody", "--password-stdin", stdin="long-enough\n")
    assert status == 1 and "--admin" in err
    store = Store()
    assert security.account(store, "sam")["institutions"] == {"samsmu"}
    assert security.account(store, "boss")["is_admin"] is True
    assert "hash" not in json.dumps([e["detail"] for e in security.audit_log(store)])


def test_publish_history_diff_rollback_export(cli, tmp_path):
    cli("add-editor", "boss", "--admin", "--password-stdin", stdin="boss-pass\n")
    changed = write_dataset(tmp_path / "new", "base", rows=3, visits=BASE_VISITS)
    status, out, err = cli("publish", str(changed), "--editor", "boss", "--password-stdin",
                           "--note", "one more partner", stdin="boss-pass\n")
    assert status == 0, err
    assert out.strip() == "Published as version 2: partners +1 ~0 -0"
    status, out, _ = cli("history")
    lines = out.splitlines()
    assert lines[0].startswith("*   2") and "boss" in lines[0] and "one more partner" in lines[0]
    assert lines[1].startswith("    1") and "seed" in lines[1]
    status, out, _ = cli("diff", "1", "2")
    assert out.splitlines() == ["partners: 1 added, 0 changed, 0 removed", "  + p2"]
    status, out, _ = cli("rollback", "1", "--editor", "boss", "--password-stdin",
                         stdin="boss-pass\n")
    assert out.strip() == "Version 1 restored as version 3: partners +0 ~0 -1"
    assert cli("export", "--version", "2", "--out", str(tmp_path / "v2"))[0] == 0
    assert (tmp_path / "v2" / "partners.csv").read_text().count("\n") == 4  # header + 3
    assert cli("export", "--out", str(tmp_path / "now.xlsx"))[0] == 0
    book = openpyxl.load_workbook(tmp_path / "now.xlsx")
    assert book["partners"].max_row == 3  # header + 2 partners of version 3


def test_publish_with_errors_or_a_wrong_password_exits_1(cli, tmp_path):
    cli("add-editor", "boss", "--admin", "--password-stdin", stdin="boss-pass\n")
    bad = write_dataset(tmp_path / "bad", "x", visits="v9,samsmu,p0,sideways,lectures,\n")
    status, _, err = cli("publish", str(bad), "--editor", "boss", "--password-stdin",
                         stdin="boss-pass\n")
    assert status == 1 and 'visits row 2 direction "sideways"' in err
    status, _, err = cli("publish", str(bad), "--editor", "boss", "--password-stdin",
                         stdin="nope\n")
    assert (status, err.strip()) == (1, "Wrong name or password.")
    assert Store().current() is None


def test_an_institution_editor_cannot_publish_other_rows(cli, tmp_path):
    cli("add-editor", "sam", "--institution", "samsmu", "--password-stdin", stdin="sam-pass-1\n")
    changed = write_dataset(tmp_path / "new", "base", rows=2,
                            visits="v1,samsmu,p0,incoming,lectures,2024-03\n"
                                   "v2,admi,p1,outgoing,research,2024\n")
    status, _, err = cli("publish", str(changed), "--editor", "sam", "--password-stdin",
                         stdin="sam-pass-1\n")
    assert status == 1
    assert err.splitlines() == ["sam may not change these rows of other institutions:",
                                "  visits v2"]


def test_template_in_russian(cli, tmp_path):
    out = tmp_path / "t.xlsx"
    assert cli("template", "--lang", "ru", "--out", str(out))[0] == 0
    assert "visits" in openpyxl.load_workbook(out).sheetnames


def test_loaders_add_editor_points_to_the_store(capsys):
    from loaders.__main__ import main as loaders_main

    assert loaders_main(["add-editor", "x"]) == 1
    assert "python -m datastore add-editor" in capsys.readouterr().err


def test_report_reads_the_store(cli, tmp_path):
    from report.__main__ import main as report_main

    cli("add-editor", "boss", "--admin", "--password-stdin", stdin="boss-pass\n")
    visits = BASE_VISITS + "v3,samsmu,p2,incoming,research,2024\n"
    cli("publish", str(write_dataset(tmp_path / "n", "base", rows=3, visits=visits)),
        "--editor", "boss", "--password-stdin", stdin="boss-pass\n")
    out = tmp_path / "r.json"
    assert report_main(["--store", "--out", str(out), "--as-of", "2025-06-30"]) == 0
    # The base data has 2 partners with a visit, the store's version 2 has 3.
    assert json.loads(out.read_text())["kpis"]["partners"] == 3
