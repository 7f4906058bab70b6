"""The office's own spreadsheets: any sheet, its own headers (en/ru/uz), its own words.

    sheets = read_sheets("visits_2024.xlsx", raw)             # {sheet: text frame}
    table = guess_table(sheets["Визиты"])                     # 'visits'
    mapping = auto_mapping(sheets["Визиты"], table)           # {header: column}
    unknown = unknown_values(sheets["Визиты"], table, mapping, current)   # to map once each
    frames = merged_tables(current, {table: (sheets["Визиты"], mapping, values)})
    store.publish(frames, editor=..., expected_current=...)   # the usual checks and review

A sheet's rows are added to its table, or replace the rows with the same key; the rows
of the table that the sheet does not name are kept. A sheet without an id column gets ids
made from the row's content, so uploading the same sheet again changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from datastore.labels import column_label
from datastore.rows import row_key
from loaders.read import ROW
from loaders.schema import TABLE_ORDER, TABLES
from loaders.types import fold_name
from loaders.words import ENUM_GROUPS, enum_label_index

# Header words offices use, beside the column codes and the interface's own labels.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "visit_id": ("id", "visit id", "код визита"),  # a running "№" is no id: not mapped
    "institution_id": ("institution", "university", "вуз", "учреждение", "университет",
                       "muassasa", "oliygoh"),
    "partner_id": ("partner", "партнёр", "партнер", "организация-партнёр",
                   "организация партнер", "вуз-партнёр", "вуз-партнер", "вуз партнёр",
                   "университет-партнёр", "partner university", "hamkor", "hamkor tashkilot",
                   "hamkor oliygoh", "hamkor universitet"),
    "country": ("country", "страна", "mamlakat", "davlat"),
    "city": ("city", "город", "shahar"),
    "person": ("person", "name", "full name", "фио", "ф.и.о.", "ф. и. о.", "имя",
               "преподаватель", "специалист", "f.i.sh.", "fish", "ism familiya"),
    "person_title": ("title", "position", "должность", "звание", "lavozim", "unvon"),
    "direction": ("direction", "направление", "тип визита", "входящий/исходящий",
                  "yoʻnalish", "yo'nalish"),
    "mode": ("mode", "format", "формат", "форма", "форма проведения", "shakl", "shakli"),
    "activity": ("activity", "activity type", "вид деятельности", "вид работы", "мероприятие",
                 "faoliyat", "faoliyat turi"),
    "faculty": ("faculty", "факультет", "fakultet"),
    "department": ("department", "кафедра", "kafedra"),
    "start_date": ("start", "start date", "from", "дата начала", "начало", "с",
                   "boshlanish sanasi", "boshlanishi"),
    "end_date": ("end", "end date", "to", "дата окончания", "окончание", "по",
                 "tugash sanasi", "tugashi"),
    "sessions": ("sessions", "lectures given", "кол-во занятий", "количество занятий",
                 "число занятий", "mashgʻulotlar soni", "mashg'ulotlar soni"),
    "participants": ("participants", "слушатели", "кол-во слушателей", "количество участников",
                     "участники", "ishtirokchilar", "ishtirokchilar soni"),
    "audience": ("audience", "аудитория", "для кого", "tinglovchilar"),
    "source": ("source", "источник", "основание", "manba"),
    "name": ("name", "название", "наименование", "nomi"),
    "type": ("type", "тип", "вид", "turi"),
    "kind": ("kind", "вид соглашения", "тип соглашения", "kelishuv turi"),
    "title": ("title", "название", "тема", "nomi", "mavzu"),
    "signed_on": ("signed", "signed on", "дата подписания", "подписано", "imzolangan sana"),
    "expires_on": ("expires", "expires on", "срок действия до", "действует до",
                   "amal qilish muddati"),
    "status": ("status", "статус", "состояние", "holati"),
    "agreement_id": ("agreement", "№ соглашения", "номер соглашения"),
    "amount": ("amount", "сумма", "summa", "miqdor"),
    "currency": ("currency", "валюта", "valyuta"),
    "funder": ("funder", "донор", "фонд", "grant beruvchi"),
}
MAPPINGS_KEY = "office_mapping:"


def read_sheets(name: str, data: bytes) -> dict[str, pd.DataFrame]:
    """Every sheet of an .xlsx (or the one table of a .csv) as text, headers as written.

    The workbook passes the same safety checks as any upload first.
    """
    from datastore.paths import safe_child
    from datastore.upload import read_upload_checks, rejected_read
    from loaders.cells import is_safe_name
    from loaders.read import FatalRead, read_csv_table

    suffix = Path(name or "").suffix.lower()
    with tempfile.TemporaryDirectory() as tmp:
        path = safe_child(Path(tmp), "upload" + (suffix if is_safe_name("upload" + suffix) else ""))
        path.write_bytes(data)
        try:
            if suffix == ".csv":
                return {Path(name).stem: read_csv_table(path)}
            read_upload_checks(name, data)
            return _workbook_sheets(path)
        except FatalRead as exc:
            raise rejected_read(exc) from exc


def _workbook_sheets(path: Path) -> dict[str, pd.DataFrame]:
    """Every sheet with a header row (empty sheets skipped), read by the loaders' workbook
    reader (bounded; a damaged sheet or cell refuses the file with one message)."""
    import numpy as np

    from datastore.upload import refuse_damaged_cells
    from loaders.read import _finish, read_workbook

    sheets = {}
    found = read_workbook(path, every_sheet=True)
    refuse_damaged_cells(found)
    for title, sheet in found.items():
        frame = pd.DataFrame(sheet.rows, dtype=str, columns=[
            c if c else f"unnamed: {i}" for i, c in enumerate(sheet.header)])
        if not sheet.rows:
            frame = pd.DataFrame({c: pd.Series(dtype=str) for c in frame.columns})
        sheets[title] = _finish(frame, np.asarray(sheet.numbers, dtype=int))
    return sheets


def _targets(table: str) -> dict[str, str]:
    """Folded header word -> column, for one table (codes, labels, synonyms)."""
    words: dict[str, str] = {}
    for column in TABLES[table].names:
        candidates = [column, column.replace("_", " "), *SYNONYMS.get(column, ())]
        candidates += [column_label(table, column, lang) for lang in ("en", "ru", "uz")]
        for word in candidates:
            words.setdefault(fold_name(word), column)
    return words


def headers(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c != ROW]


def auto_mapping(frame: pd.DataFrame, table: str) -> dict[str, str]:
    """Header -> contract column for the headers recognised ('' = not used)."""
    words = _targets(table)
    mapping, used = {}, set()
    for header in headers(frame):
        column = words.get(fold_name(header).rstrip(":*"), "")
        if column in used:
            column = ""
        mapping[header] = column
        used.add(column)
    return mapping


def guess_table(frame: pd.DataFrame) -> str:
    """The table whose columns the sheet's headers name most often ('' for none or no rows)."""
    scores = {t: sum(1 for c in auto_mapping(frame, t).values() if c) for t in TABLE_ORDER}
    best = max(TABLE_ORDER, key=lambda t: (scores[t], t == "visits"))
    return best if scores[best] >= 2 and len(frame) else ""


