"""The Data page's "The office's own file" tab: any .xlsx or .csv; each sheet gets a
table, its headers a column each, the words the data does not know a value each (saved
for next time), unknown partners created, columns the same for the whole sheet, then the
review (problems numbered as in the sheet and corrected in place) and publish."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pycountry
import streamlit as st

from datastore import office, security
from datastore.diff import diff_datasets
from datastore.labels import column_label, column_labels, enum_label, table_label
from datastore.review import refused_in_review
from datastore.store import Store
from datastore.upload import UploadRejected
from i18n import fmt, t
from loaders import load_dataset
from loaders.read import ROW
from loaders.schema import PARTNER_TYPES, TABLE_ORDER, TABLES
from ui.datapage.common import lookups, version_frames
from ui.datapage.review import publish_section, show_preview, show_problems, show_refused
from ui.datapage.state import page_state

# A new partner's type guessed from its name (the editor checks it in the table).
_TYPE_WORDS = (
    ("university", r"univ|университет|institut|институт|academ|академи|oliygoh|college|колледж"),
    ("hospital", r"hospital|больниц|clinic|клиник|kasalxona|shifoxona"),
    ("research_center", r"cent(er|re)|центр|markaz|research|научн"),
)


def guess_partner_type(name: str) -> str:
    """``university``, ``hospital``, ``research_center`` from the words of the name, or ''."""
    folded = name.casefold()
    return next((kind for kind, words in _TYPE_WORDS if re.search(words, folded)), "")


def _value_options(table: str, column: str, frames: dict) -> list[str]:
    if column == "institution_id":
        return list(frames.get("institutions", pd.DataFrame()).get("institution_id", []))
    if column == "partner_id":
        return list(frames.get("partners", pd.DataFrame()).get("partner_id", []))
    return list(TABLES[table].column(column).allowed)


def _column_words(table: str, lang: str) -> dict[str, str]:
    """What the "read as" column shows and accepts: the column's name in words -> code."""
    return {label: column for column, label in
            column_labels(table, TABLES[table].names, lang).items()}


@st.cache_data(show_spinner=False, max_entries=3)
def _country_names(lang: str) -> dict[str, str]:
    """Country name in ``lang`` -> ISO code, sorted by name."""
    names = {fmt.country(c.alpha_3, lang): c.alpha_3 for c in pycountry.countries}
    return dict(sorted(names.items()))


def _mapping_editor(frame: pd.DataFrame, table: str, auto: dict[str, str], number: int,
                    lang: str) -> dict[str, str]:
    skip = t("data.office.skip", lang)
    words = {skip: "", **_column_words(table, lang)}
    shown = {code: word for word, code in words.items()}
    header_col, column_col = t("data.office.header", lang), t("data.office.column", lang)
    editor_frame = pd.DataFrame({header_col: list(auto),
                                 column_col: [shown.get(c, skip) for c in auto.values()]})
    edited = st.data_editor(
        editor_frame, hide_index=True, width="stretch", key=f"office_map_{number}_{table}",
        disabled=[header_col],
        column_config={column_col: st.column_config.SelectboxColumn(
            column_col, options=list(words), required=True)},
    )
    return {h: words.get(c or skip, "") for h, c in zip(edited[header_col], edited[column_col],
                                                        strict=True)}


def _unknown_words(table: str, unknown: dict, preset: dict | None, frames: dict, names: dict,
                   number: int, lang: str) -> dict[str, dict[str, str]]:
    """One choice per word the data does not know; an unknown partner can be created."""
    values: dict[str, dict[str, str]] = {}
    if unknown:
        st.markdown(t("data.office.unknown", lang))
    for column, raws in unknown.items():
        known = _value_options(table, column, frames)
        preset_values = (preset or {}).get("values", {}).get(column, {})
        creates = column == "partner_id"
        for i, raw in enumerate(raws):
            opts = [office.NEW_PARTNER, "", *known] if creates else ["", *known]
            start = opts.index(preset_values[raw]) if preset_values.get(raw) in opts else 0
            pick = st.selectbox(
                f"{column_label(table, column, lang)}: «{raw}»", opts, index=start,
                key=f"office_value_{number}_{column}_{i}",
                format_func=lambda v, c=column, tb=table: (
                    t("data.office.new_partner", lang) if v == office.NEW_PARTNER
                    else "—" if not v else names["institutions"].get(v, v) if c == "institution_id"
                    else names["partners"].get(v, v) if c == "partner_id"
                    else enum_label(tb, c, v, lang)),
            )
            if pick:
                values.setdefault(column, {})[raw] = pick
    return values


