"""The Data page's "Upload a file" tab: a filled template workbook or a zip of CSV files,
checked, merged with the version shown (only what the file changed since the version it
was exported from; conflicts side by side), then published."""

from __future__ import annotations

import shutil
from pathlib import Path

import streamlit as st

from datastore import office
from datastore.diff import diff_datasets
from datastore.merge import plan_diffs
from datastore.review import refused_in_review
from datastore.store import Store, StoreError, frames_from_folder
from datastore.upload import MB, Limits, UploadRejected, read_upload
from i18n import t
from loaders import load_dataset
from loaders.read import ROW, FatalRead, read_dataset
from ui.datapage.common import lookups, version_frames
from ui.datapage.merge import merge_section
from ui.datapage.review import publish_section, show_preview, show_problems, show_refused
from ui.datapage.state import page_state


def check_upload(store: Store, uploaded, current: int | None, active: Path) -> dict:
    """Read, validate and compare an upload once per file; only the tables stay in session.

    The staging folder is removed as soon as the file is read, whatever happened.
    """
    state = page_state()
    check = state.check
    if check and check["file_id"] == uploaded.file_id:
        return check
    check = {"file_id": uploaded.file_id, "name": uploaded.name, "expected": current,
             "rejected": None, "dataset": None, "frames": None, "base": None}
    staging = store.new_staging()
    try:
        read_upload(uploaded.name, uploaded.getvalue(), staging)
        check["dataset"] = load_dataset(staging)
        if not check["dataset"].fatal:
            check["frames"] = frames_from_folder(staging)[0]
            check["rows"] = _file_rows(staging)
            check["base"] = store.base_of(staging)  # the version the file was exported from
    except UploadRejected as exc:
        check["rejected"] = exc
    except StoreError as exc:
        check["rejected"] = UploadRejected("corrupt")
        check["rejected"].detail = str(exc)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    state.check = check
    return check


def _file_rows(staging: Path) -> dict[str, list[int]]:
    """Per table, each row's number in the uploaded file (as the problems name them)."""
    try:
        raw = read_dataset(staging)
    except FatalRead:
        return {}
    return {table: [int(r) for r in frame[ROW]] for table, frame in raw.items()}


def recheck(store: Store, check: dict, fixes: dict[tuple[str, int, str], str],
            active: Path) -> dict:
    """The check again with the cells corrected in the review: {(table, row, column): text}
    (rows numbered as in the file, and still so in the new problems)."""
    rows = check.get("rows") or {}
    frames = {table: frame.copy() for table, frame in check["frames"].items()}
    for (table, row, column), value in fixes.items():
        frame = frames.get(table)
        if frame is not None and row in rows.get(table, []) and column in frame.columns:
            frame.iloc[rows[table].index(row), frame.columns.get_loc(column)] = value
    staging = store.new_staging()
    try:
        for table, frame in frames.items():
            frame.to_csv(staging / f"{table}.csv", index=False)
        dataset = load_dataset(staging)
        diffs = diff_datasets(active, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    origin = {(table, i + 2): ("", row) for table, numbers in rows.items()
              for i, row in enumerate(numbers)}
    problems = office.sheet_problems([*dataset.errors, *dataset.warnings], origin)
    checked = {**check, "dataset": dataset, "diffs": diffs, "frames": frames,
               "problems": problems, "fixes": {**check.get("fixes", {}), **fixes},
               "round": check.get("round", 0) + 1}  # a fresh corrections table
    checked.pop("refused", None)
    checked.pop("refused_for", None)
    return checked


def upload_section(store: Store, editor: str, current: int | None, active: Path, lang: str) -> None:
    state = page_state()
    uploaded = st.file_uploader(
        t("data.upload.label", lang), type=["xlsx", "zip"],
        key=f"data_upload_{state.upload_nonce}",
        help=t("data.upload.help", lang),
        max_upload_size=max(1, round(Limits.from_env().max_upload_bytes / MB)),
    )
    if uploaded is None:
        state.check = None
        return
    with st.spinner(t("data.check.running", lang)):
        check = check_upload(store, uploaded, current, active)
    if check["rejected"] is not None:
        exc = check["rejected"]
        st.error(t(f"data.upload.{exc.code}", lang, **exc.params))
        return
    if check["expected"] != current:
        st.warning(t("data.check.stale", lang, current=current))
    fix_key = f"data_fix_{check['file_id']}_{check.get('round', 0)}" if check.get("rows") else None
    fixes = show_problems(check["dataset"], lang, check.get("problems"), fix_key=fix_key)
    if fixes and st.button(t("data.check.recheck", lang), key="data_recheck"):
        with st.spinner(t("data.check.running", lang)):
            state.check = recheck(store, check, fixes, active)
        st.rerun()
    if check["dataset"].fatal:
        publish_section(store, check, editor, False, lang)
        return
    choice = merge_section(store, check, lang)  # what the file changed, not what it lacks
    diffs = plan_diffs(choice.plan)
    # asked once per choice: may this editor change the rows the merge writes?
    asked = (tuple(sorted(choice.resolve.items())), tuple(choice.replace))
    if check.get("refused_for") != asked:
        check["refused"] = refused_in_review(store, editor, current, diffs)
        check["refused_for"] = asked
    show_refused(check["refused"], lang)
    frames = check["frames"] or (version_frames(store.url, current) if current else {})
    changes = show_preview(diffs, lang, names=lookups(frames))
    publish_section(store, check, editor, changes, lang, choice=choice)
