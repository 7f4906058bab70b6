"""The database store, on SQLite and on PostgreSQL: publish, edit, diff, rollback,
concurrent saves, a reader during saves, rights, migration of the old folder store."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import openpyxl
import pytest

import datastore
from datastore import security
from datastore.store import Invalid, PublishConflict, Refused, RowConflict, Store, StoreError

INSTITUTIONS = (
    "institution_id,name,short_name,city,country\n"
    "samsmu,Samarkand SMU,SamSMU,Samarkand,UZB\n"
    "admi,Andijan SMI,ADMI,Andijan,UZB\n"
)
VISITS_HEADER = "visit_id,institution_id,partner_id,direction,activity,start_date"


def write_dataset(folder: Path, marker: str, rows: int = 1, visits: str = "") -> Path:
    """A tiny dataset: ``rows`` partners named ``marker``; visits lines as given."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "institutions.csv").write_text(INSTITUTIONS, encoding="utf-8")
    lines = ["partner_id,name,type,country"]
    lines += [f"p{i},{marker},university,KOR" for i in range(rows)]
    (folder / "partners.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "agreements.csv").write_text(
        "agreement_id,institution_id,partner_id,kind\n", encoding="utf-8"
    )
    (folder / "visits.csv").write_text(VISITS_HEADER + "\n" + visits, encoding="utf-8")
    return folder


BASE_VISITS = (
    "v1,samsmu,p0,incoming,lectures,2024-03\n"
    "v2,admi,p1,outgoing,training,2024\n"
)


@pytest.fixture
def store(tmp_path, monkeypatch, database_url) -> Store:
    base = write_dataset(tmp_path / "data", "base", rows=2, visits=BASE_VISITS)
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("COOP_DATA", str(base))
    store = Store()
    security.add_editor(store, "admin", "admin-pass", admin=True)
    security.add_editor(store, "sam", "sam-pass-1", institutions=["samsmu"])
    security.add_editor(store, "andi", "andi-pass-1", institutions=["admi"])
    return store


def partner_names(store: Store, number: int | None = None) -> list[str]:
    frame = store.frames(number or store.current())["partners"]
    return list(frame["name"])


def visit(store: Store, visit_id: str, number: int | None = None) -> tuple[str, dict]:
    frame = store.frames(number or store.current())["visits"]
    row = frame[frame["visit_id"] == visit_id]
    return row.index[0], row.iloc[0].to_dict()


def test_nothing_saved_shows_the_base_data(store, tmp_path):
    assert store.current() is None
    assert store.history() == []
    assert datastore.active_dataset_path() == tmp_path / "data"


def test_the_app_is_told_when_the_store_replaces_coop_data(store, tmp_path):
    assert datastore.version_shown(datastore.active_dataset_path()) is None  # COOP_DATA itself
    store.publish(write_dataset(tmp_path / "f1", "first"), editor="admin", note="",
                  expected_current=None)
    shown = datastore.active_dataset_path()
    assert shown != tmp_path / "data"
    assert datastore.version_shown(shown) == 2
    assert datastore.version_shown(tmp_path / "data") is None


def test_publish_rollback_publish_keeps_history(store, tmp_path):
    # a file without a base version removes rows only when asked to replace its tables
    first = store.publish(write_dataset(tmp_path / "f1", "first"), editor="admin",
                          note="May", expected_current=None, replace=True)
    assert first.number == 2  # the base data was kept as version 1
    assert store.history()[-1].action == "seed"
    assert partner_names(store) == ["first"]
    # 2 base partners: p0 renamed, p1 removed; the visits and agreements emptied.
    assert first.counts["partners"] == {"added": 0, "changed": 1, "removed": 1}
    assert first.counts["visits"] == {"added": 0, "changed": 0, "removed": 2}
    active = datastore.active_dataset_path()
    assert active.name == "v2" and (active / "partners.csv").read_text().count("first") == 1

    back = store.rollback(1, editor="admin", note="undo", expected_current=2)
    assert (back.number, back.restored_from, back.action) == (3, 1, "rollback")
    assert partner_names(store) == ["base", "base"]
    assert back.counts["visits"] == {"added": 2, "changed": 0, "removed": 0}

    again = store.publish(write_dataset(tmp_path / "f2", "second"), editor="admin",
                          note="June", expected_current=3, replace=True)
    assert [(v.number, v.action, v.editor, v.note) for v in store.history()] == [
        (again.number, "publish", "admin", "June"),
        (3, "rollback", "admin", "undo"),
        (2, "publish", "admin", "May"),
        (1, "seed", "system", ""),
    ]
    assert partner_names(store, 2) == ["first"]  # every version can still be read
    assert partner_names(store, 1) == ["base", "base"]


