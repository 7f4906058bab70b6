"""The many-viewers script, briefly: 2 Chromium sessions for ~10 s, no errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.load import run

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parent / "data" / "dashboard"


def test_two_sessions_switch_pages_and_filters_without_errors():
    result = run(DATA, sessions=2, seconds=10)
    assert result["errors"] == []
    assert result["page_views"] >= 2
    assert result["median_ms"] is not None
