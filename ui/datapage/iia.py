"""The Data page's Erasmus IIA tab: read a partner's IIA file, see what it would change,
map or create its partner, save (docs/agreements.md). The same plan and rights as
``python -m datastore iia import``."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from datastore.iia import IiaError
from datastore.iia_store import apply_plans, plan_import
from datastore.store import Invalid, PublishConflict, Refused, Store, StoreError
from i18n import fmt, t
from places.countries import normalize_country
from ui.datapage.common import client
from ui.datapage.state import page_state
from ui.text import plain

NEW = "__new__"


def iia_section(store: Store, editor: str, current: int, institutions: dict[str, str], lang: str) -> None:
    """Upload an IIA file for one institution; review; save as a new version."""
    state = page_state()
    st.caption(t("data.iia.lead", lang))
    if not institutions:
        return
    institution = st.selectbox(t("common.col.institution", lang), list(institutions), key="iia_institution",
                               format_func=lambda i: institutions.get(i, i))
    uploaded = st.file_uploader(t("data.iia.file", lang), type=["xml"], key=f"iia_file_{state.upload_nonce}")
    if uploaded is None:
        return
    frames = store.frames(current)
    our_hei = st.text_input(t("data.iia.our_hei", lang), key="iia_our_hei",
                            help=t("data.iia.our_hei_help", lang))
    data = uploaded.getvalue()
    try:
        plans = plan_import(data, frames, institution, uploaded.name, our_hei.strip())
    except IiaError as exc:
        st.error(t(f"iia.error.{exc.code}", lang, **{k: plain(str(v)) for k, v in exc.params.items()}))
        return
    partners = frames.get("partners", pd.DataFrame(columns=["partner_id", "name"]))
    names = dict(zip(partners["partner_id"].astype(str), partners["name"].astype(str), strict=True))
    mapping: dict[str, str] = {}
    created: dict[str, dict[str, str]] = {}
    for plan in plans:
        if plan.partner_id is not None:
            continue
        st.warning(t("data.iia.unmapped", lang, hei=plain(plan.partner_hei)))
        choice = st.selectbox(t("data.iia.map_to", lang), [NEW, *sorted(names, key=names.get)],
                              key=f"iia_map_{plan.partner_hei}",
                              format_func=lambda p: t("data.iia.create", lang) if p == NEW else names[p])
        if choice != NEW:
            mapping[plan.partner_hei] = choice
            continue
        name = st.text_input(t("data.iia.new_name", lang), key=f"iia_name_{plan.partner_hei}")
        country = st.text_input(t("data.iia.new_country", lang), key=f"iia_country_{plan.partner_hei}")
        code = normalize_country(country) if country.strip() else None
        if name.strip() and code:
            created[plan.partner_hei] = {"name": name.strip(), "country": code}
        elif country.strip() and not code:
            st.error(t("data.iia.bad_country", lang, value=plain(country)))
    if mapping or created:
        plans = plan_import(data, frames, institution, uploaded.name, our_hei.strip(), mapping, created)
    for plan in plans:
        partner = names.get(plan.partner_id or "", (plan.new_partner or {}).get("name", plan.partner_hei))
        if not plan.existing:
            st.markdown(t("data.iia.plan_new", lang, agreement=plain(plan.agreement_id), partner=plain(partner),
                          n=fmt.integer(len(plan.terms), lang)))
        elif plan.unchanged:
            st.markdown(t("data.iia.plan_same", lang, agreement=plain(plan.agreement_id)))
        else:
            st.markdown(t("data.iia.plan_changed", lang, agreement=plain(plan.agreement_id)))
            st.dataframe(pd.DataFrame(plan.changes, columns=[t("data.col.column", lang), t("data.col.old", lang),
                                                             t("data.col.new", lang)]), hide_index=True)
        st.dataframe(pd.DataFrame([{
            t("page.agreements.use.col.mobility_type", lang): t(f"enum.mobility_type.{r['mobility_type']}", lang),
            t("common.col.direction", lang): t(f"enum.term_direction.{r['direction']}", lang),
            t("common.col.academic_year", lang): f"{r['first_year']} – {r['last_year']}",
            t("page.agreements.use.col.planned", lang): r["mobilities_per_year"] or t("page.agreements.use.not_defined", lang),
        } for r in plan.terms]), hide_index=True)
    ready = all(p.partner_id is not None for p in plans) and not all(p.unchanged for p in plans)
    if st.button(t("data.iia.save", lang), disabled=not ready, key="iia_save", type="primary"):
        try:
            version = store.publish(apply_plans(frames, plans), editor=editor,
                                    note=t("data.iia.note", lang, file=uploaded.name), expected_current=current,
                                    source_name=uploaded.name, client=client())
        except Refused as exc:
            st.error(t("data.iia.refused", lang, rows=plain(", ".join(f"{a} {b}" for a, b in exc.rows))))
            return
        except (Invalid, PublishConflict, StoreError) as exc:
            st.error(plain(str(exc)))
            return
        state.reset_uploaders(t("data.iia.saved", lang, version=version.number))
        st.rerun()
