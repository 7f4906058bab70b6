"""Publishes merge, never overwrite (issue 25, defect 1): a file remembers the version it
was exported from; publishing it applies only what it changed; a row changed on both
sides is a conflict (theirs / mine, field by field). Pure plans, then the store and the
command line on SQLite and PostgreSQL (the two-editor stale-workbook case)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from store_cli import run_cli, store_env
from test_datastore import write_dataset

from datastore import filemeta, security
from datastore.merge import Conflict, plan_publish
from datastore.rows import RowState
from datastore.store import MergeConflict, Store

V = "visit_id,institution_id,partner_id,direction,activity,start_date".split(",")


def cells(line: str) -> dict[str, str]:
    return dict(zip(V, line.split(","), strict=True))


def states(*lines: str, since: int = 1) -> list[RowState]:
    return [RowState(f"r{i}", i, cells(line), since) for i, line in enumerate(lines)]


# ---- the plan, by hand ------------------------------------------------------------------
BASE = {"visits": states("v1,samsmu,p0,incoming,lectures,2024-03",
                         "v2,samsmu,p1,outgoing,training,2024")}


def test_rows_the_file_did_not_touch_keep_their_newer_values():
    current = {"visits": [BASE["visits"][0],
                          RowState("r1", 1, cells("v2,samsmu,p1,outgoing,research,2024"), 3),
                          RowState("r9", 2, cells("v3,samsmu,p0,incoming,lectures,2025"), 3)]}
    file = {"visits": [cells("v1,samsmu,p0,incoming,lectures,2024-03"),
                       cells("v2,samsmu,p1,outgoing,training,2024"),  # as in the base
                       cells("v4,samsmu,p0,outgoing,training,2025")]}  # mine, new
    plan = plan_publish(BASE, file, current, base_version=2)
    assert plan.conflicts == []
    assert [(c.kind, c.key) for c in plan.changes] == [("added", "v4")]
    assert [r.cells["visit_id"] for r in plan.target["visits"]] == ["v1", "v2", "v3", "v4"]
    assert plan.target["visits"][1].cells["activity"] == "research"  # theirs, kept
    assert plan.kept_newer == {"visits": 2}  # v2 changed and v3 added since version 2


def test_a_row_changed_on_both_sides_is_a_conflict_field_by_field():
    current = {"visits": [RowState("r0", 0, cells("v1,samsmu,p0,incoming,research,2024-03"), 3),
                          BASE["visits"][1]]}
    file = {"visits": [cells("v1,samsmu,p0,incoming,lectures,2024-04"),
                       cells("v2,samsmu,p1,outgoing,training,2024")]}
    plan = plan_publish(BASE, file, current, base_version=2)
    assert plan.changes == []
    [conflict] = plan.conflicts
    assert (conflict.id, conflict.kind, conflict.row_id) == ("visits|v1", "changed", "r0")
    assert conflict.fields() == [("activity", "lectures", "research", "lectures"),
                                 ("start_date", "2024-03", "2024-03", "2024-04")]
    assert plan.target["visits"][0].cells["activity"] == "research"  # unresolved: theirs
    mine = plan.resolved("mine")
    assert mine.conflicts == [] and mine.target["visits"][0].cells == file["visits"][0]
    assert [(c.kind, c.key) for c in mine.changes] == [("changed", "v1")]
    theirs = plan.resolved({"visits|v1": "theirs"})
    assert theirs.conflicts == [] and theirs.changes == []
    assert plan.resolved({"visits|v9": "mine"}).conflicts == plan.conflicts


def test_removed_in_the_file_but_changed_since_is_a_conflict_and_removed_since_too():
    current = {"visits": [RowState("r0", 0, cells("v1,samsmu,p0,incoming,research,2024-03"), 3)]}
    file = {"visits": [cells("v2,samsmu,p1,outgoing,training,2025")]}  # v1 gone, v2 changed
    plan = plan_publish(BASE, file, current, base_version=2)
    assert sorted((c.key, c.kind) for c in plan.conflicts) == [
        ("v1", "removed_by_me"), ("v2", "removed_by_them")]
    mine = plan.resolved("mine")
    assert [r.cells["visit_id"] for r in mine.target["visits"]] == ["v2"]
    assert mine.target["visits"][0].row_id == "r1"  # the removed row comes back as itself


def test_removed_in_the_file_and_unchanged_since_is_removed():
    file = {"visits": [cells("v1,samsmu,p0,incoming,lectures,2024-03")]}
    plan = plan_publish(BASE, file, BASE, base_version=2)
    assert [(c.kind, c.key) for c in plan.changes] == [("removed", "v2")]
    assert [r.row_id for r in plan.target["visits"]] == ["r0"]


def test_a_file_without_a_base_adds_and_changes_but_removes_only_when_asked():
    file = {"visits": [cells("v1,samsmu,p0,incoming,research,2024-03"),
                       cells("v5,samsmu,p0,incoming,lectures,2025")]}
    plan = plan_publish(None, file, BASE)
    assert [(c.kind, c.key) for c in plan.changes] == [("changed", "v1"), ("added", "v5")]
    assert [r.cells["visit_id"] for r in plan.target["visits"]] == ["v1", "v2", "v5"]
    assert plan.would_remove == {"visits": [BASE["visits"][1].cells]}
    replaced = plan_publish(None, file, BASE, replace_tables=["visits"])
    assert [(c.kind, c.key) for c in replaced.changes][-1] == ("removed", "v2")
    assert [r.cells["visit_id"] for r in replaced.target["visits"]] == ["v1", "v5"]
    assert replaced.replaced == ("visits",)


def test_tables_absent_from_the_file_are_kept():
    plan = plan_publish(BASE, {"partners": []}, BASE, base_version=2)
    assert plan.target["visits"] == BASE["visits"] and plan.changes == []


def test_both_adding_the_same_key_differently_is_a_conflict():
    current = {"visits": [*BASE["visits"],
                          RowState("r7", 2, cells("v3,samsmu,p0,incoming,lectures,2025"), 3)]}
    file = {"visits": [*(r.cells for r in BASE["visits"]),
                       cells("v3,samsmu,p1,outgoing,training,2025")]}
    [conflict] = plan_publish(BASE, file, current, base_version=2).conflicts
    assert isinstance(conflict, Conflict) and conflict.kind == "added"


# ---- the marker in exported files -------------------------------------------------------
def test_the_marker_survives_a_workbook_and_a_zip(tmp_path):
    from datastore.template import dataset_workbook
    from datastore.upload import read_upload

    folder = write_dataset(tmp_path / "d", "x")
    filemeta.write_meta(folder, {"base_version": 7, "store": "abc", "exported_at": "t"})
    book = dataset_workbook(folder)
    wb = openpyxl.load_workbook(io.BytesIO(book))
    assert wb["_meta"].sheet_state == "hidden"
    read_upload("f.xlsx", book, tmp_path / "s1")
    assert filemeta.read_meta(tmp_path / "s1") == {"base_version": 7, "store": "abc",
                                                   "exported_at": "t"}
    import zipfile

    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as archive:
        for path in folder.iterdir():
            archive.write(path, f"export/{path.name}")
    read_upload("f.zip", raw.getvalue(), tmp_path / "s2")
    assert filemeta.read_meta(tmp_path / "s2")["base_version"] == 7
    assert filemeta.parse(b'{"base_version": "-3"}') == {}
    assert filemeta.parse(b"[1]") == {}


# ---- two editors, one stale workbook: the store and the command line ---------------------
@pytest.fixture
def office(tmp_path, monkeypatch, database_url):
    store_env(tmp_path, monkeypatch)
    store = Store()
    security.add_editor(store, "admin", "admin-pass", admin=True)
    security.add_editor(store, "bobur", "bobur-pass", institutions=["samsmu"])
    security.add_editor(store, "kamola", "kamola-pass", institutions=["samsmu"])
    store.seed()
    return store


cli = run_cli  # python -m datastore ARGS, in-process (tests/store_cli.py)


def add_visit(path, line: str) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book["visits"]
    header = [c.value for c in sheet[1]]
    row = cells(line)
    sheet.append([row.get(h, "") for h in header])
    book.save(path)


def set_cell(path, visit_id: str, column: str, value: str) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book["visits"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == visit_id:
            row[header.index(column)].value = value
    book.save(path)


def visit_ids(store: Store) -> list[str]:
    return list(store.frames(store.current())["visits"]["visit_id"])


def test_two_editors_with_the_same_workbook_keep_both_visits(office, tmp_path, monkeypatch):
    bobur, kamola = tmp_path / "bobur.xlsx", tmp_path / "kamola.xlsx"
    assert cli(monkeypatch, "export", "--out", str(bobur))[0] == 0
    assert cli(monkeypatch, "export", "--out", str(kamola))[0] == 0
    add_visit(bobur, "v3,samsmu,p0,incoming,lectures,2024-05")
    status, out, err = cli(monkeypatch, "publish", str(bobur), "--editor", "bobur",
                           "--password-stdin", stdin="bobur-pass\n")
    assert status == 0, err
    assert out.splitlines()[0] == "Published as version 2: visits +1 ~0 -0"
    add_visit(kamola, "v4,samsmu,p1,outgoing,training,2024-06")
    status, out, err = cli(monkeypatch, "publish", str(kamola), "--editor", "kamola",
                           "--password-stdin", stdin="kamola-pass\n")
    assert status == 0, err
    assert out.splitlines() == [
        "Published as version 3: visits +1 ~0 -0",
        "Kept as they are (changed since version 1, not in your file): visits 1"]
    assert visit_ids(office) == ["v1", "v2", "v3", "v4"]  # bobur's visit is still there


def test_the_same_row_changed_by_both_is_refused_then_resolved(office, tmp_path, monkeypatch):
    bobur, kamola = tmp_path / "bobur.xlsx", tmp_path / "kamola.xlsx"
    cli(monkeypatch, "export", "--out", str(bobur))
    cli(monkeypatch, "export", "--out", str(kamola))
    set_cell(bobur, "v1", "activity", "research")
    assert cli(monkeypatch, "publish", str(bobur), "--editor", "bobur", "--password-stdin",
               stdin="bobur-pass\n")[0] == 0
    set_cell(kamola, "v1", "start_date", "2024-04")
    status, out, err = cli(monkeypatch, "publish", str(kamola), "--editor", "kamola",
                           "--password-stdin", stdin="kamola-pass\n")
    assert status == 1 and out == ""
    assert err.splitlines()[:4] == [
        "Nothing published: 1 row was changed both in your file and since version 1, "
        "the version it was exported from:",
        "  visits v1: changed in your file and by someone else (version 2, bobur)",
        "      activity: was 'lectures', theirs 'research', yours 'lectures'",
        "      start_date: was '2024-03', theirs '2024-03', yours '2024-04'"]
    assert office.current() == 2
    status, out, err = cli(monkeypatch, "publish", str(kamola), "--editor", "kamola",
                           "--password-stdin", "--resolve", "mine", stdin="kamola-pass\n")
    assert status == 0, err
    row = office.frames(3)["visits"].iloc[0]
    assert (row["activity"], row["start_date"]) == ("lectures", "2024-04")


def test_the_store_api_raises_the_conflict_with_theirs_and_mine(office, tmp_path):
    first = office.write_folder(1, tmp_path / "first")
    second = office.write_folder(1, tmp_path / "second")
    for folder, activity in ((first, "research"), (second, "training")):
        text = (folder / "visits.csv").read_text().replace("lectures", activity)
        (folder / "visits.csv").write_text(text)
    office.publish(first, editor="bobur", expected_current=1)
    with pytest.raises(MergeConflict) as err:
        office.publish(second, editor="kamola", expected_current=2)
    [conflict] = err.value.conflicts
    assert (conflict.key, conflict.version, conflict.editor) == ("v1", 2, "bobur")
    assert (conflict.theirs["activity"], conflict.mine["activity"]) == ("research", "training")
    plan = office.plan(second)
    assert plan.base_version == 1 and len(plan.conflicts) == 1
    kept = office.publish(second, editor="kamola", expected_current=2, resolve="theirs")
    assert kept.counts["visits"] == {"added": 0, "changed": 0, "removed": 0}


def test_a_file_of_another_store_or_without_a_marker_removes_nothing(office, tmp_path):
    folder = office.write_folder(1, tmp_path / "f")
    (folder / "visits.csv").write_text(
        "visit_id,institution_id,partner_id,direction,activity,start_date\n"
        "v1,samsmu,p0,incoming,lectures,2024-03\n")
    filemeta.write_meta(folder, {"base_version": 1, "store": "someone-else"})
    version = office.publish(folder, editor="admin", expected_current=1)
    assert visit_ids(office) == ["v1", "v2"]
    assert version.extra["merge"]["base_version"] is None
    (folder / "_meta.json").unlink()
    plan = office.plan(folder)
    assert [r["visit_id"] for r in plan.would_remove["visits"]] == ["v2"]
    office.publish(folder, editor="admin", expected_current=2, replace=["visits"])
    assert visit_ids(office) == ["v1"]


def test_the_command_line_replaces_a_table_only_when_asked(office, tmp_path, monkeypatch):
    folder = write_dataset(tmp_path / "office", "base", rows=2,
                           visits="v1,samsmu,p0,incoming,lectures,2024-03\n")  # no marker
    status, out, err = cli(monkeypatch, "publish", str(folder), "--editor", "admin",
                           "--password-stdin", stdin="admin-pass\n")
    assert (status, out.strip()) == (0, "Published as version 2: no changes"), err
    assert visit_ids(office) == ["v1", "v2"]  # v2 missing from the file: kept
    status, out, err = cli(monkeypatch, "publish", str(folder), "--editor", "admin",
                           "--password-stdin", "--replace", "visits", stdin="admin-pass\n")
    assert (status, out.strip()) == (0, "Published as version 3: visits +0 ~0 -1"), err
    assert visit_ids(office) == ["v1"]
