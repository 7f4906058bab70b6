"""The Data page's "The office's own file" tab: any .xlsx or .csv; each sheet gets a
table, its headers a column each, the words the data does not know a value each (saved
for next time), then the usual review and publish."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import streamlit as st

from datastore import office
from datastore.diff import diff_datasets
from datastore.labels import column_label, enum_label, table_label
from datastore.store import Store
from datastore.upload import UploadRejected
from i18n import t
from loaders import load_dataset
from loaders.schema import TABLE_ORDER, TABLES
from ui.datapage.common import lookups, version_frames
from ui.datapage.review import publish_section, show_preview, show_problems
from ui.datapage.state import page_state


def _value_options(table: str, column: str, frames: dict) -> list[str]:
    if column == "institution_id":
        return list(frames.get("institutions", pd.DataFrame()).get("institution_id", []))
    if column == "partner_id":
        return list(frames.get("partners", pd.DataFrame()).get("partner_id", []))
    return list(TABLES[table].column(column).allowed)


def office_section(store: Store, editor: str, current: int, lang: str) -> None:
    """Any .xlsx or .csv: pick each sheet's table, check the column mapping, map the words
    the data does not know once each, then the usual review and publish."""
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
    sheets = cached[1]
    frames = version_frames(store.url, current)
    names = lookups(frames)
    chosen = []
    for number, (sheet, frame) in enumerate(sheets.items()):
        with st.expander(t("data.office.sheet", lang, sheet=sheet, rows=len(frame)), expanded=True):
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
                continue
            auto = (preset["mapping"] if preset and preset["table"] == table
                    else office.auto_mapping(frame, table))
            header_col, column_col = t("data.office.header", lang), t("data.office.column", lang)
            editor_frame = pd.DataFrame({header_col: list(auto), column_col: list(auto.values())})
            edited = st.data_editor(
                editor_frame, hide_index=True, width="stretch", key=f"office_map_{number}_{table}",
                disabled=[header_col],
                column_config={column_col: st.column_config.SelectboxColumn(
                    column_col, options=["", *TABLES[table].names])},
            )
            mapping = {h: (c or "") for h, c in zip(edited[header_col], edited[column_col], strict=True)}
            unknown = office.unknown_values(frame, table, mapping, frames)
            values: dict[str, dict[str, str]] = {}
            if unknown:
                st.markdown(t("data.office.unknown", lang))
            for column, raws in unknown.items():
                known = _value_options(table, column, frames)
                preset_values = (preset or {}).get("values", {}).get(column, {})
                for i, raw in enumerate(raws):
                    opts = ["", *known]
                    start = opts.index(preset_values[raw]) if preset_values.get(raw) in opts else 0
                    pick = st.selectbox(
                        f"{column_label(table, column, lang)}: «{raw}»", opts, index=start,
                        key=f"office_value_{number}_{column}_{i}",
                        format_func=lambda v, c=column, tb=table: (
                            "—" if not v else names["institutions"].get(v, v) if c == "institution_id"
                            else names["partners"].get(v, v) if c == "partner_id"
                            else enum_label(tb, c, v, lang)),
                    )
                    if pick:
                        values.setdefault(column, {})[raw] = pick
            cols = st.columns([3, 1], vertical_alignment="bottom")
            name = cols[0].text_input(t("data.office.mapping_name", lang),
                                      value=preset["name"] if preset else Path(uploaded.name).stem,
                                      key=f"office_name_{number}")
            if cols[1].button(t("data.office.save_mapping", lang), key=f"office_save_{number}"):
                office.save_mapping(store, name, frame, table, mapping, values)
                st.success(t("data.office.mapping_saved", lang, name=name))
            chosen.append((table, office.mapped_frame(frame, table, mapping, values, frames)))
    if not chosen:
        return
    by_table: dict[str, list[pd.DataFrame]] = {}
    for table, mapped in chosen:
        by_table.setdefault(table, []).append(mapped)
    merged = office.merged_tables(
        frames, {tb: pd.concat(parts, ignore_index=True) for tb, parts in by_table.items()})
    staging = store.new_staging()
    try:
        for table, frame in merged.items():
            frame.to_csv(staging / f"{table}.csv", index=False)
        dataset = load_dataset(staging)
        diffs = diff_datasets(store.active_path(), staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    show_problems(dataset, lang)
    changes = show_preview(diffs, lang)
    check = {"dataset": dataset, "frames": merged, "expected": current, "name": uploaded.name,
             "diffs": diffs}
    publish_section(store, check, editor, changes, lang, key="office")
