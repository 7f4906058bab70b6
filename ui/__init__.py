"""Streamlit helpers shared by the pages: the page context, sidebar state, panels.

The only package below the pages that imports streamlit.
"""

from ui.context import PageContext, active_dataset
from ui.page import start_page, stop_if_empty
from ui.panels import csv_bytes, empty_state, escape_cell, legend, show_table
from ui.sidebar import current_language, page_context, render_sidebar

__all__ = [
    "PageContext",
    "active_dataset",
    "csv_bytes",
    "current_language",
    "empty_state",
    "escape_cell",
    "legend",
    "page_context",
    "render_sidebar",
    "show_table",
    "start_page",
    "stop_if_empty",
]
