"""The Data page in AppTest: its parts (ui.datapage) laid out by views/data.py, logged in."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from datastore import security
from datastore.store import Store
from ui.datapage.state import STATE_KEY, DataPageState

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "s3cret-pass"


@pytest.fixture
def env_dirs(tmp_path, monkeypatch):
    """A copy of the shipped data, an empty store and one editor, all in tmp."""
    data = tmp_path / "data"
    data.mkdir()
    for csv_file in (ROOT / "data").glob("*.csv"):
        shutil.copy2(csv_file, data / csv_file.name)
    monkeypatch.setenv("COOP_DATA", str(data))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("COOP_SECRETS", str(tmp_path / "no-secrets.toml"))
    monkeypatch.delenv("COOP_DATABASE_URL", raising=False)
    security.add_editor(Store(), "aziza", PASSWORD, admin=True)
    return data


def logged_in(lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(ROOT / "views" / "data.py"), default_timeout=60)
    at.session_state["ui_lang"] = lang
    at.run()
    at.text_input(key="data_login_name").input("aziza")
    at.text_input(key="data_login_pw").input(PASSWORD)
    at.get("form_submit_button")[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_session_state_is_one_typed_object(env_dirs):
    at = logged_in()
    state = at.session_state[STATE_KEY]
    assert isinstance(state, DataPageState)
    assert state.editor == "aziza"
    # every tab drawn; the row form opened on a new visit of the seeded version 1
    assert [tab.label for tab in at.tabs] == [
        "Add or edit one row", "Upload a file", "Import the office's own spreadsheet",
        "Publication exports", "Attachments", "Erasmus IIA file"]
    assert state.edit_loaded[2] == 1


def test_logging_out_forgets_the_editor(env_dirs):
    at = logged_in()
    at.button(key="data_logout").click().run()
    assert at.session_state[STATE_KEY].editor is None
    assert at.text_input(key="data_login_name") is not None


def _publish_visit_date(data: Path, tmp_path: Path, visit_id: str, typed: str) -> None:
    """Publish the data with one visit's start date typed as an office types it."""
    import pandas as pd

    folder = tmp_path / "typed"
    shutil.copytree(data, folder)
    visits = pd.read_csv(folder / "visits.csv", dtype=str, keep_default_na=False)
    visits.loc[visits["visit_id"] == visit_id, "start_date"] = typed
    visits.to_csv(folder / "visits.csv", index=False)
    Store().publish(folder, editor="aziza", note="office sheet", expected_current=None)


def _pick(at: AppTest, key: str, starts: str) -> AppTest:
    """Choose the option whose shown text starts with ``starts`` (AppTest matches shown text)."""
    box = at.selectbox(key=key)
    return box.select_index(next(i for i, o in enumerate(box.options) if o.startswith(starts))).run()


