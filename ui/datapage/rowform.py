"""The Data page's "Add or edit one row" tab: one row of one table in a form; each save
is a version, refused with the colleague's row when it changed since the form opened."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pycountry
import streamlit as st

from datastore import forms
from datastore.labels import column_label, enum_label, table_label
from datastore.store import Invalid, Refused, RowConflict, Store, StoreError
from i18n import fmt, t
from loaders.schema import TABLE_ORDER, TABLES
from ui.datapage.common import client, lookups, rows_text, version_frames
from ui.datapage.review import problem_message
from ui.datapage.state import drop_widget, page_state, set_widget, widget

NEW = "__new__"
PRECISIONS = ("none", "year", "month", "day")


@st.cache_data(show_spinner=False, max_entries=3)
def _countries(lang: str) -> list[str]:
    codes = [c.alpha_3 for c in pycountry.countries]
    return sorted(codes, key=lambda a3: fmt.country(a3, lang))


def _field_key(column: str) -> str:
    return f"edit_f_{column}"


def _row_key(table: str) -> str:
    return f"edit_row_{table}"


def _load_fields(table: str, cells: dict, columns: list[str]) -> dict[str, str]:
    """Put a row's values into the form's widgets (on choosing a row, after a save);
    returns what each field holds now, as the cell text it gives back."""
    opened = {}
    for column in columns:
        value = str(cells.get(column, "") or "")
        kind = TABLES[table].column(column).kind if column in TABLES[table].names else "text"
        key = _field_key(column)
        if kind == "date":
            precision, year, month, day = forms.split_date(value)
            set_widget(key + "_p", precision)
            set_widget(key + "_y", year or date.today().year)
            set_widget(key + "_m", month or 1)
            set_widget(key + "_t", value if precision == "text" else "")
            if day:
                set_widget(key + "_d", day)
            else:
                drop_widget(key + "_d")
            opened[column] = (value.strip() if precision == "text"
                              else forms.date_text(precision, year, month, day))
        elif kind == "refs":
            items = [v.strip() for v in value.split(";") if v.strip()]
            set_widget(key, items)
            opened[column] = "; ".join(items)
        else:
            set_widget(key, value)
            opened[column] = value.strip()
    return opened


def _field(table: str, column: str, names: dict, lang: str, error: str | None) -> str:
    """One form field; returns the cell text it holds."""
    spec = TABLES[table]
    col = spec.column(column) if column in spec.names else None
    kind = col.kind if col else "text"
    label = column_label(table, column, lang) + (" *" if col and col.required else "")
    help_text = (t(f"data.template.kind.{kind}", lang,
                   table=table_label(col.ref, lang) if col.ref else "") if col else None)
    key = _field_key(column)
    current = widget(key, "")
    if kind == "ref" and col.ref in names:
        ref_names = names[col.ref]
        options = ["", *ref_names] + ([current] if current and current not in ref_names else [])
        value = st.selectbox(label, options, key=key, help=help_text,
                             format_func=lambda v, n=ref_names: n.get(v, v) if v else "—")
    elif kind == "refs":
        partner_names = names["partners"]
        chosen = widget(key, [])
        options = list(dict.fromkeys([*partner_names, *chosen]))
        value = "; ".join(st.multiselect(label, options, key=key, help=help_text,
                                         format_func=lambda v, n=partner_names: n.get(v, v)))
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
    # "as typed" only for a stored value the form cannot read as a date: shown, and kept
    as_typed = ("text",) if widget(key + "_p") == "text" else ()
    precision = cols[0].selectbox(
        label, (*PRECISIONS, *as_typed), key=key + "_p",
        format_func=lambda p: t(f"data.edit.precision.{p}", lang),
    )
    if precision == "text":
        return cols[1].text_input(t("data.edit.as_typed", lang), key=key + "_t")
    year = month = day = None
    if precision in ("year", "month"):
        year = cols[1].number_input(t("data.edit.year", lang), 1950, 2100, step=1, key=key + "_y")
    if precision == "month":
        month = cols[2].selectbox(t("data.edit.month", lang), list(range(1, 13)), key=key + "_m",
                                  format_func=lambda m: fmt.month_name(m, lang))
    if precision == "day":
        day = cols[1].date_input(t("data.edit.day", lang), key=key + "_d", value=None,
                                 format="YYYY-MM-DD")
    return forms.date_text(precision, year, month, day)


def row_editor(store: Store, editor: str, current: int, lang: str) -> None:
    """Add, change or delete one row of one table; each save is a version."""
    state = page_state()
    frames = version_frames(store.url, current)
    names = lookups(frames)
    table = st.selectbox(t("data.edit.table", lang), TABLE_ORDER, key="edit_table",
                         format_func=lambda n: table_label(n, lang))
    spec = TABLES[table]
    frame = frames.get(table, pd.DataFrame(columns=spec.names))
    columns = list(dict.fromkeys([*spec.names, *frame.columns]))
    state.edit_known_ids = set(frame.index)
    titles = {rid: forms.row_title(table, frame.loc[rid].to_dict(), lang, names["partners"])
              for rid in frame.index}
    choice = st.selectbox(t("data.edit.row", lang), [NEW, *reversed(frame.index.tolist())],
                          key=_row_key(table),
                          format_func=lambda r: t("data.edit.new", lang) if r == NEW else titles.get(r, r))
    if state.edit_loaded is None or state.edit_loaded[:2] != (table, choice):
        if choice == NEW:
            cells = {spec.key: forms.new_id(table)} if spec.key else {}
        else:
            cells = frame.loc[choice].to_dict()
        state.edit_opened = _load_fields(table, cells, columns)
        state.edit_original = {c: str(cells.get(c, "") or "") for c in columns}
        state.edit_loaded = (table, choice, current)
        state.edit_errors = {}
        state.edit_conflict = None
    base = state.edit_loaded[2]
    errors = state.edit_errors
    if state.edit_conflict:
        _show_conflict(table, columns, state.edit_conflict, lang)
    shown = {column: _field(table, column, names, lang, errors.get(column)) for column in columns}
    cells = forms.kept_cells(state.edit_original, state.edit_opened, shown)
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
    state = page_state()
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
        table_, choice, _ = state.edit_loaded
        state.edit_loaded = (table_, choice, conflict["version"])
        state.edit_conflict = None
        st.rerun()
    if cols[1].button(t("data.edit.discard", lang), key="edit_discard"):
        state.edit_loaded = None
        state.edit_conflict = None
        if theirs is None:
            drop_widget(_row_key(table))
        st.rerun()


def _save(store, table, row_id, cells, editor, base, note, lang) -> None:
    state = page_state()
    try:
        version = store.save_row(table, row_id, cells, editor=editor, base_version=base,
                                 note=note, client=client())
    except Invalid as exc:
        mine, other = {}, []
        for p in exc.problems:
            ours = p.table == table and (p.params.get("row_id") == row_id or
                                         (row_id is None and p.params.get("row_id") not in
                                          state.edit_known_ids))
            text = problem_message(p, lang)
            if ours and p.column:
                mine.setdefault(p.column, text)
            else:
                column = column_label(p.table, p.column, lang) if p.column else ""
                other.append(f"{table_label(p.table, lang)}, {p.row}: {column} «{p.value}» — {text}")
        state.edit_errors = {**mine, "": other}
        st.rerun()
    except RowConflict as exc:
        state.edit_conflict = {"editor": exc.editor, "version": exc.version, "theirs": exc.theirs}
        st.rerun()
    except Refused as exc:
        state.edit_errors = {"": [t("data.store.refused", lang, rows=rows_text(exc.rows, lang))]}
        st.rerun()
    except StoreError as exc:
        state.edit_errors = {"": [t(f"data.store.{exc.code}", lang, **exc.params)]}
        st.rerun()
    state.edit_loaded = None
    state.edit_errors = {}
    if row_id is not None and cells is None:
        drop_widget(_row_key(table))
    state.flash = ("success", t("data.edit.saved", lang, number=version.number))
    st.rerun()
