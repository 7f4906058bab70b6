"""The Data page's "History of one row" (issue 25, build item 5) and the restore preview's
line for a version that changed fields only (defect 8), in AppTest, in Russian."""

from __future__ import annotations

from test_data_page import env_dirs, logged_in  # noqa: F401 - the fixture

from datastore.store import Store
from tests.i18n_files import text


def test_one_rows_history_and_restoring_it_from_the_page(env_dirs):  # noqa: F811
    store = Store()
    store.seed()
    frame = store.frames(1)["visits"]
    row_id, first = frame.index[0], dict(frame.iloc[0])
    store.save_row("visits", row_id, {**first, "department": "Cardiology", "start_date": "05.03.2024"},
                   editor="aziza", base_version=1, note="typo")
    at = logged_in("ru")
    at.selectbox(key="data_rowhist_table").set_value("visits").run()
    at.selectbox(key="data_rowhist_row_visits").set_value(first["visit_id"]).run()
    table = next(d.value for d in at.dataframe
                 if text("data.rowhist.fields", "ru") in d.value.columns)
    assert list(table[text("data.history.version", "ru")]) == [1, 2]
    assert list(table[text("data.history.action", "ru")]) == [
        text("data.rowhist.kind.added", "ru"), text("data.rowhist.kind.changed", "ru")]
    changed = table[text("data.rowhist.fields", "ru")].iloc[1]
    assert "Cardiology" in changed
    assert text("data.rowhist.typed", "ru", typed="05.03.2024") in changed
    at.button(key="data_rowhist_restore_visits").click().run()
    assert not at.exception
    assert store.current() == 3 and store.version(3).action == "restore_row"
    assert store.frames(3)["visits"].loc[row_id, "department"] == first["department"]
    # the restore preview of version 2 (fields only) names the changed rows, not "—"
    at.selectbox(key="data_rollback_to").set_value(2).run()
    at.button(key="data_rollback_preview").click().run()
    line = text("data.rollback.summary", "ru", number=2, summary=text(
        "data.rollback.changed_rows", "ru", table=text("data.table.visits", "ru"), count=1))
    assert line in [m.value for m in at.markdown]
