"""The Data page's "Attachments" tab: keep a file (a signed memorandum, an invitation letter,
a certificate) as evidence of one agreement, visit, grant or students row, see what is
attached, stop keeping one (datastore.attachments; docs/data-contract.md "Documents")."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from datastore import attachments
from datastore.attachments import SUFFIXES, AttachmentRejected
from datastore.store import PublishConflict, Refused, Store, StoreError
from datastore.upload import MB, Limits, UploadRejected
from i18n import t
from loaders.schema import DOCUMENT_KINDS
from metrics.documents import ATTACHABLE_TABLES
from ui.datapage.state import page_state
from ui.text import t_plain

K_NONCE = "attach_nonce"  # a new uploader after each attachment
# The kind a file attached to a row of each table most often is (the editor may change it).
DEFAULT_KIND = {"agreements": "agreement", "visits": "letter", "grants": "agreement", "students": "certificate"}
ROW_LABEL = {"agreements": ("agreement_id", "partner_id"), "visits": ("visit_id", "partner_id"),
             "grants": ("grant_id", "title")}


def _rows(frame: pd.DataFrame | None, table: str, partners: pd.DataFrame | None) -> dict[str, str]:
    """The rows one can attach to: id -> label (students: ``N`` -> row N's description)."""
    if frame is None or frame.empty:
        return {}
    names = {} if partners is None or partners.empty else dict(zip(partners["partner_id"], partners["name"],
                                                                  strict=False))
    if table == "students":
        return {str(n): f"students:{n} · " + " · ".join(
            str(rec.get(c, "")) for c in ("institution_id", "academic_year", "country", "count") if rec.get(c, ""))
            for n, rec in enumerate(frame.to_dict("records"), start=2)}
    key, extra = ROW_LABEL[table]
    return {str(rec[key]): f"{rec[key]} · {names.get(rec.get(extra, ''), rec.get(extra, ''))}".rstrip(" ·")
            for rec in frame.to_dict("records") if rec.get(key)}


def _save(write, lang: str) -> bool:
    """Run an attach or remove; say why when the store refuses it."""
    try:
        write()
    except AttachmentRejected as exc:
        st.error(t_plain(f"data.upload.{exc.code}", lang, **exc.params))
    except UploadRejected as exc:
        st.error(t_plain(f"data.upload.{exc.code}", lang, **exc.params))
    except PublishConflict as exc:
        st.error(t("data.publish.conflict", lang, current=exc.current))
    except Refused as exc:
        st.error(t("data.store.refused", lang, rows=exc.params["rows"]))
    except StoreError as exc:
        st.error(t_plain(f"data.store.{exc.code}", lang, **exc.params))
    else:
        return True
    return False


def attachments_section(store: Store, editor: str, current: int | None, lang: str, client: str = "") -> None:
    """Attach a checked file to a row as a new version; list and remove attachments."""
    st.markdown(t("data.attach.intro", lang))
    kept = attachments.attached(store, current)
    if kept:
        st.dataframe(pd.DataFrame([{
            t("common.col.title", lang): d.get("title", ""),
            t("common.col.kind", lang): t(f"enum.document_kind.{d['kind']}", lang) if d.get("kind") else "",
            t("data.attach.col.row", lang): d.get("attached_to", ""),
            t("data.attach.col.file", lang): d.get("file", "").split("/", 1)[-1],
            t("page.documents.col.public", lang): t("documents.public.yes" if d.get("public") == "yes"
                                                    else "documents.public.no", lang),
        } for d in kept]), hide_index=True, width="stretch")
    else:
        st.caption(t("data.attach.none", lang))
    frames = store.frames(current) if current is not None else {}
    cols = st.columns(2)
    table = cols[0].selectbox(t("data.attach.table", lang), list(ATTACHABLE_TABLES), key="attach_table",
                              format_func=lambda name: t(f"page.quality.table.{name}", lang))
    rows = _rows(frames.get(table), table, frames.get("partners"))
    nonce = st.session_state.get(K_NONCE, 0)
    row = cols[1].selectbox(t("data.attach.row", lang), list(rows), key=f"attach_row_{table}", index=None,
                            format_func=lambda r: rows.get(r, r), placeholder=t("data.attach.row_hint", lang))
    uploaded = st.file_uploader(
        t("data.attach.file", lang), type=[s.lstrip(".") for s in SUFFIXES],
        key=f"attach_file_{nonce}", help=t("data.attach.file_help", lang),
        max_upload_size=max(1, round(Limits.from_env().max_upload_bytes / MB)))
    cols = st.columns([3, 2, 1], vertical_alignment="bottom")
    title = cols[0].text_input(t("data.attach.title", lang), key=f"attach_title_{nonce}")
    kind = cols[1].selectbox(t("common.col.kind", lang), list(DOCUMENT_KINDS), key=f"attach_kind_{table}",
                             index=DOCUMENT_KINDS.index(DEFAULT_KIND[table]),
                             format_func=lambda k: t(f"enum.document_kind.{k}", lang))
    public = cols[2].checkbox(t("data.attach.public", lang), key="attach_public",
                              help=t("data.attach.public_help", lang))
    if st.button(t("data.attach.keep", lang), type="primary", key="attach_keep",
                 disabled=uploaded is None or row is None or not title.strip()) and uploaded is not None \
            and row is not None and _save(lambda: attachments.attach(
                store, table, row, uploaded.name, uploaded.getvalue(), title=title, kind=kind, public=public,
                editor=editor, expected_current=current, client=client), lang):
        st.session_state[K_NONCE] = st.session_state.get(K_NONCE, 0) + 1
        page_state().flash = ("success", t_plain("data.attach.kept", lang, name=uploaded.name, row=f"{table}:{row}"))
        st.rerun()
    if kept:
        cols = st.columns([3, 1], vertical_alignment="bottom")
        chosen = cols[0].selectbox(t("data.attach.remove_which", lang), [d["doc_id"] for d in kept],
                                   key="attach_remove_id", format_func=lambda d: next(
                                       f"{k.get('title', '')} · {k.get('attached_to', '')}" for k in kept
                                       if k["doc_id"] == d))
        if cols[1].button(t("data.attach.remove", lang), key="attach_remove") and _save(
                lambda: attachments.remove(store, chosen, editor, current, client=client), lang):
            page_state().flash = ("success", t("data.attach.removed", lang))
            st.rerun()
