"""Streamlit helpers shared by the pages: cached data, sidebar state, panels.

The only package below the pages that imports streamlit.
"""

from ui.page import start_page, stop_if_empty
from ui.panels import csv_bytes, empty_state, escape_cell, legend, table_with_download
from ui.sidebar import (
    PageContext,
    current_language,
    ensure_navigation,
    page_context,
    render_sidebar,
)

__all__ = [
    "PageContext",
    "csv_bytes",
    "current_language",
    "empty_state",
    "ensure_navigation",
    "escape_cell",
    "legend",
    "page_context",
    "render_sidebar",
    "start_page",
    "stop_if_empty",
    "table_with_download",
]
