"""The Data page in AppTest: its parts (ui.datapage) laid out by views/data.py, logged in."""

from __future__ import annotations

import re
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
    # stored in their clean form (the store's canonical storage): month precision kept
    assert sorted(zip(added["person"], added["start_date"], added["sessions"], strict=True)) == [
        ("Ким Мин Джун", "2024-03", "6"), ("Ли Чжэн", "2024-05-12", "6"),
        ("Сапарова А.", "2024-02-28", "2")]
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


# Contract words an office user must not meet in the page's own words (labels, headings,
# messages, column headers, drop-down choices); data cells (ids, names) are not checked.
CODE_WORDS = re.compile(r"\b(visit_id|agreement_id|grant_id|person_title|department|participants|"
                        r"audience|start_date|end_date|institution_id|partner_id|partner_ids|"
                        r"short_name|usd_per_unit|lat|lon|name|type|incoming|outgoing|in_person|"
                        r"remote|visits|partners|agreements|COOP_DATA)\b")


def _page_words(at: AppTest) -> list[str]:
    words = [e.value for kind in ("markdown", "caption", "title", "subheader", "info", "error",
                                  "warning", "success") for e in at.get(kind)]
    for kind in ("selectbox", "text_input", "number_input", "date_input", "multiselect",
                 "button", "checkbox", "file_uploader"):
        for widget in at.get(kind):
            words.append(widget.label)
            if not str(widget.key or "").startswith(("edit_row_", "data_rowhist_row_")):  # row titles are data
                words += [str(o) for o in getattr(widget, "options", [])]
    words += [str(c) for frame in at.dataframe for c in frame.value.columns]
    words += [tab.label for tab in at.tabs]
    return words


@pytest.mark.parametrize("lang", ["ru", "uz"])
@pytest.mark.parametrize("table", ["visits", "partners", "agreements", "institutions"])
def test_no_code_words_in_the_form(env_dirs, lang, table):
    """Issue 25, defect 5: the form's labels were codes (visit_id, person_title, lat...)."""
    at = logged_in(lang)
    at.selectbox(key="edit_table").set_value(table).run()
    found = sorted({m for w in _page_words(at) for m in CODE_WORDS.findall(w)})
    assert found == []


@pytest.mark.parametrize("lang", ["ru", "uz"])
def test_no_code_words_in_the_office_review(env_dirs, lang):
    at = _office_upload(logged_in(lang))
    found = sorted({m for w in _page_words(at) for m in CODE_WORDS.findall(w)})
    assert found == []


def test_a_saved_mapping_keeps_the_columns_set_for_the_whole_sheet(env_dirs):
    at = _office_upload(logged_in("ru"))
    at.selectbox(key="office_const_0_mode").set_value("in_person").run()
    at.button(key="office_save_0").click().run()
    again = logged_in("ru")
    again.get("file_uploader")[1].set_value((OFFICE_BOOK.name, OFFICE_BOOK.read_bytes(),
                                             "application/octet-stream")).run()
    assert again.selectbox(key="office_const_0_institution_id").value == "samsmu"
    assert again.selectbox(key="office_const_0_mode").value == "in_person"
    assert again.selectbox(key="office_const_0_direction").value == ""


def test_a_filled_template_is_corrected_in_the_review_and_published(env_dirs, tmp_path):
    """Build item 4 on the upload tab too: a bad cell corrected in the review table."""
    import io

    import openpyxl

    from datastore.template import dataset_workbook

    book = openpyxl.load_workbook(io.BytesIO(dataset_workbook(env_dirs)))
    visits = book["visits"]
    header = [c.value for c in visits[1]]
    visits.cell(row=5, column=header.index("start_date") + 1).value = "31 февраля 2024"
    path = tmp_path / "filled.xlsx"
    book.save(path)
    at = logged_in()
    at.get("file_uploader")[0].set_value((path.name, path.read_bytes(), "application/octet-stream")).run()
    state = at.session_state[STATE_KEY]
    (problem,) = state.check["dataset"].errors
    assert (problem.table, problem.row, problem.column) == ("visits", 5, "start_date")
    assert at.button(key="data_publish").disabled
    # what typing "март 2024" in the review table and "Check again" do
    from ui.datapage.upload import recheck

    still_bad = recheck(Store(), state.check, {("visits", 5, "start_date"): "32 марта 2024"},
                        Store().active_path())
    errors = [(p.row, p.value) for p in still_bad["problems"] if p.severity == "error"]
    assert errors == [(5, "32 марта 2024")]  # numbered as in the file
    state.check = recheck(Store(), state.check, {("visits", 5, "start_date"): "март 2024"},
                          Store().active_path())
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert state.check["dataset"].errors == []
    at.button(key="data_publish").click().run()
    store = Store()
    saved = store.frames(store.current())["visits"]
    row_id = visits.cell(row=5, column=header.index("visit_id") + 1).value
    assert saved[saved["visit_id"] == row_id].iloc[0]["start_date"] == "2024-03"  # clean form
