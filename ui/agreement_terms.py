"""The Agreements page's terms section: use against quota, the pipeline, renewals due,
the reminder calendar and IIA files (docs/agreements.md)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from datastore.iia import IiaError
from datastore.iia_store import export_agreement
from datastore.reminders import calendar_ics, renewal_day
from i18n import fmt, t
from loaders.schema import AGREEMENT_STAGES
from metrics.quota import USE_STATES, latest_started_year, use_frame
from ui import loading
from ui.panels import show_table
from ui.tables import columns

USE_ICONS = {"under_used": "▽", "used": "✓", "over_used": "△", "not_defined": "—"}


def _in_scope(ctx, frame: pd.DataFrame) -> pd.DataFrame:
    institutions = ctx.scope.institutions
    if frame is None or frame.empty or not institutions:
        return frame
    return frame[frame["institution_id"].astype(str).isin(institutions)]


def render(ctx, agreements: pd.DataFrame) -> None:
    """Everything about terms, stages and reminders for the agreements in scope."""
    lang = ctx.lang
    st.subheader(t("page.agreements.use.title", lang))
    uses = loading.quota_uses(ctx.path, ctx.stamp, ctx.scope.as_of, tuple(sorted(ctx.scope.institutions)))
    _use(ctx, uses)
    _pipeline(ctx, agreements, uses)
    _files(ctx, agreements)


def _use(ctx, uses) -> None:
    lang = ctx.lang
    if not uses:
        st.info(t("page.agreements.use.none", lang), icon=":material/info:")
        return
    frame = use_frame(uses)
    latest = latest_started_year(ctx.scope.as_of)
    current = frame[frame["year_start"] == latest]
    st.caption(t("page.agreements.use.caption", lang, year=f"{latest}/{latest + 1}",
                 date=fmt.date_text(ctx.scope.as_of, lang)))
    cards = st.columns(len(USE_STATES))
    for column, state in zip(cards, USE_STATES, strict=True):
        column.metric(t(f"enum.use_state.{state}", lang), fmt.integer(int((current["state"] == state).sum()), lang))
    names = ctx.partner_names()
    subjects = _subjects(ctx, frame)
    frame = frame.assign(
        subject=subjects,
        partner=frame["partner_id"].map(lambda p: names.get(p, p)),
        state_text=frame["state"].map(lambda s: f"{USE_ICONS[s]} {t(f'enum.use_state.{s}', lang)}"),
        planned_text=frame["planned"].map(lambda v: t("page.agreements.use.not_defined", lang) if pd.isna(v)
                                          else fmt.integer(int(v), lang)),
        actual_text=[fmt.integer(a, lang) if not u else t("page.agreements.use.at_least", lang, n=fmt.integer(a, lang), u=u)
                     for a, u in zip(frame["actual"], frame["unplaced"], strict=True)],
        visits_text=frame["visit_ids"].map(lambda ids: "" if ctx.presenting else ", ".join(ids)),
    ).sort_values(["year_start", "agreement_id"], ascending=[False, True], kind="stable")
    # visits_text: the visits' ids, which may name a person, hidden when presenting
    show_table(ctx, frame, columns(
        "agreement_terms", "institution_id", ("partner", "common.col.partner", "text"),
        ("academic_year", "common.col.academic_year", "text"), "mobility_type", "direction",
        ("subject", "page.agreements.use.col.subject", "text"), ("planned_text", "page.agreements.use.col.planned", "text"),
        ("actual_text", "page.agreements.use.col.actual", "text"), ("state_text", "page.agreements.use.col.state", "text"),
        ("visits_text", "page.agreements.use.col.visits", "text"), "agreement_id"),
        hidden=("visits_text",), key="agreements-use", file_stem="agreements-use")
    st.caption(t("page.agreements.use.rule", lang))


def _subjects(ctx, frame: pd.DataFrame) -> list[str]:
    """Each use row's subject areas, named (its term's ``isced`` codes; terms are matched by
    agreement, type, direction and first year)."""
    terms = ctx.tables.get("agreement_terms")
    if terms is None or terms.empty:
        return [""] * len(frame)
    named: dict[tuple, str] = {}
    for row in terms.to_dict("records"):
        codes = row.get("isced") if isinstance(row.get("isced"), list) else []
        key = (row["agreement_id"], row["mobility_type"], row["direction"])
        text = "; ".join(fmt.isced(c, ctx.lang) for c in codes)
        named[key] = "; ".join(x for x in (named.get(key, ""), text) if x)
    return [named.get((a, m, d), "") for a, m, d in zip(frame["agreement_id"], frame["mobility_type"],
                                                         frame["direction"], strict=True)]


def _pipeline(ctx, agreements: pd.DataFrame, uses) -> None:
    lang = ctx.lang
    st.subheader(t("page.agreements.pipeline.title", lang))
    staged = agreements[agreements["stage"].notna() & (agreements["stage"].astype(str) != "")] \
        if "stage" in agreements.columns else agreements.iloc[0:0]
    if staged.empty:
        st.caption(t("page.agreements.pipeline.none", lang))
    else:
        counts = staged["stage"].value_counts()
        cards = st.columns(len(AGREEMENT_STAGES))
        for column, stage in zip(cards, AGREEMENT_STAGES, strict=True):
            column.metric(t(f"enum.agreement_stage.{stage}", lang), fmt.integer(int(counts.get(stage, 0)), lang))
        ordered = staged.sort_values("next_action_on", na_position="last", kind="stable")
        show_table(ctx, ordered, columns("agreements", "institution_id", "partner_id", "stage", "holder",
                                         "next_action_on", "expires_on"),
                   key="agreements-pipeline", file_stem="agreements-pipeline")
    # Renewal is due six months before expiry: those whose window is open on the as-of date.
    st.subheader(t("page.agreements.renewal.title", lang))
    due = _renewals_due(agreements, ctx.scope.as_of)
    if due.empty:
        st.caption(t("page.agreements.renewal.none", lang))
        return
    latest = latest_started_year(ctx.scope.as_of)
    use = {}
    for u in uses:
        if u.year_start == latest:
            planned, actual = use.get(u.agreement_id, (0, 0))
            use[u.agreement_id] = (planned + (u.planned or 0), actual + u.actual)
    due = due.assign(use_text=due["agreement_id"].map(
        lambda a: t("page.agreements.renewal.use", lang, actual=fmt.integer(use[a][1], lang),
                    planned=fmt.integer(use[a][0], lang)) if a in use else t("page.agreements.renewal.no_terms", lang)))
    show_table(ctx, due, columns("agreements", "institution_id", "partner_id", "expires_on",
                                 ("use_text", "page.agreements.renewal.col.use", "text")),
               key="agreements-renewal", file_stem="agreements-renewal")


def _renewals_due(agreements: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Agreements whose renewal window (six months before a known expiry) is open on as_of."""
    if agreements.empty or "expires_on" not in agreements.columns:
        return agreements.iloc[0:0]
    expires = pd.to_datetime(agreements["expires_on"], errors="coerce")
    known = expires.notna()
    if "expires_on_precision" in agreements.columns:
        known &= agreements["expires_on_precision"].astype(str).isin(["day", "", "nan", "None", "<NA>"])
    opens = expires[known].map(lambda d: pd.Timestamp(renewal_day(d.date())))
    today = pd.Timestamp(as_of)
    window = pd.Series(False, index=agreements.index)
    window[known] = (opens <= today) & (expires[known] >= today)
    if "stage" in agreements.columns:
        window &= agreements["stage"].astype(str) != "ended"
    return agreements[window].sort_values("expires_on")


