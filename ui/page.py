"""The prologue every page runs: title, one line, the fatal and problems guards."""

from __future__ import annotations

import sys
from collections.abc import Iterable, MutableMapping

import pandas as pd
import streamlit as st

from i18n import t
from ui.context import PageContext, collect_garbage
from ui.panels import empty_state, fatal_panel, problems_notice
from ui.sidebar import page_context

# Always: KPI labels wrap instead of ending in "…" (Russian and Uzbek labels are long),
# and cards in one row share one height.
BASE_CSS = """
<style>
[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"],
[data-testid="stMetricLabel"] p { white-space: normal; overflow: visible; text-overflow: clip; line-height: 1.3; }
[data-testid="stMetricLabel"] { height: auto; min-height: 1.5rem; align-items: flex-start; }
[data-testid="stHorizontalBlock"]:has([data-testid="stMetric"]) { align-items: stretch; }
/* a headline figure never truncates ("неизве…", "≥ $2,00…"): it wraps and shrinks with the card */
[data-testid="stMetricValue"], [data-testid="stMetricValue"] > div, [data-testid="stMetricValue"] p {
  white-space: normal; overflow: visible; text-overflow: clip; overflow-wrap: break-word; line-height: 1.15; }
[data-testid="stMetricValue"] { font-size: clamp(1.1rem, 1.5vw, 2.25rem); }
[data-testid="stColumn"]:has(> [data-testid="stVerticalBlock"] > [data-testid="stElementContainer"] > [data-testid="stMetric"]) > [data-testid="stVerticalBlock"],
[data-testid="stElementContainer"]:has(> [data-testid="stMetric"]) { height: 100%; }
[data-testid="stMetric"] { height: 100%; display: flex; flex-direction: column; justify-content: space-between; }
[data-testid="stDeckGlJsonChart"] { background: #e9f2fa; }  /* beyond the one world: ocean (charts.theme.OCEAN_RGB) */
</style>
"""

PRESENT_CSS = """
<style>
.stMainBlockContainer p, .stMainBlockContainer li { font-size: 1.15rem; }  /* first: the rules below win */
[data-testid="stMetricValue"], [data-testid="stMetricValue"] p { font-size: 2.8rem; }
[data-testid="stMetricDelta"] p, [data-testid="stMetricDeltaDescription"] p { font-size: 1.1rem; }
[data-testid="stMetricLabel"] p { font-size: 1.15rem; }
h1 { font-size: 2.8rem; }
h2 { font-size: 2.1rem; }
h3 { font-size: 1.75rem; }
[data-testid="stCaptionContainer"] p { font-size: 1.05rem; }
[data-testid="stMainBlockContainer"] { max-width: 100%; padding-left: 3rem; padding-right: 3rem; }
.coop-legend { font-size: 1.25rem !important; }
[data-testid="stAlert"] p { font-size: 1.2rem; }
[data-testid="stBaseButton-secondary"] p, [data-testid="stDownloadButton"] p { font-size: 1.1rem; }
</style>
"""


K_NAMESPACE = "_page_namespace"  # session key: the module namespace of the page last run


def release_previous_page(namespace: dict, state: MutableMapping | None = None) -> None:
    """Empty the namespace of the page this session ran last, now that ``namespace`` runs.

    A page file runs in a fresh module each time (``st.Page.run``); its functions and
    lambdas refer back to that module's namespace, a reference cycle that kept the run's
    frames (a scoped million visits: a few hundred MB) until a full garbage collection.
    Emptied, the cycle is gone and the frames are freed at once by reference counting.
    Only a page of an earlier run is emptied, never a loaded module: by then that run's
    callbacks and fragments are over (a full rerun starts here) and Streamlit's deferred
    downloads are the panels' closures (``ui.panels``), which need no page name.
    """
    state = st.session_state if state is None else state  # the session's (a test's own map)
    previous = state.get(K_NAMESPACE)
    state[K_NAMESPACE] = namespace if namespace.get("__name__") == "__main__" else None
    if previous is None or previous is namespace or previous.get("__name__") != "__main__":
        return
    main = sys.modules.get("__main__")
    if main is not None and vars(main) is previous:  # still a running script's own module
        return
    previous.clear()


def start_page(name: str, *, title_key: str | None = None, lead_key: str | None = None,
               stop_on_fatal: bool = True, notice: bool = True) -> PageContext:
    """Title and lead of page ``name``; stops with one error panel when the data is unusable.

    The Data page (``stop_on_fatal=False``) shows the panel and goes on: it is where the
    unusable data is replaced; it shows no problems notice either (``notice=False``): its
    review lists the problems of what is uploaded.
    """
    release_previous_page(sys._getframe(1).f_globals)  # the page calling: its module namespace
    collect_garbage()  # what else the previous rerun left (ui.loading.collect_garbage)
    ctx = page_context()
    st.html(BASE_CSS)  # style only: takes no space on the page
    if ctx.presenting:
        st.markdown(PRESENT_CSS, unsafe_allow_html=True)
    st.title(t(title_key or f"page.{name}.title", ctx.lang))
    st.caption(t(lead_key or f"page.{name}.lead", ctx.lang))
    if ctx.fatal:
        fatal_panel(ctx.fatal, ctx.lang, hint=ctx.load_error is None)
        if not stop_on_fatal:
            return ctx
        st.stop()
    if notice and not ctx.presenting and name != "quality":
        problems_notice(ctx.dataset.error_count, ctx.dataset.warning_count, ctx.lang)
    return ctx


def stop_if_empty(ctx: PageContext, frames: Iterable[pd.DataFrame], key: str = "common.empty") -> None:
    """A friendly message (and stop) when every frame the page draws is empty."""
    if all(frame is None or frame.empty for frame in frames):
        empty_state(ctx.lang, key)
        st.stop()
