"""Data page: download the template or the current data, upload, review, publish, undo."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import streamlit as st

from datastore.diff import diff_datasets, summary
from datastore.editors import LoginLimiter, check_login, load_editors, secrets_path
from datastore.store import PublishConflict, Store, StoreError, Version
from datastore.template import dataset_workbook, template_workbook
from datastore.upload import MB, Limits, UploadRejected, read_upload
from i18n import t
from loaders import load_dataset
from ui import ensure_navigation
from ui.data import current_dataset
from ui.panels import fatal_panel, problem_text
from ui.text import tt

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _lang() -> str:
    """The language chosen in the shared sidebar."""
    from ui import current_language

    return current_language()[0]


def _mtimes(path: Path) -> tuple:
    files = sorted(path.glob("*")) if path.is_dir() else [path]
    return tuple((f.name, f.stat().st_mtime_ns) for f in files if f.is_file())


@st.cache_data(show_spinner=False, max_entries=4)
def _template_bytes(lang: str) -> bytes:
    return template_workbook(lang)


@st.cache_data(show_spinner=False, max_entries=4)
def _current_bytes(path: str, lang: str, mtimes: tuple) -> bytes:
    return dataset_workbook(Path(path), lang)


def _when(created_at: str) -> str:
    """``2025-05-06T09:30:12+00:00`` -> ``2025-05-06 09:30 UTC``."""
    return f"{created_at[:10]} {created_at[11:16]} UTC" if len(created_at) >= 16 else created_at


def _problem_text(problem, lang: str) -> str:
    return problem_text(problem, lang)


# ---- sections ------------------------------------------------------------------------
def show_current(store: Store, lang: str) -> tuple[int | None, Path]:
    current, active = store.snapshot()
    if current is None:
        st.markdown(t("data.current.base", lang))
    else:
        version = store.version(current)
        st.markdown(  # editor name and note are typed by people: shown as text
            tt(
                "data.current.version",
                lang,
                number=current,
                when=_when(version.created_at),
                editor=version.editor,
                note=version.note or t("common.none", lang),
            )
        )
    left, right = st.columns(2)
    left.download_button(
        t("data.download.template", lang),
        data=_template_bytes(lang),
        file_name="cooperation_template.xlsx",
        mime=XLSX_MIME,
        key="data_dl_template",
    )
    right.download_button(
        t("data.download.current", lang),
        data=_current_bytes(str(active), lang, _mtimes(active)),
        file_name=f"cooperation_data_v{current or 0}.xlsx",
        mime=XLSX_MIME,
        key="data_dl_current",
    )
    return current, active


@st.cache_resource
def _name_limiters() -> dict[str, LoginLimiter]:
    return {}


def login(lang: str) -> str | None:
    """The logged-in editor's name, or None after showing the login form."""
    if st.session_state.get("data_editor"):
        name = st.session_state["data_editor"]
        cols = st.columns([4, 1])
        cols[0].caption(tt("data.login.as", lang, name=name))
        if cols[1].button(t("data.login.logout", lang), key="data_logout"):
            st.session_state.pop("data_editor")
            st.rerun()
        return name
    limiter = st.session_state.setdefault("data_limiter", LoginLimiter())
    with st.form("data_login"):
        st.markdown(t("data.login.title", lang))
        name = st.text_input(t("data.login.name", lang), key="data_login_name")
        password = st.text_input(
            t("data.login.password", lang), type="password", key="data_login_pw"
        )
        submitted = st.form_submit_button(t("data.login.submit", lang))
    if submitted:
        # Per session, and per name across sessions (a reload must not reset the count).
        name_limiter = _name_limiters().setdefault(
            name.strip().lower(), LoginLimiter(max_tries=20, base_lockout_s=60)
        )
        if name_limiter.seconds_left():
            st.error(t("data.login.locked", lang, seconds=name_limiter.seconds_left()))
            return None
        result = check_login(name, password, limiter)
        if result.code in ("wrong", "locked"):
            name_limiter.record_failure()
        if result.ok:
            st.session_state["data_editor"] = name.strip()
            st.rerun()
        elif result.code == "locked":
            st.error(t("data.login.locked", lang, seconds=result.seconds_left))
        else:
            st.error(t("data.login.wrong", lang))
    return None


