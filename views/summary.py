"""Summary: what a panel reads first, printable from the browser on one A4 page.

The same words as the evidence pack's summary page (``report.summary``): the institutions
and the scope, the headline figures with their state and change, the targets met and the
five sentences, every number read off the figure objects. Print CSS hides the sidebar,
the toolbar and the print button, and lets the page run past the window's height.
"""

import pandas as pd
import streamlit as st

import metrics
from i18n import fmt, t
from metrics.figure import figures
from report.cells import DATE_STYLE
from report.scope_words import scope_lines, scope_words
from report.summary import (
    HEADLINE,
    headline_rows,
    scope_line,
    summary_sentences,
    targets_met,
    targets_sentence,
)
from ui import start_page

# Browser print: the main column alone on A4, no scroll box (Streamlit's main area is a
# scrolling box of the window's height: printed as it is, only the first screen would come out).
PRINT_CSS = """
<style>
.st-key-summary-names p { font-size: 1.15rem; font-weight: 600; margin-bottom: 0.1rem; }
@media print {
  @page { size: A4 portrait; margin: 12mm 12mm 14mm 12mm; }
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
  [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
  [data-testid="stBottom"], header, footer, .stDeployButton,
  [data-testid="stIFrame"], iframe, .st-key-summary-print { display: none !important; }
  html, body, .stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"],
  [data-testid="stMainBlockContainer"], section.main {
    overflow: visible !important; height: auto !important; min-height: 0 !important;
    position: static !important; background: #fff !important; }
  [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: 100% !important; }
  [data-testid="stAppViewContainer"] > section, [data-testid="stMain"] { margin: 0 !important; padding: 0 !important; }
  h1 { font-size: 1.6rem !important; padding-top: 0 !important; }
  h3 { font-size: 1.1rem !important; padding: 0.3rem 0 0.1rem 0 !important; }
  [data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li { font-size: 0.92rem !important; }
  [data-testid="stCaptionContainer"] p { font-size: 0.8rem !important; }
  [data-testid="stTable"] td, [data-testid="stTable"] th { font-size: 0.8rem !important; padding: 0.2rem 0.45rem !important; }
  [data-testid="stTable"] tr, [data-testid="stMarkdownContainer"] li { break-inside: avoid; }
  [data-testid="stVerticalBlock"] { gap: 0.35rem !important; }
  [data-testid="stAlert"] { padding: 0.3rem 0.6rem !important; }
}
</style>
"""
# window.print from the component's frame prints the page around it (same origin, no network).
PRINT_BUTTON = """
<button onclick="window.parent.print()" style="font: 14px 'Source Sans Pro', sans-serif; padding: 6px 14px;
 border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 8px; background: #fff; cursor: pointer;">{label}</button>
"""


def _markdown(text: str) -> str:
    """Plain text as markdown: "$" is not the start of a formula."""
    return text.replace("$", "\\$")


ctx = start_page("summary")
lang = ctx.lang
st.html(PRINT_CSS)
with st.container(key="summary-print", horizontal=True, vertical_alignment="center"):
    st.iframe(PRINT_BUTTON.replace("{label}", t("page.summary.print", lang)), width=150, height=44)
    st.caption(t("page.summary.print_note", lang))

# The institutions by their full names in the language (name_ru, name_uz), then the scope.
shown = sorted(ctx.scope.institutions) or metrics.all_institutions(ctx.tables)
with st.container(key="summary-names"):
    st.markdown(_markdown(" · ".join(ctx.institution_full_name(i) for i in shown)))
lines = scope_lines(ctx.scope, ctx.tables, lang)
st.caption(_markdown(scope_line(scope_words(lines, lang), fmt.date_text(ctx.scope.as_of, lang, "day", style=DATE_STYLE),
                                lang)))

values, notes = ctx.kpis()
comparison = ctx.year_over_year()
figs = figures(values, notes, comparison.changes if comparison.reason is None else None)

st.subheader(t("page.summary.figures", lang))
sources = ctx.figure_sources()  # numbered as the pack's Sources page numbers them
rows = [[*row, sources.numbers.get(name, "")] for row, name in zip(headline_rows(figs, lang), HEADLINE, strict=True)]
table = pd.DataFrame(rows, columns=[t("export.col.kpi", lang), t("export.col.value", lang), t("pack.col.change", lang),
                                    t("pack.sources.title", lang)])
st.table(table.set_index(table.columns[0]))
if sources.titles:
    st.caption(_markdown(t("pack.sources.cites", lang, numbers=" · ".join(sources.titles))))
st.markdown("**" + _markdown(targets_sentence(targets_met(ctx.target_figures(), ctx.scope.as_of), lang)) + "**")

st.subheader(t("page.summary.in_words", lang))
for sentence in summary_sentences(figs, lang):
    st.markdown("- " + _markdown(sentence))