def _new_partners(frame: pd.DataFrame, mapping: dict[str, str], created: list[str], number: int,
                  lang: str) -> tuple[pd.DataFrame, list[int]]:
    """The partners to create, as the editor checked them: name, type, country, city."""
    proposals = office.partner_proposals(frame, mapping, created)
    st.markdown(t("data.office.new_partners", lang))
    countries = _country_names(lang)
    country_words = {code: name for name, code in countries.items()}
    types = {enum_label("partners", "type", w, lang): w for w in PARTNER_TYPES}
    type_words = {w: label for label, w in types.items()}
    cols = {c: column_label("partners", c, lang) for c in ("name", "type", "country", "city")}
    shown = pd.DataFrame({
        cols["name"]: [p["name"] for p in proposals],
        cols["type"]: [type_words.get(guess_partner_type(p["name"]), "") for p in proposals],
        cols["country"]: [country_words.get(p["country"], "") for p in proposals],
        cols["city"]: [p["city"] for p in proposals],
    })
    edited = st.data_editor(
        shown, hide_index=True, width="stretch", key=f"office_partners_{number}",
        disabled=[cols["name"]],
        column_config={
            cols["type"]: st.column_config.SelectboxColumn(cols["type"], options=list(types)),
            cols["country"]: st.column_config.SelectboxColumn(cols["country"], options=list(countries)),
        },
    )
    rows = pd.DataFrame({
        "partner_id": [p["partner_id"] for p in proposals],
        "name": [p["name"] for p in proposals],
        "type": [types.get(v or "", "") for v in edited[cols["type"]]],
        "country": [countries.get(v or "", "") for v in edited[cols["country"]]],
        "city": [str(v or "").strip() for v in edited[cols["city"]]],
    })
    return rows, [int(p[ROW]) if p[ROW] else 1 for p in proposals]


def _constants(table: str, mapping: dict[str, str], store: Store, editor: str, names: dict,
               number: int, lang: str, saved: dict[str, str]) -> dict[str, str]:
    """Columns the same for every row of the sheet: the institution and the coded ones."""
    spec = TABLES[table]
    columns = [c.name for c in spec.columns
               if (c.kind == "ref" and c.ref == "institutions") or c.kind == "enum"]
    if not columns:
        return {}
    st.markdown(t("data.office.constants", lang))
    account = security.account(store, editor) or {}
    own = sorted(account.get("institutions", set())) if not account.get("is_admin") else []
    chosen = {}
    cells = st.columns(min(len(columns), 4))
    for i, column in enumerate(columns):
        col = spec.column(column)
        options = ["", *(names["institutions"] if column == "institution_id" else col.allowed)]
        start = options.index(saved[column]) if saved.get(column) in options else 0
        if not start and column == "institution_id" and column not in mapping.values() and len(own) == 1:
            start = options.index(own[0]) if own[0] in options else 0
        value = cells[i % len(cells)].selectbox(
            column_label(table, column, lang), options, index=start,
            key=f"office_const_{number}_{column}",
            format_func=lambda v, c=column: (
                t("data.office.from_sheet", lang) if not v
                else names["institutions"].get(v, v) if c == "institution_id"
                else enum_label(table, c, v, lang)))
        if value:
            chosen[column] = value
    return chosen


