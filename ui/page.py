"""The prologue every page runs: title, one line, the fatal and problems guards."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import streamlit as st

from i18n import t
from ui.panels import empty_state, fatal_panel, problems_notice
from ui.sidebar import PageContext, page_context

PRESENT_CSS = """
<style>
[data-testid="stMetricValue"] { font-size: 2.6rem; }
[data-testid="stMetricLabel"] p { font-size: 1.15rem; }
.stMainBlockContainer p, .stMainBlockContainer li { font-size: 1.15rem; }
h1 { font-size: 2.8rem; }
h2 { font-size: 2.1rem; }
h3 { font-size: 1.75rem; }
[data-testid="stCaptionContainer"] p { font-size: 1.05rem; }
[data-testid="stMainBlockContainer"] { max-width: 100%; padding-left: 3rem; padding-right: 3rem; }
</style>
"""


def start_page(name: str) -> PageContext:
    """Title and lead of page ``name``; stops with one error panel when the data is unusable."""
    ctx = page_context()
    if ctx.present:
        st.markdown(PRESENT_CSS, unsafe_allow_html=True)
    st.title(t(f"page.{name}.title", ctx.lang))
    st.caption(t(f"page.{name}.lead", ctx.lang))
    if ctx.fatal:
        fatal_panel(ctx.fatal, ctx.lang)
        st.stop()
    if not ctx.present and name != "quality":
        problems_notice(len(ctx.dataset.errors), len(ctx.dataset.warnings), ctx.lang)
    return ctx


def stop_if_empty(ctx: PageContext, frames: Iterable[pd.DataFrame], key: str = "common.empty") -> None:
    """A friendly message (and stop) when every frame the page draws is empty."""
    if all(frame is None or frame.empty for frame in frames):
        empty_state(ctx.lang, key)
        st.stop()
