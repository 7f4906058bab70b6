"""Values are stored in their clean form whatever the editor typed, and what was typed stays
in the history (issue 25, build item 2: the store's part of defect 2). SQLite and
PostgreSQL where a store is involved."""

from __future__ import annotations

import io
import sys

import pytest
from test_datastore import write_dataset

from datastore import security
from datastore.__main__ import main
from datastore.canonical import clean_records
from datastore.rowhistory import row_history
from datastore.store import Store


def test_each_kind_is_kept_in_its_clean_form():
    rows, typed = clean_records("visits", [
        {"visit_id": "v1", "start_date": "05.03.2024", "end_date": "2024-3", "mode": "очно",
         "country": "Казахстан", "participants": "1 500", "activity": "lectures"},
        {"visit_id": "v2", "start_date": "sometime", "participants": "many"}])
    assert rows[0] == {"visit_id": "v1", "start_date": "2024-03-05", "end_date": "2024-03",
                       "mode": "in_person", "country": "KAZ", "participants": "1500",
                       "activity": "lectures"}
    assert typed[0] == {"start_date": "05.03.2024", "end_date": "2024-3", "mode": "очно",
                        "country": "Казахстан", "participants": "1 500"}
    assert rows[1] == {"visit_id": "v2", "start_date": "sometime", "participants": "many"}
    assert typed[1] == {}  # unreadable: kept as typed, the check reports it
    rows, _ = clean_records("grants", [{"amount": "1 500,5", "currency": "eur"}])
    assert rows == [{"amount": "1500.5", "currency": "EUR"}]
    rows, _ = clean_records("students", [{"academic_year": "2024-2025", "country": "Russia"}])
    assert rows == [{"academic_year": "2024/2025", "country": "RUS"}]


@pytest.fixture
def store(tmp_path, monkeypatch, database_url):
    visits = ("v1,samsmu,p0,incoming,lectures,2024-03\n"
              "v2,admi,p1,outgoing,training,05.03.2024\n")  # the base data as an office typed it
    base = write_dataset(tmp_path / "data", "base", rows=2, visits=visits)
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("COOP_DATA", str(base))
    monkeypatch.setenv("COOP_SECRETS", str(tmp_path / "none.toml"))
    store = Store()
    security.add_editor(store, "sam", "sam-pass-1", institutions=["samsmu"])
    store.seed()
    return store


def test_the_form_stores_the_clean_date_and_the_history_shows_what_was_typed(store, monkeypatch):
    frame = store.frames(1)["visits"]
    cells = {**dict(frame.iloc[0]), "start_date": "15.04.2024", "direction": "Входящие"}
    store.save_row("visits", frame.index[0], cells, editor="sam", base_version=1)
    row = store.frames(2)["visits"].iloc[0]
    assert (row["start_date"], row["direction"]) == ("2024-04-15", "incoming")
    step = row_history(store, "visits", "v1")[-1]
    assert step.typed == {"start_date": "15.04.2024", "direction": "Входящие"}
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    assert main(["row-history", "visits", "v1"]) == 0
    assert "         start_date: '2024-03' -> '2024-04-15' (typed '15.04.2024')" in out.getvalue()


def test_a_publish_stores_clean_values_and_leaves_rows_it_does_not_write(store, tmp_path):
    folder = store.write_folder(1, tmp_path / "export")  # carries version 1
    with (folder / "visits.csv").open("a", encoding="utf-8") as fh:
        fh.write("v3,samsmu,p0,Входящие,lectures,01.05.2024\n")
    version = store.publish(folder, editor="sam", expected_current=1)
    # ADMI's v2 is still as typed in the base data: sam's file did not change it, so it
    # is neither rewritten nor refused as another institution's row
    assert version.counts["visits"] == {"added": 1, "changed": 0, "removed": 0}
    visits = store.frames(2)["visits"].set_index("visit_id")
    assert visits.loc["v2", "start_date"] == "05.03.2024"
    assert (visits.loc["v3", "direction"], visits.loc["v3", "start_date"]) == (
        "incoming", "2024-05-01")
    [(key, typed)] = version.extra["typed"].items()
    assert key.startswith("visits:") and typed == {"direction": "Входящие",
                                                   "start_date": "01.05.2024"}
