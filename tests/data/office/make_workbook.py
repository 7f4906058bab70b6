"""Writes visits_ru.xlsx: an international office's own visit log, as offices keep it.

Hand-made for tests/test_office_import.py (no real person's data): Russian headers, no
institution column (the whole sheet is SamSMU's), dates with Russian month names, a
partner the data does not know yet (with its country and city), and two bad rows:
sheet row 3 has "31 февраля 2024" as start date, sheet row 6 has "шесть" as sessions.

    .venv/bin/python tests/data/office/make_workbook.py
"""

from pathlib import Path

import openpyxl

NEW_PARTNER = "Казахский медицинский университет непрерывного образования"
ROWS = [
    ["№", "ФИО", "Должность", "Вуз-партнёр", "Страна", "Город", "Направление", "Формат",
     "Вид деятельности", "Дата начала", "Дата окончания", "Кол-во занятий"],
    [1, "Ким Мин Джун", "профессор", "Yonsei University", "Корея", "Сеул", "Входящие", "Очно",
     "Лекции", "март 2024", None, 6],
    [2, "Сапарова А.", "доцент", NEW_PARTNER, "Казахстан", "Алматы", "Входящие", "Дистанционно",
     "Мастер-класс", "31 февраля 2024", None, 2],
    [3, "Иванов И.И.", "ассистент", "Dagestan State Medical University", "Россия", "Махачкала",
     "Исходящие", "Очно", "Тренинг", "05 марта 2024", "10 марта 2024", None],
    [4, "Петров П.П.", "профессор", NEW_PARTNER, "Казахстан", "Алматы", "Входящие", "Очно",
     "Лекции", "апрель 2024", None, 4],
    [5, "Ли Чжэн", "профессор", "Yonsei University", "Корея", "Сеул", "Входящие", "Дистанционно",
     "Лекции", "12 мая 2024", None, "шесть"],
    [6, "Алимова Д.", "доцент", "Shandong University", "Китай", "Цзинань", "Исходящие", "Очно",
     "Конференция", "05.06.2024", "07.06.2024", None],
]


def main() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Визиты 2024"
    for row in ROWS:
        sheet.append(row)
    book.save(Path(__file__).with_name("visits_ru.xlsx"))


if __name__ == "__main__":
    main()
