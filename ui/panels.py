"""Small streamlit panels every page uses: errors, empty states, tables with a CSV download."""

from __future__ import annotations

import html
import re

import pandas as pd
import streamlit as st

from i18n import fmt, t

QUALITY_PAGE = "views/quality.py"
# Tables: up to this many rows are shown whole; text longer than LONG_TEXT characters is
# cut at LONG_TEXT_PX pixels (a click on the cell shows it whole; the CSV has it all).
SHOW_ALL_ROWS = 30
ROW_PX = 35
LONG_TEXT = 40
LONG_TEXT_PX = 320
# A longer table shows its first rows only (the CSV has every row): 100k rows were many MB
# sent to the browser on every rerun, and no one scrolls them.
MAX_SHOWN_ROWS = 1_000


def escape_cell(value: object) -> object:
    """A text cell with an apostrophe before every part a spreadsheet would run as a formula.

    Not only the start: a ``;``-separated locale splits ``Hosp;=cmd`` into two cells, so
    every part after a separator is escaped too (``loaders.cells.csv_safe``).
    """
    from loaders.cells import csv_safe

    if isinstance(value, str):
        return csv_safe(value)
    return value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as UTF-8 CSV (with BOM, so Excel reads Cyrillic), formula cells escaped."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(escape_cell)
    safe.columns = [escape_cell(str(c)) for c in safe.columns]
    return safe.to_csv(index=False).encode("utf-8-sig")


def problem_text(problem, lang: str) -> str:
    """A loader problem in ``lang``; a country named in it is in that language too."""
    from i18n import fmt
    from places.countries import normalize_country

    params = dict(problem.params or {})
    if isinstance(params.get("country"), str):
        code = normalize_country(params["country"])
        if code:
            params["country"] = fmt.country(code, lang)
    key = f"problem.{problem.code}"
    text = t(key, lang, **params) if problem.code else key
    return problem.message if text == key else text