def _sheet(store: Store, editor: str, uploaded, number: int, sheet: str, frame: pd.DataFrame,
           frames: dict, names: dict, lang: str) -> list[office.SheetPart]:
    """One sheet's choices; the parts it adds (its table, and the partners it creates)."""
    saved = office.saved_mappings(store, frame)
    preset = saved[0] if saved else None
    if preset:
        st.caption(t("data.office.saved_found", lang, name=preset["name"]))
    guess = preset["table"] if preset else office.guess_table(frame)
    options = ["", *TABLE_ORDER]
    table = st.selectbox(t("data.office.table", lang), options, index=options.index(guess),
                         key=f"office_table_{number}",
                         format_func=lambda n: table_label(n, lang) if n else t("data.office.skip", lang))
    if not table:
        return []
    auto = (preset["mapping"] if preset and preset["table"] == table
            else office.auto_mapping(frame, table))
    mapping = _mapping_editor(frame, table, auto, number, lang)
    unknown = office.unknown_values(frame, table, mapping, frames)
    values = _unknown_words(table, unknown, preset, frames, names, number, lang)
    created = [raw for raw, v in values.get("partner_id", {}).items() if v == office.NEW_PARTNER]
    parts = []
    if created:
        partners, rows = _new_partners(frame, mapping, created, number, lang)
        values["partner_id"].update(zip(created, partners["partner_id"], strict=True))
        parts.append(office.SheetPart(sheet, "partners", partners, rows))
    constants = _constants(table, mapping, store, editor, names, number, lang,
                           (preset or {}).get("constants", {}) if (preset or {}).get("table") == table else {})
    cols = st.columns([3, 1], vertical_alignment="bottom")
    name = cols[0].text_input(t("data.office.mapping_name", lang),
                              value=preset["name"] if preset else Path(uploaded.name).stem,
                              key=f"office_name_{number}")
    if cols[1].button(t("data.office.save_mapping", lang), key=f"office_save_{number}"):
        office.save_mapping(store, name, frame, table, mapping, values, constants)
        st.success(t("data.office.mapping_saved", lang, name=name))
    mapped = office.with_constants(office.mapped_frame(frame, table, mapping, values, frames),
                                   constants)
    return [office.SheetPart(sheet, table, mapped, office.sheet_rows(frame)), *parts]


def _one_partner_each(parts: list[office.SheetPart]) -> list[office.SheetPart]:
    """A partner two sheets create is created once (by the first)."""
    seen: set[str] = set()
    out = []
    for part in parts:
        if part.table == "partners":
            keep = [i for i, pid in enumerate(part.frame["partner_id"]) if pid not in seen]
            seen.update(part.frame["partner_id"])
            part = office.SheetPart(part.sheet, part.table, part.frame.iloc[keep].reset_index(drop=True),
                                    [part.rows[i] for i in keep])
        out.append(part)
    return out


def office_section(store: Store, editor: str, current: int, lang: str) -> None:
    """Any .xlsx or .csv: pick each sheet's table, check the column mapping, map the words
    the data does not know once each, then the review (with corrections) and publish."""
    state = page_state()
    uploaded = st.file_uploader(t("data.office.label", lang), type=["xlsx", "csv"],
                                key=f"office_upload_{state.upload_nonce}",
                                help=t("data.office.help", lang))
    if uploaded is None:
        return
    cached = state.office_sheets
    if not cached or cached[0] != uploaded.file_id:
        try:
            cached = (uploaded.file_id, office.read_sheets(uploaded.name, uploaded.getvalue()))
        except UploadRejected as exc:
            st.error(t(f"data.upload.{exc.code}", lang, **exc.params))
            return
        state.office_sheets = cached
        state.office_fixes = {}
        state.office_round += 1
    sheets = cached[1]
    frames = version_frames(store.url, current)
    names = lookups(frames)
    parts: list[office.SheetPart] = []
    for number, (sheet, frame) in enumerate(sheets.items()):
        with st.expander(t("data.office.sheet", lang, sheet=sheet, rows=fmt.integer(len(frame), lang)), expanded=True):
            parts += _sheet(store, editor, uploaded, number, sheet, frame, frames, names, lang)
    if not parts:
        return
    parts = [office.with_corrections(p, state.office_fixes) for p in _one_partner_each(parts)]
    merged, origin = office.merged_parts(frames, parts)
    staging = store.new_staging()
    try:
        for table, frame in merged.items():
            frame.to_csv(staging / f"{table}.csv", index=False)
        dataset = load_dataset(staging)
        diffs = diff_datasets(store.active_path(), staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    refused = refused_in_review(store, editor, current, diffs)
    show_refused(refused, lang)
    problems = sorted(office.sheet_problems([*dataset.errors, *dataset.warnings], origin),
                      key=lambda p: (p.severity != "error", (p.params or {}).get("sheet", ""),
                                     p.row or 0))
    fixes = show_problems(dataset, lang, problems, fix_key=f"office_fix_{state.office_round}")
    if fixes and st.button(t("data.check.recheck", lang), key="office_recheck"):
        state.office_fixes = {**state.office_fixes, **fixes}
        state.office_round += 1
        st.rerun()
    changes = show_preview(diffs, lang, names=lookups(merged))
    check = {"dataset": dataset, "frames": merged, "expected": current, "name": uploaded.name,
             "diffs": diffs, "refused": refused}
    publish_section(store, check, editor, changes, lang, key="office")
