"""Run the dashboard in AppTest the way a person opens a link: query string, then a page."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2025-06-30"


def run_dashboard(page: str | None = None, **query: str | list[str]) -> AppTest:
    """Run dashboard.py with ``query`` in the URL (as_of defaults to AS_OF), then ``views/<page>.py``.

    The dataset comes from the environment (COOP_DATA, COOP_STORE) the caller set.
    """
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
    at.query_params["as_of"] = AS_OF
    for key, value in query.items():
        at.query_params[key] = value
    at.run(timeout=30)
    if page:
        at.switch_page(f"views/{page}.py").run(timeout=30)
    assert not at.exception, [e.value for e in at.exception]
    return at
