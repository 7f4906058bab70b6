"""The one place that caches loaders and metrics for the app (``st.cache_data``).

The dataset is keyed on its path and its files' modification times, so a filter change
never re-reads files and an edited file is picked up on the next rerun.
"""

from __future__ import annotations

import gc
import os
import threading
from collections import OrderedDict
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

import metrics
import metrics.fx
from loaders import Dataset, load_dataset
from loaders.privacy import Privacy
from metrics.tables import EVENT_TABLES, EVIDENCE_TABLE
from report.model import dataset_folder
from report.summary import FigureSources
from report.summary import figure_sources as sources_of_figures
from report.summary import target_figures as figures_of_targets

REPO_ROOT = Path(__file__).resolve().parent.parent
# Rows of scoped copies kept in memory for reuse (ScopedFrames); ~250-300 bytes per visit row.
SCOPED_ROW_BUDGET = int(os.environ.get("COOP_SCOPED_ROWS", "1500000"))


_STORE_NOTICE = threading.local()  # per script thread: why an older version is shown


def dataset_path() -> Path:
    """The dataset the app shows: datastore's active version, else COOP_DATA, else data/.

    When the store cannot give its current version (a damaged database, a full disk),
    the newest version this server wrote before, and ``store_notice`` says so; with none,
    ``datastore.StoreUnavailable`` is raised (never the base data in its place)."""
    _STORE_NOTICE.value = None
    try:
        from datastore import active_dataset
    except ImportError:  # the version store is optional
        env = os.environ.get("COOP_DATA")
        return Path(env).expanduser() if env else REPO_ROOT / "data"
    path, problem = active_dataset()
    if problem is not None and problem.fallback is not None:
        _STORE_NOTICE.value = (problem.kind, problem.fallback[0])
    return Path(path)


def store_notice() -> tuple[str, int] | None:
    """(``damaged`` or ``disk_full``, the version shown instead) after ``dataset_path``
    in this thread fell back to an older version; None when the current one is shown."""
    return getattr(_STORE_NOTICE, "value", None)


def files_stamp(path: Path) -> tuple[tuple[str, int, int], ...]:
    """(name, mtime_ns, size) of the dataset's files: changes whenever a file does."""
    try:
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file())
        elif path.exists():
            files = [path]
        else:
            return ()
        return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    except OSError:
        return ()


# The dataset and the scoped frames are shared by every session and never modified, so
# they are cached as resources: a rerun gets the same objects back instead of unpickling
# a copy (costly at a million visits). Pages only derive new frames.
# Two versions at most: the current one and, while sessions move over, the previous one
# (each holds a whole dataset; docs/performance.md).
@st.cache_resource(show_spinner=False, max_entries=2)
def load_cached(path: str, stamp: tuple) -> Dataset:
    """``loaders.load_dataset`` once per (path, files' stamp), via the disk cache.

    The loaded tables live as long as the app: they are moved out of the garbage
    collector's sight (``gc.freeze``), so the collection each rerun starts with
    (``collect_garbage``) only scans what that rerun made.
    """
    del stamp  # part of the cache key only
    # Compact: the visits' codes and ids as categoricals (each copy of the visits and a
    # server's peak memory much smaller; measured in docs/performance.md).
    dataset = load_dataset(path, cache=True, compact=True)
    # No full collection first (0.2-0.4 s with streamlit and plotly loaded): the frames
    # hold no reference cycles, so a replaced version is still freed by reference
    # counting when this cache drops it.
    gc.freeze()
    return dataset


