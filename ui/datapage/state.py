"""The Data page's session state: one typed object instead of loose session keys.

Streamlit keeps widget values under their widget keys; everything else the page
remembers between reruns (who is logged in, the message to show after a save, the
upload being reviewed, the row being edited, a restore being previewed) lives in one
:class:`DataPageState` kept in the session under :data:`STATE_KEY`. The few widget
values the page sets itself (the row form's fields) go through :func:`set_widget`,
:func:`widget` and :func:`drop_widget`, so no module touches ``st.session_state``
with a literal key but this one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import streamlit as st

STATE_KEY = "data_page"


@dataclass
class DataPageState:
    """What the Data page remembers between reruns of one browser session."""

    editor: str | None = None  # the logged-in editor's name
    editor_generation: int = -1  # the editor's session generation at login (security.session_ok)
    device_cookie: str | None = None  # the device cookie to write once after a login
    flash: tuple[str, str] | None = None  # ("success" | "error", text) shown once on top
    upload_nonce: int = 0  # bumped to give the file uploaders a new key (empties them)
    pubs_nonce: int = 0  # the same for the publication export uploader
    check: dict | None = None  # the uploaded workbook's check (upload tab)
    office_sheets: tuple | None = None  # (file id, {sheet: frame}) of the office file
    office_fixes: dict = field(default_factory=dict)  # (sheet, row, column) -> corrected text
    office_round: int = 0  # bumped at each "check again": a fresh corrections table
    edit_loaded: tuple | None = None  # (table, row id or NEW, version the form was opened on)
    edit_original: dict = field(default_factory=dict)  # the row's stored cells
    edit_opened: dict = field(default_factory=dict)  # what each field held when opened
    edit_errors: dict = field(default_factory=dict)  # column -> message; "" -> other messages
    edit_conflict: dict | None = None  # the colleague's newer row after a refused save
    edit_known_ids: set = field(default_factory=set)  # row ids of the table in the form
    restore: tuple | None = None  # (target version, current version) being previewed

    def take_flash(self) -> tuple[str, str] | None:
        flash, self.flash = self.flash, None
        return flash

    def reset_uploaders(self, flash: str) -> None:
        """After a publish or restore: say so and empty the uploaders."""
        self.flash = ("success", flash)
        self.upload_nonce += 1

    def forget_edit(self) -> None:
        """Reload the row form from the store on the next run."""
        self.edit_loaded = None
        self.edit_errors = {}
        self.edit_conflict = None


def page_state() -> DataPageState:
    """This session's Data page state (made on first use)."""
    state = st.session_state.get(STATE_KEY)
    if not isinstance(state, DataPageState):
        state = DataPageState()
        st.session_state[STATE_KEY] = state
    return state


def widget(key: str, default: Any = None) -> Any:
    """The value the widget with ``key`` holds (``default`` before it is drawn)."""
    return st.session_state.get(key, default)


def set_widget(key: str, value: Any) -> None:
    """Give the widget with ``key`` a value before it is drawn."""
    st.session_state[key] = value


def drop_widget(key: str) -> None:
    """Forget the widget's value: it starts from its default when drawn next."""
    st.session_state.pop(key, None)
