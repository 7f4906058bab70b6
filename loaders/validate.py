"""Parse every column of the raw tables by its contract type and check the rules.

The result is a :class:`Dataset`: clean tables with the rows in error left out, and every
problem found (errors first, then warnings, each in table and row order). Work is done a
column at a time (see ``loaders.types``); only the rows with a problem are visited one by
one, to build their :class:`Problem`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from core.missing import is_missing
from i18n import t
from loaders import cells, geo
from loaders import types as vt
from loaders.documents import document_path, safe_document_name
from loaders.read import READ_PROBLEMS, ROW, UNNAMED, FatalRead, read_dataset
from loaders.schema import DERIVED, TABLE_ORDER, TABLES, Dataset, Problem, Table
from loaders.words import enum_label_index
from metrics.documents import (
    ATTACHABLE_TABLES,
    PUBLIC_DOCUMENT_KINDS,
    SOURCE_TABLES,
    DocumentIndex,
    cited,
)
from metrics.rules import status_contradictions
from places.countries import country_name, normalize_country

PRECISIONS = ("day", "month", "year")
OPEN_ENDED = "open_ended"  # expires_on_precision of an agreement written open-ended (docs/data-contract.md)
# At most this many problems of one code are kept per table (the rest are counted), so an
# all-error file of millions of rows cannot fill the memory with messages.
MAX_PROBLEMS_PER_KIND = 1000
_NUMERIC_KINDS = {"int", "amount", "float", "year"}
# The dearest currency unit credible as a rate (an ounce of gold, XAU, is a few thousand
# USD): with amounts at most 10^15, every converted amount stays below 10^20 USD.
MAX_USD_PER_UNIT = 100_000
# Problems about a cell as the file holds it: the only problem reported on that cell.
_CELL_CODES = {"cell_too_long", "damaged_cell", "formula_no_value"}


def empty_tables() -> dict[str, pd.DataFrame]:
    """Every table with its clean columns and no rows."""
    return {name: _empty_frame(name) for name in TABLE_ORDER}


def _clean_columns(name: str) -> list[str]:
    """Contract columns with the derived ones placed beside the column they describe."""
    out: list[str] = []
    for col in TABLES[name].columns:
        out.append(col.name)
        if col.kind == "date":
            out.append(f"{col.name}_precision")
        if col.name == "lon" and name in ("institutions", "partners"):
            out.extend(["geo_precision", "geo_note"])
        if col.kind == "academic_year":
            out.append(_year_start_column(col.name))
    missing = [c for c in DERIVED[name] if c not in out]
    return out + missing


def _year_start_column(column: str) -> str:
    """The derived column holding an academic year's first calendar year."""
    return "year_start" if column == "academic_year" else f"{column}_start"


def _dtype_of(name: str, column: str):
    table = TABLES[name]
    kind = table.column(column).kind if column in table.names else None
    if kind in ("list", "refs"):
        return object
    if kind in ("float", "amount"):
        return float
    if kind == "int":
        return "Int64"
    if kind == "year" or column == "year_start":
        return "int64"
    if column.endswith("_year_start"):
        return "Int64"  # an optional academic year (agreement_terms.last_year) may be empty
    if kind == "date":
        return "datetime64[ns]"
    if kind == "bool":
        return object
    if column.endswith("_precision") and column != "geo_precision":
        return object
    return str


def _empty_frame(name: str) -> pd.DataFrame:
    cols = _clean_columns(name) + [ROW]
    return pd.DataFrame({c: pd.Series(dtype=_dtype_of(name, c) if c != ROW else "int64")
                         for c in cols})


def load_dataset(path: str | Path) -> Dataset:
    """Read, parse and validate the dataset at ``path``; never raises for bad data."""
    try:
        raw = read_dataset(path)
    except FatalRead as exc:
        parts = [(exc.key, exc.params)] if exc.key else []
        return Dataset(empty_tables(), [], str(exc), str(path), parts)
    missing, parts = [], []
    for name, frame in raw.items():
        need = [c.name for c in TABLES[name].columns if c.column_required]
        absent = [c for c in need if c not in frame.columns]
        if absent:
            missing.append(t("problem.fatal_missing_column", "en", table=name,
                             columns=", ".join(absent)))
            parts.append(("problem.fatal_missing_column", {"table": name, "columns": ", ".join(absent)}))
    if missing:
        return Dataset(empty_tables(), [], " ".join(missing), str(path), parts)
    # A workbook's documents/ folder is the one beside it.
    checker = _Checker(raw, Path(path) if Path(path).is_dir() else Path(path).parent)
    checker.run()
    return Dataset(checker.clean, checker.sorted_problems(), None, str(path),
                   omitted=checker.omitted)


