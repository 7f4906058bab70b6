"""One answer to "is this cell missing" on every floor (issue 27 item 2): None, NaN, NA,
NaT and blank text are missing; 0, "0", False, the word "nan" and lists are values.
Before, ``loaders.types.is_empty`` called a blank string missing and
``report.parts.missing`` did not, so the pack wrote "" where the page wrote "unknown"."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from i18n_files import text

from core.missing import is_missing


@pytest.mark.parametrize(("value", "expected"), [
    (None, True),
    (float("nan"), True),
    (np.nan, True),
    (np.float64("nan"), True),
    (pd.NA, True),
    (pd.NaT, True),
    (np.datetime64("NaT"), True),
    ("", True),
    ("  ", True),
    ("\t\n", True),
    ("0", False),
    (0, False),
    (0.0, False),
    (False, False),
    ("nan", False),  # text someone typed, not a number that is not one
    ("None", False),
    ("x", False),
    (math.inf, False),
    ([], False),  # a list cell is a value; its items are the caller's to read
    (["a"], False),
    ((), False),
    (pd.Timestamp("2024-01-01"), False),
    (dt.date(2024, 1, 1), False),
    (np.array([1.0, np.nan]), False),  # not a cell
])
def test_is_missing(value, expected):
    assert is_missing(value) is expected


def test_the_pack_calls_a_blank_value_unknown_as_the_loader_does():
    from report.parts import enum_label

    assert enum_label("mode", "", "ru") == text("export.unknown", "ru")
    assert enum_label("mode", "  ", "en") == text("export.unknown", "en")
    assert enum_label("mode", "remote", "en") == text("enum.mode.remote", "en")


def test_a_blank_number_is_written_as_a_dash():
    from i18n import fmt

    assert fmt.number("", "en") == "—"
    assert fmt.number(" ", "ru", 0) == "—"
    assert fmt.number(0, "en") == "0"


def test_a_table_and_a_map_tooltip_write_a_blank_cell_as_nothing():
    from charts.map_layers import _text
    from ui.tables import date_text

    assert _text("  ") == "" and _text(pd.NA) == "" and _text("Tashkent") == "Tashkent"
    assert date_text("") == "" and date_text(pd.NaT) == ""
    assert date_text("2024-03-04", "month") == "2024-03"