def layout_signature(frame: pd.DataFrame) -> str:
    return hashlib.sha256(json.dumps(sorted(fold_name(h) for h in headers(frame)),
                                     ensure_ascii=False).encode()).hexdigest()[:16]


def _lookup(current: dict[str, pd.DataFrame], table: str, id_col: str,
            name_cols: tuple[str, ...]) -> dict[str, str]:
    frame = current.get(table, pd.DataFrame())
    index: dict[str, str] = {}
    for _, row in frame.iterrows():
        ident = row.get(id_col, "")
        for col in (id_col, *name_cols):
            if row.get(col, ""):
                index.setdefault(fold_name(row[col]), ident)
    return index


def _enum_ok(table: str, column: str, value: str) -> str | None:
    word = fold_name(value).replace(" ", "_").replace("-", "_")
    allowed = TABLES[table].column(column).allowed
    if word in allowed:
        return word
    return enum_label_index(table, column).get(fold_name(value))


def unknown_values(frame: pd.DataFrame, table: str, mapping: dict[str, str],
                   current: dict[str, pd.DataFrame]) -> dict[str, list[str]]:
    """Per coded or linked column, the distinct values it does not recognise (once each)."""
    out: dict[str, list[str]] = {}
    institutions = _lookup(current, "institutions", "institution_id", ("short_name", "name"))
    partners = _lookup(current, "partners", "partner_id", ("name",))
    for header, column in mapping.items():
        if not column:
            continue
        values = [v for v in dict.fromkeys(frame[header].str.strip()) if v]
        if (table, column) in ENUM_GROUPS:
            bad = [v for v in values if _enum_ok(table, column, v) is None]
        elif column == "institution_id":
            bad = [v for v in values if fold_name(v) not in institutions]
        elif column == "partner_id" and table != "partners":
            bad = [v for v in values if fold_name(v) not in partners]
        else:
            continue
        if bad:
            out[column] = bad
    return out