def check_upload(store: Store, uploaded, current: int | None, active: Path) -> dict:
    """Read, validate and compare an upload once per file; the result stays in session."""
    check = st.session_state.get("data_check")
    if check and check["file_id"] == uploaded.file_id:
        return check
    _drop_check()
    staging = store.new_staging()
    check = {
        "file_id": uploaded.file_id,
        "name": uploaded.name,
        "staging": staging,
        "expected": current,
        "rejected": None,
        "dataset": None,
        "diffs": {},
    }
    try:
        read_upload(uploaded.name, uploaded.getvalue(), staging)
    except UploadRejected as exc:
        shutil.rmtree(staging, ignore_errors=True)
        check["staging"] = None
        check["rejected"] = exc
    else:
        check["dataset"] = load_dataset(staging)
        check["diffs"] = diff_datasets(active, staging)
    st.session_state["data_check"] = check
    return check


def _drop_check() -> None:
    old = st.session_state.pop("data_check", None)
    if old and old.get("staging") and Path(old["staging"]).exists():
        shutil.rmtree(old["staging"], ignore_errors=True)


def show_problems(dataset, lang: str) -> None:
    errors, warnings = dataset.errors, dataset.warnings
    if dataset.fatal:
        st.error(tt("data.check.fatal", lang, message=dataset.fatal_text(lang)))
        return
    if not dataset.problems:
        st.success(t("data.check.clean", lang))
        return
    summary_key = "data.check.has_errors" if errors else "data.check.only_warnings"
    (st.error if errors else st.warning)(
        t(summary_key, lang, errors=dataset.error_count, warnings=dataset.warning_count)
    )
    rows = [
        {
            t("data.col.severity", lang): t(f"data.severity.{p.severity}", lang),
            t("data.col.table", lang): p.table,
            t("data.col.row", lang): p.row,
            t("data.col.column", lang): p.column or "",
            t("data.col.value", lang): p.value,
            t("data.col.message", lang): _problem_text(p, lang),
        }
        for p in [*errors, *warnings]
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def show_preview(diffs: dict, lang: str) -> bool:
    """Per table: rows added, changed (with the fields), removed; True when anything changes."""
    st.subheader(t("data.preview.title", lang))
    changed_tables = {name: d for name, d in diffs.items() if d.has_changes}
    if not changed_tables:
        st.info(t("data.preview.none", lang))
        return False
    counts = summary(changed_tables)
    for name, diff in changed_tables.items():
        c = counts[name]
        label = t(
            "data.preview.table",
            lang,
            table=name,
            added=c["added"],
            changed=c["changed"],
            removed=c["removed"],
        )
        with st.expander(label, expanded=len(changed_tables) <= 3):
            if len(diff.added):
                st.markdown(t("data.preview.added", lang, count=c["added"]))
                st.dataframe(diff.added, width="stretch")
            if diff.changed:
                st.markdown(t("data.preview.changed", lang, count=c["changed"]))
                frame = diff.changed_frame().rename(
                    columns={
                        "key": t("data.col.key", lang),
                        "column": t("data.col.column", lang),
                        "old": t("data.col.old", lang),
                        "new": t("data.col.new", lang),
                    }
                )
                st.dataframe(frame, hide_index=True, width="stretch")
            if len(diff.removed):
                st.markdown(t("data.preview.removed", lang, count=c["removed"]))
                st.dataframe(diff.removed, width="stretch")
    return True


def publish_section(store: Store, check: dict, editor: str, has_changes: bool, lang: str) -> None:
    dataset = check["dataset"]
    blocked = bool(dataset.fatal or dataset.errors)
    if blocked:
        st.info(t("data.publish.blocked", lang))
    elif not has_changes:
        return
    note = st.text_input(t("data.publish.note", lang), key="data_note", disabled=blocked)
    if st.button(
        t("data.publish.button", lang), type="primary", disabled=blocked, key="data_publish"
    ):
        version = _write_to_store(
            lambda: store.publish(
                check["staging"],
                editor=editor,
                note=note,
                expected_current=check["expected"],
                source_name=check["name"],
                extra={
                    "problems": {"errors": 0, "warnings": dataset.warning_count},
                    "changes": summary(check["diffs"]),
                },
            ),
            lang,
            # Check the same file again against the version that won.
            drop_check_on_conflict=True,
        )
        if version is None:
            return
        st.session_state.pop("data_check", None)  # its staging folder is now the version
        _reset_uploader(t("data.publish.done", lang, number=version.number))
        st.rerun()


def _write_to_store(
    write: Callable[[], Version], lang: str, drop_check_on_conflict: bool
) -> Version | None:
    """Run a publish or rollback; on a conflict say why and rerun, on other errors show them.

    Returns the new version, or None when an error was shown.
    """
    try:
        return write()
    except PublishConflict as exc:
        if drop_check_on_conflict:
            _drop_check()
        st.session_state["data_flash"] = (
            "error",
            t("data.publish.conflict", lang, current=exc.current),
        )
        st.rerun()
    except StoreError as exc:
        st.error(tt(f"data.store.{exc.code}", lang, **exc.params))
        return None


def _reset_uploader(flash: str) -> None:
    st.session_state["data_flash"] = ("success", flash)
    st.session_state["data_upload_nonce"] = st.session_state.get("data_upload_nonce", 0) + 1


def show_history(store: Store, current: int | None, editor: str | None, lang: str) -> None:
    st.subheader(t("data.history.title", lang))
    versions = store.history()
    if not versions:
        st.caption(t("data.history.empty", lang))
        return
    rows = [
        {
            t("data.history.version", lang): v.number,
            t("data.history.when", lang): _when(v.created_at),
            t("data.history.editor", lang): v.editor,
            t("data.history.action", lang): t(
                f"data.history.action.{v.action}", lang, number=v.restored_from
            ),
            t("data.history.note", lang): v.note,
            t("data.history.current", lang): "✓" if v.number == current else "",
        }
        for v in versions
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    if editor is None:
        return
    choices = [v.number for v in versions if v.number != current]
    if not choices:
        return
    cols = st.columns([1, 2, 1], vertical_alignment="bottom")
    target = cols[0].selectbox(t("data.rollback.to", lang), choices, key="data_rollback_to")
    note = cols[1].text_input(t("data.rollback.note", lang), key="data_rollback_note")
    if cols[2].button(t("data.rollback.button", lang, number=target), key="data_rollback"):
        version = _write_to_store(
            lambda: store.rollback(target, editor=editor, note=note, expected_current=current),
            lang,
            drop_check_on_conflict=False,
        )
        if version is None:
            return
        _drop_check()
        _reset_uploader(t("data.rollback.done", lang, number=version.number, target=target))
        st.rerun()


# ---- the page --------------------------------------------------------------------------
ensure_navigation()  # a deep link to /data runs through dashboard.py
lang = _lang()
st.title(t("data.title", lang))
st.caption(t("data.caption", lang))
if flash := st.session_state.pop("data_flash", None):
    kind, text = flash
    (st.success if kind == "success" else st.error)(text)

store = Store()
current, active = show_current(store, lang)
shown = current_dataset()[0]  # what the other pages show: say so when it cannot be read
if shown.fatal:
    fatal_panel(shown.fatal_text(lang), lang)

st.subheader(t("data.upload.title", lang))
editor = None
if not load_editors():
    st.info(tt("data.editor.none", lang, path=str(secrets_path())))
    st.code("python -m loaders add-editor NAME", language="bash")
else:
    editor = login(lang)
    if editor:
        uploaded = st.file_uploader(
            t("data.upload.label", lang),
            type=["xlsx", "zip"],
            key=f"data_upload_{st.session_state.get('data_upload_nonce', 0)}",
            help=t("data.upload.help", lang),
            max_upload_size=max(1, round(Limits.from_env().max_upload_bytes / MB)),
        )
        if uploaded is None:
            _drop_check()
        else:
            with st.spinner(t("data.check.running", lang)):
                check = check_upload(store, uploaded, current, active)
            if check["rejected"] is not None:
                exc = check["rejected"]
                st.error(tt(f"data.upload.{exc.code}", lang, **exc.params))
            else:
                if check["expected"] != current:
                    st.warning(t("data.check.stale", lang, current=current))
                show_problems(check["dataset"], lang)
                changes = (
                    show_preview(check["diffs"], lang) if not check["dataset"].fatal else False
                )
                publish_section(store, check, editor, changes, lang)

show_history(store, current, editor, lang)