def test_stale_publish_is_a_conflict_and_changes_nothing(store, tmp_path):
    store.publish(write_dataset(tmp_path / "f1", "first"), editor="admin", expected_current=None)
    with pytest.raises(PublishConflict) as err:
        store.publish(write_dataset(tmp_path / "f2", "late"), editor="admin", expected_current=None)
    assert (err.value.expected, err.value.current) == (None, 2)
    assert store.current() == 2


def test_publish_with_errors_is_refused(store, tmp_path):
    bad = write_dataset(tmp_path / "bad", "x", visits="v9,samsmu,p0,sideways,lectures,\n")
    with pytest.raises(Invalid) as err:
        store.publish(bad, editor="admin", expected_current=None)
    (problem,) = err.value.problems
    assert (problem.table, problem.row, problem.column, problem.value) == (
        "visits", 2, "direction", "sideways")
    assert store.current() is None


def test_edit_one_row_is_a_version_and_keeps_the_row_id(store):
    store.seed()
    row_id, cells = visit(store, "v1")
    cells["start_date"] = "2024-03-15"
    version = store.save_row("visits", row_id, cells, editor="sam", base_version=1, note="day")
    assert version.number == 2 and version.action == "edit" and version.note == "day"
    assert version.counts["visits"] == {"added": 0, "changed": 1, "removed": 0}
    assert version.counts["partners"] == {"added": 0, "changed": 0, "removed": 0}
    assert visit(store, "v1") == (row_id, cells)
    assert visit(store, "v1", 1)[1]["start_date"] == "2024-03"  # version 1 unchanged

    added = store.save_row(
        "visits", None,
        {"visit_id": "v3", "institution_id": "samsmu", "partner_id": "p0",
         "direction": "incoming", "activity": "masterclass", "start_date": "2025"},
        editor="sam", base_version=2,
    )
    assert added.counts["visits"] == {"added": 1, "changed": 0, "removed": 0}
    assert list(store.frames(3)["visits"]["visit_id"]) == ["v1", "v2", "v3"]
    deleted = store.save_row("visits", row_id, None, editor="sam", base_version=3)
    assert deleted.counts["visits"] == {"added": 0, "changed": 0, "removed": 1}
    assert list(store.frames(4)["visits"]["visit_id"]) == ["v2", "v3"]


def test_an_invalid_row_is_refused_with_the_field(store):
    store.seed()
    row_id, cells = visit(store, "v1")
    cells["direction"] = "sideways"
    with pytest.raises(Invalid) as err:
        store.save_row("visits", row_id, cells, editor="sam", base_version=1)
    (problem,) = err.value.problems
    assert (problem.column, problem.value, problem.params["row_id"]) == (
        "direction", "sideways", row_id)
    assert store.current() == 1


def test_deleting_a_partner_still_used_is_refused(store):
    store.seed()
    frame = store.frames(1)["partners"]
    with pytest.raises(Invalid) as err:
        store.save_row("partners", frame.index[0], None, editor="admin", base_version=1)
    assert {(p.table, p.column, p.value) for p in err.value.problems} == {
        ("visits", "partner_id", "p0")}


def test_diff_between_two_versions(store):
    store.seed()
    row_id, cells = visit(store, "v2")
    cells["activity"] = "research"
    store.save_row("visits", row_id, cells, editor="admin", base_version=1)
    diffs = store.diff(1, 2)
    (change,) = diffs["visits"].changed
    assert change.key == "v2" and change.fields == {"activity": ("training", "research")}
    assert not diffs["partners"].has_changes


