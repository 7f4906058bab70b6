"""The one object a page gets: language, mode, the dataset, the scope, and its figures.

``dashboard.py``'s sidebar builds it on every run (``ui.sidebar.render_sidebar``); a page
takes it from ``ui.start_page`` and asks it, never ``ui.loading``::

    ctx = start_page("overview")
    values, notes = ctx.kpis()               # every KPI of the sidebar's scope
    rows = ctx.evidence_frame("partners")    # the rows behind one of them

Every figure comes from ``ui.loading``'s caches, keyed on the dataset (path and files'
stamp) and the scope this context holds, so no page handles those keys.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

import metrics
from i18n import fmt, t
from loaders import Dataset
from loaders.privacy import Privacy
from ui import loading
from ui.state import ViewState


@dataclass
class PageContext:
    """What every page needs: language, mode, the dataset (cache key) and the scope."""

    lang: str
    presenting: bool
    view: ViewState
    dataset: Dataset | None
    path: str
    stamp: tuple
    scope: metrics.Scope | None = None
    institution_names: dict[str, str] = field(default_factory=dict)
    year_span: tuple[int, int] | None = None
    load_error: str | None = None  # why there is no dataset, when it is known (the store's)
    institution_full: dict[str, str] = field(default_factory=dict)  # id -> full name in the language

    # ------------------------------------------------------------ the dataset

    @property
    def fatal(self) -> str | None:
        if self.dataset is None:
            return self.load_error or t("common.fatal_missing", self.lang)
        return self.dataset.fatal_text(self.lang)

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        return self.dataset.tables

    def research(self):
        """The dataset's publication exports read (``research.Research``), or None without any."""
        # Imported here: a page file run on its own puts views/ first on sys.path, where
        # views/research.py would shadow the research package.
        from ui.research import current_research

        return current_research(self.path, self.stamp)

    # ------------------------------------------------------------ figures of the scope

    def scoped(self, scope: metrics.Scope | None = None, masked: bool = True) -> dict[str, pd.DataFrame]:
        """The tables narrowed to the scope (``metrics.apply_scope``); in presentation mode
        as the public edition shows them (``loaders.privacy``: no names, neutral visit ids).
        ``masked=False``: the rows as loaded, to match ids, never to show."""
        if self.presenting and masked:
            return loading.masked_tables(self.path, self.stamp, scope or self.scope, self.lang)
        return loading.scoped_tables(self.path, self.stamp, scope or self.scope)

    def privacy(self) -> Privacy:
        """How text and ids are shown: unchanged, or in presentation mode the public
        edition's rules (``loaders.privacy``)."""
        if not self.presenting or self.dataset is None:
            return Privacy(False, self.lang)
        return loading.privacy_of(self.path, self.stamp, self.lang)

    def kpis(self, scope: metrics.Scope | None = None) -> tuple[dict, dict]:
        """(every KPI, the notes beside them) for the scope."""
        return loading.kpis_with_notes(self.path, self.stamp, scope or self.scope)

    def kpis_compared(self) -> tuple[dict[str, dict], dict[str, dict]]:
        """Every KPI and note for every institution ({id: {name: value}}), the rest of the scope kept."""
        return loading.kpis_compared(self.path, self.stamp, self.scope)

    def year_over_year(self) -> metrics.YearComparison:
        """Y beside Y-1 under the year-over-year rule of docs/metrics.md, or why not."""
        return loading.year_over_year(self.path, self.stamp, self.scope)

    def targets(self) -> pd.DataFrame:
        """Targets beside actual figures (institution, year, metric) in the scope."""
        return loading.targets_vs_actual(self.path, self.stamp, self.scope)

    def target_figures(self) -> list:
        """Each target of the scope beside its actual figure and state
        (``report.summary.TargetFigure``: met, not met, cannot tell)."""
        return loading.target_figures(self.path, self.stamp, self.scope)

    def figure_sources(self):
        """Each headline figure's documents by number, as the pack cites them
        (``report.summary.FigureSources``; the public register in presentation mode)."""
        return loading.figure_sources(self.path, self.stamp, self.scope, self.lang, self.presenting)

    def evidence_frame(self, name: str, masked: bool = True) -> pd.DataFrame:
        """The rows behind KPI ``name`` for the scope (``metrics.evidence_frame``), masked
        in presentation mode (``loaders.privacy``; ``masked=False``: to match ids, never to show)."""
        if self.presenting and masked:
            return loading.masked_evidence(self.path, self.stamp, self.scope, name, self.lang)
        return loading.evidence_frame(self.path, self.stamp, self.scope, name)

    def evidence(self, name: str) -> pd.DataFrame:
        """Short for ``evidence_frame``."""
        return self.evidence_frame(name)

    def agreement_status(self, agreements: pd.DataFrame) -> pd.Series:
        """Each agreement's status at the scope's as_of (docs/metrics.md "Agreement status")."""
        return loading.agreement_status(self.path, self.stamp, self.scope.as_of, agreements)

    def grants_with_usd(self, grants: pd.DataFrame) -> pd.DataFrame:
        """``grants`` with ``usd_rate`` and ``usd`` (the grant_funding_usd conversion)."""
        return loading.grants_with_usd(self.path, self.stamp, self.scope.as_of, grants)

    def explode_list(self, table: str, rows: pd.DataFrame, columns: list[str], column: str,
                     empty_label: str | None = None) -> pd.DataFrame:
        """``charts.frames.explode_list(rows[columns], column, empty_label)`` for rows of the
        dataset's ``table``, from that column exploded once per dataset."""
        from charts.frames import explode_list

        fast = loading.exploded_column(self.path, self.stamp, table, column, empty_label).of(rows, columns)
        return explode_list(rows[columns], column, empty_label) if fast is None else fast

    def dating_summary(self) -> dict[str, tuple[int, int]]:
        """``{table: (dated rows, rows)}`` in the scope with every year (what the counts
        cover): keyed without the years, so the sidebar's entry serves every year range."""
        scope = self.scope.replace(year_from=None, year_to=None) if self.scope is not None else None
        return loading.dating_summary(self.path, self.stamp, scope)


    # ------------------------------------------------------------ labels

    def institution_label(self, institution_id: object) -> str:
        """The institution's short name in the page's language (``short_name_ru``...),
        else its short name."""
        return self.institution_names.get(str(institution_id), str(institution_id))

    def institution_full_name(self, institution_id: object) -> str:
        """The institution's full name in the page's language (``name_ru``...), else its name."""
        return self.institution_full.get(str(institution_id)) or self.institution_label(institution_id)

    def localised_institutions(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` (institutions rows) with ``name`` and ``short_name`` in the page's
        language, for maps and legends."""
        if frame.empty:
            return frame
        ids = frame["institution_id"].astype(str)
        return frame.assign(name=[self.institution_full_name(i) for i in ids],
                            short_name=[self.institution_label(i) for i in ids])

    def partner_names(self) -> dict[str, str]:
        partners = self.tables["partners"]
        return dict(zip(partners["partner_id"].astype(str), partners["name"].astype(str), strict=True))

    def country_name(self, code: object) -> str:
        """The country in the page's language (``i18n.fmt.country``)."""
        return fmt.country(code, self.lang)

    def lookups(self) -> dict[str, Callable[[object], str]]:
        """Value -> label functions for ``ui.tables.display_frame``."""
        names = self.partner_names()
        return {
            "country": self.country_name,
            "institution": self.institution_label,
            "partner": lambda pid: names.get(str(pid), str(pid)),
        }


def active_dataset() -> Dataset:
    """The dataset the pages show (the Data page says so when it cannot be read)."""
    return loading.current_dataset()[0]


def collect_garbage() -> None:
    """Free the previous rerun's frames (``ui.loading.collect_garbage``)."""
    loading.collect_garbage()