def collect_garbage() -> None:
    """Free the previous rerun's frames when they are worth a full collection.

    A page's namespace refers to itself through the functions and lambdas defined in it
    (a reference cycle), so its frames (a scoped million visits, a few hundred MB) were
    only freed by an occasional full collection: the app held several such generations
    at once (docs/performance.md has the measurements). ``ui.page.start_page`` now empties the previous run's
    namespace, which breaks that cycle: its frames go by reference counting at once.
    What other cyclic garbage a run leaves (figures, small caches) is collected here
    only once the resident size grew ``COLLECT_GROWTH_MB`` past its level after the last
    collection (reading it costs microseconds; a full collection each rerun cost a few
    milliseconds at every size, tens under a profiler), so a large leftover is still
    freed before the next page's work.

    Past ``TRIM_ABOVE_MB`` resident, the heap's free pages go back to the system too
    (``malloc_trim``, only at that size), so what a server holds between clicks is what
    it uses (measured in docs/performance.md).
    """
    resident = _resident_mb()
    bar = _COLLECTED_AT_MB[0]
    if not resident or not bar or resident > bar + COLLECT_GROWTH_MB:  # unknown size: every run
        gc.collect()
        bar = resident = _resident_mb()
    if resident > TRIM_ABOVE_MB:
        from loaders.memory import release_free_memory

        release_free_memory()  # a full collection, then the trim
        bar = _resident_mb()
    # The lowest level seen since the collection: memory given back lowers the bar.
    _COLLECTED_AT_MB[0] = min(bar, resident)


COLLECT_GROWTH_MB = int(os.environ.get("COOP_COLLECT_GROWTH_MB", "32"))
_COLLECTED_AT_MB = [0.0]  # resident MB after the last full collection (0: none yet)


TRIM_ABOVE_MB = int(os.environ.get("COOP_TRIM_ABOVE_MB", "1000"))