def _open_row(at: AppTest, table: str, row_id: str) -> AppTest:
    at.selectbox(key="edit_table").set_value(table).run()
    _pick(at, f"edit_row_{table}", row_id)
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("typed", ["05.03.2024", "05 марта 2024"])
def test_the_form_keeps_a_date_it_did_not_change(env_dirs, tmp_path, typed):
    """Issue 25, defect 2: the form showed "unknown" for a date typed 05.03.2024, and
    saving another field emptied it."""
    visit = "v-samsmu-togizbaev"
    _publish_visit_date(env_dirs, tmp_path, visit, typed)
    at = _open_row(logged_in(), "visits", visit)
    assert at.selectbox(key="edit_f_start_date_p").value == "day"
    assert str(at.date_input(key="edit_f_start_date_d").value) == "2024-03-05"
    at.text_input(key="edit_f_person_title").input("Professor").run()
    at.button(key="edit_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    store = Store()
    visits = store.frames(store.current())["visits"]
    row = visits[visits["visit_id"] == visit].iloc[0]
    assert row["person_title"] == "Professor"
    assert row["start_date"] in (typed, "2024-03-05")  # as typed, or its clean form


def test_a_changed_date_is_saved_in_its_clean_form(env_dirs, tmp_path):
    visit = "v-samsmu-togizbaev"
    _publish_visit_date(env_dirs, tmp_path, visit, "05.03.2024")
    at = _open_row(logged_in(), "visits", visit)
    at.selectbox(key="edit_f_start_date_p").set_value("month").run()
    assert at.number_input(key="edit_f_start_date_y").value == 2024
    assert at.selectbox(key="edit_f_start_date_m").value == 3
    at.button(key="edit_save").click().run()
    store = Store()
    visits = store.frames(store.current())["visits"]
    assert visits[visits["visit_id"] == visit].iloc[0]["start_date"] == "2024-03"


def test_the_month_list_names_the_months_and_a_new_date_starts_this_year(env_dirs):
    from datetime import date

    from i18n_files import text

    at = logged_in("ru")
    at.selectbox(key="edit_table").set_value("visits").run()
    at.selectbox(key="edit_f_start_date_p").set_value("month").run()
    assert at.number_input(key="edit_f_start_date_y").value == date.today().year
    months = at.selectbox(key="edit_f_start_date_m").options
    assert months[:3] == ["Январь", "Февраль", "Март"]
    assert text("data.edit.month", "ru") == at.selectbox(key="edit_f_start_date_m").label


OFFICE_BOOK = ROOT / "tests" / "data" / "office" / "visits_ru.xlsx"
OFFICE_SHEET = "Визиты 2024"
NEW_PARTNER = "Казахский медицинский университет непрерывного образования"


def _office_upload(at: AppTest) -> AppTest:
    uploader = at.get("file_uploader")[1]  # the office tab's (after the upload tab's)
    uploader.set_value((OFFICE_BOOK.name, OFFICE_BOOK.read_bytes(),
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")).run()
    assert not at.exception, [e.value for e in at.exception]
    # the sheet has no institution column: the whole sheet is SamSMU's
    at.selectbox(key="office_const_0_institution_id").set_value("samsmu").run()
    return at


def _frames_shown(at: AppTest) -> list:
    return [element.value for element in at.dataframe]


def test_the_office_workbook_is_reviewed_in_the_sheet_s_numbers_and_words(env_dirs):
    """Issue 25, defects 3, 5, 6: rows as in the sheet, no codes, a partner created."""
    from i18n_files import text

    at = _office_upload(logged_in("ru"))
    frames = _frames_shown(at)
    problems = next(f for f in frames if text("data.col.sheet", "ru") in f.columns)
    rows = problems[[text("data.col.sheet", "ru"), text("data.col.row", "ru"),
                     text("data.col.column", "ru"), text("data.col.value", "ru")]]
    assert rows.values.tolist() == [[OFFICE_SHEET, 3, "Начало", "31 февраля 2024"],
                                    [OFFICE_SHEET, 6, text("common.col.sessions", "ru"), "шесть"]]
    assert set(problems[text("data.col.table", "ru")]) == {"Визиты"}
    # the new partner, filled from the sheet's Страна and Город, its type guessed
    partners = next(f for f in frames if "Название" in f.columns and len(f) == 1)
    assert partners.values.tolist() == [[NEW_PARTNER, "Университет", "Казахстан", "Алматы"]]
    # the mapping's "read as" column in words
    mapping = next(f for f in frames if text("data.office.column", "ru") in f.columns)
    assert "Дата начала" not in set(mapping[text("data.office.column", "ru")])
    assert {"Начало", "Партнёр", "Должность"} <= set(mapping[text("data.office.column", "ru")])
    assert at.button(key="office_publish").disabled


def test_the_office_workbook_publishes_after_corrections_in_the_page(env_dirs):
    at = _office_upload(logged_in("ru"))
    state = at.session_state[STATE_KEY]
    # what typing in the review table's last column and "Check again" store
    state.office_fixes = {(OFFICE_SHEET, 3, "start_date"): "28 февраля 2024",
                          (OFFICE_SHEET, 6, "sessions"): "6"}
    at.run()
    assert not at.exception
    assert not at.button(key="office_publish").disabled
    at.button(key="office_publish").click().run()
    store = Store()
    version = store.version(store.current())
    assert version.counts["visits"] == {"added": 6, "changed": 0, "removed": 0}
    assert version.counts["partners"] == {"added": 1, "changed": 0, "removed": 0}
    visits = store.frames(store.current())["visits"]
    added = visits[visits["person"].isin(["Сапарова А.", "Ли Чжэн", "Ким Мин Джун"])]
    assert sorted(zip(added["person"], added["start_date"], added["sessions"], strict=True)) == [
        ("Ким Мин Джун", "март 2024", "6"), ("Ли Чжэн", "12 мая 2024", "6"),
        ("Сапарова А.", "28 февраля 2024", "2")]
    assert set(visits[visits["person"] == "Ким Мин Джун"]["institution_id"]) == {"samsmu"}


def test_a_workbook_touching_another_institution_is_refused_in_the_review(env_dirs, tmp_path):
    """Issue 25, defect 7: the review said "no errors" with Publish on; the refusal came
    only after the click."""
    import io

    import openpyxl
    from i18n_files import text

    from datastore.template import dataset_workbook

    security.add_editor(Store(), "bobur", PASSWORD, institutions=["samsmu"])
    book = openpyxl.load_workbook(io.BytesIO(dataset_workbook(env_dirs)))
    visits = book["visits"]
    header = [c.value for c in visits[1]]
    admi = next(row for row in visits.iter_rows(min_row=2)
                if row[header.index("institution_id")].value == "admi")
    admi[header.index("person_title")].value = "changed by SamSMU"
    visit_id = admi[header.index("visit_id")].value
    path = tmp_path / "touches_admi.xlsx"
    book.save(path)

    at = AppTest.from_file(str(ROOT / "views" / "data.py"), default_timeout=60)
    at.session_state["ui_lang"] = "ru"
    at.run()
    at.text_input(key="data_login_name").input("bobur")
    at.text_input(key="data_login_pw").input(PASSWORD)
    at.get("form_submit_button")[0].click().run()
    at.get("file_uploader")[0].set_value((path.name, path.read_bytes(), "application/octet-stream")).run()
    assert not at.exception, [e.value for e in at.exception]
    expected = text("data.check.refused", "ru").split("{rows}")[0]
    refusals = [e.value for e in at.error if e.value.startswith(expected)]
    assert len(refusals) == 1 and f"Визиты {visit_id}".replace("-", "\\-") in refusals[0]
    assert at.button(key="data_publish").disabled


def test_a_value_the_form_cannot_read_is_shown_as_typed_and_kept(env_dirs, tmp_path):
    """A start date no reader understands ("весна 2024", in the data before the store)
    is shown as typed, and saving another field keeps it."""
    import pandas as pd

    visit = "v-samsmu-togizbaev"
    visits = pd.read_csv(env_dirs / "visits.csv", dtype=str, keep_default_na=False)
    visits.loc[visits["visit_id"] == visit, "start_date"] = "весна 2024"
    visits.to_csv(env_dirs / "visits.csv", index=False)
    at = _open_row(logged_in(), "visits", visit)
    assert at.selectbox(key="edit_f_start_date_p").value == "text"
    assert at.text_input(key="edit_f_start_date_t").value == "весна 2024"
    at.text_input(key="edit_f_person_title").input("Professor").run()
    at.button(key="edit_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    store = Store()
    saved = store.frames(store.current())["visits"]
    row = saved[saved["visit_id"] == visit].iloc[0]
    assert (row["person_title"], row["start_date"]) == ("Professor", "весна 2024")