class _TableCheck:
    """One table being parsed: its raw cells, parsed columns and per-row error mask."""

    def __init__(self, name: str, raw: pd.DataFrame | None, problems: list[Problem],
                 omitted: dict | None = None):
        self.name = name
        self.omitted = {} if omitted is None else omitted
        self.read_problems = list(raw.attrs.get(READ_PROBLEMS, [])) if raw is not None else []
        self.table: Table = TABLES[name]
        if raw is None:
            raw = pd.DataFrame({c: pd.Series(dtype=str) for c in self.table.names + [ROW]})
            raw[ROW] = raw[ROW].astype("int64")
        for col in self.table.names:
            if col not in raw.columns:
                raw[col] = ""
        self.raw = raw
        self.rows = raw[ROW].to_numpy()
        self.n = len(raw)
        self.error = np.zeros(self.n, dtype=bool)
        self.repeated = np.zeros(self.n, dtype=bool)  # exact copies of an earlier row: left out
        self.values: dict[str, pd.Series] = {}
        self.problems = problems
        self._kept: dict[tuple, int] = {}
        self._text: dict[str, pd.Series] = {}
        # column -> rows whose cell already has its problem (too long, damaged in the file)
        self._settled: dict[str, np.ndarray] = {}

    def text(self, column: str) -> pd.Series:
        """The raw cells of ``column`` trimmed, NA when empty (computed once)."""
        if column not in self._text:
            self._text[column] = vt.parse_text(self.raw[column])
        return self._text[column]

    # -- problems

    def flag(self, mask, column: str | None, code: str, severity: str = "error",
             values=None, shown: str | None = None, **params) -> None:
        """Record one problem per True row of ``mask``; params may be per-row arrays.

        ``shown`` is the column as the message names it (default ``column``). Past
        ``MAX_PROBLEMS_PER_KIND`` problems of this code, the rest are only counted.
        """
        mask = np.asarray(mask, dtype=bool)
        if column in self._settled and code not in _CELL_CODES:
            mask = mask & ~self._settled[column]  # one problem per cell: what it holds
        if not mask.any():
            return
        if severity == "error":
            self.error |= mask
        where = np.flatnonzero(mask)
        kind = (severity, self.name, code)
        room = max(MAX_PROBLEMS_PER_KIND - self._kept.get(kind, 0), 0)
        if len(where) > room:
            self.omitted[kind] = self.omitted.get(kind, 0) + len(where) - room
            where = where[:room]
        self._kept[kind] = self._kept.get(kind, 0) + len(where)
        if not len(where):
            return
        shown = shown or column
        if values is None:
            values = self.raw[column] if column in self.raw.columns else pd.Series([""] * self.n)
        cells = np.asarray(values, dtype=object)[where]
        per_row = {k: np.asarray(v, dtype=object)[where] for k, v in params.items()
                   if isinstance(v, (np.ndarray, pd.Series, list))}
        fixed = {k: v for k, v in params.items() if k not in per_row}
        for i, pos in enumerate(where):
            value = "" if is_missing(cells[i]) else str(cells[i]).strip()
            p = {"column": shown, "value": value, **fixed,
                 **{k: _plain(v[i]) for k, v in per_row.items()}}
            self.problems.append(Problem(severity, self.name, int(self.rows[pos]), shown, value,
                                         t(f"problem.{code}", "en", **p), code, p))

    # -- cells, before any column is parsed

    def check_cells(self) -> None:
        """Control characters out (warning), Excel error values, values with no header,
        and what the reader found (a guessed encoding, a formula with no saved value)."""
        for column in self._columns_to_check():
            series = self.raw[column]
            if not (series.dtype == object or pd.api.types.is_string_dtype(series)):
                continue
            has = series.str.contains(cells.CONTROL_PATTERN, regex=True).to_numpy(dtype=bool)
            if has.any():
                found = np.full(self.n, "", dtype=object)
                found[has] = [cells.control_names(x) for x in series[has]]
                series = series.where(~has, series[has].map(cells.strip_controls))
                self.raw[column] = series
                self._text.pop(column, None)
                self.flag(has, column, "control_characters", severity="warning",
                          shown=self._shown(column), chars=found)
            series = self._check_length(column, series)
            if column.startswith(UNNAMED):
                filled = (series.str.strip() != "").to_numpy(dtype=bool)
                self.flag(filled, column, "value_without_header", severity="warning",
                          shown=self._shown(column), letter=column[len(UNNAMED):])
                continue
            hash_ = series.str.contains(r"^\s*#", regex=True).to_numpy(dtype=bool)
            if hash_.any():
                error = np.zeros(self.n, dtype=bool)
                error[hash_] = [cells.is_excel_error(x) for x in series[hash_]]
                contract = column in self.table.names
                self.flag(error, column, "excel_error", severity="error" if contract else "warning")
                if error.any() and not contract:
                    self.raw[column] = series.where(~error, "")
        positions = {int(r): i for i, r in enumerate(self.rows)}
        for found in self.read_problems:
            row = found.get("row")
            if row is None:
                p = dict(found.get("params", {}))
                self.problems.append(Problem(found["severity"], self.name, None, None, "",
                                             t(f"problem.{found['code']}", "en", **p),
                                             found["code"], p))
                continue
            column = found.get("column")
            if row not in positions and found["code"] in _CELL_CODES:
                # the row held nothing else, so the reader left it out: still say why
                p = {"column": column, "value": found.get("value", ""),
                     **found.get("params", {})}
                self.problems.append(Problem(found["severity"], self.name, row, column,
                                             p["value"], t(f"problem.{found['code']}", "en", **p),
                                             found["code"], p))
                continue
            if row not in positions or (column is not None and column not in self.raw.columns):
                continue
            mask = np.zeros(self.n, dtype=bool)
            mask[positions[row]] = True
            values = None
            if "value" in found:  # what the file holds, where the cell reads as empty
                values = np.full(self.n, "", dtype=object)
                values[positions[row]] = found["value"]
            self.flag(mask, found["column"], found["code"], severity=found["severity"],
                      values=values, **found.get("params", {}))
            if found["code"] in _CELL_CODES:
                self._settle(found["column"], mask)

    def _settle(self, column: str, mask: np.ndarray) -> None:
        """These cells of ``column`` have their problem: no other is reported on them."""
        self._settled[column] = self._settled.get(column, np.zeros(self.n, dtype=bool)) | mask

    def extra_columns(self) -> list[str]:
        """Columns with a header that the contract does not know (kept as text)."""
        known = set(self.table.names) | {ROW}
        return [c for c in self.raw.columns if c not in known and not c.startswith(UNNAMED)]

    def _columns_to_check(self) -> list[str]:
        """Every column, except the extra columns that hold nothing to report: those are
        looked at together, as one column, so that many of them cost little."""
        extras = self.extra_columns()
        skip: set[str] = set()
        if len(extras) > 1 and self.n:
            values = _stacked(self.raw, extras)
            hits = (values.str.contains(cells.CONTROL_PATTERN, regex=True).to_numpy(dtype=bool)
                    | values.str.contains(r"^\s*#", regex=True).to_numpy(dtype=bool)
                    | (values.str.len().to_numpy(dtype=float, na_value=0) > cells.EXTRA_LIMIT))
            per_column = hits.reshape(len(extras), self.n).any(axis=1)
            skip = {c for c, hit in zip(extras, per_column, strict=True) if not hit}
        return [c for c in self.raw.columns if c != ROW and c not in skip]

    def _check_length(self, column: str, series: pd.Series) -> pd.Series:
        """A cell longer than its kind allows (``cells.cell_limit``) is a row error, the
        only one of that cell: it is read as empty, so no later step works on it."""
        kind = self.table.column(column).kind if column in self.table.names else None
        limit = cells.cell_limit(column, kind)
        lengths = series.str.len().to_numpy(dtype=float, na_value=0)
        long = lengths > limit
        if not long.any():
            return series
        shown = np.full(self.n, "", dtype=object)
        shown[long] = [cells.shortened(str(x).strip()) for x in series[long]]
        length = np.full(self.n, "", dtype=object)
        length[long] = [_spaced(n) for n in lengths[long]]
        self.flag(long, column, "cell_too_long", values=shown, shown=self._shown(column),
                  length=length, limit=_spaced(limit))
        self._settle(column, long)
        series = series.where(~long, "")
        self.raw[column] = series
        self._text.pop(column, None)
        return series

    @staticmethod
    def _shown(column: str) -> str:
        """A column as messages name it: a column without header by its letter."""
        return column[len(UNNAMED):] if column.startswith(UNNAMED) else column

    # -- columns

    def parse_columns(self) -> None:
        for col in self.table.columns:
            raw = self.raw[col.name]
            kind = col.kind
            if kind in ("key", "ref", "text"):
                values = self.text(col.name)
            elif kind in ("list", "refs"):
                values = vt.parse_list(raw)
            elif kind == "country":
                values = _parse_country(self.text(col.name))
                unknown = values.isna().to_numpy() & _filled(self, col.name)
                self.flag(unknown, col.name, "unknown_country")
            elif kind == "enum":
                values, bad = vt.parse_enum(raw, col.allowed,
                                            enum_label_index(self.table.name, col.name))
                self.flag(bad, col.name, "bad_enum", allowed=", ".join(col.allowed))
            elif kind == "currency":
                values, bad = vt.parse_currency(raw)
                self.flag(bad, col.name, "bad_currency")
            elif kind == "date":
                values, precision, bad = vt.parse_date(raw)
                precision = self._given_precision(col.name, values, precision)
                if (self.table.name, col.name) == ("agreements", "expires_on"):
                    # v3: an agreement without end is written so; empty is unknown
                    open_ended = vt.open_ended(raw)
                    if "expires_on_precision" in self.raw.columns:  # as `clean` writes it
                        open_ended = open_ended | vt.open_ended(self.raw["expires_on_precision"].replace(OPEN_ENDED, "open-ended"))
                    bad = bad & ~open_ended
                    precision = precision.where(~open_ended, OPEN_ENDED)
                self.values[f"{col.name}_precision"] = precision
                self.flag(bad, col.name, "bad_date")
            elif kind == "academic_year":
                values, starts, bad = vt.parse_academic_year(raw)
                self.values[_year_start_column(col.name)] = starts
                self.flag(bad, col.name, "bad_academic_year")
            elif kind in _NUMERIC_KINDS:
                values = self._parse_numeric(col.name, kind, raw)
            elif kind == "bool":
                values, bad = vt.parse_bool(raw)
                self.flag(bad, col.name, "bad_enum", allowed="yes, no")
            else:  # pragma: no cover - schema and parser kinds are kept in step
                raise ValueError(kind)
            self.values[col.name] = values
            if col.required:
                # a filled cell that parsed to nothing was already flagged by its parser
                empty = _is_blank(values, kind) & ~_filled(self, col.name)
                self.flag(empty, col.name, "missing_value")

    def _parse_numeric(self, column: str, kind: str, raw: pd.Series) -> pd.Series:
        values, bad, huge = vt.parse_number_checked(raw, integer=kind in ("int", "year"))
        self.flag(bad, column, "bad_number")
        self.flag(huge, column, "number_too_large")
        arr = values.to_numpy()
        if column in ("lat", "lon"):
            limit = 90 if column == "lat" else 180
            out = np.abs(np.nan_to_num(arr)) > limit
            self.flag(out, column, "bad_coordinate")
            values = values.where(~out, np.nan)
        else:
            negative = np.nan_to_num(arr) < 0
            self.flag(negative, column, "negative_number")
            if column == "usd_per_unit":
                self.flag(arr == 0, column, "not_positive")
                self.flag(np.nan_to_num(arr) > MAX_USD_PER_UNIT, column, "rate_too_large",
                          limit=_spaced(MAX_USD_PER_UNIT))
            if kind == "year":
                out = ~np.isnan(arr) & ~negative & ((arr < vt.YEAR_MIN) | (arr > vt.YEAR_MAX))
                self.flag(out, column, "bad_year")
        if kind in ("int", "year"):
            return vt.to_int_series(values)
        return values

    def _given_precision(self, column: str, dates: pd.Series, precision: pd.Series) -> pd.Series:
        """Honour a ``<col>_precision`` column (as `clean` writes it) for ISO day dates."""
        given_col = f"{column}_precision"
        if given_col not in self.raw.columns:
            return precision
        given = vt.normalize_enum(self.raw[given_col])
        use = given.isin(list(PRECISIONS)).to_numpy() & dates.notna().to_numpy()
        return pd.Series(np.where(use, given.to_numpy(dtype=object), precision.to_numpy()),
                         index=precision.index, dtype=object)

    # -- rules shared by several tables

    def check_duplicates(self) -> None:
        table = self.table
        cols = [table.key] if table.key else list(table.unique)
        if not cols:
            return
        keys = [self.values[c] for c in cols]
        frame = pd.DataFrame({c: k.astype(object) for c, k in zip(cols, keys, strict=True)})
        complete = frame.notna().all(axis=1).to_numpy().copy()
        if table.key is None:
            complete &= ~self.error  # a composite key is only meaningful on readable rows
        dup = np.zeros(self.n, dtype=bool)
        dup[complete] = frame[complete].duplicated(keep="first").to_numpy()
        if not dup.any():
            return
        rows = pd.Series(np.where(complete, self.rows, np.iinfo(np.int64).max))
        first = rows.groupby([frame[c] for c in cols], sort=False,
                             dropna=False).transform("min").to_numpy()
        if table.key:
            values = self.raw[table.key]
        else:
            values = frame.astype(str).agg(" ".join, axis=1)
        self.flag(dup, table.key or cols[-1], "duplicate_key", values=values, first_row=first)

    def check_ref(self, column: str, valid_keys: set, target: str) -> None:
        values = self.values[column]
        known = values.isin(valid_keys).to_numpy()
        self.flag(values.notna().to_numpy() & ~known, column, "unknown_ref", target=target)

    def check_end(self, start: str, end: str) -> None:
        start_d, end_d = self.values[start], self.values[end]
        both = start_d.notna() & end_d.notna()
        if not both.any():
            return
        prec = self.values[f"{end}_precision"]
        # an end given as a month or a year lasts to the last day of that month or year
        last = end_d.copy()
        month = both & (prec == "month")
        year = both & (prec == "year")
        last[month] = end_d[month] + pd.offsets.MonthEnd(0)
        last[year] = end_d[year] + pd.offsets.YearEnd(0)
        before = (both & (last < start_d)).to_numpy()
        self.flag(before, end, "end_before_start", start=self.raw[start].str.strip())

    def frame(self) -> pd.DataFrame:
        """The clean table: rows not in error, contract + derived + extra columns, _row."""
        keep = ~self.error & ~self.repeated
        data = {c: self.values[c][keep].reset_index(drop=True) for c in _clean_columns(self.name)
                if c in self.values}
        out = pd.DataFrame(data)
        for c in _clean_columns(self.name):
            if c not in out.columns:
                out[c] = pd.Series([pd.NA] * int(keep.sum()), dtype=object)
        out = out[_clean_columns(self.name)]
        known = set(_clean_columns(self.name)) | {ROW}
        extras = [c for c in self.extra_columns() if c not in known]
        if extras:  # parsed as one column and added at once: linear in their number
            kept = int(keep.sum())
            text = vt.parse_text(_stacked(self.raw[keep], extras)).to_numpy(dtype=object)
            out = pd.concat([out, pd.DataFrame(
                {c: pd.Series(text[i * kept:(i + 1) * kept], dtype=object)
                 for i, c in enumerate(extras)})], axis=1)
        out[ROW] = self.rows[keep].astype("int64")
        for c in out.columns:
            dtype = _dtype_of(self.name, c) if c in known else None
            if dtype in ("int64",) and out[c].dtype != "int64":
                out[c] = out[c].astype("int64")
        return out


