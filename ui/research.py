"""Cached reading of the dataset's publication exports (``research``), per file stamp."""

from __future__ import annotations

import streamlit as st

import research
from ui import loading


@st.cache_resource(show_spinner=False, max_entries=2)
def _load(path: str, stamp: tuple, pub_stamp: tuple) -> research.Research | None:
    del pub_stamp  # part of the cache key only: changes whenever an export does
    return research.dataset_research(path, loading.load_cached(path, stamp).tables)


def current_research(path: str, stamp: tuple) -> research.Research | None:
    """The research view of the active dataset, or None when it has no export files."""
    tables = loading.load_cached(path, stamp).tables
    files, problems = research.publication_files(path, tables)
    if not files and not problems:
        return None
    return _load(path, stamp, research.files_stamp(files))
