"""The many-viewers script, briefly: 2 Chromium sessions, 2 timed filter changes each.

A fixed amount of work, not a duration: each session opens a shared link and changes a
filter twice (``changes=2``); ``seconds`` is only the upper bound on a busy machine."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.load import run

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parent / "data" / "dashboard"


def test_two_sessions_switch_pages_and_filters_without_errors():
    result = run(DATA, sessions=2, seconds=180, changes=2)
    assert result["errors"] == []
    assert result["opened"] == 2
    assert result["page_views"] == 4  # 2 sessions x 2 filter changes, each timed
    assert result["median_ms"] is not None and result["median_ms"] > 0