def mapped_frame(frame: pd.DataFrame, table: str, mapping: dict[str, str],
                 values: dict[str, dict[str, str]], current: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The sheet as the table's columns: coded words as codes, names as ids, ids made."""
    spec = TABLES[table]
    institutions = _lookup(current, "institutions", "institution_id", ("short_name", "name"))
    partners = _lookup(current, "partners", "partner_id", ("name",))
    out = pd.DataFrame(index=frame.index)
    for header, column in mapping.items():
        if not column:
            continue
        chosen = values.get(column, {})
        cells = []
        for raw in frame[header].fillna("").astype(str).str.strip():
            value = chosen.get(raw, raw)
            if raw and raw not in chosen:
                if (table, column) in ENUM_GROUPS:
                    value = _enum_ok(table, column, raw) or raw
                elif column == "institution_id":
                    value = institutions.get(fold_name(raw), raw)
                elif column == "partner_id" and table != "partners":
                    value = partners.get(fold_name(raw), raw)
            cells.append(value)
        out[column] = cells
    for column in spec.names:
        if column not in out:
            out[column] = ""
    if spec.key and (out[spec.key] == "").any():
        made = out.apply(lambda row: _made_id(table, row), axis=1)
        out[spec.key] = out[spec.key].where(out[spec.key] != "", made)
    return out[[*spec.names]].astype(str).reset_index(drop=True)


def _made_id(table: str, row: pd.Series) -> str:
    content = json.dumps({k: v for k, v in row.items() if v}, sort_keys=True, ensure_ascii=False)
    return f"{table[:1]}-{hashlib.sha256(content.encode()).hexdigest()[:10]}"


def merged_tables(current: dict[str, pd.DataFrame], sheets: dict[str, pd.DataFrame]
                  ) -> dict[str, pd.DataFrame]:
    """The current tables with each mapped sheet's rows added (or replacing the same key)."""
    out = {t: f.reset_index(drop=True) for t, f in current.items()}
    for table, frame in sheets.items():
        old = out.get(table, pd.DataFrame(columns=frame.columns))
        columns = list(dict.fromkeys([*old.columns, *frame.columns]))
        old = old.reindex(columns=columns, fill_value="")
        new = frame.reindex(columns=columns, fill_value="")
        new_keys = {row_key(table, r) for r in new.to_dict("records")}
        kept = old[[row_key(table, r) not in new_keys for r in old.to_dict("records")]]
        out[table] = pd.concat([kept, new], ignore_index=True).fillna("")
    return out


# ---- finishing the import in the page: new partners, constant columns, corrections, rows -----
NEW_PARTNER = "__new_partner__"  # the choice "create this partner" for an unknown partner name


@dataclass
class SheetPart:
    """One sheet mapped to one table: its rows as contract columns, and for each the row
    number it has in the office's own sheet (what the problems name)."""

    sheet: str
    table: str
    frame: pd.DataFrame
    rows: list[int]


def sheet_rows(frame: pd.DataFrame) -> list[int]:
    """The sheet's own row numbers of a ``read_sheets`` frame (header row = 1)."""
    if ROW in frame.columns:
        return [int(r) for r in frame[ROW]]
    return list(range(2, len(frame) + 2))


def new_partner_id(name: str) -> str:
    """The id of a partner created from a sheet: the same name gives the same id, so the
    same sheet uploaded again adds nothing."""
    return f"p-{hashlib.sha256(fold_name(name).encode()).hexdigest()[:10]}"


def partner_proposals(frame: pd.DataFrame, mapping: dict[str, str], names: list[str]
                      ) -> list[dict[str, str]]:
    """For each partner name to create: its row for the partners table, filled from the
    sheet where it can be (the country of the first row naming it, a city column), and
    the sheet row it was first named in (``_row``)."""
    from places.countries import normalize_country

    reverse = {column: header for header, column in mapping.items() if column}
    partner_header = reverse.get("partner_id")
    country_header = reverse.get("country")
    city_words = {w for w, c in _targets("partners").items() if c == "city"}
    city_header = next((h for h in headers(frame) if fold_name(h).rstrip(":*") in city_words), None)
    rows = sheet_rows(frame)
    out = []
    for name in names:
        first = None
        if partner_header is not None:
            hits = [i for i, v in enumerate(frame[partner_header].fillna("").astype(str))
                    if v.strip() == name]
            first = hits[0] if hits else None
        country = city = ""
        if first is not None and country_header is not None:
            country = normalize_country(str(frame[country_header].iloc[first]).strip()) or ""
        if first is not None and city_header is not None:
            city = str(frame[city_header].iloc[first] or "").strip()
        out.append({"partner_id": new_partner_id(name), "name": name, "type": "",
                    "country": country, "city": city,
                    ROW: str(rows[first] if first is not None else "")})
    return out


def with_constants(mapped: pd.DataFrame, constants: dict[str, str]) -> pd.DataFrame:
    """``mapped`` with each constant column's value in every row where it is empty
    (institution, direction...: the same for the whole sheet)."""
    out = mapped.copy()
    for column, value in constants.items():
        if value and column in out.columns:
            out[column] = out[column].where(out[column].astype(str).str.strip() != "", value)
    return out


def with_corrections(part: SheetPart, corrections: dict[tuple[str, int, str], str]) -> SheetPart:
    """The part with the cells corrected in the review: {(sheet, sheet row, column): text}."""
    frame = part.frame.copy()
    positions = {row: i for i, row in enumerate(part.rows)}
    for (sheet, row, column), value in corrections.items():
        if sheet == part.sheet and row in positions and column in frame.columns:
            frame.iloc[positions[row], frame.columns.get_loc(column)] = value
    return SheetPart(part.sheet, part.table, frame, part.rows)


def merged_parts(current: dict[str, pd.DataFrame], parts: list[SheetPart]
                 ) -> tuple[dict[str, pd.DataFrame], dict[tuple[str, int], tuple[str, int]]]:
    """The current tables with every part's rows added (``merged_tables``), and where each
    added row came from: {(table, row as the loaders number it): (sheet, sheet row)}."""
    by_table: dict[str, list[SheetPart]] = {}
    for part in parts:
        by_table.setdefault(part.table, []).append(part)
    merged = merged_tables(current, {
        table: pd.concat([p.frame for p in group], ignore_index=True)
        for table, group in by_table.items()})
    origin: dict[tuple[str, int], tuple[str, int]] = {}
    for table, group in by_table.items():
        added = sum(len(p.frame) for p in group)
        position = len(merged[table]) - added  # the sheets' rows come after the kept ones
        for part in group:
            for row in part.rows:
                origin[(table, position + 2)] = (part.sheet, row)  # + header line, from 1
                position += 1
    return merged, origin


def sheet_problems(problems: list, origin: dict[tuple[str, int], tuple[str, int]]) -> list:
    """The problems numbered as in the office's sheets (``params["sheet"]`` names the
    sheet, when ``origin`` gives one); problems of stored rows the sheets did not touch are
    left out unless errors."""
    from dataclasses import replace

    out = []
    for problem in problems:
        where = origin.get((problem.table, problem.row)) if problem.row is not None else None
        if where is not None:
            params = {**problem.params, "sheet": where[0]} if where[0] else problem.params
            out.append(replace(problem, row=where[1], params=params))
        elif problem.row is None or problem.severity == "error":
            out.append(problem)
    return out


# ---- saved mappings -------------------------------------------------------------------------
def save_mapping(store, name: str, frame: pd.DataFrame, table: str, mapping: dict,
                 values: dict, constants: dict | None = None) -> None:
    """Keep a sheet layout's mapping (headers, words, columns set for the whole sheet)."""
    from sqlalchemy import delete, insert

    from datastore import db

    payload = json.dumps({"name": name, "signature": layout_signature(frame), "table": table,
                          "mapping": mapping, "values": values, "constants": constants or {}},
                         ensure_ascii=False)
    key = MAPPINGS_KEY + name.strip()[:40]
    with store.engine.begin() as conn:
        conn.execute(delete(db.meta).where(db.meta.c.key == key))
        conn.execute(insert(db.meta).values(key=key, value=payload))


def saved_mappings(store, frame: pd.DataFrame | None = None) -> list[dict]:
    """Saved mappings (of this sheet's layout when ``frame`` is given), by name."""
    from sqlalchemy import select

    from datastore import db

    if not store.exists():
        return []
    with store.engine.connect() as conn:
        rows = conn.execute(select(db.meta.c.value).where(db.meta.c.key.like(MAPPINGS_KEY + "%"))).all()
    found = [json.loads(r[0]) for r in rows]
    if frame is not None:
        signature = layout_signature(frame)
        found = [m for m in found if m["signature"] == signature]
    return sorted(found, key=lambda m: m["name"])
