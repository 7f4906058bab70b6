"""The summary a panel reads first: the headline figures, the targets met and three to
five sentences, every number read off a ``metrics.figure.Figure``.

The pack (slide 2, the PDF's page after the cover) and the dashboard's Summary page call
the same functions, so they say the same words::

    >>> summary_sentences(figures, "en")[1]
    '15 of 21 active agreements show no recorded activity in the last 3 years; cannot tell ...'
    >>> targets_sentence(targets_met(target_figures(tables, scope), scope.as_of), "en")
    '3 of 5 targets for 2024 met; for 1 the actual figure is not known (cannot tell).'

A figure that is not known is never written as 0: its sentence says "unknown" or
"cannot tell" and why (docs/metrics.md "One figure, one state").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from i18n import fmt, t
from loaders.privacy import Privacy
from metrics import DatasetCache, Scope, apply_scope, evidence_frame
from metrics.compare import targets_vs_actual
from metrics.figure import SHOWN, Figure
from report.cells import DATE_STYLE
from report.figure_words import change_text, value_text
from report.sources import build_register

# The figures the summary (and the pack's key-figure cards) show, in reading order.
HEADLINE = ("partners", "partner_countries", "agreements_active", "visits_incoming",
            "visits_outgoing", "grant_funding_usd", "international_students", "irn_index")


def _count(fig: Figure) -> int | None:
    """A count the sentence may print: the figure's value when its state shows a number."""
    shown = fig.shown
    if shown is None or (isinstance(shown, float) and pd.isna(shown)):
        return None
    return int(shown)


def _sentence(*clauses: str) -> str:
    """Clauses joined by "; ", capitalised, with one full stop."""
    text = "; ".join(c for c in clauses if c).rstrip(".")
    return text[:1].upper() + text[1:] + "."


def _state(fig: Figure, lang: str) -> str:
    """"<figure>: unknown" / "cannot tell" (the figure is not known: no number for it)."""
    return f"{t(fig.label_key, lang)}: {value_text(fig, lang)}"


def _partners(figs: Mapping[str, Figure], lang: str) -> str:
    partners, countries = _count(figs["partners"]), _count(figs["partner_countries"])
    if partners is None:
        return _sentence(_state(figs["partners"], lang))
    if partners == 0:
        return _sentence(t("pack.summary.no_partners", lang))
    if countries is None:
        return _sentence(fmt.plural("pack.summary.partners_only", partners, lang),
                         _state(figs["partner_countries"], lang))
    if countries == 0:
        return _sentence(fmt.plural("pack.summary.partners_home", partners, lang))
    return _sentence(fmt.plural("pack.summary.partners", partners, lang,
                                countries=fmt.plural("pack.summary.in_countries", countries, lang)))


def _expiring(fig: Figure, lang: str) -> str:
    """The agreements due within 180 days, as far as their expiry dates tell."""
    if fig.state == "cannot_tell":
        return t("pack.summary.expiring_cannot_tell", lang)
    due = _count(fig)
    if due is None:
        return _state(fig, lang)
    if fig.state == "at_least":
        missing = fmt.plural("pack.summary.no_expiry", fig.unknown, lang)
        if due == 0:
            return t("pack.summary.expiring_known_none", lang, missing=missing)
        return fmt.plural("pack.summary.expiring_known", due, lang, missing=missing)
    if due == 0:
        return t("pack.summary.expiring_none", lang)
    return fmt.plural("pack.summary.expiring", due, lang)


def _agreements(figs: Mapping[str, Figure], lang: str) -> str:
    active, dormant = _count(figs["agreements_active"]), _count(figs["agreements_dormant"])
    if active is None:
        return _sentence(_state(figs["agreements_active"], lang))
    if active == 0:
        return _sentence(t("pack.summary.no_active", lang))
    of_active = fmt.plural("pack.summary.of_active", active, lang)
    if dormant is None:
        first = _state(figs["agreements_dormant"], lang)
    elif dormant == 0:
        first = fmt.plural("pack.summary.all_active", active, lang, of_active=of_active)
    else:
        first = fmt.plural("pack.summary.dormant", dormant, lang, of_active=of_active)
    return _sentence(first, _expiring(figs["agreements_expiring"], lang))