def _stacked(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """The cells of ``columns`` one column after the other, as one text column."""
    return pd.Series(np.concatenate([frame[c].to_numpy(dtype=object) for c in columns])
                     if columns else np.array([], dtype=object), dtype=object).astype(str)


def _spaced(number: float) -> str:
    """A count as messages write it: ``10 000``."""
    return f"{int(number):,}".replace(",", " ")


def _plain(value: object) -> object:
    """A per-row param as a JSON-friendly value."""
    if isinstance(value, np.generic):
        return value.item()
    if is_missing(value):
        return ""
    return value


def _is_blank(values: pd.Series, kind: str) -> np.ndarray:
    if kind in ("list", "refs"):
        return (values.str.len() == 0).to_numpy()
    return values.isna().to_numpy()


def _parse_country(text: pd.Series) -> pd.Series:
    codes, uniques = pd.factorize(text)
    mapped = np.array([normalize_country(u) for u in uniques] + [None], dtype=object)
    out = pd.Series(mapped[codes], index=text.index, dtype=object)  # code -1 -> None
    return out.where(out.notna(), pd.NA).astype(str)


class _Checker:
    """All tables, checked in an order where every referenced table is final first."""

    def __init__(self, raw: dict[str, pd.DataFrame], folder: Path | None = None):
        self.folder = folder  # the dataset's folder (its documents/ files)
        self.has_documents = "documents" in raw and len(raw["documents"]) > 0
        self.problems: list[Problem] = []
        self.omitted: dict[tuple[str, str, str], int] = {}
        self.checks = {name: _TableCheck(name, raw.get(name), self.problems, self.omitted)
                       for name in TABLE_ORDER}
        self.clean: dict[str, pd.DataFrame] = {}

    def valid_keys(self, name: str) -> set:
        check = self.checks[name]
        assert check.table.key is not None  # institutions and partners have one
        key = check.values[check.table.key]
        return set(key[~check.error].dropna())

    def run(self) -> None:
        for check in self.checks.values():
            check.check_cells()
            check.parse_columns()
            check.check_duplicates()
        inst, partners = self.checks["institutions"], self.checks["partners"]
        self._safe_ids(inst)
        self._geography(inst)
        self._geography(partners)
        institution_ids = self.valid_keys("institutions")
        partner_ids = self.valid_keys("partners")
        self._partner_names(partners)

        agreements = self.checks["agreements"]
        agreements.check_ref("institution_id", institution_ids, "institutions")
        agreements.check_ref("partner_id", partner_ids, "partners")
        agreements.check_end("signed_on", "expires_on")

        visits = self.checks["visits"]
        visits.check_ref("institution_id", institution_ids, "institutions")
        visits.check_ref("partner_id", partner_ids, "partners")
        visits.check_end("start_date", "end_date")
        self._visit_defaults(visits, partners)

        grants = self.checks["grants"]
        grants.check_ref("institution_id", institution_ids, "institutions")
        self._grant_partners(grants, partner_ids)
        grants.check_end("start_date", "end_date")
        amount_given = grants.values["amount"].notna().to_numpy()
        no_currency = amount_given & ~_filled(grants, "currency")
        grants.flag(no_currency, "currency", "missing_currency")

        for name in ("students", "targets", "institution_facts"):
            self.checks[name].check_ref("institution_id", institution_ids, "institutions")
        facts = self.checks["institution_facts"]
        negative = (facts.values["value"] < 0).fillna(False).to_numpy(dtype=bool)
        facts.flag(negative, "value", "negative_value")
        self._status_dates(agreements)
        self._repeated_rows(self.checks["students"])
        self._domestic_students(self.checks["students"], inst)
        self._agreement_terms(self.checks["agreement_terms"])

        self._fx_warnings(grants, self.checks["fx_rates"])
        self._documents(self.checks["documents"])
        self.clean = {name: check.frame() for name, check in self.checks.items()}

    # -- table-specific rules

    @staticmethod
    def _safe_ids(inst: _TableCheck) -> None:
        """An institution id names a folder (``publications/<id>/``): one plain name."""
        ids = inst.values["institution_id"]
        given = ids.notna().to_numpy()
        unsafe = np.zeros(inst.n, dtype=bool)
        unsafe[given] = [not cells.is_safe_name(str(v)) for v in ids[given]]
        inst.flag(unsafe, "institution_id", "unsafe_id", limit=cells.SAFE_NAME_MAX)

    def _geography(self, check: _TableCheck) -> None:
        """Both coordinates or neither; then the rows' places (``loaders.geo``, the next
        step) and the warnings about the cities that could not be used."""
        lat, lon = check.values["lat"], check.values["lon"]
        has_lat, has_lon = lat.notna().to_numpy(), lon.notna().to_numpy()
        check.flag(has_lat & ~has_lon & ~_filled(check, "lon"), "lon", "missing_value")
        check.flag(has_lon & ~has_lat & ~_filled(check, "lat"), "lat", "missing_value")
        given_precision = given_note = None
        if "geo_precision" in check.raw.columns:  # as `clean` writes it: keep what it says
            given_precision = vt.normalize_enum(check.raw["geo_precision"]).to_numpy(dtype=object)
            if "geo_note" in check.raw.columns:
                given_note = vt.normalize_enum(check.raw["geo_note"]).to_numpy(dtype=object)
        country = check.values["country"]
        placed = geo.place(lat, lon, check.values["city"], country, check.error,
                           given_precision, given_note)
        check.values["lat"] = pd.Series(placed.lat, index=lat.index, dtype=float)
        check.values["lon"] = pd.Series(placed.lon, index=lon.index, dtype=float)
        check.values["geo_precision"] = pd.Series(placed.precision, index=lat.index, dtype=object)
        check.values["geo_note"] = pd.Series(placed.note, index=lat.index, dtype=object)
        unknown_city, notes = placed.unknown_city.copy(), placed.reason
        approximate, matched = placed.approximate, placed.matched
        # One message per reason, so the warning says why the city was not used.
        names = {c: country_name(c, "en") for c in country.dropna().unique()}
        country_codes = country.map(names).fillna("").to_numpy(dtype=object)
        for note, code in (("region", "city_is_region"), ("country_as_city", "city_is_country")):
            is_note = unknown_city & (notes == note)
            check.flag(is_note & ~check.error, "city", code, severity="warning",
                       country=country_codes, note=notes)
            unknown_city &= ~is_note
        check.flag(unknown_city & ~check.error, "city", "unknown_city", severity="warning",
                   country=country_codes, note=notes)
        check.flag(approximate & ~check.error, "city", "city_approximate", severity="warning",
                   country=country_codes, matched=matched)

    def _agreement_terms(self, terms: _TableCheck) -> None:
        """A term belongs to a known agreement and ends no earlier than it starts."""
        terms.check_ref("agreement_id", self.valid_keys("agreements"), "agreements")
        first, last = terms.values["first_year_start"], terms.values["last_year_start"]
        before = (first.notna() & last.notna() & (last < first)).fillna(False).to_numpy(dtype=bool)
        terms.flag(before, "last_year", "end_before_start", start=terms.raw["first_year"].str.strip())
        # ISCED-F 2013 detailed fields: four digits, the first two a broad field 00-10
        bad = terms.values["isced"].map(lambda codes: isinstance(codes, list) and any(
            not (len(c) == 4 and c.isdigit() and int(c[:2]) <= 10) for c in codes)).to_numpy(dtype=bool)
        terms.flag(bad, "isced", "bad_isced")

    def _status_dates(self, agreements: _TableCheck) -> None:
        """A written active/planned that the dates contradict today (docs/metrics.md
        "Agreement status"): the row is used, with the status the dates give."""
        if agreements.n == 0:
            return
        frame = pd.DataFrame({c: agreements.values[c] for c in ("signed_on", "expires_on", "status")})
        frame = frame[~agreements.error]
        clash = status_contradictions(frame, date.today())
        if clash.empty:
            return
        # Full-length arrays (``flag`` takes per-row params aligned on the table's rows).
        rows = np.flatnonzero(~agreements.error)[frame.index.get_indexer(clash.index)]
        mask = np.zeros(agreements.n, dtype=bool)
        mask[rows] = True
        status, when, column = (np.full(agreements.n, "", dtype=object) for _ in range(3))
        status[rows] = clash["status"].to_numpy(dtype=object)
        when[rows] = [pd.Timestamp(d).date().isoformat() if pd.notna(d) else "" for d in clash["date"]]
        column[rows] = clash["column"].to_numpy(dtype=object)
        agreements.flag(mask, "status", "status_contradicts_dates", severity="warning",
                        status=status, date=when, date_column=column)

    def _repeated_rows(self, check: _TableCheck) -> None:
        """A row that repeats an earlier one in every cell (a table without a key, such as
        students, where it would be counted twice): a warning, and only the first is used."""
        if check.n < 2:
            return
        columns = [c for c in check.raw.columns if c != ROW]
        cells_ = pd.DataFrame({c: vt.parse_text(check.raw[c]).fillna("") for c in columns})
        cells_ = cells_[~check.error]
        if cells_.empty:
            return
        repeated = cells_.duplicated(keep="first")
        if not repeated.any():
            return
        first = pd.Series(check.rows[cells_.index], index=cells_.index).groupby(
            [cells_[c] for c in columns], sort=False).transform("min")
        mask = np.zeros(check.n, dtype=bool)
        mask[cells_.index[repeated.to_numpy()]] = True
        first_row = np.zeros(check.n, dtype=np.int64)
        first_row[cells_.index] = first.to_numpy()
        check.flag(mask, None, "repeated_row", severity="warning", first_row=first_row)
        check.repeated |= mask

    def _domestic_students(self, students: _TableCheck, institutions: _TableCheck) -> None:
        """A students row from its institution's own country: not international students."""
        if students.n == 0 or institutions.n == 0:
            return
        ok = ~institutions.error
        home = dict(zip(institutions.values["institution_id"][ok], institutions.values["country"][ok],
                        strict=True))
        country = students.values["country"]
        own = students.values["institution_id"].map(home)
        mask = ((country.notna() & (country == own)).fillna(False).to_numpy(dtype=bool)
                & ~students.error & ~students.repeated)
        students.flag(mask, "country", "domestic_students", severity="warning")

    def _partner_names(self, partners: _TableCheck) -> None:
        ok = ~partners.error
        folded = partners.values["name"].map(vt.fold_name, na_action="ignore")
        folded = folded.where(ok & folded.notna().to_numpy() & (folded != ""), None)
        frame = pd.DataFrame({"name": folded.astype(object)})
        named = frame["name"].notna().to_numpy()
        dup = frame["name"].duplicated(keep="first").to_numpy() & named
        if not dup.any():
            return
        ids = partners.values["partner_id"].astype(object).to_numpy()
        first_id: dict[str, object] = {}
        first_row: dict[str, int] = {}
        for pos in np.flatnonzero(named):
            name = folded.iloc[pos]
            if name not in first_id:
                first_id[name], first_row[name] = ids[pos], int(partners.rows[pos])
        names = folded.to_numpy(dtype=object)
        other_id = np.array([first_id.get(n, "") for n in names], dtype=object)
        other_row = np.array([first_row.get(n, 0) for n in names], dtype=object)
        partners.flag(dup, "name", "duplicate_partner_name", severity="warning",
                      other_id=other_id, other_row=other_row)

    def _visit_defaults(self, visits: _TableCheck, partners: _TableCheck) -> None:
        mode = visits.values["mode"]
        visits.values["mode"] = mode.where(mode.notna() | _filled_series(visits, "mode"),
                                           "in_person")
        country = visits.values["country"]
        partner_country = pd.Series(
            partners.values["country"][~partners.error].to_numpy(dtype=object),
            index=partners.values["partner_id"][~partners.error].to_numpy(dtype=object))
        partner_country = partner_country[~partner_country.index.duplicated()]
        pid = visits.values["partner_id"]
        from_partner = pid.map(partner_country)
        resolved = country.where(country.notna(), from_partner)
        visits.values["country"] = resolved.astype(str)
        no_partner = pid.isna().to_numpy()
        missing = no_partner & country.isna().to_numpy() & ~_filled(visits, "country")
        visits.flag(missing, "country", "missing_value")

    def _grant_partners(self, grants: _TableCheck, partner_ids: set) -> None:
        lists = grants.values["partner_ids"]
        bad = np.array([any(p not in partner_ids for p in items) for items in lists],
                       dtype=bool)
        if bad.any():
            unknown = [", ".join(p for p in items if p not in partner_ids) for items in lists]
            grants.flag(bad, "partner_ids", "unknown_ref", target="partners",
                        values=pd.Series(unknown, dtype=object))

    def _fx_warnings(self, grants: _TableCheck, fx: _TableCheck) -> None:
        rated = set(fx.values["currency"][~fx.error].dropna()) | {"USD"}
        currency = grants.values["currency"]
        no_rate = (~grants.error & grants.values["amount"].notna().to_numpy()
                   & currency.notna().to_numpy() & ~currency.isin(rated).to_numpy())
        grants.flag(no_rate, "currency", "no_fx_rate", severity="warning",
                    currency=currency.fillna("").to_numpy(dtype=object))

    def _documents(self, documents: _TableCheck) -> None:
        """The documents table (docs/data-contract.md "Documents"): ``public`` defaults by
        kind and file; a file missing from the dataset's ``documents/`` folder, a row to
        attach to that is not there, and a source that cites no known document are warnings
        (the row is kept). Without a documents table, sources stay free text."""
        ok = ~documents.error
        kind, file = documents.values["kind"], documents.values["file"]
        public = documents.values["public"]
        by_default = kind.isin(list(PUBLIC_DOCUMENT_KINDS)).to_numpy() & file.isna().to_numpy()
        documents.values["public"] = pd.Series(
            np.where(public.isna().to_numpy(), by_default, public.to_numpy(dtype=object)),
            index=public.index, dtype=object)
        if documents.n:
            self._document_files(documents, ok)
            self._document_rows(documents, ok)
        if not self.has_documents:
            return
        frame = pd.DataFrame({c: documents.values[c][ok].to_numpy(dtype=object)
                              for c in ("doc_id", "title", "kind", "file", "public", "attached_to")})
        index = DocumentIndex(frame)
        for name in SOURCE_TABLES:
            check = self.checks[name]
            if "source" not in check.raw.columns or check.n == 0:
                continue
            source = check.text("source")
            values = [s if isinstance(s, str) else None for s in source.tolist()]
            known = {s: index.resolve(s) is not None for s in set(values) if s is not None}
            unknown = np.array([s is not None and not known[s] for s in values], dtype=bool) & ~check.error
            cited_as = np.full(check.n, "", dtype=object)
            cited_as[unknown] = [cited(s) for s in source[unknown]]
            check.flag(unknown, "source", "unknown_document", severity="warning", document=cited_as)

    def _document_files(self, documents: _TableCheck, ok: np.ndarray) -> None:
        """A ``file`` must be a plain name (or a path inside ``documents/``) found there."""
        file = documents.values["file"]
        missing = np.zeros(documents.n, dtype=bool)
        for pos in np.flatnonzero(ok & file.notna().to_numpy()):
            name = str(file.iloc[pos])
            missing[pos] = document_path(self.folder, name) is None if self.folder else False
            if not missing[pos] and not safe_document_name(name):
                missing[pos] = True
        documents.flag(missing, "file", "missing_document_file", severity="warning")

    def _document_rows(self, documents: _TableCheck, ok: np.ndarray) -> None:
        """``attached_to`` names a row of an attachable table: ``agreements:a-1``, ``students:2``."""
        attached = documents.values["attached_to"]
        keys = {name: self.valid_keys(name) for name in ATTACHABLE_TABLES if self.checks[name].table.key}
        students = self.checks["students"]
        student_rows = {f"students:{int(r)}" for r in students.rows[~students.error]}
        bad = np.zeros(documents.n, dtype=bool)
        for pos in np.flatnonzero(ok & attached.notna().to_numpy()):
            table, _, row_id = str(attached.iloc[pos]).partition(":")
            table, row_id = table.strip(), row_id.strip()
            if table == "students":
                bad[pos] = f"students:{row_id}" not in student_rows
            else:
                bad[pos] = table not in keys or row_id not in keys[table]
        documents.flag(bad, "attached_to", "unknown_attached_row", severity="warning",
                       tables=", ".join(ATTACHABLE_TABLES))

    def sorted_problems(self) -> list[Problem]:
        order = {name: i for i, name in enumerate(TABLE_ORDER)}
        cols = {name: {c: i for i, c in enumerate(TABLES[name].names)} for name in TABLE_ORDER}

        def key(p: Problem) -> tuple[bool, int, int, int]:
            return (p.severity != "error", order[p.table], p.row or 0,
                    cols[p.table].get(p.column or "", 99))

        return sorted(self.problems, key=key)


def _filled(check: _TableCheck, column: str) -> np.ndarray:
    """Rows whose raw cell in ``column`` is not empty."""
    return check.text(column).notna().to_numpy()


def _filled_series(check: _TableCheck, column: str) -> pd.Series:
    return pd.Series(_filled(check, column), index=check.values[column].index)
