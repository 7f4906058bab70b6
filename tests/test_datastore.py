"""The version store: publish, roll back, history, atomic switch, concurrent publishes."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import datastore
from datastore.diff import diff_tables, read_raw_tables
from datastore.store import PublishConflict, Store, StoreError

INSTITUTIONS = (
    "institution_id,name,short_name,city,country\nsamsmu,Samarkand SMU,SamSMU,Samarkand,UZB\n"
)


def write_dataset(folder: Path, marker: str, rows: int = 1) -> Path:
    """A tiny dataset whose partners all carry ``marker`` in their name."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "institutions.csv").write_text(INSTITUTIONS, encoding="utf-8")
    lines = ["partner_id,name,type,country"]
    lines += [f"p{i},{marker},university,KOR" for i in range(rows)]
    (folder / "partners.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def store(tmp_path, monkeypatch) -> Store:
    base = write_dataset(tmp_path / "data", "base")
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("COOP_DATA", str(base))
    return Store()


def staged(store: Store, marker: str, rows: int = 1) -> Path:
    return write_dataset(store.new_staging(), marker, rows)


def partner_names(folder: Path) -> set[str]:
    return set(read_raw_tables(folder)["partners"]["name"])


def test_active_path_is_base_data_before_any_publish(store, tmp_path):
    assert datastore.active_dataset_path() == tmp_path / "data"
    assert store.current() is None
    assert store.history() == []


def test_active_path_ignores_a_pointer_to_a_missing_version(store, tmp_path):
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "CURRENT").write_text("7\n")
    assert datastore.active_dataset_path() == tmp_path / "data"


def test_publish_rollback_publish_keeps_history(store):
    first = store.publish(staged(store, "first"), editor="aziza", note="May", expected_current=None)
    # The first publish kept the old data as version 1.
    assert first.number == 2
    assert store.current() == 2
    assert datastore.active_dataset_path() == store.root / "versions" / "2"
    assert partner_names(datastore.active_dataset_path()) == {"first"}

    back = store.rollback(1, editor="bobur", note="undo", expected_current=2)
    assert back.number == 3 and back.restored_from == 1 and back.action == "rollback"
    assert partner_names(datastore.active_dataset_path()) == {"base"}

    again = store.publish(staged(store, "second"), editor="aziza", note="June", expected_current=3)
    assert again.number == 4
    assert partner_names(datastore.active_dataset_path()) == {"second"}

    history = store.history()
    assert [(v.number, v.action, v.editor, v.note) for v in history] == [
        (4, "publish", "aziza", "June"),
        (3, "rollback", "bobur", "undo"),
        (2, "publish", "aziza", "May"),
        (1, "seed", "aziza", ""),
    ]
    assert all(v.created_at for v in history)
    # Every version is still there, unchanged.
    assert partner_names(store.root / "versions" / "2") == {"first"}
    assert partner_names(store.root / "versions" / "1") == {"base"}


def test_rollback_to_unknown_version_changes_nothing(store):
    store.publish(staged(store, "first"), editor="a", expected_current=None)
    with pytest.raises(StoreError) as err:
        store.rollback(9, editor="a", expected_current=2)
    assert err.value.code == "no_version"
    assert store.current() == 2


def test_stale_publish_is_a_conflict_and_changes_nothing(store):
    store.publish(staged(store, "first"), editor="a", expected_current=None)
    late = staged(store, "late")
    with pytest.raises(PublishConflict) as err:
        store.publish(late, editor="b", expected_current=None)
    assert (err.value.expected, err.value.current) == (None, 2)
    assert "refresh" in str(err.value)
    assert store.current() == 2
    assert [v.number for v in store.history()] == [2, 1]


def test_two_concurrent_publishes_one_wins(store):
    store.publish(staged(store, "start"), editor="a", expected_current=None)
    folders = {name: staged(store, name, rows=50) for name in ("left", "right")}
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def publish(name: str) -> None:
        barrier.wait()
        try:
            outcomes[name] = store.publish(folders[name], editor=name, expected_current=2).number
        except PublishConflict as exc:
            outcomes[name] = exc

    threads = [threading.Thread(target=publish, args=(n,)) for n in folders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [n for n, o in outcomes.items() if o == 3]
    losers = [o for o in outcomes.values() if isinstance(o, PublishConflict)]
    assert len(winners) == 1 and len(losers) == 1
    assert losers[0].current == 3
    assert store.current() == 3
    assert partner_names(datastore.active_dataset_path()) == set(winners)


def test_reader_during_publishes_never_sees_a_partial_dataset(store):
    store.publish(staged(store, "v0", rows=200), editor="a", expected_current=None)
    stop = threading.Event()
    seen: list[tuple[str, int]] = []
    failures: list[str] = []

    def reader() -> None:
        while not stop.is_set():
            folder = datastore.active_dataset_path()
            try:
                tables = read_raw_tables(folder)
                names = set(tables["partners"]["name"])
                count = len(tables["partners"])
            except Exception as exc:  # a missing file or table is exactly the bug
                failures.append(f"{folder}: {exc!r}")
                continue
            if len(names) != 1 or count != 200 or "institutions" not in tables:
                failures.append(f"{folder}: {names} {count}")
            seen.append((names.pop() if names else "", count))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        current = 2
        for i in range(1, 8):
            store.publish(staged(store, f"v{i}", rows=200), editor="a", expected_current=current)
            current += 1
    finally:
        stop.set()
        thread.join()
    assert failures == []
    assert len({name for name, _ in seen}) >= 2  # the reader did see versions change


def test_seed_copies_only_table_files(store, tmp_path):
    (tmp_path / "data" / "notes.txt").write_text("not a table")
    number = store.seed()
    assert number == 1
    files = sorted(p.name for p in (store.root / "versions" / "1").iterdir())
    assert files == ["institutions.csv", "manifest.json", "partners.csv"]


def test_diff_by_key_reports_added_changed_removed():
    import pandas as pd

    old = pd.DataFrame({"visit_id": ["v1", "v2", "v3"], "participants": ["30", "10", ""]})
    new = pd.DataFrame(
        {"visit_id": ["v1", "v3", "v4"], "participants": ["35", "", "5"], "mode": ["", "", ""]}
    )
    result = diff_tables("visits", old, new)
    assert result.added_keys == ["v4"]
    assert result.removed_keys == ["v2"]
    assert [(c.key, c.fields) for c in result.changed] == [("v1", {"participants": ("30", "35")})]
    assert result.changed_frame().to_dict("records") == [
        {"key": "v1", "column": "participants", "old": "30", "new": "35"}
    ]