def _resident_mb() -> float:
    """This process's resident memory in MB (0 where /proc is not there)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


_FREEZES_LEFT = [3]


def freeze_long_lived() -> None:
    """At the start of the first few runs of the process: collect, then move what is left
    (modules, Streamlit, plotly, babel: ~30k objects) out of the collector's sight, so
    ``collect_garbage`` scans only what later runs make.

    Called before the page runs (dashboard.py): the previous run's page namespace is
    collected first and no page namespace is alive, so no frame is frozen. Only the
    first runs: an object that becomes cyclic garbage after being frozen is never freed.
    """
    if _FREEZES_LEFT[0] <= 0:
        return
    _FREEZES_LEFT[0] -= 1
    gc.collect()
    gc.freeze()


def current_dataset() -> tuple[Dataset, str, tuple]:
    """The active dataset with the key it is cached under."""
    path = dataset_path()
    # The day is part of the key: the loader's date-dependent warnings (an agreement
    # whose written status the dates contradict) are judged on the day they are shown.
    stamp = (*files_stamp(path), ("day", date.today().isoformat()))
    return load_cached(str(path), stamp), str(path), stamp


FILTERED_TABLES = EVENT_TABLES  # the tables apply_scope copies


class ScopedFrames:
    """The scoped frames of recent scopes of one dataset, bounded by the rows they copy.

    A scoped copy of a million visits is large, so a count of entries is no bound: the
    most recent scopes are kept while the rows they copied (frames that ``apply_scope``
    returned unfiltered are the dataset's own, free) stay within ``row_budget``, room for
    a new copy included; the newest is always kept. At 100k visits that is a dozen
    scopes, at a million one or two.
    An evicted scope is recomputed when asked again.
    """

    def __init__(self, row_budget: int, max_entries: int = 16) -> None:
        self.row_budget = row_budget
        self.max_entries = max_entries
        self._entries: OrderedDict = OrderedDict()  # scope -> (frames, copied rows)
        self._lock = threading.Lock()

    def get(self, scope: metrics.Scope, tables: dict[str, pd.DataFrame],
            cache: metrics.DatasetCache | None = None) -> dict[str, pd.DataFrame]:
        with self._lock:
            if scope in self._entries:
                self._entries.move_to_end(scope)
                return self._entries[scope][0]
            # Room for the new copy first (at most every filtered table's rows), so the
            # copies held at once, the new one included, stay within the budget.
            room = self.row_budget - sum(len(tables[name]) for name in FILTERED_TABLES if name in tables)
            self._evict(room)
        frames = metrics.apply_scope(tables, scope, cache)  # outside the lock: sessions run in parallel
        copied = sum(len(frame) for name, frame in frames.items() if frame is not tables.get(name))
        with self._lock:
            self._entries[scope] = (frames, copied)
            self._entries.move_to_end(scope)
            self._evict(self.row_budget, keep=1)
        return frames

    def _evict(self, rows_left: int, keep: int = 0) -> None:
        """Forget the oldest scopes until their copied rows fit ``rows_left`` (and the count)."""
        total = sum(rows for _, rows in self._entries.values())
        while len(self._entries) > keep and (total > rows_left or len(self._entries) > self.max_entries):
            _, (_, rows) = self._entries.popitem(last=False)
            total -= rows

    def __len__(self) -> int:
        return len(self._entries)


@st.cache_resource(show_spinner=False, max_entries=4)
def _scoped_store(path: str, stamp: tuple) -> ScopedFrames:
    """One bounded store of scoped frames per dataset version (shared by every session)."""
    del path, stamp  # the cache key only
    return ScopedFrames(SCOPED_ROW_BUDGET)


def scoped_tables(path: str, stamp: tuple, scope: metrics.Scope) -> dict[str, pd.DataFrame]:
    """``metrics.apply_scope`` of the cached dataset (the same objects for a recent scope)."""
    return _scoped_store(path, stamp).get(scope, load_cached(path, stamp).tables, dataset_cache(path, stamp))


@st.cache_resource(show_spinner=False, max_entries=2)  # as many versions as load_cached keeps
def dataset_cache(path: str, stamp: tuple) -> metrics.DatasetCache:
    """The dataset version's one cache (``metrics.cache.DatasetCache``: its index, row
    facts, busy pairs...), filled as it is asked and read by every session and page; a
    new version (a new key) gets a new one, so no figure is read across versions."""
    return metrics.DatasetCache(load_cached(path, stamp).tables)


@st.cache_data(show_spinner=False, max_entries=128)
def kpis_with_notes(path: str, stamp: tuple, scope: metrics.Scope) -> tuple[dict, dict]:
    """Every KPI plus the notes shown beside them, for one scope."""
    tables = load_cached(path, stamp).tables
    return metrics.compute_kpis_with_notes(
        tables, scope, scoped_tables(path, stamp, scope), dataset_cache(path, stamp)
    )



@st.cache_data(show_spinner=False, max_entries=16)
def _all_targets(path: str, stamp: tuple, scope: metrics.Scope) -> pd.DataFrame:
    """Every target beside its actual; ``scope`` without institutions and years."""
    return metrics.targets_vs_actual(load_cached(path, stamp).tables, scope, dataset_cache(path, stamp))


def targets_vs_actual(path: str, stamp: tuple, scope: metrics.Scope) -> pd.DataFrame:
    """Targets beside actual figures (institution, year, metric).

    An actual depends on its own institution and year, never on the scope's institution
    and year filters (those only pick the rows): the table of every target is cached per
    the other filters, and a new year range or institution only filters it.
    """
    full = _all_targets(path, stamp, scope.replace(institutions=frozenset(), year_from=None, year_to=None))
    if full.empty:
        return full
    keep = pd.Series(True, index=full.index)
    if scope.institutions:
        keep &= full["institution_id"].isin(scope.institutions)
    years = pd.to_numeric(full["year"])
    if scope.year_from is not None:
        keep &= years >= scope.year_from
    if scope.year_to is not None:
        keep &= years <= scope.year_to
    return full[keep.to_numpy()].reset_index(drop=True)


@st.cache_data(show_spinner=False, max_entries=16)
def target_figures(path: str, stamp: tuple, scope: metrics.Scope) -> list:
    """Each target of the scope beside its actual figure with its state
    (``report.summary.target_figures``: the Summary page counts the targets met)."""
    return figures_of_targets(load_cached(path, stamp).tables, scope, dataset_cache(path, stamp))


@st.cache_data(show_spinner=False, max_entries=8)
def figure_sources(path: str, stamp: tuple, scope: metrics.Scope, lang: str, public: bool) -> FigureSources:
    """The documents behind each headline figure, numbered as the pack numbers them
    (``report.summary.figure_sources``); ``public``: the public edition's register
    (presentation mode)."""
    dataset = load_cached(path, stamp)
    privacy = Privacy.for_tables(dataset.tables, public, lang)
    return sources_of_figures(dataset.tables, scope, privacy, lang, dataset_folder(dataset))


@st.cache_data(show_spinner=False, max_entries=64)
def _year_kpis(path: str, stamp: tuple, scope: metrics.Scope, cutoff: object = None) -> tuple[dict, dict]:
    """(KPIs, notes) of a one-year scope (kept per year: the next range reuses most);
    ``cutoff``: only events up to that day (the same period of two years)."""
    tables = load_cached(path, stamp).tables
    if cutoff is not None:  # the row facts of the whole tables, counted up to the cutoff
        return metrics.compare.kpis_up_to(tables, scope, cutoff, dataset_cache(path, stamp))
    return metrics.compute_kpis_with_notes(tables, scope, None, dataset_cache(path, stamp))


@st.cache_data(show_spinner=False, max_entries=64)
def year_over_year(path: str, stamp: tuple, scope: metrics.Scope) -> metrics.YearComparison:
    """Each figure's own year over year (docs/metrics.md v3), or why not. Every figure has
    its own pair of years, so the whole scope is the key; the KPIs of each one-year scope
    are cached apart (``_year_kpis``) and shared by the scopes that need them."""
    tables = load_cached(path, stamp).tables
    return metrics.year_over_year(tables, scope, dataset_cache(path, stamp),
                                  kpis_of=lambda one_year, cutoff: _year_kpis(path, stamp, one_year, cutoff),
                                  scoped=None)


@st.cache_resource(show_spinner=False, max_entries=8)
def exploded_column(path: str, stamp: tuple, table: str, column: str, empty_label: str | None):
    """``charts.frames.ExplodedColumn`` of one list column of the dataset's table (the
    visits' faculties: 0.6 s to explode at a million visits), once per dataset version."""
    from charts.frames import ExplodedColumn

    return ExplodedColumn(load_cached(path, stamp).tables[table], column, empty_label)


