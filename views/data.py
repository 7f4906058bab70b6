"""Data page: one-row edits, uploads with review, history, restore with a preview, audit."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pycountry
import streamlit as st

from datastore import forms, office, publications, security
from datastore.diff import diff_datasets, summary
from datastore.labels import column_label, enum_label, table_label
from datastore.store import (
    Invalid,
    PublishConflict,
    Refused,
    RowConflict,
    Store,
    StoreError,
    Version,
    frames_from_folder,
)
from datastore.template import dataset_workbook, template_workbook
from datastore.upload import MB, Limits, UploadRejected, read_upload
from i18n import fmt, t
from loaders import load_dataset
from loaders.schema import TABLE_ORDER, TABLES
from ui import active_dataset
from ui.panels import fatal_panel, problem_text, problems_table
from ui.publications import publications_section
from ui.text import tt

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NEW = "__new__"
PRECISIONS = ("none", "year", "month", "day")


def _lang() -> str:
    """The language chosen in the shared sidebar."""
    from ui import current_language

    return current_language()[0]


def _client() -> str:
    try:
        return str(st.context.ip_address or "")
    except Exception:  # noqa: BLE001 - no address outside a browser session
        return ""


def _mtimes(path: Path) -> tuple:
    files = sorted(path.glob("*")) if path.is_dir() else [path]
    return tuple((f.name, f.stat().st_mtime_ns) for f in files if f.is_file())


@st.cache_data(show_spinner=False, max_entries=4)
def _template_bytes(lang: str) -> bytes:
    return template_workbook(lang)


@st.cache_data(show_spinner=False, max_entries=4)
def _current_bytes(path: str, lang: str, mtimes: tuple) -> bytes:
    return dataset_workbook(Path(path), lang)


@st.cache_data(show_spinner=False, max_entries=8)
def _version_frames(url: str, number: int) -> dict[str, pd.DataFrame]:
    return Store(url=url).frames(number)


def _when(created_at: str) -> str:
    """``2025-05-06T09:30:12+00:00`` -> ``2025-05-06 09:30 UTC``."""
    return f"{created_at[:10]} {created_at[11:16]} UTC" if len(created_at) >= 16 else created_at


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
            # one element either way: an element that comes and goes above the tabs
            # would make Streamlit draw new tabs and jump back to the first one
            + "\n\n" + t("data.current.overrides", lang)
        )
    left, right = st.columns(2)
    left.download_button(
        t("data.download.template", lang), data=_template_bytes(lang),
        file_name="cooperation_template.xlsx", mime=XLSX_MIME, key="data_dl_template",
    )
    right.download_button(
        t("data.download.current", lang), data=_current_bytes(str(active), lang, _mtimes(active)),
        file_name=f"cooperation_data_v{current or 0}.xlsx", mime=XLSX_MIME, key="data_dl_current",
    )
    return current, active


def login(store: Store, lang: str) -> str | None:
    """The logged-in editor's name, or None after showing the login form.

    Wrong tries are counted in the store by name and by client address, so a new browser
    session, another app server or a cleared cache does not reset them.
    """
    if st.session_state.get("data_editor"):
        name = st.session_state["data_editor"]
        cols = st.columns([4, 1])
        cols[0].caption(tt("data.login.as", lang, name=name))
        if cols[1].button(t("data.login.logout", lang), key="data_logout"):
            st.session_state.pop("data_editor")
            st.rerun()
        return name
    with st.form("data_login"):
        st.markdown(t("data.login.title", lang))
        name = st.text_input(t("data.login.name", lang), key="data_login_name")
        password = st.text_input(t("data.login.password", lang), type="password",
                                 key="data_login_pw")
        submitted = st.form_submit_button(t("data.login.submit", lang))
    if submitted:
        result = security.login(store, name, password, _client())
        if result.ok:
            st.session_state["data_editor"] = name.strip()
            st.rerun()
        elif result.code == "locked":
            st.error(t("data.login.locked", lang, seconds=result.seconds_left))
        else:
            st.error(t("data.login.wrong", lang))
    return None


# ---- one-row edits ---------------------------------------------------------------------
def _lookups(frames: dict) -> dict[str, dict[str, str]]:
    institutions = frames.get("institutions", pd.DataFrame())
    partners = frames.get("partners", pd.DataFrame())
    return {
        "institutions": dict(zip(institutions.get("institution_id", []),
                                 institutions.get("short_name", []), strict=True)),
        "partners": dict(zip(partners.get("partner_id", []), partners.get("name", []),
                             strict=True)),
    }


@st.cache_data(show_spinner=False, max_entries=3)
def _countries(lang: str) -> list[str]:
    codes = [c.alpha_3 for c in pycountry.countries]
    return sorted(codes, key=lambda a3: fmt.country(a3, lang))


def _field_key(column: str) -> str:
    return f"edit_f_{column}"


def _load_fields(table: str, cells: dict, columns: list[str]) -> None:
    """Put a row's values into the form's widgets (on choosing a row, after a save)."""
    for column in columns:
        value = cells.get(column, "")
        kind = TABLES[table].column(column).kind if column in TABLES[table].names else "text"
        if kind == "date":
            precision, year, month, day = forms.split_date(value)
            if precision == "none" and value:
                precision = "text"
            st.session_state[_field_key(column) + "_p"] = precision if precision != "text" else "none"
            st.session_state[_field_key(column) + "_y"] = year or 2025
            st.session_state[_field_key(column) + "_m"] = month or 1
            if day:
                st.session_state[_field_key(column) + "_d"] = day
            else:
                st.session_state.pop(_field_key(column) + "_d", None)
        elif kind == "refs":
            st.session_state[_field_key(column)] = [v.strip() for v in value.split(";") if v.strip()]
        else:
            st.session_state[_field_key(column)] = value


def _field(table: str, column: str, lookups: dict, lang: str, error: str | None) -> str:
    """One form field; returns the cell text it holds."""
    spec = TABLES[table]
    col = spec.column(column) if column in spec.names else None
    kind = col.kind if col else "text"
    label = column_label(table, column, lang) + (" *" if col and col.required else "")
    help_text = t(f"data.template.kind.{kind}", lang, table=col.ref or "") if col else None
    key = _field_key(column)
    current = st.session_state.get(key, "")
    if kind == "ref" and col.ref in lookups:
        names = lookups[col.ref]
        options = ["", *names] + ([current] if current and current not in names else [])
        value = st.selectbox(label, options, key=key, help=help_text,
                             format_func=lambda v, n=names: n.get(v, v) if v else "—")
    elif kind == "refs":
        names = lookups["partners"]
        chosen = st.session_state.get(key, [])
        options = list(dict.fromkeys([*names, *chosen]))
        value = "; ".join(st.multiselect(label, options, key=key, help=help_text,
                                         format_func=lambda v, n=names: n.get(v, v)))
    elif kind == "country":
        codes = _countries(lang)
        options = ["", *codes] + ([current] if current and current not in codes else [])
        value = st.selectbox(label, options, key=key, help=help_text,
                             format_func=lambda v: fmt.country(v, lang))
    elif kind == "enum":
        options = ["", *col.allowed] + ([current] if current and current not in col.allowed else [])
        value = st.selectbox(label, options, key=key,
                             format_func=lambda v: enum_label(table, column, v, lang) if v else "—")
    elif kind == "date":
        value = _date_field(column, label, lang)
    else:
        value = st.text_input(label, key=key, help=help_text)
    if error:
        st.error(error)
    return str(value or "").strip()


def _date_field(column: str, label: str, lang: str) -> str:
    key = _field_key(column)
    cols = st.columns([2, 2, 2])
    precision = cols[0].selectbox(
        label, PRECISIONS, key=key + "_p",
        format_func=lambda p: t(f"data.edit.precision.{p}", lang),
    )
    year = month = day = None
    if precision in ("year", "month"):
        year = cols[1].number_input(t("data.edit.year", lang), 1950, 2100, step=1, key=key + "_y")
    if precision == "month":
        month = cols[2].selectbox(t("data.edit.month", lang), list(range(1, 13)), key=key + "_m")
    if precision == "day":
        day = cols[1].date_input(t("data.edit.day", lang), key=key + "_d", value=None,
                                 format="YYYY-MM-DD")
    return forms.date_text(precision, year, month, day)


def row_editor(store: Store, editor: str, current: int, lang: str) -> None:
    """Add, change or delete one row of one table; each save is a version."""
    frames = _version_frames(store.url, current)
    lookups = _lookups(frames)
    table = st.selectbox(t("data.edit.table", lang), TABLE_ORDER, key="edit_table",
                         format_func=lambda n: table_label(n, lang))
    spec = TABLES[table]
    frame = frames.get(table, pd.DataFrame(columns=spec.names))
    columns = list(dict.fromkeys([*spec.names, *frame.columns]))
    st.session_state["edit_known_ids"] = set(frame.index)
    titles = {rid: forms.row_title(table, frame.loc[rid].to_dict(), lang, lookups["partners"])
              for rid in frame.index}
    choice = st.selectbox(t("data.edit.row", lang), [NEW, *reversed(frame.index.tolist())],
                          key=f"edit_row_{table}",
                          format_func=lambda r: t("data.edit.new", lang) if r == NEW else titles.get(r, r))
    loaded = st.session_state.get("edit_loaded")
    if loaded is None or loaded[:2] != (table, choice):
        if choice == NEW:
            cells = {spec.key: forms.new_id(table)} if spec.key else {}
        else:
            cells = frame.loc[choice].to_dict()
        _load_fields(table, cells, columns)
        st.session_state["edit_loaded"] = (table, choice, current)
        st.session_state.pop("edit_errors", None)
        st.session_state.pop("edit_conflict", None)
    base = st.session_state["edit_loaded"][2]
    errors = st.session_state.get("edit_errors", {})
    if conflict := st.session_state.get("edit_conflict"):
        _show_conflict(table, columns, conflict, lang)
    cells = {}
    for column in columns:
        cells[column] = _field(table, column, lookups, lang, errors.get(column))
    for message in errors.get("", []):
        st.error(message)
    note = st.text_input(t("data.publish.note", lang), key="edit_note")
    cols = st.columns([1, 1, 2])
    if cols[0].button(t("data.edit.save", lang), type="primary", key="edit_save"):
        _save(store, table, None if choice == NEW else choice, cells, editor, base, note, lang)
    if choice != NEW:
        confirm = cols[2].checkbox(t("data.edit.delete_confirm", lang), key="edit_delete_ok")
        if cols[1].button(t("data.edit.delete", lang), key="edit_delete", disabled=not confirm):
            _save(store, table, choice, None, editor, base, note, lang)


def _show_conflict(table: str, columns: list[str], conflict: dict, lang: str) -> None:
    st.warning(t("data.edit.conflict", lang, editor=conflict["editor"], version=conflict["version"]))
    theirs = conflict["theirs"]
    if theirs is None:
        st.caption(t("data.edit.conflict_deleted", lang))
    else:
        shown = {column_label(table, c, lang): forms._show(table, c, theirs.get(c, ""), lang)
                 for c in columns if theirs.get(c, "")}
        st.dataframe(pd.DataFrame([shown]), hide_index=True, width="stretch")
    cols = st.columns(2)
    if cols[0].button(t("data.edit.redo", lang), key="edit_redo"):
        # Keep my values; saving again replaces their version of the row.
        table_, choice, _ = st.session_state["edit_loaded"]
        st.session_state["edit_loaded"] = (table_, choice, conflict["version"])
        st.session_state.pop("edit_conflict", None)
        st.rerun()
    if cols[1].button(t("data.edit.discard", lang), key="edit_discard"):
        st.session_state.pop("edit_loaded", None)
        st.session_state.pop("edit_conflict", None)
        if theirs is None:
            st.session_state.pop(f"edit_row_{table}", None)
        st.rerun()


def _save(store, table, row_id, cells, editor, base, note, lang) -> None:
    try:
        version = store.save_row(table, row_id, cells, editor=editor, base_version=base,
                                 note=note, client=_client())
    except Invalid as exc:
        mine, other = {}, []
        for p in exc.problems:
            ours = p.table == table and (p.params.get("row_id") == row_id or
                                         (row_id is None and p.params.get("row_id") not in
                                          st.session_state.get("edit_known_ids", ())))
            text = problem_text(p, lang)
            if ours and p.column:
                mine.setdefault(p.column, text)
            else:
                other.append(f"{table_label(p.table, lang)}, {p.row}: {p.column or ''} "
                             f"«{p.value}» — {text}")
        st.session_state["edit_errors"] = {**mine, "": other}
        st.rerun()
    except RowConflict as exc:
        st.session_state["edit_conflict"] = {"editor": exc.editor, "version": exc.version,
                                             "theirs": exc.theirs}
        st.rerun()
    except Refused as exc:
        st.session_state["edit_errors"] = {"": [t("data.store.refused", lang, rows=exc.params["rows"])]}
        st.rerun()
    except StoreError as exc:
        st.session_state["edit_errors"] = {"": [t(f"data.store.{exc.code}", lang, **exc.params)]}
        st.rerun()
    st.session_state.pop("edit_loaded", None)
    st.session_state.pop("edit_errors", None)
    if row_id is not None and cells is None:
        st.session_state.pop(f"edit_row_{table}", None)
    st.session_state["data_flash"] = ("success", t("data.edit.saved", lang, number=version.number))
    st.rerun()


# ---- uploads -------------------------------------------------------------------------------
def check_upload(store: Store, uploaded, current: int | None, active: Path) -> dict:
    """Read, validate and compare an upload once per file; only the tables stay in session.

    The staging folder is removed as soon as the file is read, whatever happened.
    """
    check = st.session_state.get("data_check")
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
    st.session_state["data_check"] = check
    return check


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
    problems_table([*errors, *warnings], lang)


def show_preview(diffs: dict, lang: str, title_key: str = "data.preview.title") -> bool:
    """Per table: rows added, changed (field by field), removed; True when anything changes."""
    st.subheader(t(title_key, lang))
    changed_tables = {name: d for name, d in diffs.items() if d.has_changes}
    if not changed_tables:
        st.info(t("data.preview.none", lang))
        return False
    counts = summary(changed_tables)
    for name, diff in changed_tables.items():
        c = counts[name]
        label = t("data.preview.table", lang, table=name, added=c["added"],
                  changed=c["changed"], removed=c["removed"])
        with st.expander(label, expanded=len(changed_tables) <= 3):
            if len(diff.added):
                st.markdown(t("data.preview.added", lang, count=c["added"]))
                st.dataframe(forms.readable_rows(name, diff.added, lang), width="stretch")
            if diff.changed:
                st.markdown(t("data.preview.changed", lang, count=c["changed"]))
                frame = forms.readable_changes(name, diff, lang).rename(columns={
                    "row": t("data.col.key", lang), "field": t("data.col.column", lang),
                    "old": t("data.col.old", lang), "new": t("data.col.new", lang)})
                st.dataframe(frame, hide_index=True, width="stretch")
            if len(diff.removed):
                st.markdown(t("data.preview.removed", lang, count=c["removed"]))
                st.dataframe(forms.readable_rows(name, diff.removed, lang), width="stretch")
    return True


def publish_section(store: Store, check: dict, editor: str, has_changes: bool, lang: str,
                    key: str = "data") -> None:
    dataset = check["dataset"]
    blocked = bool(dataset.fatal or dataset.errors)
    if blocked:
        st.info(t("data.publish.blocked", lang))
    elif not has_changes:
        return
    note = st.text_input(t("data.publish.note", lang), key=f"{key}_note", disabled=blocked)
    if st.button(t("data.publish.button", lang), type="primary", disabled=blocked,
                 key=f"{key}_publish"):
        version = _write_to_store(
            lambda: store.publish(
                check["frames"], editor=editor, note=note, expected_current=check["expected"],
                source_name=check["name"], client=_client(),
                extra={"problems": {"errors": 0, "warnings": dataset.warning_count}},
            ),
            lang,
        )
        if version is None:
            return
        st.session_state.pop("data_check", None)
        st.session_state.pop("office_sheets", None)
        _reset_uploader(t("data.publish.done", lang, number=version.number))
        st.rerun()


def _write_to_store(write: Callable[[], Version], lang: str) -> Version | None:
    """Run a publish or restore; on a conflict say why and rerun, on other errors show them."""
    try:
        return write()
    except PublishConflict as exc:
        st.session_state.pop("data_check", None)  # check the same file again
        st.session_state["data_flash"] = ("error", t("data.publish.conflict", lang,
                                                     current=exc.current))
        st.rerun()
    except Refused as exc:
        st.error(t("data.store.refused", lang, rows=exc.params["rows"]))
    except Invalid as exc:
        st.error(t("data.store.invalid", lang, count=exc.params["count"]))
    except StoreError as exc:
        st.error(tt(f"data.store.{exc.code}", lang, **exc.params))
    return None


def _reset_uploader(flash: str) -> None:
    st.session_state["data_flash"] = ("success", flash)
    st.session_state["data_upload_nonce"] = st.session_state.get("data_upload_nonce", 0) + 1


def upload_section(store: Store, editor: str, current: int | None, active: Path, lang: str) -> None:
    uploaded = st.file_uploader(
        t("data.upload.label", lang), type=["xlsx", "zip"],
        key=f"data_upload_{st.session_state.get('data_upload_nonce', 0)}",
        help=t("data.upload.help", lang),
        max_upload_size=max(1, round(Limits.from_env().max_upload_bytes / MB)),
    )
    if uploaded is None:
        st.session_state.pop("data_check", None)
        return
    with st.spinner(t("data.check.running", lang)):
        check = check_upload(store, uploaded, current, active)
    if check["rejected"] is not None:
        exc = check["rejected"]
        st.error(t(f"data.upload.{exc.code}", lang, **exc.params))
        return
    if check["expected"] != current:
        st.warning(t("data.check.stale", lang, current=current))
    show_problems(check["dataset"], lang)
    changes = show_preview(check["diffs"], lang) if not check["dataset"].fatal else False
    publish_section(store, check, editor, changes, lang)


# ---- the office's own spreadsheets ------------------------------------------------------------
def _value_options(table: str, column: str, frames: dict) -> list[str]:
    if column == "institution_id":
        return list(frames.get("institutions", pd.DataFrame()).get("institution_id", []))
    if column == "partner_id":
        return list(frames.get("partners", pd.DataFrame()).get("partner_id", []))
    return list(TABLES[table].column(column).allowed)


def office_section(store: Store, editor: str, current: int, lang: str) -> None:
    """Any .xlsx or .csv: pick each sheet's table, check the column mapping, map the words
    the data does not know once each, then the usual review and publish."""
    nonce = st.session_state.get("data_upload_nonce", 0)
    uploaded = st.file_uploader(t("data.office.label", lang), type=["xlsx", "csv"],
                                key=f"office_upload_{nonce}", help=t("data.office.help", lang))
    if uploaded is None:
        return
    cached = st.session_state.get("office_sheets")
    if not cached or cached[0] != uploaded.file_id:
        try:
            cached = (uploaded.file_id, office.read_sheets(uploaded.name, uploaded.getvalue()))
        except UploadRejected as exc:
            st.error(t(f"data.upload.{exc.code}", lang, **exc.params))
            return
        st.session_state["office_sheets"] = cached
    sheets = cached[1]
    frames = _version_frames(store.url, current)
    lookups = _lookups(frames)
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
                            "—" if not v else lookups["institutions"].get(v, v) if c == "institution_id"
                            else lookups["partners"].get(v, v) if c == "partner_id"
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


# ---- history and restore ---------------------------------------------------------------------
def _counts_text(counts: dict, lang: str) -> str:
    parts = []
    for name in TABLE_ORDER:
        c = counts.get(name)
        if c and any(c.values()):
            parts.append(t("data.history.counts", lang, table=table_label(name, lang),
                           added=c["added"], changed=c["changed"], removed=c["removed"]))
    return "; ".join(parts)


def _exports_text(extra: dict, lang: str) -> str:
    """What a ``publications`` version changed: the export files kept or removed."""
    change = extra.get("publications") or {}
    parts = [tt("data.pubs.history_added", lang, names=", ".join(change["added"]))] if change.get("added") else []
    if change.get("removed"):
        parts.append(tt("data.pubs.history_removed", lang, names=", ".join(change["removed"])))
    return "; ".join(parts)


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
            t("data.history.action", lang): t(f"data.history.action.{v.action}", lang,
                                              number=v.restored_from),
            t("data.history.note", lang): v.note,
            t("data.history.changes", lang): "; ".join(
                part for part in (_counts_text(v.counts, lang), _exports_text(v.extra, lang)) if part),
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
    if cols[2].button(t("data.rollback.preview", lang, number=target), key="data_rollback_preview"):
        st.session_state["data_restore"] = (target, current)
    pending = st.session_state.get("data_restore")
    if not pending or pending != (target, current):
        return
    diffs = store.diff(current, target)
    before = {name: len(f) for name, f in store.frames(current).items()}
    st.markdown(t("data.rollback.summary", lang, number=target,
                  summary=forms.restore_summary(diffs, before, lang) or t("common.none", lang)))
    show_preview(diffs, lang, title_key="data.rollback.preview_title")
    back, gone = publications.rollback_change(store, current, target)
    if back or gone:  # the publication exports follow the version too
        st.markdown(tt("data.rollback.exports", lang, back=", ".join(k.name for k in back) or "—",
                       gone=", ".join(k.name for k in gone) or "—"))
    ok, cancel = st.columns(2)
    if ok.button(t("data.rollback.button", lang, number=target), type="primary",
                 key="data_rollback"):
        version = _write_to_store(
            lambda: store.rollback(target, editor=editor, note=note, expected_current=current,
                                   client=_client()),
            lang,
        )
        st.session_state.pop("data_restore", None)
        if version is None:
            return
        st.session_state.pop("data_check", None)
        st.session_state.pop("edit_loaded", None)
        _reset_uploader(t("data.rollback.done", lang, number=version.number, target=target))
        st.rerun()
    if cancel.button(t("data.rollback.cancel", lang), key="data_rollback_cancel"):
        st.session_state.pop("data_restore", None)
        st.rerun()


def show_audit(store: Store, lang: str) -> None:
    with st.expander(t("data.audit.title", lang)):
        entries = security.audit_log(store, limit=300)
        rows = [{t("data.audit.at", lang): _when(e["at"]), t("data.audit.event", lang):
                 t(f"data.audit.event.{e['event']}", lang), t("data.audit.editor", lang): e["editor"],
                 t("data.audit.client", lang): e["client"],
                 t("data.audit.detail", lang): ", ".join(f"{k}: {v}" for k, v in e["detail"].items())}
                for e in entries]
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


# ---- the page --------------------------------------------------------------------------
lang = _lang()
st.title(t("data.title", lang))
st.caption(t("data.caption", lang))
# Always one element here, message or not: the tabs below keep their place, so the tab
# the editor worked in stays open after a save reruns the page.
flash_slot = st.empty()
if flash := st.session_state.pop("data_flash", None):
    kind, text = flash
    (flash_slot.success if kind == "success" else flash_slot.error)(text)

store = Store()
current, active = show_current(store, lang)
shown = active_dataset()  # what the other pages show: say so when it cannot be read
if shown.fatal:
    fatal_panel(shown.fatal_text(lang), lang)

editor = None
if not security.editors_configured(store):
    st.info(t("data.editor.none", lang))
    st.code("python -m datastore add-editor NAME --admin", language="bash")
else:
    editor = login(store, lang)
    if editor:
        edit_tab, upload_tab, office_tab, pubs_tab = st.tabs(
            [t("data.tab.edit", lang), t("data.tab.upload", lang), t("data.tab.office", lang),
             t("data.tab.publications", lang)])
        with edit_tab:
            if current is None:
                try:
                    current = store.seed()
                except StoreError as exc:
                    st.error(t("data.store.unreadable", lang, detail=exc.params.get("detail", "")))
            if current is not None:
                row_editor(store, editor, current, lang)
        with upload_tab:
            upload_section(store, editor, current, store.active_path(), lang)
        if current is not None:
            with office_tab:
                office_section(store, editor, current, lang)
        with pubs_tab:
            institutions = shown.tables["institutions"] if not shown.fatal else pd.DataFrame()
            publications_section(store, editor, current, dict(zip(
                institutions.get("institution_id", []), institutions.get("name", []), strict=True)),
                lang, client=_client())

show_history(store, current, editor, lang)
if editor and (security.account(store, editor) or {}).get("is_admin"):
    show_audit(store, lang)
