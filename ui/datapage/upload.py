"""The Data page's "Upload a file" tab: a filled template workbook or a zip of CSV files,
checked and compared with the version shown, then published."""

from __future__ import annotations

import shutil
from pathlib import Path

import streamlit as st

from datastore.diff import diff_datasets
from datastore.review import refused_in_review
from datastore.store import Store, StoreError, frames_from_folder
from datastore.upload import MB, Limits, UploadRejected, read_upload
from i18n import t
from loaders import load_dataset
from ui.datapage.common import lookups, version_frames
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
             "rejected": None, "dataset": None, "diffs": {}, "frames": None}
    staging = store.new_staging()
    try:
        read_upload(uploaded.name, uploaded.getvalue(), staging)
        check["dataset"] = load_dataset(staging)
        check["diffs"] = diff_datasets(active, staging)
        if not check["dataset"].fatal:
            check["frames"] = frames_from_folder(staging)[0]
    except UploadRejected as exc:
        check["rejected"] = exc
    except StoreError as exc:
        check["rejected"] = UploadRejected("corrupt")
        check["rejected"].detail = str(exc)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    state.check = check
    return check


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
    if "refused" not in check:  # asked once per file: may this editor change these rows?
        check["refused"] = refused_in_review(store, editor, current, check["diffs"])
    show_refused(check["refused"], lang)
    show_problems(check["dataset"], lang)
    frames = check["frames"] or (version_frames(store.url, current) if current else {})
    names = lookups(frames)
    changes = (show_preview(check["diffs"], lang, names=names)
               if not check["dataset"].fatal else False)
    publish_section(store, check, editor, changes, lang)
