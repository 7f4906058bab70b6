"""The Data page's "Publication exports" tab: keep a Scopus / Web of Science / OpenAlex export
in the store with its institution, see what is kept, remove one (datastore.publications)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from datastore import publications, security
from datastore.store import PublishConflict, Refused, Store, StoreError
from datastore.upload import MB, Limits, UploadRejected
from i18n import fmt, t
from research import EXPORT_SUFFIXES
from ui.datapage.common import rows_text
from ui.datapage.state import page_state
from ui.panels import problems_table
from ui.text import t_plain


def _institutions(store: Store, editor: str, names: dict[str, str]) -> list[str]:
    """The institutions ``editor`` may keep exports for ("" = any: admins only)."""
    account = security.account(store, editor) or {}
    if account.get("is_admin"):
        return [*names, ""]
    return [i for i in names if i in account.get("institutions", set())]


def _institution_label(institution_id: str, names: dict[str, str], lang: str) -> str:
    if not institution_id:
        return t("data.pubs.any_institution", lang)
    return names.get(institution_id, institution_id)


def _kept_table(kept: list, names: dict[str, str], lang: str) -> None:
    rows = [{
        t("data.pubs.col.file", lang): k.name,
        t("data.pubs.col.institution", lang): _institution_label(k.institution_id, names, lang),
        t("data.pubs.col.size", lang): t("data.pubs.kb", lang, n=fmt.number(round(k.size / 1024, 1), lang, 1)),
        t("data.pubs.col.editor", lang): k.editor,
        t("data.pubs.col.version", lang): k.since,
    } for k in kept]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def _save(write, lang: str) -> bool:
    """Run a keep or remove; say why when the store refuses it."""
    try:
        write()
    except PublishConflict as exc:
        st.error(t("data.publish.conflict", lang, current=exc.current))
    except Refused as exc:
        st.error(t_plain("data.store.refused", lang, rows=rows_text(exc.rows, lang)))
    except StoreError as exc:
        st.error(t_plain(f"data.store.{exc.code}", lang, **exc.params))
    else:
        return True
    return False


def publications_section(store: Store, editor: str, current: int | None,
                         names: dict[str, str], lang: str, client: str = "") -> None:
    """Upload, check and keep an export; list and remove the kept ones."""
    st.markdown(t("data.pubs.intro", lang))
    kept = publications.kept(store, current)
    if kept:
        _kept_table(kept, names, lang)
    else:
        st.caption(t("data.pubs.none", lang))
    allowed = _institutions(store, editor, names)
    if not allowed:
        st.info(t("data.pubs.no_rights", lang))
        return
    uploaded = st.file_uploader(
        t("data.pubs.upload", lang), type=[s.lstrip(".") for s in EXPORT_SUFFIXES],
        key=f"pub_upload_{page_state().pubs_nonce}", help=t("data.pubs.upload_help", lang),
        max_upload_size=max(1, round(Limits.from_env().max_upload_bytes / MB)),
    )
    owner = st.selectbox(t("data.pubs.institution", lang), allowed, key="pub_institution",
                         format_func=lambda i: _institution_label(i, names, lang))
    if uploaded is not None:
        data = uploaded.getvalue()
        try:
            pubs = publications.read_export(uploaded.name, data)
        except UploadRejected as exc:
            st.error(t_plain(f"data.upload.{exc.code}", lang, **exc.params))
        else:
            errors = sum(p.severity == "error" for p in pubs.problems)
            st.success(t("data.pubs.read", lang, papers=fmt.number(len(pubs.papers), lang),
                         errors=fmt.integer(errors, lang),
                         warnings=fmt.integer(len(pubs.problems) - errors, lang)))
            if pubs.problems:
                problems_table(pubs.problems, lang)
            note = st.text_input(t("data.publish.note", lang), key="pub_note")
            if st.button(t("data.pubs.keep", lang), type="primary", key="pub_keep") and _save(
                lambda: publications.add_export(store, uploaded.name, data, owner, editor, current,
                                                note=note, client=client), lang):
                state = page_state()
                state.pubs_nonce += 1
                state.flash = ("success", t_plain("data.pubs.kept", lang, name=uploaded.name))
                st.rerun()
    removable = [k for k in kept if k.institution_id in allowed]
    if removable:
        cols = st.columns([3, 1], vertical_alignment="bottom")
        chosen = cols[0].selectbox(
            t("data.pubs.remove_which", lang), [k.id for k in removable], key="pub_remove_id",
            format_func=lambda i: next(f"{k.name} · {_institution_label(k.institution_id, names, lang)}"
                                       for k in removable if k.id == i))
        if cols[1].button(t("data.pubs.remove", lang), key="pub_remove") and _save(
                lambda: publications.remove_export(store, chosen, editor, current, client=client), lang):
            page_state().flash = ("success", t("data.pubs.removed", lang))
            st.rerun()
