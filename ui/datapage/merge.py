"""How an upload merges into the current data (``datastore.merge``), shown before Publish:
the version the file came from, the rows others changed since (kept), each conflict side
by side (was / theirs / yours, field by field) with a choice, and for a file without a
base version the explicit "replace this table" with the rows it would remove."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from datastore import forms
from datastore.labels import column_label, enum_label, table_label
from datastore.merge import MINE, THEIRS, Conflict, MergePlan
from datastore.store import Store
from i18n import fmt, t
from loaders.schema import TABLE_ORDER


@dataclass
class MergeChoice:
    """What the editor chose: the plan to publish, its conflicts settled or not."""

    plan: MergePlan
    resolve: dict[str, str] = field(default_factory=dict)
    replace: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.plan.conflicts


def _plan(store: Store, check: dict, replace: tuple[str, ...]) -> MergePlan:
    """The plan of the checked file, once per set of tables to replace."""
    plans = check.setdefault("plans", {})
    if replace not in plans:
        plans[replace] = store.plan(check["frames"], base_version=check.get("base"),
                                    replace=list(replace))
    return plans[replace]


def merge_section(store: Store, check: dict, lang: str) -> MergeChoice:
    """Say how the file merges; let the editor settle conflicts and choose replacements."""
    base = check.get("base")
    plan = _plan(store, check, ())
    st.caption(t("data.merge.base_known", lang, base=base) if base is not None
               else t("data.merge.no_base", lang))
    if plan.kept_newer:
        tables = ", ".join(fmt.plural("data.merge.rows", n, lang, table=table_label(name, lang), count=fmt.integer(n, lang))
                           for name, n in plan.kept_newer.items())
        st.info(t("data.merge.kept_newer", lang, base=base, tables=tables))
    replace = [] if base is not None else _replace_choices(plan, check, lang)
    if replace:
        plan = _plan(store, check, tuple(replace))
    resolve = _conflicts(plan, check, lang) if plan.conflicts else {}
    return MergeChoice(plan.resolved(resolve), resolve, replace)


def _replace_choices(plan: MergePlan, check: dict, lang: str) -> list[str]:
    chosen = []
    for table in TABLE_ORDER:
        rows = plan.would_remove.get(table) or []
        if not rows:
            continue
        label = fmt.plural("data.merge.replace", len(rows), lang, table=table_label(table, lang),
                           count=fmt.integer(len(rows), lang))
        if st.checkbox(label, value=False, key=f"merge_replace_{check['file_id']}_{table}"):
            chosen.append(table)
            st.markdown(t("data.merge.replace_rows", lang, table=table_label(table, lang)))
            st.dataframe(forms.readable_rows(table, pd.DataFrame(rows, dtype=str).fillna(""), lang),
                         hide_index=True, width="stretch")
    return chosen


def conflict_frame(conflict: Conflict, base: int | None, lang: str) -> pd.DataFrame:
    """One conflict field by field: field, was, theirs, yours (coded values as words)."""
    removed = t("data.merge.removed", lang)

    def shown(side: dict | None, column: str, value: str) -> str:
        if side is None:
            return removed
        return enum_label(conflict.table, column, value, lang) if value else value

    rows = [[column_label(conflict.table, column, lang), shown(conflict.base, column, was),
             shown(conflict.theirs, column, theirs), shown(conflict.mine, column, mine)]
            for column, was, theirs, mine in conflict.fields()]
    return pd.DataFrame(rows, columns=[
        t("data.merge.col.field", lang), t("data.merge.col.base", lang, base=base),
        t("data.merge.col.theirs", lang), t("data.merge.col.mine", lang)])


def _conflicts(plan: MergePlan, check: dict, lang: str) -> dict[str, str]:
    st.warning(fmt.plural("data.merge.conflicts", len(plan.conflicts), lang,
                          count=fmt.integer(len(plan.conflicts), lang), base=plan.base_version))
    labels = {THEIRS: t("data.merge.keep_theirs", lang), MINE: t("data.merge.take_mine", lang)}
    resolve = {}
    for conflict in plan.conflicts:
        what = t(f"data.merge.kind.{conflict.kind}", lang, editor=conflict.editor or "—",
                 version=conflict.version or "—")
        st.markdown(f"**{table_label(conflict.table, lang)} {conflict.key}** — {what}")
        st.dataframe(conflict_frame(conflict, plan.base_version, lang), hide_index=True,
                     width="stretch")
        pick = st.radio(t("data.merge.choice", lang), [THEIRS, MINE], index=None,
                        horizontal=True, format_func=labels.get,
                        key=f"merge_{check['file_id']}_{conflict.id}")
        if pick:
            resolve[conflict.id] = pick
    if len(resolve) < len(plan.conflicts):
        st.info(t("data.merge.unresolved", lang))
    return resolve