def _visits(figs: Mapping[str, Figure], lang: str) -> str:
    incoming, outgoing = _count(figs["visits_incoming"]), _count(figs["visits_outgoing"])
    if incoming is None or outgoing is None:
        return _sentence(*(_state(figs[n], lang) for n in ("visits_incoming", "visits_outgoing")
                           if _count(figs[n]) is None))
    if incoming == 0 and outgoing == 0:
        return _sentence(t("pack.summary.no_visits", lang))
    both = t("pack.summary.visits", lang, incoming=fmt.plural("pack.summary.visits_in", incoming, lang),
             outgoing=fmt.plural("pack.summary.visits_out", outgoing, lang))
    remote = figs["remote_share"]
    if remote.state not in SHOWN or not incoming:
        return _sentence(both)
    if remote.small_share and remote.part is not None:
        return _sentence(both, fmt.plural("pack.summary.remote_of", remote.part, lang,
                                          base=fmt.integer(remote.base, lang)))
    return _sentence(both, t("pack.summary.remote", lang, share=fmt.value(remote.value, "share", lang)))


def _grants(figs: Mapping[str, Figure], lang: str) -> str:
    active = _count(figs["grants_active"])
    first = (_state(figs["grants_active"], lang) if active is None
             else t("pack.summary.grants_none", lang) if active == 0
             else fmt.plural("pack.summary.grants_active", active, lang))
    funding = figs["grant_funding_usd"]
    if funding.state == "unknown":
        second = t("pack.summary.funding_unknown", lang)
    elif funding.state == "at_least":
        second = t("pack.summary.funding_at_least", lang, amount=fmt.value(funding.value, "usd", lang),
                   missing=fmt.plural("pack.summary.no_amount", funding.unknown, lang))
    elif funding.state == "known":
        second = t("pack.summary.funding", lang, amount=fmt.value(funding.value, "usd", lang))
    else:
        second = _state(funding, lang)
    return _sentence(first, second)


def _students(figs: Mapping[str, Figure], lang: str) -> str:
    students, countries = _count(figs["international_students"]), _count(figs["student_countries"])
    if students is None:
        return _sentence(_state(figs["international_students"], lang))
    if students == 0:
        return _sentence(t("pack.summary.students_none", lang))
    if countries is None:
        return _sentence(fmt.plural("pack.summary.students_only", students, lang),
                         _state(figs["student_countries"], lang))
    return _sentence(fmt.plural("pack.summary.students", students, lang,
                                countries=fmt.plural("pack.summary.from_countries", countries, lang)))


def summary_sentences(figs: Mapping[str, Figure], lang: str) -> list[str]:
    """Five sentences (partners, agreements, visits, grants, students), every number read
    off ``figs`` (a figure that is not known reads "unknown" or "cannot tell", never 0)."""
    return [_partners(figs, lang), _agreements(figs, lang), _visits(figs, lang), _grants(figs, lang),
            _students(figs, lang)]


# ----------------------------------------------------------------------------- targets


@dataclass(frozen=True)
class TargetFigure:
    """One target beside the figure of its institution and year."""

    institution_id: str
    year: int
    metric: str
    target: float
    actual: Figure

    @property
    def verdict(self) -> str:
        """``met``, ``not_met`` or ``cannot_tell`` (the actual is not known, or is a lower
        bound below the target: the unknown inputs could still reach it)."""
        value = self.actual.shown
        if value is None or (isinstance(value, float) and pd.isna(value)):
            return "cannot_tell"
        if float(value) >= self.target:
            return "met"
        return "not_met" if self.actual.state == "known" else "cannot_tell"


def target_figures_of(frame: pd.DataFrame) -> list[TargetFigure]:
    """The rows of ``metrics.compare.targets_vs_actual`` (the pack's targets section shows
    the same rows) as targets beside their actual figures, with their states."""
    return [TargetFigure(str(r["institution_id"]), int(r["year"]), str(r["metric"]), float(r["target"]),
                         Figure(str(r["metric"]), r["actual"], str(r["state"]), int(r["unknown"] or 0)))
            for r in frame.to_dict("records")]


