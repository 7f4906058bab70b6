"""The headline figures as the JSON report states them: each KPI's value and change line,
the KPI table and the figures per institution (the summary's sentences: ``report.summary``). Every number is
read off a ``metrics.figure.Figure`` and written by ``report.figure_words``."""

from __future__ import annotations

from datetime import date

from i18n import fmt, t
from metrics import KPIS
from metrics.figure import Figure, from_json
from report.cells import DATE_STYLE, Tables, kpi_value
from report.figure_words import change_text, note_text, value_text
from report.parts import Table
from report.scope_words import institution_names


def report_figures(report: dict) -> dict[str, Figure]:
    """The figures of the whole scope as the JSON report states them."""
    found = report.get("figures") or {}
    return {k.name: from_json(k.name, found.get(k.name, {"value": report["kpis"].get(k.name)})) for k in KPIS}


def comparison(report: dict, lang: str) -> tuple[dict[str, str], str]:
    """(change text per KPI, note for the slide): a change only where the JSON has one
    (``figures[k].change`` compared), with both years' values."""
    changes = {}
    for name, fig in report_figures(report).items():
        text = change_text(fig, lang, style=DATE_STYLE)
        if text is not None:
            changes[name] = text
    comparison = report.get("year_over_year") or {}
    reason = comparison.get("reason")
    if reason is not None or not changes:
        key = f"pack.compare.reason.{reason}"
        note = t(key, lang) if t(key, lang) != key else t("pack.compare.reason.other", lang)
        return changes, t("pack.compare.none", lang) + ": " + note
    year, previous = comparison.get("year"), comparison.get("previous")
    if comparison.get("partial"):
        end = date.fromisoformat(comparison["period_end"])
        note = t("pack.compare.partial", lang, year=year, previous=previous,
                 end=fmt.date_text(end, lang, "day", style=DATE_STYLE))
    else:
        note = t("pack.compare.full", lang, year=year, previous=previous)
    return changes, note + " " + t("pack.compare.per_figure", lang)


def kpi_parts(name: str, report: dict, lang: str) -> tuple[str, str]:
    """(the figure as its state reads, the count of unknown inputs beside it or "")."""
    fig = report_figures(report)[name]
    return value_text(fig, lang), note_text(fig, lang) or ""


def kpi_text(name: str, report: dict, lang: str) -> str:
    value, note = kpi_parts(name, report, lang)
    return f"{value} {note}" if note else value


def kpi_table(report: dict, lang: str) -> Table:
    rows = [[t(k.label_key, lang), kpi_text(k.name, report, lang), t(k.definition_key, lang)]
            for k in KPIS]
    return Table([t("export.col.kpi", lang), t("export.col.value", lang),
                  t("export.col.definition", lang)], rows, (False, True, False), (22, 14, 64))


def by_institution_table(report: dict, tables: Tables, lang: str) -> Table | None:
    """Every KPI per institution, each cell as its figure's state reads ("unknown", not 0)."""
    values = report.get("by_institution") or {}
    states = report.get("by_institution_figures") or {}
    if len(values) < 2:
        return None
    _, short = institution_names(tables, lang)
    ids = list(values)

    def cell(i: str, name: str) -> str:
        found = states.get(i, {}).get(name)
        return value_text(from_json(name, found), lang) if found else kpi_value(name, values[i].get(name), lang)

    rows = [[t(k.label_key, lang)] + [cell(i, k.name) for i in ids] for k in KPIS]
    return Table([t("export.col.kpi", lang)] + [short.get(i, i) for i in ids], rows,
                 (False,) + (True,) * len(ids), (30,) + (70 / len(ids),) * len(ids))


def institution_figures(report: dict, tables: Tables,
                        lang: str | None = None) -> list[tuple[str, dict[str, Figure]]]:
    """Every KPI's figure per institution (the annex writes their numbers), as
    ``by_institution_table`` reads them."""
    values = report.get("by_institution") or {}
    states = report.get("by_institution_figures") or {}
    if len(values) < 2:
        return []
    _, short = institution_names(tables, lang)
    return [(short.get(i, i), {k.name: from_json(k.name, states.get(i, {}).get(k.name) or {
        "value": values[i].get(k.name)}) for k in KPIS}) for i in values]