def _files(ctx, agreements: pd.DataFrame) -> None:
    lang = ctx.lang
    st.subheader(t("page.agreements.files.title", lang))
    left, right = st.columns(2)
    institutions = sorted(set(agreements["institution_id"].astype(str))) if not agreements.empty else []
    with left:
        st.caption(t("page.agreements.files.calendar_note", lang))
        if institutions:
            chosen = st.selectbox(t("common.col.institution", lang), institutions, key="ics-institution",
                                  format_func=ctx.institution_label)
            st.download_button(t("page.agreements.files.calendar", lang),
                               data=calendar_ics(ctx.tables, chosen, lang),
                               file_name=f"agreements-{chosen}.ics", mime="text/calendar",
                               key="ics-download", icon=":material/event:")
    with right:
        st.caption(t("page.agreements.files.iia_note", lang))
        terms = ctx.tables.get("agreement_terms")
        with_terms = sorted(set(terms["agreement_id"].astype(str)) & set(agreements["agreement_id"].astype(str))) \
            if terms is not None and not terms.empty else []
        if not with_terms:
            st.caption(t("page.agreements.files.iia_none", lang))
            return
        chosen = st.selectbox(t("page.agreements.use.col.agreement", lang), with_terms, key="iia-agreement")
        try:
            data = export_agreement(ctx.tables, chosen)
        except IiaError as exc:
            st.warning(t(f"iia.error.{exc.code}", lang, **{k: str(v) for k, v in exc.params.items()}),
                       icon=":material/warning:")
            return
        st.download_button(t("page.agreements.files.iia", lang), data=data, file_name=f"{chosen}.xml",
                           mime="application/xml", key="iia-download", icon=":material/download:")