def target_figures(tables: Mapping[str, pd.DataFrame], scope: Scope,
                   cache: DatasetCache | None = None) -> list[TargetFigure]:
    """Every target of the scope's institutions and years beside its actual figure, the KPI
    of that institution and year alone (``metrics.compare.targets_vs_actual``)."""
    return target_figures_of(targets_vs_actual(tables, scope, cache))


@dataclass(frozen=True)
class TargetsMet:
    """The targets of one year counted: met, not met, cannot tell."""

    year: int
    total: int
    met: int
    cannot_tell: int
    so_far: bool  # the year is not over at the as-of date


def targets_met(found: list[TargetFigure], as_of: date) -> TargetsMet | None:
    """The targets of the latest year over by the as-of date, counted (a plan's later years
    are not due yet); the current year's "so far" when no earlier year has targets; None
    when there is none."""
    over = [f.year for f in found if date(f.year, 12, 31) <= as_of]
    current = [f.year for f in found if f.year == as_of.year]
    if not over and not current:
        return None
    year = max(over) if over else as_of.year
    shown = [f for f in found if f.year == year]
    verdicts = [f.verdict for f in shown]
    return TargetsMet(year, len(shown), verdicts.count("met"), verdicts.count("cannot_tell"),
                      year == as_of.year and as_of < date(year, 12, 31))


def targets_sentence(met: TargetsMet | None, lang: str) -> str:
    """"3 of 5 targets for 2024 met; for 1 the actual figure is not known (cannot tell).",
    or that no target is set."""
    if met is None:
        return _sentence(t("pack.summary.no_targets", lang))
    key = "pack.summary.targets_so_far" if met.so_far else "pack.summary.targets"
    first = fmt.plural(key, met.total, lang, met=fmt.integer(met.met, lang), year=met.year)
    second = fmt.plural("pack.summary.targets_cannot_tell", met.cannot_tell, lang) if met.cannot_tell else ""
    return _sentence(first, second)


# ----------------------------------------------------------------------------- the page's parts


def scope_line(scope_text: str, as_of_text: str, lang: str) -> str:
    """The summary's first line: the scope in words (capitalised) and the as-of date."""
    words = scope_text[:1].upper() + scope_text[1:]
    return f"{words} · {t('export.as_of', lang)} {as_of_text}"


def headline_rows(figs: Mapping[str, Figure], lang: str, date_style: str = DATE_STYLE) -> list[list[str]]:
    """[figure, value as its state reads (with its unknown inputs), change] for each
    headline figure; "no comparison" where a shown figure has no change."""
    rows = []
    for name in HEADLINE:
        fig = figs[name]
        value = value_text(fig, lang)  # as the pack's summary table: the card says the unknown inputs
        change = change_text(fig, lang, style=date_style)
        if change is None:
            change = t("pack.compare.no_comparison", lang) if fig.state in SHOWN else ""
        rows.append([t(fig.label_key, lang), value, change])
    return rows


@dataclass(frozen=True)
class FigureSources:
    """Each headline figure's documents by their numbers in the register, and the titles of
    the documents cited ("[1] International Cooperation Relations")."""

    numbers: dict[str, str]  # figure -> "[1], [3]" ("" when its rows cite none)
    titles: list[str]  # "[1] title", for the documents the figures cite


def figure_sources(tables: Mapping[str, pd.DataFrame], scope: Scope, privacy: Privacy,
                   lang: str, folder: Path | None = None) -> FigureSources:
    """The documents behind each headline figure, numbered as the pack's Sources register
    numbers them (``report.sources``): the dashboard's Summary page cites as the pack does."""
    scoped = apply_scope(tables, scope)
    register = build_register(tables, scoped, privacy, lang, folder)
    cited, cited_scoped = register.cited_tables(tables), register.cited_tables(scoped)
    cache = DatasetCache(cited)  # of the cited tables, as the pack's evidence
    found = {name: register.numbers_in([evidence_frame(cited, scope, name, cited_scoped, cache)])
             for name in HEADLINE}
    used = sorted({n for numbers in found.values() for n in numbers})
    return FigureSources({name: register.numbers_text(numbers, limit=24) for name, numbers in found.items()},
                         [f"[{n}] {register.entry(n).title}" for n in used])
