"""Publication exports uploaded on the Data page and kept in the store (SQLite and
PostgreSQL): read first, refused with a reason, kept per institution as a new version,
materialised where the Research page reads them, removed and restored by a rollback."""

from __future__ import annotations

from pathlib import Path

import pytest

import research
from datastore import publications
from datastore.store import PublishConflict, Refused, StoreError
from datastore.upload import UploadRejected
from tests import test_datastore

WOS = Path(__file__).parent / "data" / "research" / "wos_plain.txt"
store = test_datastore.store  # the store tests' fixture: editors admin, sam (samsmu), andi (admi)


def test_a_kept_export_is_a_new_version_the_research_page_reads(store):
    data = WOS.read_bytes()
    version = publications.add_export(store, "wos_plain.txt", data, "samsmu", "sam", None,
                                      note="library export")
    assert version.number == 2  # 1 = the base data, seeded by the first save
    assert version.action == "publications"
    assert version.extra["publications"] == {"added": ["wos_plain.txt"], "removed": [],
                                             "institution_id": "samsmu"}
    assert sum(sum(c.values()) for c in version.counts.values()) == 0  # no row changed
    [kept] = publications.kept(store)
    assert (kept.name, kept.institution_id, kept.size, kept.editor, kept.since) == (
        "wos_plain.txt", "samsmu", len(data), "sam", 2)
    folder = store.active_path()
    assert (folder / "publications" / "samsmu" / "wos_plain.txt").read_bytes() == data
    tables = {"institutions": __import__("pandas").read_csv(folder / "institutions.csv", dtype=str)}
    files, problems = research.publication_files(folder, tables)
    assert files == [(str(folder / "publications" / "samsmu" / "wos_plain.txt"), "samsmu")]
    assert problems == []


def test_an_editor_keeps_only_their_institutions_exports(store):
    with pytest.raises(Refused):
        publications.add_export(store, "wos.txt", WOS.read_bytes(), "admi", "sam", None)
    with pytest.raises(Refused):  # "any institution" is for an admin
        publications.add_export(store, "wos.txt", WOS.read_bytes(), "", "sam", None)
    assert publications.add_export(store, "wos.txt", WOS.read_bytes(), "", "admin", None).number == 2
    assert (store.active_path() / "publications" / "wos.txt").is_file()


def test_the_same_file_twice_is_refused_and_a_stale_page_conflicts(store):
    publications.add_export(store, "wos.txt", WOS.read_bytes(), "samsmu", "admin", None)
    with pytest.raises(StoreError) as err:
        publications.add_export(store, "copy.txt", WOS.read_bytes(), "samsmu", "admin", 2)
    assert err.value.code == "pub_duplicate"
    with pytest.raises(PublishConflict):  # the page was opened before version 2
        publications.add_export(store, "other.txt", b"PT J\nTI x\nER\n", "samsmu", "admin", 1)


def test_removing_and_rolling_back_bring_the_files_with_the_version(store):
    publications.add_export(store, "wos.txt", WOS.read_bytes(), "samsmu", "admin", None)
    [kept] = publications.kept(store)
    removed = publications.remove_export(store, kept.id, "admin", 2)
    assert removed.number == 3 and publications.kept(store) == []
    assert not (store.active_path() / "publications").exists()
    assert [k.name for k in publications.kept(store, 2)] == ["wos.txt"]  # history keeps it
    restored = store.rollback(2, editor="admin", expected_current=3)
    assert [k.name for k in publications.kept(store)] == ["wos.txt"]
    assert (store.active_path() / "publications" / "samsmu" / "wos.txt").read_bytes() == WOS.read_bytes()
    assert restored.number == 4


def test_a_file_no_reader_understands_is_refused_with_the_reason():
    with pytest.raises(UploadRejected) as err:
        publications.read_export("notes.csv", b"just,some\ncolumns,here\n")
    assert err.value.code == "pub_unreadable_file"
    assert err.value.params["name"] == "notes.csv"
    with pytest.raises(UploadRejected) as err:
        publications.read_export("report.exe", b"MZ")
    assert err.value.code == "pub_wrong_type"
    with pytest.raises(UploadRejected) as err:
        publications.read_export("empty.csv", b"")
    assert err.value.code == "empty"
    with pytest.raises(UploadRejected) as err:
        publications.read_export("../../etc/passwd.txt", b"PT J\nER\n")
    assert err.value.code == "pub_no_papers" and err.value.params["name"] == "passwd.txt"


def test_a_readable_export_keeps_its_row_problems():
    pubs = publications.read_export("wos_plain.txt", WOS.read_bytes())
    # 6 records in the hand-made fixture; the one without a year (line 42) is rejected
    assert len(pubs.papers) == 5
    assert [(p.severity, p.row, p.column, p.code) for p in pubs.problems] == [
        ("error", 42, "PY", "pub_no_year"),
        ("warning", 50, "C1", "pub_no_affiliation"),
        ("warning", 58, "C1", "pub_unknown_country"),
    ]


def test_the_rollback_preview_names_the_exports_it_brings_back_and_removes(store):
    publications.add_export(store, "wos.txt", WOS.read_bytes(), "samsmu", "admin", None)  # v2
    publications.add_export(store, "other.txt", WOS.read_bytes().replace(b"2023", b"2020"),
                            "samsmu", "admin", 2)  # v3
    [first] = [k for k in publications.kept(store) if k.name == "wos.txt"]
    publications.remove_export(store, first.id, "admin", 3)  # v4: other.txt only
    back, gone = publications.rollback_change(store, 4, 2)  # v2 had wos.txt only
    assert [k.name for k in back] == ["wos.txt"] and [k.name for k in gone] == ["other.txt"]
    assert publications.rollback_change(store, 4, 4) == ([], [])