def test_concurrent_saves_of_different_rows_both_succeed(store):
    store.seed()
    targets = {name: visit(store, vid) for name, vid in (("sam", "v1"), ("andi", "v2"))}
    barrier = threading.Barrier(2)
    outcomes: dict = {}

    def save(name: str) -> None:
        row_id, cells = targets[name]
        cells = {**cells, "start_date": "2023"}
        barrier.wait()
        try:
            outcomes[name] = store.save_row("visits", row_id, cells, editor=name, base_version=1)
        except Exception as exc:  # noqa: BLE001 - the test reports it
            outcomes[name] = exc

    threads = [threading.Thread(target=save, args=(n,)) for n in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(v.number for v in outcomes.values()) == [2, 3], outcomes
    assert set(store.frames(3)["visits"]["start_date"]) == {"2023"}


def test_concurrent_saves_of_the_same_row_second_sees_the_first(store):
    store.seed()
    row_id, cells = visit(store, "v1")
    barrier = threading.Barrier(2)
    outcomes: dict = {}

    def save(participants: str) -> None:
        barrier.wait()
        try:
            outcomes[participants] = store.save_row(
                "visits", row_id, {**cells, "start_date": f"20{participants}"},
                editor="sam", base_version=1)
        except RowConflict as exc:
            outcomes[participants] = exc

    threads = [threading.Thread(target=save, args=(p,)) for p in ("21", "22")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    won = [v for v in outcomes.values() if not isinstance(v, RowConflict)]
    lost = [v for v in outcomes.values() if isinstance(v, RowConflict)]
    assert len(won) == 1 and len(lost) == 1
    assert lost[0].version == 2 and lost[0].editor == "sam"
    assert lost[0].theirs["start_date"] == visit(store, "v1")[1]["start_date"]
    assert store.current() == 2


def test_a_reader_during_saves_never_sees_a_torn_version(store, tmp_path, monkeypatch):
    """A reader (its own connection) looks after every statement a publish runs inside its
    open transaction, and after each publish: always one whole version, the old one until
    the commit. Deterministic: the reads are placed, not left to thread scheduling."""
    store.seed()
    reader = Store()
    seen: list = []

    def look() -> None:
        number = reader.current()
        seen.append((number, set(reader.frames(number)["partners"]["name"])))

    class Watched:
        """The publish's connection: every statement, then a look from the reader."""

        def __init__(self, conn) -> None:
            self.conn = conn

        def execute(self, *args, **kwargs):
            result = self.conn.execute(*args, **kwargs)
            look()
            return result

        def __getattr__(self, name):
            return getattr(self.conn, name)

    real_commit = Store._commit_locked

    def watched_commit(self, conn, *args, **kwargs):
        return real_commit(self, Watched(conn), *args, **kwargs)

    monkeypatch.setattr(Store, "_commit_locked", watched_commit)
    for i in range(2):
        folder = write_dataset(tmp_path / f"p{i}", f"gen{i}", rows=4)
        before = len(seen)
        store.publish(folder, editor="admin", expected_current=store.current())
        inside = seen[before:]
        old = (1, {"base"}) if i == 0 else (i + 1, {f"gen{i - 1}"})
        assert len(inside) >= 3 and set(map(_frozen, inside)) == {_frozen(old)}, inside
        look()
        assert seen[-1] == (i + 2, {f"gen{i}"})
    # A reader that took the number before a publish still reads that version whole.
    number = reader.current()
    store.publish(write_dataset(tmp_path / "late", "late", rows=5), editor="admin",
                  expected_current=number)
    assert set(reader.frames(number)["partners"]["name"]) == {"gen1"}
    assert set(reader.frames(reader.current())["partners"]["name"]) == {"late"}


def _frozen(entry: tuple) -> tuple:
    return entry[0], frozenset(entry[1])


def test_an_editor_cannot_change_another_institutions_rows(store):
    store.seed()
    row_id, cells = visit(store, "v2")  # an ADMI visit
    with pytest.raises(Refused) as err:
        store.save_row("visits", row_id, {**cells, "activity": "research"}, editor="sam",
                       base_version=1, client="10.0.0.5")
    assert err.value.rows == [("visits", "v2")]
    own_id, own = visit(store, "v1")
    with pytest.raises(Refused):  # moving an own row to the other institution
        store.save_row("visits", own_id, {**own, "institution_id": "admi"}, editor="sam",
                       base_version=1)
    with pytest.raises(Refused):
        store.save_row("institutions", None, {"institution_id": "x", "name": "X",
                       "short_name": "X", "city": "Tashkent", "country": "UZB"},
                       editor="sam", base_version=1)
    assert store.current() == 1
    refusals = [e for e in security.audit_log(store) if e["event"] == "refused"]
    assert refusals[-1]["editor"] == "sam" and refusals[-1]["client"] == "10.0.0.5"
    assert refusals[-1]["detail"]["rows"] == ["visits v2"]
    # Their own row is fine.
    assert store.save_row("visits", own_id, {**own, "activity": "research"}, editor="sam",
                          base_version=1).number == 2


def test_a_publish_touching_other_rows_is_refused_listing_them(store, tmp_path):
    store.seed()
    changed = write_dataset(
        tmp_path / "f", "base", rows=2,
        visits="v1,samsmu,p0,incoming,lectures,2024-04\nv2,admi,p1,outgoing,research,2024\n"
               "v5,admi,p1,incoming,training,2025\n",
    )
    with pytest.raises(Refused) as err:
        store.publish(changed, editor="sam", expected_current=1)
    assert sorted(err.value.rows) == [("visits", "v2"), ("visits", "v5")]
    assert store.current() == 1
    assert store.publish(changed, editor="admin", expected_current=1).number == 2


def test_partner_rights_follow_who_uses_it(store):
    store.seed()
    partners = store.frames(1)["partners"]
    p0 = partners.index[0]  # used by a SamSMU visit only
    p1 = partners.index[1]  # used by an ADMI visit
    store.save_row("partners", p0, {**partners.loc[p0].to_dict(), "name": "Renamed"},
                   editor="sam", base_version=1)
    with pytest.raises(Refused):
        store.save_row("partners", p1, {**partners.loc[p1].to_dict(), "name": "No"},
                       editor="sam", base_version=2)
    new = store.save_row("partners", None, {"partner_id": "p9", "name": "New U",
                         "type": "university", "country": "KOR"}, editor="andi", base_version=2)
    frame = store.frames(new.number)["partners"]
    p9 = frame.index[frame["partner_id"] == "p9"][0]
    # Added by andi, used by nobody: andi may change it, sam may not.
    with pytest.raises(Refused):
        store.save_row("partners", p9, {**frame.loc[p9].to_dict(), "city": "Seoul"},
                       editor="sam", base_version=3)
    assert store.save_row("partners", p9, {**frame.loc[p9].to_dict(), "city": "Seoul"},
                          editor="andi", base_version=3).number == 4


def test_unknown_editor_cannot_save(store):
    with pytest.raises(StoreError) as err:
        store.save_row("visits", None, {"visit_id": "x"}, editor="ghost", base_version=None)
    assert err.value.code in ("unknown_editor", "invalid")


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_lockout_is_kept_across_sessions_and_capped_at_a_minute(store):
    clock = Clock()

    def session() -> Store:  # every try from a new browser session: a new Store
        return Store(clock=clock)

    for _ in range(3):  # three free wrong tries
        assert security.login(session(), "sam", "wrong", "1.2.3.4").code == "wrong"
    result = security.login(session(), "sam", "wrong", "1.2.3.4")
    assert (result.code, result.seconds_left) == ("locked", 2)
    # During the wait even the right password is not checked, from any client.
    assert security.login(session(), "sam", "sam-pass-1", "5.6.7.8").code == "locked"
    for _ in range(12):
        clock.now += 61
        result = security.login(session(), "SAM", "wrong", "1.2.3.4")
    assert (result.code, result.seconds_left) == ("locked", 60)  # never more than a minute
    clock.now += 60
    assert security.login(session(), "sam", "sam-pass-1", "5.6.7.8").ok
    assert security.login(session(), "sam", "wrong", "5.6.7.8").code == "wrong"  # reset
    events = [e["event"] for e in security.audit_log(store)]
    assert events.count("login_failed") == 17 and events.count("login_ok") == 1
    assert events.count("login_delayed") == 1


def test_a_new_client_address_is_also_limited(store):
    """One address guessing many names delays no one else (issue 26: an address is never a
    counter of its own); a name guessed from new addresses is limited as one."""
    clock = Clock()
    for name in ("a1", "a2", "a3", "a4"):
        result = security.login(Store(clock=clock), name, "guess", "9.9.9.9")
    assert result.code == "wrong"
    assert security.login(Store(clock=clock), "admin", "admin-pass", "9.9.9.9").ok
    for address in ("1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4"):
        result = security.login(Store(clock=clock), "sam", "guess", address)
    assert (result.code, result.seconds_left) == ("locked", 2)
    assert security.login(Store(clock=clock), "sam", "sam-pass-1", "5.5.5.5").code == "locked"


def test_first_import_matches_file_names_like_the_loader(tmp_path, monkeypatch, database_url):
    base = write_dataset(tmp_path / "data", "base", rows=2, visits=BASE_VISITS)
    (base / "visits.csv").rename(base / "Visits.CSV")
    (base / "partners.csv").rename(base / "PARTNERS.csv")
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("COOP_DATA", str(base))
    store = Store()
    assert store.seed() == 1
    assert list(store.frames(1)["visits"]["visit_id"]) == ["v1", "v2"]
    assert partner_names(store) == ["base", "base"]


def test_first_import_of_a_workbook_with_a_blank_first_row(tmp_path, monkeypatch, database_url):
    from loaders import load_dataset

    folder = write_dataset(tmp_path / "csv", "base", rows=2, visits=BASE_VISITS)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for csv_file in sorted(folder.glob("*.csv")):
        sheet = book.create_sheet(csv_file.stem.capitalize())
        if csv_file.stem == "visits":
            sheet.append([])  # the office left the first row empty
        for line in csv_file.read_text().splitlines():
            sheet.append(line.split(","))
    workbook = tmp_path / "base.xlsx"
    book.save(workbook)
    assert not load_dataset(workbook).errors and not load_dataset(workbook).fatal
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("COOP_DATA", str(workbook))
    store = Store()
    assert store.seed() == 1
    assert list(store.frames(1)["visits"]["visit_id"]) == ["v1", "v2"]
    assert not load_dataset(store.active_path()).errors


def test_old_version_folders_are_moved_in_once(tmp_path, monkeypatch, database_url):
    root = tmp_path / "store"
    for number, marker in ((1, "base"), (2, "second")):
        folder = write_dataset(root / "versions" / str(number), marker)
        (folder / "manifest.json").write_text(json.dumps({
            "version": number, "created_at": f"2025-05-0{number}T09:00:00+00:00",
            "editor": "aziza", "note": f"n{number}", "action": "seed" if number == 1 else "publish",
        }))
    (root / "versions" / ".tmp-3-deadbeef").mkdir()  # a publish killed half-way
    (root / "CURRENT").write_text("2\n")
    monkeypatch.setenv("COOP_STORE", str(root))
    monkeypatch.setenv("COOP_DATA", str(tmp_path / "nowhere"))
    store = Store()
    assert [(v.number, v.editor, v.note, v.created_at) for v in store.history()] == [
        (2, "aziza", "n2", "2025-05-02T09:00:00+00:00"),
        (1, "aziza", "n1", "2025-05-01T09:00:00+00:00"),
    ]
    assert store.history()[0].counts["partners"] == {"added": 0, "changed": 1, "removed": 0}
    assert partner_names(store) == ["second"]
    assert not (root / "versions" / ".tmp-3-deadbeef").exists()
    from datastore import store as store_module

    store_module._MIGRATED.clear()
    assert [v.number for v in Store().history()] == [2, 1]  # not imported twice


def test_editors_of_the_old_secrets_file_become_admins(tmp_path, monkeypatch, database_url):
    from datastore.editors import hash_password

    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[editors]\n"aziza" = "{hash_password("old-password")}"\n')
    monkeypatch.setenv("COOP_SECRETS", str(secrets))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "store"))
    store = Store()
    assert security.login(store, "aziza", "old-password", "c").ok
    assert security.account(store, "aziza")["is_admin"] is True


def test_publications_beside_the_base_data_stay_beside_every_version(store, tmp_path):
    (tmp_path / "data" / "publications").mkdir()
    (tmp_path / "data" / "publications" / "scopus.csv").write_text("Title\nA paper\n")
    store.seed()
    assert (store.active_path() / "publications" / "scopus.csv").read_text() == "Title\nA paper\n"