@st.cache_resource(show_spinner=False, max_entries=16)
def quota_uses(path: str, stamp: tuple, as_of: date, institutions: tuple[str, ...]) -> tuple:
    """``metrics.quota.use_against_quota`` of the dataset version: it depends on the day and
    the institutions only, so a change of years, countries or faculty reuses it (a frozen
    tuple of frozen ``Use`` rows, shared by the sessions)."""
    from metrics.quota import use_against_quota

    return tuple(use_against_quota(load_cached(path, stamp).tables, as_of, frozenset(institutions)))


def _dataset_context(path: str, stamp: tuple, as_of: date) -> metrics.KpiContext:
    """A KPI context of the whole dataset with its cache: what is built once per dataset
    version (row facts, grant rates) is read from there."""
    return metrics.KpiContext(load_cached(path, stamp).tables, metrics.Scope(as_of=as_of), None,
                              dataset_cache(path, stamp))


def agreement_status(path: str, stamp: tuple, as_of: date, agreements: pd.DataFrame) -> pd.Series:
    """``metrics.agreement_status`` of the dataset's own agreement rows at ``as_of``, read
    from the row facts built once per dataset (docs/metrics.md "Agreement status")."""
    from metrics import columnar

    status = columnar.agreement_status_of(_dataset_context(path, stamp, as_of), agreements)
    return metrics.agreement_status(agreements, as_of) if status is None else status


def grants_with_usd(path: str, stamp: tuple, as_of: date, grants: pd.DataFrame) -> pd.DataFrame:
    """``metrics.fx.with_usd`` of the dataset's grant rows, with the rates the KPIs use
    (looked up once per dataset, ``KpiContext.usd_rates``)."""
    ctx = _dataset_context(path, stamp, as_of)
    return metrics.fx.with_usd(grants, ctx.tables["fx_rates"], rates=ctx.usd_rates(grants))


