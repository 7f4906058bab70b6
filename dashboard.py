"""Entry point: app config, navigation and the shared sidebar (filters <-> URL).

Run: ``streamlit run dashboard.py`` (the dataset: ``COOP_DATA``, default ``data/``).
The page files are in ``views/`` (not ``pages/``, which Streamlit would run on their own
in its legacy multipage mode): ``st.navigation`` below is the only way into them, so every
page runs after this script's sidebar.
"""

from pathlib import Path

import streamlit as st

from datastore import guard
from i18n import t
from ui import current_language, render_sidebar
from ui.loading import freeze_long_lived

guard.install()  # a client's clear_cache message is logged and ignored
freeze_long_lived()  # the first runs only: later collections scan only new objects

lang, presenting = current_language()
st.set_page_config(
    page_title=t("common.app_title", lang),
    # A file shipped with the app: an icon name (":material/...") makes the browser fetch
    # the favicon from a font server, which fails offline.
    page_icon=str(Path(__file__).resolve().parent / "assets" / "favicon.png"),
    layout="wide",
    # On a projector the sidebar starts folded away; its arrow brings back the mode toggle.
    initial_sidebar_state="collapsed" if presenting else "expanded",
)

# The pages, in menu order: add a page with one line here.
PAGES = [
    st.Page("views/overview.py", title=t("page.overview.nav", lang), icon=":material/dashboard:", default=True),
    st.Page("views/summary.py", title=t("page.summary.nav", lang), icon=":material/summarize:"),
    st.Page("views/partners.py", title=t("page.partners.nav", lang), icon=":material/public:"),
    st.Page("views/mobility.py", title=t("page.mobility.nav", lang), icon=":material/flight:"),
    st.Page("views/grants.py", title=t("page.grants.nav", lang), icon=":material/payments:"),
    st.Page("views/agreements.py", title=t("page.agreements.nav", lang), icon=":material/handshake:"),
    st.Page("views/students.py", title=t("page.students.nav", lang), icon=":material/school:"),
    st.Page("views/research.py", title=t("page.research.nav", lang), icon=":material/menu_book:"),
    st.Page("views/rankings.py", title=t("page.rankings.nav", lang), icon=":material/leaderboard:"),
    st.Page("views/documents.py", title=t("page.documents.nav", lang), icon=":material/description:"),
    st.Page("views/quality.py", title=t("page.quality.nav", lang), icon=":material/fact_check:"),
    st.Page("views/export.py", title=t("page.export.nav", lang), icon=":material/download:"),
    st.Page("views/data.py", title=t("data.nav", lang), icon=":material/upload_file:", url_path="data"),
]

page = st.navigation(PAGES, expanded=True)  # every page in view: the Data page too (12 pages)
render_sidebar(lang, presenting)
page.run()
