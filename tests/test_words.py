"""Coded columns accept the label the interface shows, in English, Russian or Uzbek, and
the template in a chosen language loads with no error when filled from its drop-downs."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl

from datastore.template import LISTS_SHEET, template_workbook
from loaders import load_dataset

ROOT = Path(__file__).resolve().parent.parent
INSTITUTIONS = "institution_id,name,short_name,city,country\nsamsmu,Samarkand SMU,SamSMU,Samarkand,UZB\n"


def _dataset(folder: Path, partners: str, visits: str) -> Path:
    folder.mkdir()
    (folder / "institutions.csv").write_text(INSTITUTIONS, encoding="utf-8")
    (folder / "partners.csv").write_text("partner_id,name,type,country\n" + partners, "utf-8")
    (folder / "agreements.csv").write_text("agreement_id,institution_id,partner_id,kind\n", "utf-8")
    (folder / "visits.csv").write_text(
        "visit_id,institution_id,partner_id,direction,mode,activity\n" + visits, "utf-8")
    return folder


def test_labels_in_three_languages_are_read_as_the_words(tmp_path):
    folder = _dataset(
        tmp_path / "d",
        "p1,Seoul NU,Университет,KOR\np2,Kazakh NMU,Universitet,KAZ\n",
        "v1,samsmu,p1,Входящие,Очно,Лекции\n"
        "v2,samsmu,p2,  chiquvchi ,MASOFAVIY,Maʼruzalar\n"
        "v3,samsmu,p1,Outgoing,Remote,Master class\n"
        "v4,samsmu,p1,incoming,in person,sideways\n",
    )
    ds = load_dataset(folder)
    visits = ds.tables["visits"].set_index("visit_id")
    assert list(visits["direction"]) == ["incoming", "outgoing", "outgoing"]
    assert list(visits["mode"]) == ["in_person", "remote", "remote"]
    assert list(visits["activity"]) == ["lectures", "lectures", "masterclass"]
    assert list(ds.tables["partners"]["type"]) == ["university", "university"]
    # A word that is no label of the column is still an error, with its value.
    assert [(p.table, p.row, p.column, p.value, p.code) for p in ds.errors] == [
        ("visits", 5, "activity", "sideways", "bad_enum")]


def test_russian_template_filled_from_its_dropdowns_loads_clean(tmp_path):
    ru = json.loads((ROOT / "i18n" / "ru.json").read_text(encoding="utf-8"))
    book = openpyxl.load_workbook(io.BytesIO(template_workbook("ru")))
    lists = book[LISTS_SHEET]
    columns = {lists.cell(1, c).value: [lists.cell(r, c).value for r in range(2, lists.max_row + 1)
                                        if lists.cell(r, c).value]
               for c in range(1, lists.max_column + 1)}
    assert columns["visits.mode"] == [ru["enum.mode.in_person"], ru["enum.mode.remote"]]
    assert columns["partners.type"][0] == ru["enum.partner_type.university"]

    def fill(sheet: str, values: dict) -> None:
        ws = book[sheet]
        header = [c.value for c in ws[1]]
        ws.append([values.get(h) for h in header])

    fill("institutions", {"institution_id": "samsmu", "name": "Самаркандский ГМУ",
                          "short_name": "СамГМУ", "city": "Самарканд", "country": "Узбекистан"})
    fill("partners", {"partner_id": "p1", "name": "Сеульский университет",
                      "type": columns["partners.type"][0], "country": "Южная Корея"})
    fill("agreements", {"agreement_id": "a1", "institution_id": "samsmu", "partner_id": "p1",
                        "kind": columns["agreements.kind"][0],
                        "status": columns["agreements.status"][0], "signed_on": "2024-05"})
    fill("visits", {"visit_id": "v1", "institution_id": "samsmu", "partner_id": "p1",
                    "direction": columns["visits.direction"][0], "mode": columns["visits.mode"][0],
                    "activity": columns["visits.activity"][0], "start_date": "2024-03"})
    buffer = io.BytesIO()
    book.save(buffer)
    path = tmp_path / "ru-template.xlsx"
    path.write_bytes(buffer.getvalue())
    ds = load_dataset(path)
    assert ds.fatal is None and ds.errors == []
    visit = ds.tables["visits"].iloc[0]
    assert (visit["direction"], visit["mode"], visit["activity"]) == (
        "incoming", "in_person", "lectures")
    assert ds.tables["agreements"].iloc[0]["kind"] == "mou"