@st.cache_data(show_spinner=False, max_entries=32)
def dating_summary(path: str, stamp: tuple, scope: metrics.Scope) -> dict[str, tuple[int, int]]:
    """``{table: (dated rows, rows)}`` for the sidebar's note on dates."""
    return metrics.dating_summary(load_cached(path, stamp).tables, scope, None, dataset_cache(path, stamp))


@st.cache_data(show_spinner=False, max_entries=64)
def evidence_frame(path: str, stamp: tuple, scope: metrics.Scope, name: str) -> pd.DataFrame:
    """The rows behind KPI ``name`` (``metrics.evidence_frame``) for one scope."""
    tables = load_cached(path, stamp).tables
    return metrics.evidence_frame(tables, scope, name, scoped_tables(path, stamp, scope), dataset_cache(path, stamp))


# ------------------------------------------------------------ presentation mode (loaders.privacy)


@st.cache_resource(show_spinner=False, max_entries=6)
def privacy_of(path: str, stamp: tuple, lang: str) -> Privacy:
    """The public edition's rules for the dataset: every name of its person columns,
    its partners' and institutions' names (never hidden)."""
    return Privacy.for_tables(load_cached(path, stamp).tables, True, lang)


@st.cache_resource(show_spinner=False, max_entries=2)
def _masked_dataset(path: str, stamp: tuple, lang: str) -> dict[str, pd.DataFrame]:
    """Every table of the dataset as presentation mode shows it, masked once per dataset
    and language (a scope then only picks its rows)."""
    privacy = privacy_of(path, stamp, lang)
    return {name: privacy.table(name, frame) for name, frame in load_cached(path, stamp).tables.items()
            if frame is not None}


@st.cache_resource(show_spinner=False, max_entries=4)
def masked_tables(path: str, stamp: tuple, scope: metrics.Scope, lang: str) -> dict[str, pd.DataFrame]:
    """The scoped tables as presentation mode shows them: no person column, names and
    titles out of free text, sources by document, visits by neutral ids (``visits:3``).
    The scope's rows of the masked dataset (the scope keeps the tables' row labels); a
    frame that is not a plain subset is masked on its own."""
    whole = _masked_dataset(path, stamp, lang)
    out: dict[str, pd.DataFrame] = {}
    for name, frame in scoped_tables(path, stamp, scope).items():
        masked = whole.get(name)
        if frame is None:
            out[name] = frame
        elif masked is not None and masked.index.is_unique and frame.index.isin(masked.index).all():
            out[name] = masked.loc[frame.index]
        else:
            out[name] = privacy_of(path, stamp, lang).table(name, frame)
    return out


@st.cache_data(show_spinner=False, max_entries=32)
def masked_evidence(path: str, stamp: tuple, scope: metrics.Scope, name: str, lang: str) -> pd.DataFrame:
    """``evidence_frame`` as presentation mode shows it (``Privacy.evidence``)."""
    kind = metrics.KPI_BY_NAME[name].evidence_of
    tables = load_cached(path, stamp).tables
    table = tables.get(EVIDENCE_TABLE.get(kind, ""))
    return privacy_of(path, stamp, lang).evidence(
        kind, evidence_frame(path, stamp, scope, name), [] if table is None else list(table.columns))


@st.cache_data(show_spinner=False, max_entries=32)
def kpis_compared(path: str, stamp: tuple, scope: metrics.Scope) -> tuple[dict[str, dict], dict[str, dict]]:
    """Every KPI and note for every institution of the dataset (the picked ones and the
    others), the rest of the scope kept: the by-institution table stays whole when one is
    picked. Returns (values, notes), each ``{institution_id: {name: value}}``."""
    from metrics.grouped import figures_per_institution

    tables = load_cached(path, stamp).tables
    wide = scope.replace(institutions=frozenset())
    ctx = metrics.KpiContext(tables, wide, scoped_tables(path, stamp, wide), dataset_cache(path, stamp))
    ids = metrics.all_institutions(tables)
    return figures_per_institution(ctx, ids)
