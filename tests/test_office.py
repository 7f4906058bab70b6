"""The office's own spreadsheet: Russian headers and words, mapped, reviewed, published;
its figures equal those of the same visits typed into the template (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest

import metrics
from datastore import office, security
from datastore.store import Store
from loaders import load_dataset

INSTITUTIONS = ("institution_id,name,short_name,city,country\n"
                "samsmu,Samarkand State Medical University,SamSMU,Samarkand,UZB\n"
                "admi,Andijan State Medical Institute,ADMI,Andijan,UZB\n")
PARTNERS = ("partner_id,name,type,country\n"
            "p-snu,Seoul National University,university,KOR\n"
            "p-knmu,Kazakh National Medical University,university,KAZ\n")
AGREEMENTS = "agreement_id,institution_id,partner_id,kind\na1,samsmu,p-snu,mou\n"
VISITS_HEADER = ("visit_id,institution_id,partner_id,person,person_title,direction,mode,"
                 "activity,start_date,end_date,sessions\n")
# The same three visits typed into the template with the contract's codes.
TYPED_VISITS = (
    "t1,samsmu,p-snu,Ким Мин Джун,профессор,incoming,in_person,lectures,2024-03-15,2024-03-22,6\n"
    "t2,samsmu,p-knmu,Айгерим Сапарова,доцент,incoming,remote,masterclass,2024-04-02,,2\n"
    "t3,samsmu,p-snu,Иванов И.И.,ассистент,outgoing,in_person,training,2024-05-10,2024-06-10,\n"
)
RUSSIAN_SHEET = [
    ["№", "ФИО", "Должность", "Вуз", "Партнёр", "Направление", "Формат", "Вид деятельности",
     "Дата начала", "Дата окончания", "Кол-во занятий"],
    [1, "Ким Мин Джун", "профессор", "СамГМУ", "Seoul National University", "Входящие", "Очно",
     "Лекции", "15.03.2024", "22.03.2024", 6],
    [2, "Айгерим Сапарова", "доцент", "СамГМУ", "КазНМУ", "Входящие", "Онлайн",
     "Мастер-класс", "02.04.2024", None, 2],
    [3, "Иванов И.И.", "ассистент", "СамГМУ", "Seoul National University", "Исходящие", "очно",
     "Тренинг", "10.05.2024", "10.06.2024", None],
]


def _base(folder: Path, visits: str = "") -> Path:
    folder.mkdir()
    for name, text in (("institutions", INSTITUTIONS), ("partners", PARTNERS),
                       ("agreements", AGREEMENTS), ("visits", VISITS_HEADER + visits)):
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def _office_workbook() -> bytes:
    book = openpyxl.Workbook()
    book.active.title = "Справка"
    book.active.append(["Учёт визитов международного отдела"])
    sheet = book.create_sheet("Визиты 2024")
    for row in RUSSIAN_SHEET:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def store(tmp_path, monkeypatch, database_url) -> Store:
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("COOP_DATA", str(_base(tmp_path / "data")))
    store = Store()
    security.add_editor(store, "bobur", "bobur-pass", institutions=["samsmu"])
    return store


def test_russian_office_sheet_is_mapped_published_and_counts_like_the_template(store, tmp_path):
    sheets = office.read_sheets("Учёт визитов.xlsx", _office_workbook())
    frame = sheets["Визиты 2024"]
    assert office.guess_table(frame) == "visits"
    assert office.guess_table(sheets["Справка"]) == ""  # a title sheet is not imported
    mapping = office.auto_mapping(frame, "visits")
    assert mapping == {
        "№": "", "фио": "person", "должность": "person_title", "вуз": "institution_id",
        "партнёр": "partner_id", "направление": "direction", "формат": "mode",
        "вид деятельности": "activity", "дата начала": "start_date",
        "дата окончания": "end_date", "кол-во занятий": "sessions",
    }
    store.seed()
    current = store.frames(1)
    unknown = office.unknown_values(frame, "visits", mapping, current)
    assert unknown == {"institution_id": ["СамГМУ"], "partner_id": ["КазНМУ"], "mode": ["Онлайн"]}
    values = {"institution_id": {"СамГМУ": "samsmu"}, "partner_id": {"КазНМУ": "p-knmu"},
              "mode": {"Онлайн": "remote"}}
    office.save_mapping(store, "Учёт визитов", frame, "visits", mapping, values)
    (saved,) = office.saved_mappings(store, frame)
    assert (saved["table"], saved["mapping"], saved["values"]) == ("visits", mapping, values)

    mapped = office.mapped_frame(frame, "visits", saved["mapping"], saved["values"], current)
    version = store.publish(office.merged_tables(current, {"visits": mapped}), editor="bobur",
                            expected_current=1, source_name="Учёт визитов.xlsx")
    assert version.counts["visits"] == {"added": 3, "changed": 0, "removed": 0}
    # The same sheet again changes nothing (its ids come from the rows' content).
    again = office.mapped_frame(frame, "visits", mapping, values, store.frames(2))
    assert again.equals(mapped)

    typed = load_dataset(_base(tmp_path / "typed", TYPED_VISITS))
    imported = load_dataset(store.active_path())
    assert imported.errors == [] and typed.errors == []
    scope = metrics.Scope(as_of=date(2025, 6, 30))
    assert metrics.compute_kpis(imported.tables, scope) == metrics.compute_kpis(typed.tables, scope)
    visits = imported.tables["visits"].sort_values("start_date")
    assert list(visits["mode"]) == ["in_person", "remote", "in_person"]
    assert list(visits["direction"]) == ["incoming", "incoming", "outgoing"]


def test_a_csv_with_uzbek_headers_is_mapped(tmp_path):
    data = ("F.I.Sh.,Hamkor,Yoʻnalish,Shakli,Faoliyat turi,Boshlanish sanasi\n"
            "Karimov A.,Seoul National University,Kiruvchi,Masofaviy,Maʼruzalar,2024\n").encode()
    frame = office.read_sheets("tashriflar.csv", data)["tashriflar"]
    assert office.auto_mapping(frame, "visits") == {
        "f.i.sh.": "person", "hamkor": "partner_id", "yoʻnalish": "direction",
        "shakli": "mode", "faoliyat turi": "activity", "boshlanish sanasi": "start_date"}
