"""One row's history and restore (issue 25, build item 5), the restore preview's line for a
version that changed fields only (defect 8), rights on publication exports in a rollback
(issue 26, item 4) and the command line's defect 9 (export, history), on SQLite and
PostgreSQL where a store is involved."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_merge import cli, office  # noqa: F401 - the fixture: editors admin, bobur, kamola

from datastore import forms, publications, security
from datastore.diff import RowChange, TableDiff
from datastore.rowhistory import restore_row, row_history
from datastore.store import Refused, Store
from tests.i18n_files import text

ROOT = Path(__file__).resolve().parent.parent
WOS = Path(__file__).parent / "data" / "research" / "wos_plain.txt"


def test_the_restore_line_counts_rows_whose_fields_change():
    diff = TableDiff("visits", ("visit_id",), changed=[
        RowChange("v1", {"activity": ("a", "b")}), RowChange("v2", {"mode": ("", "online")}),
        RowChange("v3", {"city": ("x", "y")})])
    before = {"visits": 5, "partners": 2}
    for lang in ("en", "ru", "uz"):
        assert forms.restore_summary({"visits": diff}, before, lang) == text(
            "data.rollback.changed_rows", lang, table=text("data.table.visits", lang), count=3)
    assert forms.restore_summary({"visits": TableDiff("visits", ("visit_id",))}, before, "en") == ""


def test_a_rows_history_and_restoring_that_row_alone(office, monkeypatch):  # noqa: F811
    row_id = office.frames(1)["visits"].index[0]
    cells = dict(office.frames(1)["visits"].iloc[0])
    office.save_row("visits", row_id, {**cells, "activity": "research"}, editor="bobur",
                    base_version=1, note="typo")
    v2 = dict(office.frames(2)["visits"].iloc[1])
    office.save_row("visits", office.frames(2)["visits"].index[1], {**v2, "activity": "lectures"},
                    editor="admin", base_version=2)  # another row: not in v1's history
    office.save_row("visits", row_id, None, editor="kamola", base_version=3)
    steps = row_history(office, "visits", "v1")
    assert [(s.version, s.kind, s.editor) for s in steps] == [
        (1, "added", "system"), (2, "changed", "bobur"), (4, "removed", "kamola")]
    assert steps[1].fields == (("activity", "lectures", "research"),)
    assert steps[1].note == "typo" and steps[2].cells is None
    assert [s.version for s in row_history(office, "visits", row_id)] == [1, 2, 4]

    status, out, err = cli(monkeypatch, "row-history", "visits", "v1")
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("    1  ") and lines[0].endswith("system       seed         added")
    assert lines[1:7] == ["         visit_id: '' -> 'v1'", "         institution_id: '' -> 'samsmu'",
                          "         partner_id: '' -> 'p0'", "         direction: '' -> 'incoming'",
                          "         activity: '' -> 'lectures'", "         start_date: '' -> '2024-03'"]
    assert lines[7].startswith("    2  ") and lines[7].endswith("bobur        edit         changed  typo")
    assert lines[8] == "         activity: 'lectures' -> 'research'"
    assert lines[9].startswith("    4  ") and lines[9].endswith("kamola       edit         removed")
    assert len(lines) == 10  # a removal lists no fields: the row as it was is the step before

    status, out, err = cli(monkeypatch, "restore-row", "visits", "v1", "2", "--editor", "bobur",
                           "--password-stdin", stdin="bobur-pass\n")
    assert (status, out.strip()) == (0, "visits v1 restored as it was in version 2: version 5."), err
    version = office.version(5)
    assert (version.action, version.restored_from) == ("restore_row", 2)
    assert version.counts["visits"] == {"added": 1, "changed": 0, "removed": 0}
    frame = office.frames(5)["visits"]
    assert frame.loc[row_id, "activity"] == "research"  # the same row, under its own id
    assert frame.set_index("visit_id").loc["v2", "activity"] == "lectures"  # others untouched
    assert cli(monkeypatch, "restore-row", "visits", "v1", "2", "--editor", "bobur",
               "--password-stdin", stdin="bobur-pass\n")[0] == 1  # already as it was
    status, _, err = cli(monkeypatch, "row-history", "visits", "nope")
    assert (status, err.strip()) == (1, "There is no visits row nope.")


def test_restoring_a_row_of_another_institution_is_refused(office):  # noqa: F811
    frame = office.frames(1)["visits"]
    office.save_row("visits", frame.index[1], {**dict(frame.iloc[1]), "activity": "research"},
                    editor="admin", base_version=1)
    with pytest.raises(Refused):
        restore_row(office, "visits", "v2", 1, editor="bobur")  # v2 is ADMI's
    assert restore_row(office, "visits", "v2", 1, editor="admin").number == 3


@pytest.fixture
def two_institutions(office):  # noqa: F811
    security.add_editor(office, "andi", "andi-pass-1", institutions=["admi"])
    return office


def test_a_rollback_cannot_remove_another_institutions_export(two_institutions, monkeypatch):
    store = two_institutions
    publications.add_export(store, "wos.txt", WOS.read_bytes(), "admi", "andi", 1)
    status, _, err = cli(monkeypatch, "rollback", "1", "--editor", "bobur", "--password-stdin",
                         stdin="bobur-pass\n")
    assert status == 1
    assert err.splitlines() == ["bobur may not change these rows of other institutions:",
                                "  publications wos.txt (admi)"]
    assert [k.name for k in publications.kept(store)] == ["wos.txt"] and store.current() == 2
    refusal = security.audit_log(store, limit=1)[0]
    assert (refusal["event"], refusal["editor"]) == ("refused", "bobur")
    # the institution's own editor (or an admin) may; the history says what happened
    version = store.rollback(1, editor="andi", expected_current=2)
    assert publications.kept(store) == []
    assert version.extra["publications"]["removed"] == ["wos.txt"]
    status, out, _ = cli(monkeypatch, "history")
    assert "publication exports -wos.txt (admi)" in out.splitlines()[0]
    assert "publication exports +wos.txt (admi)" in out.splitlines()[1]


def test_export_with_nothing_saved_writes_the_files_shown(tmp_path, monkeypatch, database_url):
    from test_datastore import BASE_VISITS, write_dataset

    base = write_dataset(tmp_path / "data", "base", rows=2, visits=BASE_VISITS)
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("COOP_DATA", str(base))
    status, out, err = cli(monkeypatch, "export", "--out", str(tmp_path / "out.xlsx"))
    assert status == 0, err
    assert out.strip() == (f"Nothing has been saved yet: the data shown, the files of "
                           f"COOP_DATA ({base}), written to {tmp_path / 'out.xlsx'}.")
    import openpyxl

    book = openpyxl.load_workbook(tmp_path / "out.xlsx")
    assert book["visits"].max_row == 3 and "_meta" not in book.sheetnames  # no base version
    status, out, _ = cli(monkeypatch, "history")
    assert (status, out.strip()) == (0, f"Nothing has been saved yet: the data shown is the "
                                        f"files of COOP_DATA ({base}).")
    assert Store().current() is None  # neither command saved anything


def test_history_into_a_closed_pipe_ends_quietly(tmp_path):
    env = {**os.environ, "COOP_STORE": str(tmp_path / "store"),
           "COOP_DATA": str(ROOT / "data"), "COOP_DATABASE_URL": ""}
    proc = subprocess.Popen([sys.executable, "-m", "datastore", "history"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # as `| head` does once it has its lines
    _, err = proc.communicate(timeout=60)
    assert b"Traceback" not in err and b"BrokenPipe" not in err, err.decode()
    assert proc.returncode == 0
