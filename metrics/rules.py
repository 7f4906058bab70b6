"""The rules behind the figures, each written once: a function that returns the rows it selects.

KPIs count or sum these rows (``metrics.kpis``), pages and charts show them, the
by-institution table groups them, the report lists them as evidence. No other module
re-implements a rule: import it from here. Definitions: docs/metrics.md.

    >>> active = active_agreements(agreements, as_of)          # rows, not a count
    >>> expiring_agreements(active, as_of)                      # rows again
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import numpy as np
import pandas as pd

# docs/metrics.md "Agreements"
EXPIRING_DAYS = 180
DORMANT_YEARS = 3
# docs/metrics.md "Grants"
FUNDED_GRANT_STATUSES = frozenset({"awarded", "active", "completed"})
ACTIVE_GRANT_STATUSES = frozenset({"awarded", "active"})
# docs/metrics.md "IRN index (cooperation partners)"
IRN_PARTNER_TYPES = frozenset({"university", "research_center"})


def dates_of(frame: pd.DataFrame, column: str) -> pd.Series:
    """``frame[column]`` as dates (all NaT when the column is missing)."""
    if column not in frame.columns:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    return pd.to_datetime(frame[column])


def _bool(mask: pd.Series | np.ndarray) -> np.ndarray:
    if isinstance(mask, pd.Series):
        return mask.fillna(False).to_numpy(dtype=bool)
    return np.asarray(mask, dtype=bool)


# --------------------------------------------------------------------- dates of events


def visit_event_date(visits: pd.DataFrame) -> pd.Series:
    """The date a visit counts at: its start_date, else its end_date (NaT: undated)."""
    return dates_of(visits, "start_date").fillna(dates_of(visits, "end_date"))


def dated_years(table: str, frame: pd.DataFrame) -> pd.Series:
    """The calendar year each row is dated in for comparisons (NaN: undated).

    Visits by their event date, agreements by signed_on, grants by start_date, students
    by the start year of their academic year (docs/metrics.md "Year over year").
    """
    if frame is None or frame.empty:
        return pd.Series(dtype=float)
    if table == "visits":
        return visit_event_date(frame).dt.year
    if table == "agreements":
        return dates_of(frame, "signed_on").dt.year
    if table == "grants":
        return dates_of(frame, "start_date").dt.year
    if table == "students":
        return pd.to_numeric(frame.get("year_start"), errors="coerce")
    raise KeyError(table)


DATED_TABLES = ("visits", "agreements", "grants", "students")
# The data-quality view of "undated": a row none of whose dates is filled (table -> columns).
UNDATED_COLUMNS = {
    "agreements": ("signed_on",),
    "visits": ("start_date", "end_date"),
    "grants": ("start_date", "end_date"),
}


def undated_rows(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``table`` with none of its ``UNDATED_COLUMNS`` filled (the Data quality page)."""
    if frame.empty:
        return frame
    columns = [c for c in UNDATED_COLUMNS[table] if c in frame.columns]
    return frame[_bool(frame[columns].isna().all(axis=1))]


def cut_at(tables: Mapping[str, pd.DataFrame], cutoff: date) -> dict[str, pd.DataFrame]:
    """The tables without events dated after ``cutoff`` (visits by their date, agreements
    by signed_on, grants by start_date; students kept: an academic year has no day)."""
    at = pd.Timestamp(cutoff)
    out = dict(tables)
    for name in ("visits", "agreements", "grants"):
        frame = tables.get(name)
        if frame is None or frame.empty:
            continue
        if name == "visits":
            when = visit_event_date(frame)
        else:
            when = pd.to_datetime(frame["signed_on" if name == "agreements" else "start_date"])
        keep = ~(when > at).fillna(False).to_numpy(dtype=bool)
        out[name] = frame if keep.all() else frame[keep]
    return out


# --------------------------------------------------------------------- agreements


def agreement_status(agreements: pd.DataFrame, as_of: date) -> pd.Series:
    """Each agreement's status at ``as_of`` (docs/metrics.md "Agreement status").

    A written ``terminated`` or ``expired`` stands. Otherwise the dates decide:
    ``planned`` when signed after as_of, ``expired`` when expired before it, ``planned``
    when written so with no signing date, else ``active`` (unknown signed_on = signed;
    an unknown expires_on does not end it, but leaves its expiry unknown: ``expiry_unknown``).
    """
    at = pd.Timestamp(as_of)
    signed = dates_of(agreements, "signed_on")
    expires = dates_of(agreements, "expires_on")
    written = agreements["status"].astype(object) if "status" in agreements.columns else pd.Series(
        None, index=agreements.index, dtype=object)
    status = pd.Series("active", index=agreements.index, dtype=object)
    status[_bool((written == "planned") & signed.isna())] = "planned"
    status[_bool(expires < at)] = "expired"
    status[_bool(signed > at)] = "planned"
    ended = _bool(written.isin(["terminated", "expired"]))
    status[ended] = written[ended]
    return status