def problems_table(problems, lang: str) -> None:
    """Every problem as a row: severity, table (or file), row, column, value and message."""
    rows = [
        {
            t("data.col.severity", lang): t(f"data.severity.{p.severity}", lang),
            t("data.col.table", lang): p.table,
            t("data.col.row", lang): p.row,
            t("data.col.column", lang): p.column or "",
            t("data.col.value", lang): p.value,
            t("data.col.message", lang): problem_text(p, lang),
        }
        for p in problems
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def fatal_panel(message: str, lang: str, hint: bool = True) -> None:
    """One clear error panel when the dataset cannot be used at all (``hint``: how to fix
    a file; not for the data store, whose message says what to do)."""
    from ui.text import plain

    st.error(  # the message names files, sheets and cells from outside: shown as text
        f"**{t('common.fatal_title', lang)}**\n\n{plain(message)}"
        + (f"\n\n{t('common.fatal_hint', lang)}" if hint else ""),
        icon=":material/error:",
    )


def empty_state(lang: str, key: str = "common.empty") -> None:
    """A friendly message instead of an empty chart."""
    st.info(t(key, lang), icon=":material/filter_alt_off:")


def problems_notice(errors: int, warnings: int, lang: str) -> None:
    """A small notice that some rows are left out, linking to the data quality page."""
    if not errors:
        return
    cols = st.columns([4, 1])
    cols[0].caption(":material/warning: " + fmt.plural("common.rows_in_error", errors, lang, errors=fmt.integer(errors, lang),
                                                            warnings=fmt.plural("common.count.warnings", warnings, lang)))
    try:
        cols[1].page_link(QUALITY_PAGE, label=t("common.see_quality", lang), icon=":material/fact_check:")
    except Exception:  # noqa: BLE001 - the page list may not hold it (e.g. a bare test)
        pass


def table_with_download(
    frame: pd.DataFrame, file_stem: str, lang: str, *, key: str, height: int | None = None,
    column_config: dict | None = None,
) -> None:
    """Show a table and a CSV download of it.

    Short tables show every row (no scrolling inside the grid); a table longer than
    ``MAX_SHOWN_ROWS`` shows its first rows, with a caption (the CSV has every row). Long
    free-text columns (names, titles) get a fixed width so the columns after them stay in
    view. The CSV is written when the button is clicked, not on every rerun.
    """
    shown = frame if len(frame) <= MAX_SHOWN_ROWS else frame.head(MAX_SHOWN_ROWS)
    _table(shown, len(frame), lambda: csv_bytes(frame), file_stem, lang, key, height, column_config)


def display_table_with_download(
    frame: pd.DataFrame, columns, lang: str, *, file_stem: str, key: str, lookups: dict | None = None,
    height: int | None = None, column_config: dict | None = None, prepare=None,
) -> None:
    """``table_with_download(display_frame(frame, columns, lang, lookups=lookups), ...)``
    that formats only the rows shown (``display_frame`` is row by row): the CSV formats
    every row when its button is clicked (formatting every row each rerun was slow).
    ``prepare`` (rows -> rows, e.g. their documents added) runs on those rows too."""
    from ui.tables import display_frame

    prepare = prepare or (lambda rows: rows)
    head = frame if len(frame) <= MAX_SHOWN_ROWS else frame.head(MAX_SHOWN_ROWS)
    shown = display_frame(prepare(head), columns, lang, lookups=lookups)
    _table(shown, len(frame), lambda: csv_bytes(display_frame(prepare(frame), columns, lang, lookups=lookups)),
           file_stem, lang, key, height, column_config)


def show_table(
    ctx, frame: pd.DataFrame, specs=None, *, key: str, file_stem: str, hidden: tuple[str, ...] = (),
    height: int | None = None, column_config: dict | None = None, sources: str | None = None,
) -> None:
    """A page's table with its CSV download, in the page's language.

    ``specs`` (``ui.tables.columns``): the columns shown, headers and cells translated and
    written as the language writes them (only the rows shown are formatted; the CSV
    formats every row when its button is clicked). In presentation mode the columns that
    may name a person (``ui.tables.PRESENT_HIDDEN``, and ``hidden``) are left out.
    ``column_config`` is keyed by column name. ``sources``: the contract table the rows
    are of, to add each row's document and quote (``ui.documents.with_documents``) to the
    rows shown and, when the CSV is asked for, to every row. Without ``specs`` the frame
    is shown as it is (a table the page has already put in words)."""
    from ui.documents import with_documents
    from ui.tables import visible

    if specs is None:
        table_with_download(frame, file_stem, ctx.lang, key=key, height=height, column_config=column_config)
        return
    specs = visible(specs, ctx.presenting, hidden)
    headers = {name: t(header, ctx.lang) for name, header, _ in specs}
    config = {headers.get(name, name): value for name, value in (column_config or {}).items()}
    prepare = (lambda rows: with_documents(ctx, sources, rows)) if sources else None
    display_table_with_download(frame, specs, ctx.lang, lookups=ctx.lookups(), file_stem=file_stem, key=key,
                                height=height, column_config=config or None, prepare=prepare)


def _table(shown: pd.DataFrame, rows: int, csv_of, file_stem: str, lang: str, key: str,
           height: int | None, column_config: dict | None) -> None:
    """The grid of ``shown`` (the first of ``rows`` rows) and a deferred CSV download."""
    from i18n import fmt

    config = dict(column_config or {})
    shown = blank_missing_numbers(shown, lang, config)
    for column, values in shown.items():
        if column in config or not (values.dtype == object or pd.api.types.is_string_dtype(values)):
            continue
        if _longest_text(values) > LONG_TEXT:
            config[column] = st.column_config.TextColumn(column, width=LONG_TEXT_PX)
    if height is None and 0 < len(shown) <= SHOW_ALL_ROWS:
        height = ROW_PX * (len(shown) + 1) + 3
    st.dataframe(shown, hide_index=True, width="stretch", height=height or "auto", column_config=config or None)
    if len(shown) < rows:
        st.caption(t("common.table_head_shown", lang, shown=fmt.integer(len(shown), lang),
                     rows=fmt.integer(rows, lang)))
    st.download_button(
        t("common.download_csv", lang),
        data=csv_of,
        file_name=f"{_slug(file_stem)}.csv",
        mime="text/csv",
        key=f"dl-{key}",
        icon=":material/download:",
        on_click="ignore",
    )


def blank_missing_numbers(frame: pd.DataFrame, lang: str, config: dict | None = None) -> pd.DataFrame:
    """The grid writes "None" in an empty cell (Streamlit's grid, whatever the column
    type or a Styler says): an empty text cell is blank, and a number column with an
    empty cell is shown as the language writes its numbers, the empty cells blank,
    right-aligned (``config`` gets the column's TextColumn). A column without empty cells
    keeps its numbers (and sorts as numbers); the CSV is written from the frame itself."""
    from i18n import fmt

    out = None
    for column, values in frame.items():
        if not values.isna().any():
            continue
        if out is None:
            out = frame.copy()
        if not _numbers(values):  # text: an empty cell is blank
            if values.dtype == object or pd.api.types.is_string_dtype(values):
                out[column] = values.astype(object).where(values.notna(), "")
            continue
        known = values.dropna().astype(float)
        whole = bool(((known % 1) == 0).all())
        out[column] = ["" if pd.isna(v) else fmt.integer(v, lang) if whole else fmt.number(v, lang, 2)
                       for v in values.tolist()]
        if config is not None:
            config[column] = st.column_config.TextColumn(column, alignment="right")
    return frame if out is None else out


def _numbers(values: pd.Series) -> bool:
    """A column of numbers (numeric dtype, or objects that are all numbers or empty)."""
    if pd.api.types.is_bool_dtype(values):
        return False
    if pd.api.types.is_numeric_dtype(values):
        return True
    if values.dtype != object:
        return False
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values.dropna().tolist())


def _longest_text(values: pd.Series) -> int:
    """The length of the column's longest text (0 without any; other values count 0)."""
    return max((len(v) for v in values.tolist() if isinstance(v, str)), default=0)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-").lower() or "table"


def legend(items: list[tuple[str, str]], *, title: str = "", shape: str = "circle") -> None:
    """A row of coloured swatches with labels (for maps, which have no legend of their own)."""
    radius = "50%" if shape == "circle" else "3px"
    swatches = "".join(
        f'<span style="display:inline-flex;align-items:center;margin:0 18px 4px 0;">'
        f'<span style="width:14px;height:14px;border-radius:{radius};background:{html.escape(color)};'
        f'display:inline-block;margin-right:6px;border:1px solid #fff;box-shadow:0 0 0 1px #9aa3ad"></span>'
        f"{html.escape(label)}</span>"
        for label, color in items
    )
    prefix = f"<b style='margin-right:12px'>{html.escape(title)}</b>" if title else ""
    st.markdown(
        f"<div class='coop-legend' style='font-size:0.95rem;line-height:1.8'>{prefix}{swatches}</div>", unsafe_allow_html=True
    )
