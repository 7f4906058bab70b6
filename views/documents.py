"""Documents: every evidence document, the rows that cite it and the figures those rows feed."""

import pandas as pd
import streamlit as st

import metrics
from i18n import fmt, t
from metrics.documents import fed_figures
from ui import show_table, start_page
from ui.documents import date_of, document_index, document_links, file_of, rows_frame, safe_url
from ui.tables import columns
from ui.text import plain

ctx = start_page("documents")
lang = ctx.lang
index = document_index(ctx)

if not len(index):
    st.info(t("page.documents.none", lang), icon=":material/description:")
    st.stop()

# The figures each row feeds, in the sidebar's filters (metrics.evidence_frame per figure).
# The loaded ids (presentation mode shows neutral ones): matched here, never shown.
evidence = {k.name: (k.evidence_of, ctx.evidence_frame(k.name, masked=False)) for k in metrics.KPIS}
fed = fed_figures(evidence, ctx.scoped(masked=False))
citing = {doc_id: rows for doc_id, rows in index.citing_rows(ctx.tables).items()}
order = [k.name for k in metrics.KPIS]


def figures_of(doc_id: str) -> list[str]:
    found = {k for key in citing.get(doc_id, []) for k in fed.get(key, [])}
    return [k for k in order if k in found]


docs = list(index.documents.values())
shown = ctx.privacy().text  # presentation mode: names out of titles, authors and notes (loaders.privacy)
cols = st.columns(3)
cols[0].metric(t("page.documents.count", lang), fmt.integer(len(docs), lang), border=True)
cols[1].metric(t("page.documents.rows", lang),
               fmt.integer(len({key for rows in citing.values() for key in rows}), lang), border=True)
cols[2].metric(t("page.documents.files", lang),
               fmt.integer(sum(1 for d in docs if file_of(ctx, d) is not None), lang), border=True)

frame = pd.DataFrame({
    "title": [shown(d.title) for d in docs],
    "kind": [d.kind for d in docs],
    "author": [ctx.privacy().author(d.author) for d in docs],
    "date": [date_of(d, lang) or t("documents.no_date", lang) for d in docs],
    "url": [safe_url(d.url) for d in docs],
    "file": [(d.file or "").replace("\\", "/").rsplit("/", 1)[-1] for d in docs],
    "public": [t("documents.public.yes" if d.public else "documents.public.no", lang) for d in docs],
    "rows": [len(citing.get(d.doc_id, [])) for d in docs],
    "figures": ["; ".join(t(metrics.KPI_BY_NAME[k].label_key, lang) for k in figures_of(d.doc_id))
                for d in docs],
})
# date and public are words already (a date as precise as known, "yes"/"no" in the language)
show_table(ctx, frame, columns("documents", "title", "kind", "rows", ("figures", "page.documents.col.figures", "text"),
                               ("date", "page.documents.col.date", "text"), "author", "url", "file", "public"),
           key="documents", file_stem="documents",
           column_config={"url": st.column_config.LinkColumn(t("page.documents.col.url", lang), width=260)})
st.caption(t("page.documents.note", lang))

# One document -------------------------------------------------------------------------
st.subheader(t("page.documents.detail", lang))
chosen = st.selectbox(t("page.documents.choose", lang), [d.doc_id for d in docs], index=None,
                      key="document-detail", format_func=lambda d: shown(index.documents[d].title),
                      placeholder=t("page.documents.choose_hint", lang))
if chosen:
    doc = index.documents[chosen]
    document_links(ctx, [chosen], key="document-page", heading=False)
    if doc.note:
        st.caption(plain(shown(doc.note)))
    figures = figures_of(chosen)
    st.markdown(fmt.plural("page.documents.feeds", len(figures), lang) + " "
                + ", ".join(plain(t(metrics.KPI_BY_NAME[k].label_key, lang)) for k in figures))
    rows = rows_frame(ctx, chosen)
    rows = rows.assign(table=[t(f"page.quality.table.{name}", lang) for name in rows["table"]])
    # the quote is hidden when presenting, and so is the id (an id may name a person)
    show_table(ctx, rows, columns(None, ("table", "page.quality.col.table", "text"), ("id", "common.col.id", "text"),
                                  "_row", "quote"), hidden=("id",), key="document-rows", file_stem=f"document-{chosen}")