def status_contradictions(agreements: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Agreements whose written ``active`` / ``planned`` the dates contradict at ``as_of``.

    Columns: the row's index, ``written``, ``status`` (what the dates say) and ``date``
    (the signed_on or expires_on that decides it).
    """
    if agreements.empty or "status" not in agreements.columns:
        return pd.DataFrame(columns=["written", "status", "date", "column"])
    status = agreement_status(agreements, as_of)
    written = agreements["status"].astype(object)
    clash = _bool(written.isin(["active", "planned"]) & (written != status))
    rows = agreements[clash]
    decided = status[clash]
    column = np.where(decided == "expired", "expires_on", "signed_on")
    when = [rows.at[i, c] for i, c in zip(rows.index, column, strict=True)]
    return pd.DataFrame({"written": written[clash], "status": decided, "date": when, "column": column},
                        index=rows.index)


def active_agreements(agreements: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The agreements whose status at ``as_of`` is active."""
    return agreements[_bool(agreement_status(agreements, as_of) == "active")]


def days_left(agreements: pd.DataFrame, as_of: date) -> pd.Series:
    """Whole days from ``as_of`` to each agreement's expires_on (Int64; NA: open-ended or unknown).

    Negative once expired; the renewals list (``expiring_agreements``) holds 1..180.
    """
    return (dates_of(agreements, "expires_on") - pd.Timestamp(as_of)).dt.days.astype("Int64")


OPEN_ENDED = "open_ended"  # the ``expires_on_precision`` of an agreement written open-ended


def expiry_unknown(agreements: pd.DataFrame) -> np.ndarray:
    """True where an agreement's expiry is unknown: ``expires_on`` empty and not written
    open-ended (docs/metrics.md v3: empty is unknown, not open-ended)."""
    empty = dates_of(agreements, "expires_on").isna().to_numpy(dtype=bool)
    if "expires_on_precision" not in agreements.columns:
        return empty
    written = (agreements["expires_on_precision"].astype(object) == OPEN_ENDED).to_numpy(dtype=bool)
    return empty & ~written


def expiry_unknown_agreements(active: pd.DataFrame) -> pd.DataFrame:
    """Of active agreements, those whose expiry is unknown (the "cannot tell" of Expiring)."""
    return active[expiry_unknown(active)] if not active.empty else active


def undated_active(agreements: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Agreements active at ``as_of`` only because nothing says otherwise: no signing
    date, no expiry (not written open-ended) and no written status (the Data quality page)."""
    if agreements.empty:
        return agreements
    active = active_agreements(agreements, as_of)
    signed = dates_of(active, "signed_on").isna().to_numpy(dtype=bool)
    written = (active["status"].isna().to_numpy(dtype=bool) if "status" in active.columns
               else np.ones(len(active), dtype=bool))
    return active[signed & expiry_unknown(active) & written]


def expiring_agreements(active: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Of active agreements, those expiring in (as_of, as_of + 180 days]."""
    at = pd.Timestamp(as_of)
    expires = dates_of(active, "expires_on")
    return active[_bool((expires > at) & (expires <= at + pd.Timedelta(days=EXPIRING_DAYS)))]


def busy_pairs(tables: dict[str, pd.DataFrame], as_of: date) -> frozenset[tuple[str, str]]:
    """(institution_id, partner_id) with activity in the 3 years up to ``as_of``.

    Activity: a visit dated in [as_of - 3 years, as_of], or a grant of any status naming
    the partner whose span overlaps that window; undated visits and grants count. Read
    from the whole clean dataset (the scope does not narrow it).
    """
    end = pd.Timestamp(as_of)
    start = end - pd.DateOffset(years=DORMANT_YEARS)
    pairs: set[tuple[str, str]] = set()
    visits = tables.get("visits")
    if visits is not None and not visits.empty:
        when = visit_event_date(visits)
        busy = _bool(when.isna() | ((when >= start) & (when <= end)))
        chosen = visits.loc[busy, ["institution_id", "partner_id"]].dropna().drop_duplicates()
        pairs |= set(zip(chosen["institution_id"].astype(str), chosen["partner_id"].astype(str), strict=True))
    grants = tables.get("grants")
    if grants is not None and not grants.empty:
        g_start, g_end = dates_of(grants, "start_date"), dates_of(grants, "end_date")
        busy = _bool(~(g_start > end) & ~(g_end < start))
        chosen = (grants.loc[busy, ["institution_id", "partner_ids"]].explode("partner_ids")
                  .dropna().drop_duplicates())
        pairs |= set(zip(chosen["institution_id"].astype(str), chosen["partner_ids"].astype(str), strict=True))
    return frozenset(pairs)


def dormant_agreements(active: pd.DataFrame, busy: frozenset[tuple[str, str]]) -> pd.DataFrame:
    """Of active agreements, those whose institution and partner had no activity (``busy_pairs``)."""
    if active.empty:
        return active
    keys = zip(active["institution_id"].astype(str), active["partner_id"].astype(str), strict=True)
    return active[np.fromiter((key not in busy for key in keys), dtype=bool, count=len(active))]


# --------------------------------------------------------------------- foreign and domestic


def home_of(institutions: pd.DataFrame) -> pd.Series:
    """id -> country of ``institutions`` (the first row of an id). A dataset's own is
    kept in its cache (``DatasetCache`` "home_country"); callers pass it as ``home``."""
    return institutions.drop_duplicates("institution_id").set_index("institution_id")["country"]


def home_country(frame: pd.DataFrame, institutions: pd.DataFrame, home: pd.Series | None = None) -> pd.Series:
    """The country of each row's institution (by ``institution_id``); ``home``:
    ``home_of(institutions)`` when the caller has it already."""
    if frame.empty:
        return pd.Series(dtype=object, index=frame.index)
    return frame["institution_id"].map(home_of(institutions) if home is None else home)


def foreign_rows(frame: pd.DataFrame, institutions: pd.DataFrame, home: pd.Series | None = None) -> pd.DataFrame:
    """Rows whose ``country`` is known and differs from their institution's country.

    For partner links (institution_id, partner_id, country) this is the partner being
    foreign to that institution; for visits and students the row itself. ``home``:
    ``home_of(institutions)`` when the caller has it already.
    """
    if frame.empty:
        return frame
    country = frame["country"]
    home = home_country(frame, institutions, home)
    return frame[_bool(country.notna() & (country != home).fillna(True))]


def domestic_students(students: pd.DataFrame, institutions: pd.DataFrame) -> pd.DataFrame:
    """Student rows from their institution's own country (not international students)."""
    if students.empty:
        return students
    return students[_bool(students["country"] == home_country(students, institutions))]


# --------------------------------------------------------------------- visits


def incoming_visits(visits: pd.DataFrame) -> pd.DataFrame:
    return visits[_bool(visits["direction"] == "incoming")]


def outgoing_visits(visits: pd.DataFrame) -> pd.DataFrame:
    return visits[_bool(visits["direction"] == "outgoing")]


def remote_visits(visits: pd.DataFrame) -> pd.DataFrame:
    return visits[_bool(visits["mode"] == "remote")]


def visit_mode(visits: pd.DataFrame) -> pd.Series:
    """Each visit's mode, a visit without one in person (only a written ``remote`` is remote)."""
    if "mode" not in visits.columns:
        return pd.Series("in_person", index=visits.index, dtype=object)
    return visits["mode"].fillna("in_person")


def sessions_known(visits: pd.DataFrame) -> pd.Series:
    """True where a visit's number of sessions is known."""
    return pd.to_numeric(visits["sessions"], errors="coerce").notna()


# --------------------------------------------------------------------- grants


def active_grants(grants: pd.DataFrame) -> pd.DataFrame:
    """Grants awarded or active."""
    return grants[_bool(grants["status"].isin(ACTIVE_GRANT_STATUSES))]


def funded_grants(grants: pd.DataFrame) -> pd.DataFrame:
    """Grants awarded, active or completed: the ones whose money counts."""
    return grants[_bool(grants["status"].isin(FUNDED_GRANT_STATUSES))]


# --------------------------------------------------------------------- students


# docs/metrics.md v3: an academic year starts on this day of its start year (month, day);
# a deployment sets another with COOP_ACADEMIC_YEAR_START=MM-DD.
ACADEMIC_YEAR_START = (9, 1)


def academic_year_start() -> tuple[int, int]:
    """(month, day) an academic year starts on: ``COOP_ACADEMIC_YEAR_START`` (``MM-DD``)
    when set and valid, else 1 September."""
    import os

    text = os.environ.get("COOP_ACADEMIC_YEAR_START", "").strip()
    try:
        month, day = (int(part) for part in text.split("-"))
        date(2001, month, day)  # a real day (not 29 February)
    except ValueError:
        return ACADEMIC_YEAR_START
    return month, day


def started_academic_year(as_of: date) -> int:
    """The start year of the latest academic year that has started by ``as_of``."""
    month, day = academic_year_start()
    return as_of.year if (as_of.month, as_of.day) >= (month, day) else as_of.year - 1


def started_students(students: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Student rows of academic years that have started by ``as_of`` (v3: a year not yet
    started is never "the latest"); rows with no known year stay (they never count)."""
    if students.empty:
        return students
    years = pd.to_numeric(students["year_start"], errors="coerce")
    return students[_bool(~(years > started_academic_year(as_of)))]


def latest_academic_year(students: pd.DataFrame) -> pd.DataFrame:
    """The rows of the latest academic year among ``students`` (empty when none is known)."""
    years = pd.to_numeric(students["year_start"], errors="coerce") if not students.empty else None
    if years is None or years.notna().sum() == 0:
        return students.iloc[0:0]
    return students[_bool(years == years.max())]


def latest_year_label(students: pd.DataFrame) -> str | None:
    """The academic year (as written, e.g. ``2023/2024``) of ``latest_academic_year``."""
    rows = latest_academic_year(students)
    return None if rows.empty else str(rows["academic_year"].iloc[0])
