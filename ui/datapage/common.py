"""What the Data page's sections share: the client address, times, cached store reads,
the id -> name lookups, and running a write with its refusals shown."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import streamlit as st

from datastore.labels import table_label
from datastore.store import Invalid, PublishConflict, Refused, Store, StoreError, Version
from datastore.template import dataset_workbook, template_workbook
from i18n import fmt, t
from ui.datapage.state import page_state
from ui.text import t_plain

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def client() -> str:
    """The browser's address (for the audit log and the login delay): the one
    ``datastore.guard`` resolved, ``X-Forwarded-For`` believed only from
    ``COOP_TRUSTED_PROXIES`` (``datastore.security.client_of``)."""
    from datastore.security import client_of

    try:
        return client_of(dict(st.context.headers.items()), st.context.ip_address)
    except Exception:  # noqa: BLE001 - no address outside a browser session
        return ""


def hash_place(store: Store) -> str:
    """Where ``add-editor`` keeps the password hashes, as the page may name it: the
    store's SQLite file relative to the app's folder (its name alone when elsewhere, never
    a server's absolute path), or the variable that names another database (never its URL)."""
    from datastore.db import sqlite_file

    file = sqlite_file(store.url)
    if file is None:
        return "COOP_DATABASE_URL"
    try:
        return file.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return file.name

def device_cookie() -> str:
    """The device tokens this browser kept from earlier logins ("" when none)."""
    from datastore.security import DEVICE_COOKIE

    try:
        return str(st.context.cookies.get(DEVICE_COOKIE, "") or "")
    except Exception:  # noqa: BLE001 - no cookies outside a browser session
        return ""


def mtimes(path: Path) -> tuple:
    files = sorted(path.glob("*")) if path.is_dir() else [path]
    return tuple((f.name, f.stat().st_mtime_ns) for f in files if f.is_file())


@st.cache_data(show_spinner=False, max_entries=4)
def template_bytes(lang: str) -> bytes:
    return template_workbook(lang)


@st.cache_data(show_spinner=False, max_entries=4)
def current_bytes(path: str, lang: str, stamp: tuple) -> bytes:
    return dataset_workbook(Path(path), lang)


@st.cache_data(show_spinner=False, max_entries=8)
def version_frames(url: str, number: int) -> dict[str, pd.DataFrame]:
    return Store(url=url).frames(number)


def when(created_at: str) -> str:
    """``2025-05-06T09:30:12+00:00`` -> ``2025-05-06 09:30 UTC``."""
    return f"{created_at[:10]} {created_at[11:16]} UTC" if len(created_at) >= 16 else created_at


def lookups(frames: dict) -> dict[str, dict[str, str]]:
    """Institution and partner names by id, for drop-downs."""
    institutions = frames.get("institutions", pd.DataFrame())
    partners = frames.get("partners", pd.DataFrame())
    return {
        "institutions": dict(zip(institutions.get("institution_id", []),
                                 institutions.get("short_name", []), strict=True)),
        "partners": dict(zip(partners.get("partner_id", []), partners.get("name", []),
                             strict=True)),
    }


def rows_text(rows: list[tuple[str, str]], lang: str, limit: int = 20) -> str:
    """``Визиты v-admi-1, Визиты v-admi-2 …``: refused rows in words."""
    listed = ", ".join(f"{table_label(table, lang)} {key}" for table, key in rows[:limit])
    return listed + (" …" if len(rows) > limit else "")


def write_to_store(write: Callable[[], Version], lang: str) -> Version | None:
    """Run a publish or restore; on a conflict say why and rerun, on other errors show them."""
    try:
        return write()
    except PublishConflict as exc:
        state = page_state()
        state.check = None  # check the same file again
        state.flash = ("error", t("data.publish.conflict", lang, current=exc.current))
        st.rerun()
    except Refused as exc:
        st.error(t_plain("data.store.refused", lang, rows=rows_text(exc.rows, lang)))
    except Invalid as exc:
        st.error(fmt.plural("data.store.invalid", exc.params["count"], lang,
                            count=fmt.integer(exc.params["count"], lang)))
    except StoreError as exc:
        st.error(t_plain(f"data.store.{exc.code}", lang, **exc.params))
    return None
