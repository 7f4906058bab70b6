"""The one-row form's pure helpers (datastore.forms): dates read as the loaders read them,
and fields the editor did not change keep the stored text."""

from __future__ import annotations

from datetime import date

import pytest

from datastore import forms


@pytest.mark.parametrize(("stored", "parts"), [
    ("", ("none", None, None, None)),
    ("2024", ("year", 2024, None, None)),
    ("2024-03", ("month", 2024, 3, None)),
    ("2024-03-05", ("day", 2024, 3, date(2024, 3, 5))),
    ("05.03.2024", ("day", 2024, 3, date(2024, 3, 5))),     # issue 25, defect 2: was "none"
    ("март 2024", ("month", 2024, 3, None)),
    ("весна 2024", ("text", None, None, None)),             # shown as typed
    ("2024-02-30", ("text", None, None, None)),
])
def test_split_date(stored, parts):
    assert forms.split_date(stored) == parts


def test_kept_cells_keeps_what_the_editor_left_alone():
    original = {"start_date": "05.03.2024", "end_date": "весна 2024", "person": "A", "note": ""}
    opened = {"start_date": "2024-03-05", "end_date": "весна 2024", "person": "A", "note": ""}
    now = {"start_date": "2024-03-05", "end_date": "весна 2024", "person": "B", "note": "x"}
    assert forms.kept_cells(original, opened, now) == {
        "start_date": "05.03.2024", "end_date": "весна 2024", "person": "B", "note": "x"}


def test_kept_cells_takes_a_changed_date():
    assert forms.kept_cells({"start_date": "05.03.2024"}, {"start_date": "2024-03-05"},
                            {"start_date": "2024-03"}) == {"start_date": "2024-03"}
